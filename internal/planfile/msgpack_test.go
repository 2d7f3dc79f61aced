package planfile

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSkipEveryKind puts a value of every MessagePack kind before an allowed key: the
// key is found only if each value was skipped by exactly its length.
func TestSkipEveryKind(t *testing.T) {
	kinds := map[string][]byte{
		"positive fixint": {0x05}, "negative fixint": {0xff}, "nil": {0xc0}, "false": {0xc2}, "true": {0xc3},
		"fixmap":   {0x81, 0xa1, 'a', 0x01},
		"fixarray": {0x92, 0x01, 0xa1, 'b'},
		"fixstr":   {0xa3, 'a', 'b', 'c'},
		"str8":     {0xd9, 0x02, 'h', 'i'},
		"str16":    {0xda, 0x00, 0x01, 'x'},
		"str32":    {0xdb, 0x00, 0x00, 0x00, 0x01, 'x'},
		"bin8":     {0xc4, 0x02, 0x00, 0x01},
		"bin16":    {0xc5, 0x00, 0x01, 0x00},
		"bin32":    {0xc6, 0x00, 0x00, 0x00, 0x01, 0x00},
		"float32":  {0xca, 0, 0, 0, 0},
		"float64":  {0xcb, 0, 0, 0, 0, 0, 0, 0, 0},
		"uint8":    {0xcc, 1}, "uint16": {0xcd, 0, 1}, "uint32": {0xce, 0, 0, 0, 1}, "uint64": {0xcf, 0, 0, 0, 0, 0, 0, 0, 1},
		"int8": {0xd0, 1}, "int16": {0xd1, 0, 1}, "int32": {0xd2, 0, 0, 0, 1}, "int64": {0xd3, 0, 0, 0, 0, 0, 0, 0, 1},
		"fixext1":                     {0xd4, 0x00, 0x00}, // cty's unknown value
		"fixext2":                     {0xd5, 0x01, 0, 0},
		"fixext4":                     {0xd6, 0x01, 0, 0, 0, 0},
		"fixext8":                     {0xd7, 0x01, 0, 0, 0, 0, 0, 0, 0, 0},
		"fixext16":                    {0xd8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		"ext8":                        {0xc7, 0x02, 0x01, 0, 0},
		"ext16":                       {0xc8, 0x00, 0x01, 0x01, 0},
		"ext32":                       {0xc9, 0x00, 0x00, 0x00, 0x01, 0x01, 0},
		"array16":                     {0xdc, 0x00, 0x01, 0xc0},
		"array32":                     {0xdd, 0x00, 0x00, 0x00, 0x01, 0xc0},
		"map16":                       {0xde, 0x00, 0x01, 0xa1, 'k', 0xc0},
		"map32":                       {0xdf, 0x00, 0x00, 0x00, 0x01, 0xa1, 'k', 0xc0},
		"dynamic":                     {0x92, 0xa8, '"', 's', 't', 'r', 'i', 'n', 'g', '"', 0xa1, 'v'}, // [type JSON, value]
		"non-string as allowed value": nil,
	}
	for name, v := range kinds {
		t.Run(name, func(t *testing.T) {
			var doc []byte
			if v == nil {
				doc = mpMap("bucket", []byte{0x01}, "key", mpStr("k"))
			} else {
				doc = mpMap("skipped", v, "key", mpStr("k"))
			}
			got, err := stringFields(doc, identityAttributes, nestedIdentity)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]string{"key": "k"}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	tests := map[string][]byte{
		"empty":                 {},
		"truncated string":      {0x81, 0xa3, 'k', 'e'},
		"length beyond the end": {0x81, 0xa1, 'x', 0xdb, 0xff, 0xff, 0xff, 0xff},
		"reserved byte":         {0x81, 0xa1, 'x', 0xc1},
		"too deep":              append(append([]byte{0x81, 0xa1, 'x'}, repeat(0x91, 100)...), 0xc0),
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := stringFields(doc, identityAttributes, nestedIdentity)
			if !errors.Is(err, errMsgpack) {
				t.Fatalf("error = %v, want errMsgpack", err)
			}
		})
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}
