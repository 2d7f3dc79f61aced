package jsonscan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// skipResult is what Skip and End say about b, read through a buffer of bufSize bytes,
// with or without the split, and how many of its bytes the helper validated.
func skipResult(b []byte, bufSize, maxDepth int, split bool) (string, int) {
	s := NewStream(bytes.NewReader(b), 0)
	s.buf = make([]byte, bufSize)
	s.SplitSkip = split
	s.v.MaxDepth = maxDepth
	err := s.Skip()
	if err == nil {
		err = s.End()
	}
	return fmt.Sprintf("offset %d err %v", s.Offset(), err), s.helpedN
}

// sameSkip fails when the split validator and the serial one disagree on b.
func sameSkip(t *testing.T, name string, b []byte, bufSize, maxDepth int) int {
	t.Helper()
	want, _ := skipResult(b, bufSize, maxDepth, false)
	got, splits := skipResult(b, bufSize, maxDepth, true)
	if got != want {
		t.Fatalf("%s (buffer %d, depth %d): split skip gave %s, serial gave %s", name, bufSize, maxDepth, got, want)
	}
	return splits
}

// resourcesDoc is shaped like planned_values: a long array of objects, with strings
// that hold the sync point's bytes escaped.
func resourcesDoc(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"planned_values":{"root_module":{"resources":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"address":"aws_iam_role.r%d","values":{"policy":"[{\"Effect\":\"Allow\"},{\"a\":1}]","tags":{"n":%d},"list":[{"x":[true,null,{"y":-1.5e3}]},{"z":"é"}]}}`, i, i)
	}
	b.WriteString(`]}},"resource_changes":[]}`)
	return []byte(b.String())
}

func withSplitMin(t *testing.T, n int) {
	old := splitMin
	splitMin = n
	t.Cleanup(func() { splitMin = old })
}

func TestSplitSkipAgreesWithSerial(t *testing.T) {
	withSplitMin(t, 64)
	doc := resourcesDoc(400)
	for _, size := range []int{256, 1000, 4096} {
		// The first buffer is validated serially, then the helper takes about half of
		// each, segment after segment (the policy's arrays close one every few bytes).
		if helped := sameSkip(t, "resources", doc, size, 0); size >= 1000 && helped < len(doc)/3 {
			t.Errorf("buffer %d: the helper validated %d of %d bytes, want a third or more", size, helped, len(doc))
		}
	}
	// Every kind of damage, anywhere: the same error at the same offset.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		bad := bytes.Clone(doc)
		at := rng.IntN(len(bad))
		bad[at] = `{}[],:"\ a0-e.x`[rng.IntN(15)]
		if rng.IntN(4) == 0 {
			bad = bad[:rng.IntN(len(bad))]
		}
		sameSkip(t, fmt.Sprintf("damaged at %d", at), bad, 256+rng.IntN(2048), 0)
	}
	// A nesting limit: the array at several depths, deep arrays inside its elements,
	// below and above half of the limit.
	for _, depth := range []int{2, 3, 4, 5, 6, 8, 9, 10, 12} {
		for wrap, deep := 0, 1; wrap < 6; wrap, deep = wrap+1, deep+2 {
			var b strings.Builder
			b.WriteString(strings.Repeat("[", wrap) + `[`)
			for i := range 300 {
				if i > 0 {
					b.WriteByte(',')
				}
				d := 0
				if i == 250 { // one deep element, past the first buffer (validated serially)
					d = deep
				}
				b.WriteString(`{"a":` + strings.Repeat("[", d) + "0" + strings.Repeat("]", d) + `}`)
			}
			b.WriteString(`]` + strings.Repeat("]", wrap))
			for size := 200; size < 1400; size += 37 {
				sameSkip(t, fmt.Sprintf("nested in %d, limit %d", wrap, depth), []byte(b.String()), size, depth)
			}
		}
	}
	// A sync point in an array nested deeper than half the limit, whose objects go
	// past it: only the nesting around the sync point makes them too deep.
	deepArray := `[` + strings.Repeat(`{"k":"v"},`, 100) + `[[[[[` + strings.Repeat(`0,`, 300) + `{"a":0},{"a":0}]]]]]]`
	for size := 200; size < 1400; size += 7 {
		sameSkip(t, "deep array", []byte(deepArray), size, 6)
	}
	// Sync points that are not: in strings, in objects, before non-letters.
	for _, in := range []string{
		`[` + strings.Repeat(`"x,{\"a",`, 200) + `1]`,
		`{"a":` + strings.Repeat(`{"b":1,"c":[1,{"d":2}]},`, 0) + `[` + strings.Repeat(`{"b":1},{"1":2},{" ":3},`, 100) + `{}]}`,
		`[` + strings.Repeat(`{"k":"v"},`, 300) + `{"k":"v"}]]`,
		`[` + strings.Repeat(`{"k":"v"},`, 300) + `{"k":"v"}`,
		// Invalid: the bytes of a sync point in an object, and ending a string.
		`[` + strings.Repeat(`{"k":"v"},`, 300) + `{"o":1,{"p":2}},` + strings.Repeat(`{"k":"v"},`, 30) + `1]`,
		`[` + strings.Repeat(`{"k":"v"},`, 300) + `"abc,{"def":1},` + strings.Repeat(`{"k":"v"},`, 30) + `1]`,
		`[` + strings.Repeat(`{"k":"v"},`, 300) + `{"o":1,{"p":2}],` + strings.Repeat(`{"k":"v"},`, 30) + `1]`,
		// Invalid between two segments: after an array the helper closed.
		// (Every sync point is in an inner array, so the gaps are `,[{"a":1},`.)
		`[` + strings.Repeat(`[{"a":1},{"b":2},{"c":3}],`, 250) + `[{"a"1},{"b":2}],` + strings.Repeat(`[{"a":1},{"b":2}],`, 50) + `1]`,
	} {
		// Buffer sizes that move the middle, and so the sync point, across the input.
		for size := 200; size < 1400; size += 7 {
			sameSkip(t, fmt.Sprintf("%.30q", in), []byte(in), size, 0)
		}
	}
}

// FuzzSplitSkip holds the split validator to the serial one on any input.
func FuzzSplitSkip(f *testing.F) {
	f.Add(resourcesDoc(8), uint8(40))
	for _, c := range cases {
		f.Add([]byte(c.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, size uint8) {
		old := splitMin
		splitMin = 8
		defer func() { splitMin = old }()
		sameSkip(t, "input", b, int(size)+16, int(size%12))
	})
}
