package rules

import (
	"fmt"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// outOfScopeChange flags planned changes whose configuration the pull request did not
// touch: a security-group PR that replaces IAM roles is planned against something
// other than what its author changed. It needs --base (Input.Scope with a diff).
type outOfScopeChange struct{}

func (outOfScopeChange) ID() string                { return "out_of_scope_change" }
func (outOfScopeChange) Severity() report.Severity { return report.Critical }
func (outOfScopeChange) Summary() string {
	return "The plan changes resources whose configuration the pull request did not touch (needs --base)"
}

func (outOfScopeChange) Check(in *Input) []report.Finding {
	if !in.Scope.HasDiff() {
		return nil
	}
	drifted := map[string]bool{}
	for _, d := range in.Plan.Drift {
		drifted[d.Address] = true
	}
	var addrs []string
	var ev []report.Evidence
	var first *report.Location
	destroys, driftDriven := 0, 0
	for _, c := range in.Plan.Changes {
		if c.Mode != "managed" || !c.Actions.Changes() {
			continue
		}
		t := in.Scope.Touched(c.Address)
		if t.Touched {
			continue
		}
		if drifted[c.Address] {
			driftDriven++
			continue
		}
		addrs = append(addrs, c.Address)
		if c.Actions.Destroys() {
			destroys++
		}
		where := ""
		if t.Location != nil {
			where = fmt.Sprintf("%s:%d-%d: ", t.Location.File, t.Location.Lines.Start, t.Location.Lines.End)
			if first == nil {
				first = &report.Location{File: t.Location.File, Line: t.Location.Lines.Start, EndLine: t.Location.Lines.End}
			}
		}
		ev = append(ev, report.Evidence{Address: c.Address, Path: string(c.Actions.Kind()), Value: where + t.Why})
	}
	if len(addrs) == 0 {
		return nil
	}
	sev := report.High
	if destroys > 0 {
		sev = report.Critical
	}
	msg := fmt.Sprintf("%d planned changes (%d destroying) are to resources whose configuration this change against %s did not touch", len(addrs), destroys, in.Scope.Base)
	if len(addrs) == 1 {
		msg = fmt.Sprintf("1 planned change (%s) is to a resource whose configuration this change against %s did not touch", ev[0].Path, in.Scope.Base)
	}
	if driftDriven > 0 {
		msg += fmt.Sprintf("; %d more follow drift (resource_drift) and are not counted", driftDriven)
	}
	return []report.Finding{{
		Severity:  sev,
		Address:   addrs[0],
		Addresses: addrs,
		Message:   msg,
		Evidence:  ev,
		Location:  first,
		Remediation: "A plan should change what its pull request changed. Check the backend (hiyari backend check --base), the workspace and the state this plan ran against; " +
			"if the extra changes are intended (a provider upgrade, a module bumped elsewhere), say so in the pull request and acknowledge the finding.",
	}}
}
