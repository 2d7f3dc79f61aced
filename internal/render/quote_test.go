package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// appendQuoted must write exactly what jsontext.AppendQuote writes (MarshalWrite's
// escapes) and fail where it fails, whichever byte of an eight-byte word the byte to
// escape or the non-ASCII text falls in, and in the tail shorter than a word.
func TestAppendQuotedEqualsAppendQuote(t *testing.T) {
	var cases []string
	for _, special := range []string{"\"", "\\", "\x00", "\x1f", "\n", "\x7f", " ", "é", "\u2028", "\xff", "\xe2\x82", "<", "&"} {
		for n := 0; n < 20; n++ {
			for at := 0; at <= n; at++ {
				cases = append(cases, strings.Repeat("a", at)+special+strings.Repeat("b", n-at))
			}
		}
	}
	cases = append(cases, "", "arn:aws:iam::123456789012:role/app", strings.Repeat("x", 64), "Ω"+strings.Repeat("z", 9))
	for _, s := range cases {
		checkQuoted(t, s)
	}
}

func FuzzAppendQuoted(f *testing.F) {
	for _, s := range []string{"", "plain words", "a\"b", "tab\there", "caf\xc3\xa9 au lait", "bad \xff utf-8", "12345678\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuoted(t, s) })
}

func checkQuoted(t *testing.T, s string) {
	t.Helper()
	got, gotErr := appendQuoted([]byte("x"), s)
	want, wantErr := jsontext.AppendQuote([]byte("x"), s)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, jsontext.AppendQuote's %v", s, gotErr, wantErr)
	}
	if gotErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("%q: wrote %q, jsontext.AppendQuote writes %q", s, got, want)
	}
}
