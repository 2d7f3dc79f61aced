package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-json-experiment/json/jsontext"
)

// Hostile inputs are generated at run time from real documents: nothing big is
// committed, and nothing big is written to disk when a stream will do.

// offsets returns n offsets spread evenly over [lo, size), plus every offset
// below every: the first bytes of a document are where most parsers go wrong.
func offsets(size, n, every int) []int {
	seen := map[int]bool{}
	var out []int
	add := func(o int) {
		if o >= 0 && o < size && !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	for o := 0; o < every; o++ {
		add(o)
	}
	for i := 0; i < n; i++ {
		add(every + (size-every)*i/n)
	}
	add(size - 1)
	return out
}

// replaceAt returns doc with the JSON value at pointer ptr (RFC 6901) replaced
// by repl, the rest of the document byte for byte as it was.
func replaceAt(doc []byte, ptr, repl string) ([]byte, error) {
	start, end, err := valueAt(doc, ptr)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(doc)+len(repl))
	out = append(out, doc[:start]...)
	out = append(out, repl...)
	return append(out, doc[end:]...), nil
}

// valueAt returns where the value at ptr starts and ends in doc.
func valueAt(doc []byte, ptr string) (start, end int64, err error) {
	dec := jsontext.NewDecoder(bytes.NewReader(doc), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	start, end, found, err := valueSpan(dec, "", ptr)
	if err != nil {
		return 0, 0, err
	}
	if !found {
		return 0, 0, fmt.Errorf("no value at %s", ptr)
	}
	// The decoder's offset before a value is after the previous token: skip the
	// separator and whitespace that still stand before the value.
	for start < end && strings.IndexByte(" \t\r\n:,", doc[start]) >= 0 {
		start++
	}
	return start, end, nil
}

// valueSpan walks the value at the decoder's position, whose pointer is at,
// looking for the value at target.
func valueSpan(dec *jsontext.Decoder, at, target string) (start, end int64, found bool, err error) {
	if at == target {
		start = dec.InputOffset()
		if err := dec.SkipValue(); err != nil {
			return 0, 0, false, err
		}
		return start, dec.InputOffset(), true, nil
	}
	if !strings.HasPrefix(target, at+"/") {
		return 0, 0, false, dec.SkipValue()
	}
	switch dec.PeekKind() {
	case '{':
		if _, err := dec.ReadToken(); err != nil {
			return 0, 0, false, err
		}
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return 0, 0, false, err
			}
			esc := strings.NewReplacer("~", "~0", "/", "~1").Replace(name.String())
			if start, end, found, err = valueSpan(dec, at+"/"+esc, target); err != nil || found {
				return start, end, found, err
			}
		}
		_, err := dec.ReadToken()
		return 0, 0, false, err
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return 0, 0, false, err
		}
		for i := 0; dec.PeekKind() != ']'; i++ {
			if start, end, found, err = valueSpan(dec, at+"/"+strconv.Itoa(i), target); err != nil || found {
				return start, end, found, err
			}
		}
		_, err := dec.ReadToken()
		return 0, 0, false, err
	}
	return 0, 0, false, dec.SkipValue()
}

// mustReplace is replaceAt for fixtures known to hold the pointer.
func mustReplace(t *testing.T, doc []byte, ptr, repl string) []byte {
	t.Helper()
	out, err := replaceAt(doc, ptr, repl)
	if err != nil {
		t.Fatalf("replace %s: %v", ptr, err)
	}
	return out
}

// nested is depth levels of open arrays ([[[…]]]) or objects ({"a":{"a":…}}),
// closed again, around a 0.
func nested(depth int, object bool) []byte {
	open, close := "[", "]"
	if object {
		open, close = `{"a":`, "}"
	}
	var b bytes.Buffer
	b.Grow(depth * (len(open) + len(close)))
	for i := 0; i < depth; i++ {
		b.WriteString(open)
	}
	b.WriteString("0")
	for i := 0; i < depth; i++ {
		b.WriteString(close)
	}
	return b.Bytes()
}

// hugeString is a reader of prefix, then a JSON string of n bytes of 'a', then
// suffix, made as it is read: a gigabyte of input without a gigabyte of memory.
type hugeString struct {
	prefix, suffix []byte
	n              int64
	pos            int64
	chunk          []byte
}

func newHugeString(prefix string, n int64, suffix string) *hugeString {
	return &hugeString{prefix: []byte(prefix + `"`), suffix: []byte(`"` + suffix), n: n, chunk: bytes.Repeat([]byte("a"), 64<<10)}
}

func (h *hugeString) Read(p []byte) (int, error) {
	total := int64(len(h.prefix)) + h.n + int64(len(h.suffix))
	if h.pos >= total {
		return 0, io.EOF
	}
	written := 0
	for len(p) > 0 && h.pos < total {
		var n int
		switch {
		case h.pos < int64(len(h.prefix)):
			n = copy(p, h.prefix[h.pos:])
		case h.pos < int64(len(h.prefix))+h.n:
			left := int64(len(h.prefix)) + h.n - h.pos
			src := h.chunk
			if int64(len(src)) > left {
				src = src[:left]
			}
			n = copy(p, src)
		default:
			n = copy(p, h.suffix[h.pos-int64(len(h.prefix))-h.n:])
		}
		p = p[n:]
		h.pos += int64(n)
		written += n
	}
	return written, nil
}

// read is how much of the huge string was consumed, a measure of how early the
// reader gave up.
func (h *hugeString) read() int64 { return h.pos }

// utf16Encode encodes s as UTF-16 with a byte order mark, as PowerShell's
// redirection writes it (little endian) or some editors do (big endian).
func utf16Encode(s []byte, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(string(s)))
	var order binary.AppendByteOrder = binary.LittleEndian
	if bigEndian {
		order = binary.BigEndian
	}
	out := make([]byte, 0, 2*len(units)+2)
	if bom {
		out = order.AppendUint16(out, 0xfeff)
	}
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

// zipEntry is one entry of a hand-made zip archive.
type zipEntry struct {
	name string
	data []byte
	// store keeps the entry uncompressed.
	store bool
}

// makeZip writes a zip archive of entries.
func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		method := zip.Deflate
		if e.store {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb is a planfile-shaped archive whose tfplan entry inflates to size
// bytes of zeros from a small deflate stream.
func zipBomb(t *testing.T, size int64) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "tfplan", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for left := size; left > 0; left -= int64(len(zeros)) {
		if _, err := w.Write(zeros[:min(int64(len(zeros)), left)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// manyEntries is an archive of n empty entries plus an empty tfplan.
func manyEntries(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < n; i++ {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: "e" + strconv.Itoa(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := zw.CreateHeader(&zip.FileHeader{Name: "tfplan", Method: zip.Store}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
