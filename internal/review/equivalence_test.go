package review

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

// The ways reportOf reads a plan and works out its blast radius.
const (
	fastPath  = iota // the fast decoder, the blast radius after the load
	prelude          // the fast decoder, the blast radius begun during the load (as the CLI does)
	reference        // the reference decoder, the blast radius after the load
)

// reportOf reviews data (every rule, blast radius at depth 2) in one of the ways
// above and returns the JSON report.
func reportOf(t *testing.T, name string, data []byte, way int) []byte {
	t.Helper()
	keep := Retain(rules.NeedsAfter)
	decode := plan.DecodeRetaining
	var pre *Prelude
	switch way {
	case reference:
		decode = plan.DecodeReference
	case prelude:
		pre = Begin(nil, 2)
		keep = pre.Retain(rules.NeedsAfter)
	}
	p, err := decode(bytes.NewReader(data), name, keep)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if way == prelude && bytes.Contains(data, []byte(`"resource_changes"`)) && pre.search() == nil {
		t.Fatalf("%s: the blast radius did not begin during the load", name)
	}
	rep := Review(p, Options{Config: config.Default(), Env: "staging", FailOn: report.Critical, BlastDepth: 2, ToolVersion: "test", Prelude: pre})
	var out bytes.Buffer
	if err := render.JSON(&out, rep, render.Options{}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestReportSameWithoutFastPath: the JSON report of every corpus plan and of every
// generator scenario is byte for byte the same whichever decoder read the plan, and
// whether the blast radius began during the load or after it.
func TestReportSameWithoutFastPath(t *testing.T) {
	inputs := repotest.CorpusPlans(t)
	for _, sc := range []string{plangen.ScenarioMixed, plangen.ScenarioWrongState, plangen.ScenarioDestroy} {
		inputs["generated-"+sc+".json"] = generatedPlan(t, plangen.Options{Resources: 3000, Scenario: sc, Seed: 3})
	}
	for name, data := range inputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			fast, ref := reportOf(t, name, data, fastPath), reportOf(t, name, data, reference)
			if !bytes.Equal(fast, ref) {
				t.Fatalf("the report differs with the fast path:\n%s", cmp.Diff(string(ref), string(fast)))
			}
			if early := reportOf(t, name, data, prelude); !bytes.Equal(early, ref) {
				t.Fatalf("the report differs with the blast radius begun during the load:\n%s", cmp.Diff(string(ref), string(early)))
			}
		})
	}
}
