package blast

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// TestBeginFinishEqualsAnalyze: a search begun on the changes and finished on the
// plan gives Analyze's result, impact for impact, whether Finish comes at once (most
// of the first level's scan is left to it, on every core) or after Begin's goroutine
// has scanned every candidate; on one processor and on four. The plans: the seed's
// (consumers in an extra state; a replace with its unique-id hazard) and a generated
// wrong-state plan with 2,555 causes and three levels.
func TestBeginFinishEqualsAnalyze(t *testing.T) {
	kb := loadKB(t)
	consumers := loadState(t, filepath.Join(seedDir, "consumers.tfstate.json"))
	cases := []struct {
		name   string
		p      *plan.Plan
		states []*state.State
		opts   Options
	}{
		{"seed delete", loadPlan(t, kb, filepath.Join(seedDir, "plan-delete.json")), []*state.State{consumers}, Options{}},
		{"seed replace", loadPlan(t, kb, filepath.Join(seedDir, "plan-replace.json")), []*state.State{consumers}, Options{}},
		{"generated wrong state", wrongStatePlan(t, kb, 5_000, 3), nil, Options{Depth: 3}},
	}
	for _, tc := range cases {
		want := Analyze(tc.p, tc.states, kb, tc.opts)
		if len(want.Impacts) == 0 {
			t.Fatalf("%s: no impacts to compare", tc.name)
		}
		for _, procs := range []int{1, 4} {
			for _, wait := range []bool{false, true} {
				func() {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					s := Begin(tc.p.Changes, tc.states, kb, tc.opts)
					if wait {
						s.begun.Wait()
						if s.ids != nil && int(s.ids.next.Load()) < s.ids.n {
							t.Fatalf("%s: Begin's goroutine ended with candidates left to scan", tc.name)
						}
					}
					got := s.Finish(tc.p)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, %d processors, waited %v: Begin and Finish differ from Analyze (-Analyze +Begin/Finish):\n%s", tc.name, procs, wait, diff)
					}
				}()
			}
		}
	}
}

// TestFinishOnAnotherPlan: finished on a plan whose changes are not the ones begun
// on, the search starts afresh on that plan.
func TestFinishOnAnotherPlan(t *testing.T) {
	kb := loadKB(t)
	consumers := []*state.State{loadState(t, filepath.Join(seedDir, "consumers.tfstate.json"))}
	deleted := loadPlan(t, kb, filepath.Join(seedDir, "plan-delete.json"))
	replaced := loadPlan(t, kb, filepath.Join(seedDir, "plan-replace.json"))
	want := Analyze(replaced, consumers, kb, Options{})
	got := Begin(deleted.Changes, consumers, kb, Options{}).Finish(replaced)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("finished on another plan (-Analyze +Finish):\n%s", diff)
	}
}

// TestAbandon: an abandoned search's goroutine stops before it scans a chunk, and
// Finish still completes what it left.
func TestAbandon(t *testing.T) {
	kb := loadKB(t)
	p := wrongStatePlan(t, kb, 5_000, 3)
	s := newSearch(p.Changes, nil, kb, Options{})
	s.Abandon()
	s.run() // Begin's goroutine, here on this one
	if s.ids == nil || s.ids.next.Load() != 0 {
		t.Fatalf("abandoned, the search scanned on")
	}
	if diff := cmp.Diff(Analyze(p, nil, kb, Options{}), s.Finish(p)); diff != "" {
		t.Fatalf("an abandoned search, finished (-Analyze +Finish):\n%s", diff)
	}
}
