package review

import (
	"bytes"
	"os"
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

// reportOf reviews data as the CLI does (every rule, blast radius at depth 2) through
// one decoder and returns the JSON report.
func reportOf(t *testing.T, name string, data []byte, reference bool) []byte {
	t.Helper()
	keep := Retain(rules.NeedsAfter)
	decode := plan.DecodeRetaining
	if reference {
		decode = plan.DecodeReference
	}
	p, err := decode(bytes.NewReader(data), name, keep)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rep := Review(p, Options{Config: config.Default(), Env: "staging", FailOn: report.Critical, BlastDepth: 2, ToolVersion: "test"})
	var out bytes.Buffer
	if err := render.JSON(&out, rep, render.Options{}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestReportSameWithoutFastPath: the JSON report of every corpus plan and of every
// generator scenario is byte for byte the same whichever decoder read the plan.
func TestReportSameWithoutFastPath(t *testing.T) {
	inputs := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(repotest.Corpus(t), "*.plan.json"))
	if len(files) == 0 {
		t.Fatal("no corpus plans")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	for _, sc := range []string{plangen.ScenarioMixed, plangen.ScenarioWrongState, plangen.ScenarioDestroy} {
		inputs["generated-"+sc+".json"] = generatedPlan(t, plangen.Options{Resources: 3000, Scenario: sc, Seed: 3})
	}
	for name, data := range inputs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			fast, ref := reportOf(t, name, data, false), reportOf(t, name, data, true)
			if !bytes.Equal(fast, ref) {
				t.Fatalf("the report differs with the fast path:\n%s", cmp.Diff(string(ref), string(fast)))
			}
		})
	}
}
