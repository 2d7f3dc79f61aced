package plan

import (
	"bytes"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
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

func (v Value) member(key string) Value {
	var found Value
	v.Members(func(k string, m Value) bool {
		if k == key {
			found = m
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
// It does nothing for a value that is not a well-formed object.
func (v Value) Members(fn func(key string, val Value) bool) {
	if v.Kind() != '{' {
		return
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return
		}
		key := name.String()
		raw, err := dec.ReadValue()
		if err != nil {
			return
		}
		// Hand out a slice of v itself, not of the decoder's buffer, so callers may keep it.
		end := int(dec.InputOffset())
		if !fn(key, v[end-len(raw):end:end]) {
			return
		}
	}
}

// memberOffsets returns, for each member of an object whose name has no escapes, the
// offsets of its name (inside the quotes) and of its value. It never returns nil, so an
// empty result still marks the index as built.
func (v Value) memberOffsets() []uint32 {
	out := make([]uint32, 0, 64)
	if v.Kind() != '{' {
		return out
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return out
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue() // a member name is a string value: raw, with quotes
		if err != nil {
			return out
		}
		kEnd := int(dec.InputOffset())
		kStart := kEnd - len(name)
		escaped := bytes.IndexByte(name, '\\') >= 0
		raw, err := dec.ReadValue()
		if err != nil {
			return out
		}
		vEnd := int(dec.InputOffset())
		if escaped {
			continue // Terraform attribute names never need escapes
		}
		out = append(out, uint32(kStart+1), uint32(kEnd-1), uint32(vEnd-len(raw)), uint32(vEnd))
	}
	return out[:len(out):len(out)]
}

// Elements calls fn for each element of an array, in order, until fn returns false.
func (v Value) Elements(fn func(val Value) bool) {
	if v.Kind() != '[' {
		return
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return
	}
	for dec.PeekKind() != ']' {
		raw, err := dec.ReadValue()
		if err != nil {
			return
		}
		end := int(dec.InputOffset())
		if !fn(v[end-len(raw) : end : end]) {
			return
		}
	}
}

// Str returns the value as a string when it is a JSON string.
func (v Value) Str() (string, bool) {
	if v.Kind() != '"' {
		return "", false
	}
	var s string
	tok, err := jsontext.NewDecoder(bytes.NewReader(v)).ReadToken()
	if err != nil {
		return "", false
	}
	s = tok.String()
	return s, true
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
