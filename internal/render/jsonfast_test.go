package render

import (
	"bufio"
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// fill sets every exported field of v, recursively, from the n-th of a set of values:
// n = 0 leaves every field zero (what omitempty and omitzero drop), the others give
// strings that need escaping, non-ASCII text, negative and large numbers, empty and
// long lists, nil and set pointers. A field added to a report type is filled too, so
// the fast encoder cannot silently fall behind the struct.
func fill(t *testing.T, v reflect.Value, n int) {
	strs := []string{"", `plain`, "quote \" back \\ nl \n tab \t ctl \x01 del \x7f", "日本語 — ✓ \u2028 <&>", strings.Repeat("x", 3000)}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[n%len(strs)])
	case reflect.Bool:
		v.SetBool(n%2 == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{0, 7, -3, 1 << 40, 1}[n%5])
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint([]uint64{0, 7, 1 << 40}[n%3])
	case reflect.Pointer:
		if n%3 == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		l := []int{0, 1, 3, 0, 2}[n%5]
		s := reflect.MakeSlice(v.Type(), l, l)
		for i := range l {
			fill(t, s.Index(i), n+i+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n+i)
			}
		}
	default:
		t.Fatalf("fill: %s is not a kind the report's lists hold; teach fill and the fast encoder", v.Type())
	}
}

// TestFastEncoderEqualsMarshalWrite: for every long list of the report, the fast
// encoder writes the bytes json.MarshalWrite writes, with every field zero, set, and
// set to values that need escaping.
func TestFastEncoderEqualsMarshalWrite(t *testing.T) {
	for _, list := range []any{[]report.Finding{}, []report.Impact{}, []report.Change{}, []report.Step{}, []report.Output{}} {
		typ := reflect.TypeOf(list)
		t.Run(typ.Elem().Name(), func(t *testing.T) {
			if fastEncoderFor(typ.Elem()) == nil {
				t.Fatalf("no fast encoder for %s: the JSON report's long lists would fall back to MarshalWrite", typ.Elem())
			}
			s := reflect.MakeSlice(typ, 0, 0)
			for n := range 3*listChunk + 5 {
				e := reflect.New(typ.Elem()).Elem()
				fill(t, e, n)
				s = reflect.Append(s, e)
			}
			var got bytes.Buffer
			w := bufio.NewWriter(&got)
			if err := writeList(w, s.Len(), typ.Elem(), func(_, lo, hi int) reflect.Value { return s.Slice(lo, hi) }, newBufferRing()); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			var want bytes.Buffer
			if err := json.MarshalWrite(&want, s.Interface(), jsonOptions, jsontext.WithIndentPrefix("  ")); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("fast encoder differs from MarshalWrite:\n%s", cmp.Diff(want.String(), got.String()))
			}
		})
	}
}

// TestFastEncoderInvalidUTF8 fails like MarshalWrite does on a string that is not UTF-8.
func TestFastEncoderInvalidUTF8(t *testing.T) {
	s := reflect.ValueOf([]report.Change{{Address: "aws_s3_bucket.\xff"}})
	w := bufio.NewWriter(&bytes.Buffer{})
	err := writeList(w, s.Len(), s.Type().Elem(), func(_, lo, hi int) reflect.Value { return s.Slice(lo, hi) }, newBufferRing())
	if err == nil {
		t.Fatal("want an error for invalid UTF-8")
	}
	if werr := json.MarshalWrite(&bytes.Buffer{}, s.Interface(), jsonOptions); werr == nil {
		t.Fatal("MarshalWrite accepted invalid UTF-8; the fast encoder must follow it")
	}
}

// TestFastEncoderDeclines: types the plan cannot write exactly are left to MarshalWrite.
func TestFastEncoderDeclines(t *testing.T) {
	type withMap struct {
		M map[string]int `json:"m"`
	}
	type withStringOpt struct {
		N int `json:"n,string"`
	}
	type inner struct{ A string }
	type embedded struct {
		inner
		B string
	}
	type withBytes struct {
		B []byte `json:"b"`
	}
	for _, v := range []any{withMap{}, withStringOpt{}, embedded{}, withBytes{}} {
		typ := reflect.TypeOf(v)
		if fastEncoderFor(typ) != nil {
			t.Errorf("%s: want no fast encoder", typ)
		}
	}
}
