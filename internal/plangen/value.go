package plangen

import (
	"bufio"
	"slices"
	"strconv"
	"strings"
)

// The value model mirrors what Terraform's JSON plan encodes for a resource
// instance: objects (resource attributes, nested blocks, maps such as tags),
// lists (blocks, sets, lists), primitives, values that are unknown until
// apply, and values that are marked sensitive. One tree per instance is
// enough to write the instance's values, its after_unknown and its
// before_sensitive/after_sensitive shapes the way Terraform derives them.

// attr is one attribute of an object.
type attr struct {
	k string
	v any
}

// object is an attribute map written in key order, as Terraform writes them.
type object []attr

// list is a JSON array (Terraform lists, sets and blocks).
type list []any

// unknownValue is a value known only after apply.
type unknownValue struct{}

// secret marks its value sensitive; Terraform still writes the value itself
// in before/after and marks its path in the *_sensitive shapes.
type secret struct{ v any }

var unknown = unknownValue{}

// obj builds an object with its attributes sorted by key.
func obj(kv ...any) object {
	o := make(object, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, attr{k: kv[i].(string), v: kv[i+1]})
	}
	slices.SortFunc(o, func(a, b attr) int { return strings.Compare(a.k, b.k) })
	return o
}

// strs builds a list of strings.
func strs(s ...string) list {
	l := make(list, len(s))
	for i, v := range s {
		l[i] = v
	}
	return l
}

// get returns the value of an attribute, or nil.
func (o object) get(k string) any {
	for _, a := range o {
		if a.k == k {
			return a.v
		}
	}
	return nil
}

// set replaces an attribute's value (the attribute must exist).
func (o object) set(k string, v any) {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return
		}
	}
	panic("plangen: no attribute " + k)
}

// hasUnknown reports whether any part of v is unknown.
func hasUnknown(v any) bool {
	switch t := v.(type) {
	case unknownValue:
		return true
	case secret:
		return hasUnknown(t.v)
	case object:
		for _, a := range t {
			if hasUnknown(a.v) {
				return true
			}
		}
	case list:
		for _, e := range t {
			if hasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// out is a buffered JSON writer that keeps the first error.
type out struct {
	w   *bufio.Writer
	err error
	tmp []byte
}

func (o *out) raw(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(s)
	}
}

func (o *out) byte(b byte) {
	if o.err == nil {
		o.err = o.w.WriteByte(b)
	}
}

func (o *out) int(n int64) {
	o.tmp = strconv.AppendInt(o.tmp[:0], n, 10)
	if o.err == nil {
		_, o.err = o.w.Write(o.tmp)
	}
}

const hexDigits = "0123456789abcdef"

// str writes s as a JSON string, escaping like encoding/json (which is what
// Terraform uses), including its HTML-safe escapes.
func (o *out) str(s string) {
	if o.err != nil {
		return
	}
	w := o.w
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		w.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case '\n':
			w.WriteString(`\n`)
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hexDigits[c>>4])
			w.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	w.WriteString(s[start:])
	o.err = w.WriteByte('"')
}

// key writes "k":
func (o *out) key(k string) {
	o.str(k)
	o.byte(':')
}

// value writes v with unknown values omitted the way Terraform omits them:
// dropped from objects, null inside lists.
func (o *out) value(v any) {
	switch t := v.(type) {
	case nil:
		o.raw("null")
	case string:
		o.str(t)
	case bool:
		if t {
			o.raw("true")
		} else {
			o.raw("false")
		}
	case int:
		o.int(int64(t))
	case int64:
		o.int(t)
	case float64:
		o.tmp = strconv.AppendFloat(o.tmp[:0], t, 'f', -1, 64)
		o.raw(string(o.tmp))
	case secret:
		o.value(t.v)
	case unknownValue:
		o.raw("null")
	case object:
		o.byte('{')
		first := true
		for _, a := range t {
			if _, ok := a.v.(unknownValue); ok {
				continue
			}
			if !first {
				o.byte(',')
			}
			first = false
			o.key(a.k)
			o.value(a.v)
		}
		o.byte('}')
	case list:
		o.byte('[')
		for i, e := range t {
			if i > 0 {
				o.byte(',')
			}
			o.value(e)
		}
		o.byte(']')
	default:
		panic("plangen: unsupported value type")
	}
}

// shapeKind selects which marks a shape reports.
type shapeKind int

const (
	unknownShape shapeKind = iota
	sensitiveShape
)

// marked reports whether v is a leaf carrying the mark (true in the shape).
func marked(v any, k shapeKind) bool {
	switch v.(type) {
	case unknownValue:
		return k == unknownShape
	case secret:
		return k == sensitiveShape
	}
	return false
}

// leafFalse reports whether v's shape is the plain false that Terraform
// leaves out of objects: nulls and unmarked primitives.
func leafFalse(v any, k shapeKind) bool {
	if marked(v, k) {
		return false
	}
	switch t := v.(type) {
	case object, list:
		return false
	case secret:
		return leafFalse(t.v, k)
	}
	return true
}

// shape writes Terraform's boolean mirror of v (after_unknown,
// before_sensitive, after_sensitive, sensitive_values): true for a marked
// leaf, false for other leaves inside lists, omitted inside objects, and the
// structure of every collection.
func (o *out) shape(v any, k shapeKind) {
	if marked(v, k) {
		o.raw("true")
		return
	}
	switch t := v.(type) {
	case secret:
		o.shape(t.v, k)
	case object:
		o.byte('{')
		first := true
		for _, a := range t {
			if leafFalse(a.v, k) {
				continue
			}
			if !first {
				o.byte(',')
			}
			first = false
			o.key(a.k)
			o.shape(a.v, k)
		}
		o.byte('}')
	case list:
		o.byte('[')
		for i, e := range t {
			if i > 0 {
				o.byte(',')
			}
			o.shape(e, k)
		}
		o.byte(']')
	default:
		o.raw("false")
	}
}
