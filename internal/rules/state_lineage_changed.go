package rules

import (
	"fmt"

	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

// stateLineageChanged flags a plan whose prior state is not the state the directory
// owns: its lineage (the UUID Terraform gives a state when it is first created and
// keeps across every write and migration) differs from the pin. Terraform itself only
// compares lineage when it writes a state, i.e. during apply: too late.
type stateLineageChanged struct{}

func (stateLineageChanged) ID() string                { return "state_lineage_changed" }
func (stateLineageChanged) Severity() report.Severity { return report.Critical }
func (stateLineageChanged) Summary() string {
	return "The plan's prior state has a different lineage than the state pinned for this directory"
}

func (stateLineageChanged) Check(in *Input) []report.Finding {
	if in.State == nil || in.Pin == nil || in.Pin.Pin == nil {
		return nil
	}
	var m *statepin.Mismatch
	for _, x := range in.Pin.Pin.Check(in.Backend, in.State) {
		if x.Field == "lineage" {
			m = &x
		}
	}
	if m == nil {
		return nil
	}
	ev := []report.Evidence{
		{Path: "lineage pinned", Value: m.Pinned},
		{Path: "lineage of the plan's prior state", Value: fmt.Sprintf("%s (serial %d, from %s)", m.Actual, in.State.Serial, in.State.Source)},
	}
	if in.Backend != nil {
		ev = append(ev, report.Evidence{Path: "plan backend", Value: backendText(in)})
	}
	ev = append(ev, report.Evidence{Path: "pin", Value: in.Pin.Dir + " in " + statepin.FileName})
	return []report.Finding{{
		Severity: report.Critical,
		Address:  in.Pin.Dir,
		Message: fmt.Sprintf("the plan was made against state %s, but %s owns state %s: this is another state "+
			"(another environment's, or one created anew)", short(m.Actual), in.Pin.Dir, short(m.Pinned)),
		Evidence: ev,
		Remediation: "Do not apply this plan. Check which state the directory reads (terraform state pull | jq -r .lineage, " +
			"the backend key and terraform workspace show) and plan again against the pinned one. If the state was " +
			"deliberately re-created (a new lineage), update the pin with hiyari state pin --dir " + in.Pin.Dir +
			" in a reviewed pull request.",
	}}
}

// short is the first block of a lineage UUID, enough to tell two apart in a sentence.
func short(lineage string) string {
	if len(lineage) > 8 {
		return lineage[:8] + "…"
	}
	return lineage
}
