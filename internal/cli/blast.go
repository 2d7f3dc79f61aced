package cli

import (
	"fmt"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/review"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// blastSettings checks --state and --blast-depth, loads the extra states, and returns
// the review's blast depth, what the plan decoder must keep (rulesAfter's planned
// values and, with a blast radius, those of the types dependents can have) and,
// with a blast radius, its prelude: the blast radius begins while the plan loads.
func blastSettings(f *reviewFlags, rulesAfter func(resourceType string) bool) ([]*state.State, int, plan.Retain, *review.Prelude, error) {
	if f.blastDepth < 0 || f.blastDepth > blast.MaxDepth {
		return nil, 0, plan.Retain{}, nil, fmt.Errorf("--blast-depth %d: want 0 (no blast radius) to %d", f.blastDepth, blast.MaxDepth)
	}
	if f.blastDepth == 0 {
		if len(f.states) > 0 {
			return nil, 0, plan.Retain{}, nil, fmt.Errorf("--state is given but --blast-depth is 0, which turns the blast radius off; drop one of them")
		}
		return nil, 0, plan.Retain{After: rulesAfter}, nil, nil
	}
	var states []*state.State
	for _, path := range f.states {
		st, err := state.Load(path)
		if err != nil {
			return nil, 0, plan.Retain{}, nil, err
		}
		states = append(states, st)
	}
	pre := review.Begin(states, f.blastDepth)
	return states, f.blastDepth, pre.Retain(rulesAfter), pre, nil
}
