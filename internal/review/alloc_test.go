package review

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/render"
)

// allocated runs fn and returns the bytes and objects it allocated.
func allocated(fn func()) (bytes, objects uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

// TestAllocationBudget holds each stage of a review to an allocation budget per input
// byte and per resource change. Allocation counts do not depend on the machine, so
// this catches what a timed test cannot reliably: a change that decodes the whole
// document into generic values again, copies every change's values, or allocates per
// token. The budgets are about 1.5× what the stages allocate today (docs/performance.md).
func TestAllocationBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own account; budgets are checked without it")
	}
	data := generatedPlan(t, plangen.Options{Resources: 5000, Scenario: plangen.ScenarioWrongState, Seed: 1})
	var p *plan.Plan
	loadBytes, loadObjects := allocated(func() {
		var err error
		p, err = plan.DecodeRetaining(bytes.NewReader(data), "plan.json", cliRetain)
		if err != nil {
			t.Fatal(err)
		}
	})
	changes := uint64(len(p.Changes))
	refBytes, refObjects := allocated(func() {
		if _, err := plan.DecodeReference(bytes.NewReader(data), "plan.json", cliRetain); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("reference decoder, for scale: %.2f B/input byte, %.1f objects/change", float64(refBytes)/float64(len(data)), float64(refObjects)/float64(changes))
	var rep = Review(p, benchOptions(2)) // warm the knowledge base and caches
	reviewBytes, reviewObjects := allocated(func() { rep = Review(p, benchOptions(2)) })
	if err := render.JSON(io.Discard, rep, render.Options{}); err != nil { // warm the encoder's caches
		t.Fatal(err)
	}
	var out countingWriter
	renderBytes, renderObjects := allocated(func() {
		if err := render.JSON(&out, rep, render.Options{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("report %d bytes, render allocated %d bytes", out, renderBytes)
	t.Logf("%d bytes, %d changes: load %.2f B/input byte, %.1f objects/change; review %.0f B/change, %.1f objects/change; render %d objects",
		len(data), changes, float64(loadBytes)/float64(len(data)), float64(loadObjects)/float64(changes),
		float64(reviewBytes)/float64(changes), float64(reviewObjects)/float64(changes), renderObjects)
	for _, c := range []struct {
		what      string
		got, most float64
	}{
		{"load: bytes allocated per input byte", float64(loadBytes) / float64(len(data)), 1.0},
		{"load: objects allocated per resource change", float64(loadObjects) / float64(changes), 5},
		{"review: bytes allocated per resource change", float64(reviewBytes) / float64(changes), 2700},
		{"review: objects allocated per resource change", float64(reviewObjects) / float64(changes), 18},
		{"render: objects allocated per resource change", float64(renderObjects) / float64(changes), 0.2},
		{"render: bytes allocated per byte written (it streams)", float64(renderBytes) / float64(out), 0.35},
	} {
		if c.got > c.most {
			t.Errorf("%s: %.2f, budget %.2f", c.what, c.got, c.most)
		}
	}
}

// countingWriter counts what is written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
