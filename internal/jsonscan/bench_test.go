package jsonscan

import (
	"bytes"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/plangen"
)

// BenchmarkValidate validates a generated 10,000-resource plan (25 MB) fed in
// 256 KiB pieces, as the plan reader does.
func BenchmarkValidate(b *testing.B) {
	var buf bytes.Buffer
	if err := plangen.Write(&buf, plangen.Options{Resources: 10000, Scenario: plangen.ScenarioWrongState, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	doc := buf.Bytes()
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
