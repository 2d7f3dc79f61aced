package review

import (
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
func Retain(rulesAfter func(resourceType string) bool) plan.Retain {
	kb, err := knowledge.Load()
	if err != nil {
		return plan.Retain{After: rulesAfter}
	}
	dependent, planned := blast.RetainUnchanged(kb), blast.RetainPlanned(kb)
	return plan.Retain{
		After: func(t string) bool {
			return planned(t) || rulesAfter != nil && rulesAfter(t)
		},
		Unchanged: dependent,
	}
}
