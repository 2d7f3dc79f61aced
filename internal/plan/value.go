package plan

import (
	"bytes"
	"strconv"
	"unsafe"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// Value is a raw JSON value from a plan: an object's attributes, a sensitivity mask,
// or any part of them. It is decoded on demand, so unread values cost only their bytes.
// A nil Value is absent; the JSON literal null is IsNull too.
type Value []byte

// IsNull reports an absent value or JSON null.
func (v Value) IsNull() bool {
	t := bytes.TrimSpace(v)
	return len(t) == 0 || string(t) == "null"
}

// Kind is the JSON kind of the value: '{', '[', '"', '0', 't', 'f', 'n', or 0 when absent.
func (v Value) Kind() byte {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return 0
	}
	switch c := t[0]; c {
	case '{', '[', '"', 't', 'f', 'n':
		return c
	default:
		return '0'
	}
}

// Get follows path through objects (by key) and arrays (by decimal index) and returns
// the value there, or nil when any step is missing.
func (v Value) Get(path ...string) Value {
	cur := v
	for _, step := range path {
		switch cur.Kind() {
		case '{':
			cur = cur.member(step)
		case '[':
			i, err := strconv.Atoi(step)
			if err != nil {
				return nil
			}
			cur = cur.element(i)
		default:
			return nil
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// member finds a member by name without allocating for names that need no unescaping
// (all of Terraform's): sensitivity masks are asked for every attribute of evidence.
func (v Value) member(key string) Value {
	var found Value
	jsonscan.Members(v, func(k []byte, escaped bool, m []byte) bool {
		if escaped {
			d, ok := jsonscan.UnescapeKey(nil, k)
			if !ok {
				return false
			}
			k = d
		}
		if string(k) == key {
			found = Value(m)
			return false
		}
		return true
	})
	return found
}

func (v Value) element(i int) Value {
	var found Value
	n := 0
	v.Elements(func(e Value) bool {
		if n == i {
			found = e
			return false
		}
		n++
		return true
	})
	return found
}

// Members calls fn for each member of an object, in order, until fn returns false.
// It does nothing for a value that is not an object. Values come validated from the
// plan and state readers; on malformed bytes iteration stops early.
func (v Value) Members(fn func(key string, val Value) bool) {
	jsonscan.Members(v, func(k []byte, escaped bool, m []byte) bool {
		key := string(k)
		if escaped {
			d, ok := jsonscan.UnescapeKey(nil, k)
			if !ok {
				return false
			}
			key = string(d)
		}
		return fn(key, Value(m))
	})
}

// memberOffsets appends to out, for each member of an object whose name has no
// escapes, the offsets of its name (inside the quotes) and of its value.
func (v Value) memberOffsets(out []uint32) []uint32 {
	if len(v) > 0 {
		base := &v[0]
		jsonscan.Members(v, func(k []byte, escaped bool, m []byte) bool {
			if escaped {
				return true // Terraform attribute names never need escapes
			}
			out = append(out, offset(base, k), offset(base, k)+uint32(len(k)), offset(base, m), offset(base, m)+uint32(len(m)))
			return true
		})
	}
	return out
}

// offset is the position of the first byte of sub within the value starting at base.
func offset(base *byte, sub []byte) uint32 {
	if len(sub) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&sub[0])) - uintptr(unsafe.Pointer(base)))
}

// Elements calls fn for each element of an array, in order, until fn returns false.
func (v Value) Elements(fn func(val Value) bool) {
	jsonscan.Elements(v, func(e []byte) bool { return fn(Value(e)) })
}

// Str returns the value as a string when it is a JSON string.
func (v Value) Str() (string, bool) {
	if v.Kind() != '"' {
		return "", false
	}
	return jsonscan.Unquote(v)
}

// ScalarShared is Scalar for the values a decoded plan or state keeps, which nothing
// writes to: a string without escapes shares the value's bytes instead of being
// copied. Rules quote attributes of tens of thousands of changes as evidence, and a
// copy of each cost the 100k-resource plan megabytes. Do not use it on a value that
// points into a buffer that is reused.
func (v Value) ScalarShared() (string, bool) {
	if s, ok := jsonscan.SharedString(v); ok {
		return s, true
	}
	return v.Scalar()
}

// Bool returns the value as a bool when it is a JSON boolean.
func (v Value) Bool() (val, ok bool) {
	switch string(bytes.TrimSpace(v)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Scalar renders a string, number or boolean as text; ok is false for objects,
// arrays, null and absent values.
func (v Value) Scalar() (string, bool) {
	switch v.Kind() {
	case '"':
		return v.Str()
	case '0', 't', 'f':
		return string(bytes.TrimSpace(v)), true
	}
	return "", false
}

// Leaves calls fn with the path and text of every string, number and boolean inside
// the value, depth first, until fn returns false. Paths use object keys and decimal
// array indexes. The path slice is reused between calls: copy it to keep it.
func (v Value) Leaves(fn func(path []string, text string) bool) {
	v.leaves(nil, fn)
}

func (v Value) leaves(path []string, fn func([]string, string) bool) bool {
	switch v.Kind() {
	case '{':
		cont := true
		v.Members(func(k string, m Value) bool {
			cont = m.leaves(append(path, k), fn)
			return cont
		})
		return cont
	case '[':
		cont, i := true, 0
		v.Elements(func(e Value) bool {
			cont = e.leaves(append(path, strconv.Itoa(i)), fn)
			i++
			return cont
		})
		return cont
	default:
		if s, ok := v.Scalar(); ok {
			return fn(path, s)
		}
		return true
	}
}

// SensitiveAt reports whether a sensitivity mask (before_sensitive or after_sensitive)
// marks path, or any parent of it, as sensitive. A mask that is itself true marks
// everything.
func SensitiveAt(mask Value, path []string) bool {
	cur := mask
	for _, step := range path {
		if b, ok := cur.Bool(); ok {
			return b
		}
		cur = cur.Get(step)
		if cur == nil {
			return false
		}
	}
	b, _ := cur.Bool()
	if b {
		return true
	}
	// a container mask with any true inside marks a composite value as partly sensitive
	k := cur.Kind()
	if k == '{' || k == '[' {
		any := false
		cur.Leaves(func(_ []string, text string) bool {
			if text == "true" {
				any = true
				return false
			}
			return true
		})
		return any
	}
	return false
}
