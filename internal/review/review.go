// Package review runs hiyari's rules over a plan and assembles the report: summary,
// findings in severity order, acknowledgements, the gate's verdict and labels.
package review

import (
	"fmt"
	"sort"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/planfile"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
	"github.com/hiyari-dev/hiyari/internal/scope"
	"github.com/hiyari-dev/hiyari/internal/state"
	"github.com/hiyari-dev/hiyari/internal/statepin"
	"github.com/hiyari-dev/hiyari/internal/timing"
)

// Options are the review's settings, already merged from flags and configuration.
type Options struct {
	Config    config.Config
	Env       string
	EnvSource string
	Accounts  []string
	// FailOn is the gate threshold; "" means never fail.
	FailOn report.Severity
	// ToolVersion is written into the report.
	ToolVersion string
	// Backend and State are the plan's state identity, Pin the reviewed directory's
	// state pin (nil when unknown); EnvCandidates are where Env was inferred from.
	Backend       *planfile.Backend
	State         *planfile.State
	Pin           *statepin.Located
	EnvCandidates []rules.EnvCandidate
	// States are extra Terraform states searched for the blast radius's dependents.
	States []*state.State
	// BlastDepth is how many levels of dependents the blast radius follows
	// (blast.DefaultDepth is what the CLI uses); 0 leaves the blast radius out.
	BlastDepth int
	// Prelude, when not nil, is the blast radius begun while the plan loaded (Begin,
	// made with States and BlastDepth); nil starts it after the load.
	Prelude *Prelude
	// Scope is the configuration and, with --base, the pull request's diff; nil when
	// unknown. Findings whose address maps to a block get a Location from it.
	Scope *scope.Result
	// Timing, when not nil, is told as each stage (rules, blast radius) ends.
	Timing *timing.Recorder
}

// Review runs every enabled rule over p and returns the report, whole.
func Review(p *plan.Plan, opts Options) *report.Report {
	rep := Stream(p, opts)
	rep.Await()
	return rep
}

// Stream is Review that returns as soon as the rules are done: the blast radius may
// still be in the making, and rep.Await fills it in. The findings, the verdict and
// the labels do not depend on it, so a renderer can write them meanwhile (the JSON
// report writes its findings first), and the blast radius's last steps, which run
// on one core, share the machine with that writing.
func Stream(p *plan.Plan, opts Options) *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "hiyari", Version: opts.ToolVersion},
		Input: report.Input{
			Source: p.Source, FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion,
			Timestamp: p.Timestamp, Errored: p.Errored, Complete: p.Complete,
		},
		Context:     report.Context{Env: opts.Env, EnvSource: opts.EnvSource, Accounts: opts.Accounts},
		Findings:    []report.Finding{},
		BlastRadius: []report.Impact{},
		Runbook:     []report.Step{},
		Changes:     []report.Change{},
		Drift:       []report.Change{},
		Outputs:     []report.Output{},
	}
	// The blast radius reads only the plan and the extra states, not the findings:
	// it runs on its own goroutine while the rules run on this one.
	blastDone := make(chan func(*report.Report), 1)
	go func() { blastDone <- blastRadius(p, opts) }()
	rep.Summary = summarize(p, rep)
	in := &rules.Input{Plan: p, Config: opts.Config, Env: opts.Env, Accounts: opts.Accounts}
	in.Backend, in.State, in.Pin = opts.Backend, opts.State, opts.Pin
	in.Scope = opts.Scope
	stateContext(rep, opts)
	// Each rule's findings are gathered first and copied once into a slice of the
	// right size: a large plan has tens of thousands of them.
	var perRule [][]report.Finding
	total := 0
	for _, r := range rules.Registry() {
		if !opts.Config.RuleEnabled(r.ID()) {
			continue
		}
		fs := r.Check(in)
		doc := rules.DocURL(r.ID())
		for i := range fs {
			f := &fs[i]
			f.Rule, f.DocURL = r.ID(), doc
			acknowledge(f, opts.Config)
		}
		perRule = append(perRule, fs)
		total += len(fs)
	}
	rep.Findings = make([]report.Finding, 0, total)
	for i, fs := range perRule {
		rep.Findings = append(rep.Findings, fs...)
		perRule[i] = nil // each rule's own slice can go as soon as it is copied
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		return rep.Findings[i].Severity.Rank() > rep.Findings[j].Severity.Rank()
	})
	opts.Scope.Locate(rep.Findings)
	rep.Verdict = verdict(rep, opts.FailOn)
	rep.Labels = labels(rep)
	opts.Timing.Stage("review")
	rep.Defer(func() {
		(<-blastDone)(rep)
		if opts.BlastDepth > 0 {
			opts.Timing.Stage("blast") // what was left of it when it was awaited
		}
	})
	return rep
}

// acknowledge marks a finding accepted when configuration acknowledges its rule for its
// address — for aggregated findings, for every address it lists.
func acknowledge(f *report.Finding, cfg config.Config) {
	addrs := f.Addresses
	if len(addrs) == 0 {
		addrs = []string{f.Address}
	}
	reason := ""
	for _, a := range addrs {
		ack, ok := cfg.Acknowledged(f.Rule, a)
		if !ok {
			return
		}
		reason = ack.Reason
	}
	f.Acknowledged = true
	f.AcknowledgeReason = reason
}

func summarize(p *plan.Plan, rep *report.Report) report.Summary {
	var s report.Summary
	n := 0
	for _, c := range p.Changes {
		if listed(c) {
			n++
		}
	}
	// The change list is made from the plan as it is written (report.ChangeList):
	// the review keeps only the positions of the listed changes.
	list := planChanges{changes: p.Changes, listed: make([]int32, 0, n)}
	for i, c := range p.Changes {
		switch c.Actions.Kind() {
		case plan.KindCreate:
			s.Create++
		case plan.KindUpdate:
			s.Update++
		case plan.KindDelete:
			s.Delete++
		case plan.KindReplace:
			s.Replace++
		case plan.KindReplaceCBD:
			s.ReplaceCreateFirst++
		case plan.KindRead:
			s.Read++
		case plan.KindNoOp:
			s.NoOp++
		case plan.KindForget, plan.KindForgetReplace:
			s.Forget++
		}
		if c.Moved() {
			s.Move++
		}
		if _, ok := c.Imports(); ok {
			s.Import++
		}
		if listed(c) {
			list.listed = append(list.listed, int32(i))
		}
	}
	rep.SetChangeList(list)
	for _, c := range p.Drift {
		s.Drift++
		rep.Drift = append(rep.Drift, toChange(c))
	}
	for _, o := range p.Outputs {
		if !o.Actions.NoOp() {
			s.OutputChanges++
		}
		rep.Outputs = append(rep.Outputs, report.Output{Name: o.Name, Action: string(o.Actions.Kind()), Sensitive: o.Sensitive})
	}
	s.PriorResources = p.Prior.Managed
	return s
}

// listed reports whether a change goes in the report's change list: it does
// something, moves or imports.
func listed(c *plan.Change) bool {
	_, imports := c.Imports()
	return c.Actions.Changes() || c.Moved() || imports
}

// planChanges is a report's change list made from the plan's changes on demand.
type planChanges struct {
	changes []*plan.Change
	listed  []int32 // the positions in changes of the listed ones
}

func (l planChanges) Len() int { return len(l.listed) }

func (l planChanges) Fill(lo int, dst []report.Change) {
	for k := range dst {
		dst[k] = toChange(l.changes[l.listed[lo+k]])
	}
}

func toChange(c *plan.Change) report.Change {
	rc := report.Change{
		Address: c.Address, Type: c.Type, Action: string(c.Actions.Kind()), Actions: c.Actions.String(),
		ActionReason: c.ActionReason, Deposed: c.DeposedKey(),
	}
	_, rc.Importing = c.Imports()
	if c.Moved() {
		rc.PreviousAddress = c.PreviousAddress()
	}
	return rc
}

func verdict(rep *report.Report, failOn report.Severity) report.Verdict {
	v := report.Verdict{Status: "pass", FailOn: string(failOn), Counts: map[report.Severity]int{}}
	if failOn == "" {
		v.FailOn = "never"
	}
	for _, s := range report.Severities {
		v.Counts[s] = 0
	}
	gating := 0
	for _, f := range rep.Findings {
		if f.Acknowledged {
			v.Acknowledged++
			continue
		}
		v.Counts[f.Severity]++
		if f.Severity.Rank() > v.Highest.Rank() {
			v.Highest = f.Severity
		}
		if failOn != "" && f.Severity.AtLeast(failOn) {
			gating++
		}
	}
	switch {
	case gating > 0:
		v.Status = "fail"
		v.Reason = fmt.Sprintf("%d finding(s) at or above %s: do not apply until they are resolved or acknowledged", gating, failOn)
	case v.Highest != "" && failOn == "":
		v.Reason = fmt.Sprintf("highest finding is %s; the gate is off (--fail-on never)", v.Highest)
	case v.Highest != "":
		v.Reason = fmt.Sprintf("highest finding is %s, below the %s threshold", v.Highest, v.FailOn)
	case v.Acknowledged > 0:
		v.Reason = fmt.Sprintf("every finding (%d) is acknowledged in configuration", v.Acknowledged)
	case !rep.Summary.Changed():
		v.Reason = "no changes"
	default:
		v.Reason = "no risky changes found"
	}
	return v
}

// wrongStateRules are the rules whose findings mean the plan may target the wrong state.
var wrongStateRules = map[string]bool{
	"environment_mismatch": true, "account_mismatch": true, "mass_deletion": true,
	"backend_changed": true, "state_lineage_changed": true,
}

// labels are the pull-request labels the outcome calls for, like tfcmt's plus risk.
func labels(rep *report.Report) []string {
	var out []string
	s := rep.Summary
	switch {
	case s.Destroys() > 0:
		out = append(out, "hiyari:destroy")
	case s.Changed():
		out = append(out, "hiyari:add-or-update")
	default:
		out = append(out, "hiyari:no-changes")
	}
	if rep.Verdict.Highest != "" {
		out = append(out, "hiyari:"+string(rep.Verdict.Highest))
	}
	for _, f := range rep.Findings {
		if !f.Acknowledged && wrongStateRules[f.Rule] {
			out = append(out, "hiyari:wrong-state")
			break
		}
	}
	return out
}
