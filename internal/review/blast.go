package review

import (
	"sync"
	"sync/atomic"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/state"
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
	var res *blast.Result
	if s := opts.Prelude.search(); s != nil {
		res = s.Finish(p)
	} else {
		res = blast.Analyze(p, opts.States, kb, blast.Options{Depth: opts.BlastDepth})
	}
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
	return retain(rulesAfter, loadSets())
}

// retainSets are what Retain keeps for the blast radius, from the knowledge base.
type retainSets struct {
	kb                 *knowledge.Base
	dependent, planned func(string) bool
}

// loadSets loads the knowledge base on another goroutine and returns what waits for it.
func loadSets() func() retainSets {
	get := sync.OnceValue(func() retainSets {
		kb, err := knowledge.Load()
		if err != nil {
			return retainSets{}
		}
		return retainSets{kb, blast.RetainUnchanged(kb), blast.RetainPlanned(kb)}
	})
	go get() // the decoder's first call waits for this one to finish
	return get
}

func retain(rulesAfter func(resourceType string) bool, get func() retainSets) plan.Retain {
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

// Prelude is the part of a review with a blast radius that begins while the plan
// loads: the blast radius starts on the plan's resource changes as soon as they are
// decoded (plan.Retain.ChangesDone), in the time the decoder leaves a core partly
// idle while it reads the rest of the document, and Stream finishes it on the loaded
// plan.
type Prelude struct {
	get    func() retainSets
	states []*state.State
	depth  int
	begun  atomic.Pointer[blast.Search]
}

// Begin makes the prelude of a review whose blast radius searches depth levels with
// the extra states: the same as Options.States and Options.BlastDepth. Its Retain
// goes to plan.Load, the prelude itself to Options.Prelude.
func Begin(states []*state.State, depth int) *Prelude {
	return &Prelude{get: loadSets(), states: states, depth: depth}
}

// Retain is Retain(rulesAfter) that also begins the blast radius.
func (pr *Prelude) Retain(rulesAfter func(resourceType string) bool) plan.Retain {
	r := retain(rulesAfter, pr.get)
	r.ChangesDone = func(changes []*plan.Change) {
		if kb := pr.get().kb; kb != nil {
			pr.begun.Store(blast.Begin(changes, pr.states, kb, blast.Options{Depth: pr.depth}))
		}
	}
	return r
}

// Abandon drops what the prelude began, for a plan whose load failed.
func (pr *Prelude) Abandon() {
	if s := pr.search(); s != nil {
		s.Abandon()
	}
}

// search is the blast radius begun, nil when none was.
func (pr *Prelude) search() *blast.Search {
	if pr == nil {
		return nil
	}
	return pr.begun.Load()
}
