package blast

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// TestCorpus runs the blast radius on every public plan of the corpus, with every
// public state of the corpus as extra states, and checks that each impact is complete
// and each runbook step known, once.
func TestCorpus(t *testing.T) {
	dir := repotest.Corpus(t)
	plans, _ := filepath.Glob(filepath.Join(dir, "*.plan.json"))
	stateFiles, _ := filepath.Glob(filepath.Join(dir, "*.tfstate.json"))
	if len(plans) == 0 || len(stateFiles) == 0 {
		t.Fatalf("corpus at %s has %d plans and %d states; want both", dir, len(plans), len(stateFiles))
	}
	kb := loadKB(t)
	var states []*state.State
	for _, f := range stateFiles {
		st, err := state.Load(f)
		if err != nil {
			t.Errorf("state %s: %v", filepath.Base(f), err)
			continue
		}
		states = append(states, st)
	}
	keep := RetainUnchanged(kb)
	total := 0
	for _, f := range plans {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			p, err := plan.DecodeRetaining(fh, f, plan.Retain{After: keep, Unchanged: keep})
			if err != nil {
				t.Fatal(err)
			}
			res := Analyze(p, states, kb, Options{})
			total += len(res.Impacts)
			for _, im := range res.Impacts {
				if im.Cause == "" || im.Dependent == "" || im.Via == "" || im.Impact == "" || im.Depth < 1 ||
					!knowledge.DataLossClass(im.DataLoss).Valid() || (im.FoundBy != "identifier" && im.FoundBy != "configuration") {
					t.Errorf("incomplete impact %+v", im)
				}
				if im.Depth == 1 && im.CauseAction != "deleted" && im.CauseAction != "replaced" {
					t.Errorf("depth-1 impact with cause action %q", im.CauseAction)
				}
			}
			seen := map[string]bool{}
			for _, s := range res.Runbook {
				if _, ok := kb.Step(s.ID); !ok || seen[s.ID] || len(s.For) == 0 {
					t.Errorf("runbook step %s: unknown, repeated or for nothing", s.ID)
				}
				seen[s.ID] = true
			}
		})
	}
	t.Logf("%d plans, %d states, %d impacts", len(plans), len(states), total)
}
