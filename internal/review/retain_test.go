package review

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

// Retain keeps every value the blast radius reads: a review whose plan was read with
// it finds the same dependents as one whose plan kept every value, and one that kept
// only what the rules ask for finds fewer (so the comparison can fail).
func TestRetainKeepsWhatTheBlastRadiusReads(t *testing.T) {
	doc := generatedPlan(t, plangen.Options{Resources: 2000, Scenario: plangen.ScenarioMixed, Seed: 5})
	all := func(string) bool { return true }
	impacts := func(keep plan.Retain) []report.Impact {
		t.Helper()
		p := decodePlan(t, doc, keep)
		return Review(p, Options{Config: config.Default(), FailOn: report.Critical, BlastDepth: 2, ToolVersion: "test"}).BlastRadius
	}
	want := impacts(plan.Retain{After: all, Unchanged: all})
	if got := impacts(Retain(rules.NeedsAfter)); !cmp.Equal(got, want) {
		t.Errorf("with Retain: %d impacts, keeping every value: %d\n%s", len(got), len(want), cmp.Diff(want, got))
	}
	if got := impacts(plan.Retain{After: rules.NeedsAfter}); len(got) >= len(want) {
		t.Errorf("keeping what the rules ask for only: %d impacts, want fewer than %d: the plan does not test Retain", len(got), len(want))
	}
}

// generatedPlan is the plan JSON plangen writes for o.
func generatedPlan(t testing.TB, o plangen.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := plangen.Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodePlan reads a plan document as the CLI does, keeping what keep asks for.
func decodePlan(t *testing.T, doc []byte, keep plan.Retain) *plan.Plan {
	t.Helper()
	p, err := plan.DecodeRetaining(bytes.NewReader(doc), "plan.json", keep)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
