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
	var buf bytes.Buffer
	if err := plangen.Write(&buf, plangen.Options{Resources: 2000, Scenario: plangen.ScenarioMixed, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	all := func(string) bool { return true }
	impacts := func(keep plan.Retain) []report.Impact {
		t.Helper()
		p, err := plan.DecodeRetaining(bytes.NewReader(buf.Bytes()), "plan.json", keep)
		if err != nil {
			t.Fatal(err)
		}
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
