package review

import (
	"bytes"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

// A streamed report renders to the same bytes as a whole one in every format: the
// renderers wait for the blast radius (Report.Await) before they write it, the JSON
// report after its findings. Run with -race (scripts/test.sh does), this also checks
// that writing the findings while the blast radius finishes shares nothing unguarded.
func TestStreamedReportRendersAsWhole(t *testing.T) {
	doc := generatedPlan(t, plangen.Options{Resources: 3000, Scenario: plangen.ScenarioWrongState, Seed: 3})
	p := decodePlan(t, doc, Retain(rules.NeedsAfter))
	opts := Options{Config: config.Default(), Env: "staging", FailOn: report.High, BlastDepth: 2, ToolVersion: "test"}
	whole := Review(p, opts)
	if len(whole.BlastRadius) == 0 || len(whole.Runbook) == 0 || whole.BlastSummary == nil {
		t.Fatalf("the plan has no blast radius (%d impacts, %d steps): it does not test the streaming", len(whole.BlastRadius), len(whole.Runbook))
	}
	for _, format := range render.Formats() {
		r, err := render.Lookup(format)
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		if err := r(&want, whole, render.Options{}); err != nil {
			t.Fatal(err)
		}
		streamed := Stream(p, opts) // rendered without an Await first, as the CLI does
		if err := r(&got, streamed, render.Options{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: the streamed report renders to %d bytes, the whole one to %d", format, got.Len(), want.Len())
		}
	}
	// The verdict, the labels and the findings are made before Stream returns.
	streamed := Stream(p, opts)
	if streamed.Verdict.Status != whole.Verdict.Status || len(streamed.Findings) != len(whole.Findings) || len(streamed.Labels) != len(whole.Labels) {
		t.Errorf("before Await: verdict %q, %d findings, %d labels; whole: %q, %d, %d",
			streamed.Verdict.Status, len(streamed.Findings), len(streamed.Labels), whole.Verdict.Status, len(whole.Findings), len(whole.Labels))
	}
	streamed.Await()
	streamed.Await() // a second call changes nothing
	if len(streamed.BlastRadius) != len(whole.BlastRadius) || len(streamed.Runbook) != len(whole.Runbook) {
		t.Errorf("after Await: %d impacts, %d steps; whole: %d, %d", len(streamed.BlastRadius), len(streamed.Runbook), len(whole.BlastRadius), len(whole.Runbook))
	}
}
