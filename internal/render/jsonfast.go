package render

import (
	"encoding"
	"encoding/binary"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// The report's long lists (findings, blast radius, changes) are plain structs of
// strings, numbers, booleans and lists of them. Encoding them through json.MarshalWrite
// was most of the JSON report's time: its encoder checks every token against the JSON
// grammar and every object's names for duplicates, which a struct with fixed, distinct
// field names cannot break. fastEncoder writes those types from a plan made once per
// type, in exactly the bytes MarshalWrite writes with the report's options
// (TestFastEncoderEqualsMarshalWrite fills every field of every report list type);
// a type it cannot plan (maps, interfaces, custom marshalers, unknown tag options)
// keeps going through MarshalWrite.

// fastEncoder encodes values of one type to out.
type fastEncoder func(out *segments, v reflect.Value, depth int) error

// segments is encoded JSON as a list of buffers of segmentSize bytes (a string longer
// than what is left of one makes it longer). A new buffer starts only at the start of
// a line, so an element of any size — the 100k plan's environment mismatch is 18 MB —
// costs its size in buffers, which go back to the ring, never copies of itself as a
// single buffer grows.
type segments struct {
	full [][]byte
	b    []byte
	ring *bufferRing
}

const segmentSize = 64 << 10

// newline starts a line at depth: the report is indented by two spaces.
func (o *segments) newline(depth int) {
	if cap(o.b)-len(o.b) < 1024 {
		if len(o.b) > 0 {
			o.full = append(o.full, o.b)
		}
		o.b = o.ring.get()
	}
	o.b = append(o.b, '\n')
	for range depth {
		o.b = append(o.b, "  "...)
	}
}

// bytes returns the buffers in order.
func (o *segments) bytes() [][]byte {
	if len(o.b) > 0 {
		o.full, o.b = append(o.full, o.b), nil
	}
	return o.full
}

// fastField is one struct field of a plan.
type fastField struct {
	index int
	// name is the quoted name followed by ": ", as the indented encoding writes it.
	name                []byte
	omitEmpty, omitZero bool
	enc                 fastEncoder
}

var fastEncoders sync.Map // reflect.Type → fastEncoder, or nil when the type is not planned

// fastEncoderFor returns the encoder of t, or nil when t must go through MarshalWrite.
func fastEncoderFor(t reflect.Type) fastEncoder {
	if e, ok := fastEncoders.Load(t); ok {
		return e.(fastEncoder)
	}
	e := planFast(t, map[reflect.Type]bool{})
	fastEncoders.Store(t, e)
	return e
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	marshalerToType   = reflect.TypeFor[json.MarshalerTo]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	textAppenderType  = reflect.TypeFor[encoding.TextAppender]()
)

// customMarshal reports whether t (or *t) encodes itself.
func customMarshal(t reflect.Type) bool {
	for _, it := range []reflect.Type{marshalerType, marshalerToType, textMarshalerType, textAppenderType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// planFast builds the encoder of t; visiting guards against recursive types, which
// the report does not have and which are left to MarshalWrite.
func planFast(t reflect.Type, visiting map[reflect.Type]bool) fastEncoder {
	if customMarshal(t) || visiting[t] {
		return nil
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.String:
		return func(o *segments, v reflect.Value, _ int) (err error) {
			o.b, err = appendQuoted(o.b, v.String())
			return err
		}
	case reflect.Bool:
		return func(o *segments, v reflect.Value, _ int) error {
			o.b = strconv.AppendBool(o.b, v.Bool())
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(o *segments, v reflect.Value, _ int) error {
			o.b = strconv.AppendInt(o.b, v.Int(), 10)
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if t.Kind() == reflect.Uint8 {
			return nil // []byte is base64 in JSON
		}
		return func(o *segments, v reflect.Value, _ int) error {
			o.b = strconv.AppendUint(o.b, v.Uint(), 10)
			return nil
		}
	case reflect.Pointer:
		elem := planFast(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return func(o *segments, v reflect.Value, depth int) error {
			if v.IsNil() {
				o.b = append(o.b, "null"...)
				return nil
			}
			return elem(o, v.Elem(), depth)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		elem := planFast(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return func(o *segments, v reflect.Value, depth int) error {
			n := v.Len()
			if n == 0 {
				o.b = append(o.b, "[]"...)
				return nil
			}
			o.b = append(o.b, '[')
			for i := range n {
				if i > 0 {
					o.b = append(o.b, ',')
				}
				o.newline(depth + 1)
				if err := elem(o, v.Index(i), depth+1); err != nil {
					return err
				}
			}
			o.newline(depth)
			o.b = append(o.b, ']')
			return nil
		}
	case reflect.Struct:
		return planStruct(t, visiting)
	}
	return nil
}

func planStruct(t reflect.Type, visiting map[reflect.Type]bool) fastEncoder {
	var fields []fastField
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil // embedded fields have their own rules
		}
		tag, hasTag := sf.Tag.Lookup("json")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !hasTag || name == "" {
			name = sf.Name
		}
		if strings.ContainsAny(name, "\"\\'") {
			return nil
		}
		f := fastField{index: i}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
			default:
				return nil // string, inline, format:…, case:…: left to MarshalWrite
			}
		}
		if f.enc = planFast(sf.Type, visiting); f.enc == nil {
			return nil
		}
		q, err := appendQuoted(nil, name)
		if err != nil {
			return nil
		}
		f.name = append(q, ": "...)
		fields = append(fields, f)
	}
	return func(o *segments, v reflect.Value, depth int) error {
		o.b = append(o.b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fv := v.Field(f.index)
			if f.omitZero && fv.IsZero() || f.omitEmpty && emptyJSON(fv) {
				continue
			}
			if !first {
				o.b = append(o.b, ',')
			}
			first = false
			o.newline(depth + 1)
			o.b = append(o.b, f.name...)
			if err := f.enc(o, fv, depth+1); err != nil {
				return err
			}
		}
		if !first {
			o.newline(depth)
		}
		o.b = append(o.b, '}')
		return nil
	}
}

// appendQuoted appends s as a JSON string. Strings with nothing to escape, the
// great majority, are copied; the others go through jsontext.AppendQuote, which is
// what MarshalWrite uses, so escapes and the error for invalid UTF-8 are the same.
func appendQuoted(dst []byte, s string) ([]byte, error) {
	// Eight bytes at a time while no byte needs a look (the report's strings are
	// addresses, ARNs and sentences): jsonscan.EscapeMask marks the bytes to escape,
	// and the high bits the non-ASCII ones, whose UTF-8 is checked once at the end. The
	// rest, and a word that holds a byte to escape, go through the byte loop.
	ascii := true
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if jsonscan.EscapeMask(w) != 0 {
			break
		}
		if w&0x8080808080808080 != 0 {
			ascii = false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return jsontext.AppendQuote(dst, s)
		} else if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(s) {
		return jsontext.AppendQuote(dst, s)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"'), nil
}
