package review

import (
	"sync"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// blastRadius works out the blast radius and returns what fills the report's blast
// radius, runbook and their summary with it.
func blastRadius(p *plan.Plan, opts Options) func(*report.Report) {
	none := func(*report.Report) {}
	if opts.BlastDepth <= 0 {
		return none
	}
	kb, err := knowledge.Load()
	if err != nil {
		// The embedded knowledge base is validated by its tests; a broken one must not
		// stop a review, whose findings stand on their own.
		return none
	}
	res := blast.Analyze(p, opts.States, kb, blast.Options{Depth: opts.BlastDepth})
	return func(rep *report.Report) {
		rep.BlastRadius, rep.Runbook = res.Impacts, res.Runbook
		sum := res.Summary
		rep.BlastSummary = &sum
	}
}

// Retain is what the plan decoder must keep for a review with a blast radius, in
// addition to what the rules ask for (rulesAfter).
//
// The knowledge base it needs (parsed from the embedded data: 6 ms) is loaded on
// another goroutine, beside the start of the plan's load: the decoder first asks
// about a type when it reaches the resource changes, which come after the planned
// values, and by then the base is ready.
func Retain(rulesAfter func(resourceType string) bool) plan.Retain {
	type sets struct{ dependent, planned func(string) bool }
	get := sync.OnceValue(func() sets {
		kb, err := knowledge.Load()
		if err != nil {
			return sets{}
		}
		return sets{blast.RetainUnchanged(kb), blast.RetainPlanned(kb)}
	})
	go get() // the decoder's first call waits for this one to finish
	return plan.Retain{
		After: func(t string) bool {
			s := get()
			return s.planned != nil && s.planned(t) || rulesAfter != nil && rulesAfter(t)
		},
		Unchanged: func(t string) bool {
			s := get()
			return s.dependent != nil && s.dependent(t)
		},
	}
}
