package jsonscan

import (
	"bytes"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/plangen"
)

// BenchmarkValidate validates a generated 10,000-resource plan (25 MB) fed in
// 256 KiB pieces, as the plan reader does.
func BenchmarkValidate(b *testing.B) {
	doc := benchPlan(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var v Validator
		v.Reset()
		off := 0
		for off < len(doc) {
			end := min(len(doc), off+256<<10)
			n, done, err := v.Feed(doc[off:end], end == len(doc))
			if err != nil {
				b.Fatal(err)
			}
			off += n
			if done {
				break
			}
			if n == 0 && end < len(doc) {
				b.Fatal("no progress")
			}
		}
	}
}

// BenchmarkWalk steps over a generated 10,000-resource plan (25 MB) the way the plan
// decoder reads what it keeps: ValueEndNames over the whole document (every string,
// container and member name), then an Iter over its top-level members.
func BenchmarkWalk(b *testing.B) {
	doc := benchPlan(b)
	want := len(bytes.TrimRight(doc, " \n"))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if end, dup := ValueEndNames(doc, 0); end != want || dup != nil {
			b.Fatalf("ValueEndNames = %d, %q; want %d, none", end, dup, want)
		}
		for it := NewIter(doc); it.Next(); {
		}
	}
}

// benchPlan generates the 10,000-resource wrong-state plan the benchmarks read.
func benchPlan(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := plangen.Write(&buf, plangen.Options{Resources: 10000, Scenario: plangen.ScenarioWrongState, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
