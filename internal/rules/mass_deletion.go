package rules

import (
	"fmt"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// massDeletion flags a plan that destroys a large share of its prior state: the
// signature of a configuration applied to a state it does not own.
type massDeletion struct{}

func (massDeletion) ID() string                { return "mass_deletion" }
func (massDeletion) Severity() report.Severity { return report.Critical }
func (massDeletion) Summary() string {
	return "The plan destroys a large share of the resources in its prior state"
}

func (r massDeletion) Check(in *Input) []report.Finding {
	cfg := in.Config.Rules.MassDeletion
	destroyed, existing := 0, 0
	for _, c := range in.Plan.Changes {
		if c.Mode != "managed" {
			continue
		}
		if !c.Actions.Create() && !c.Actions.Read() {
			existing++
		}
		if c.Actions.Destroys() {
			destroyed++
		}
	}
	prior := existing
	source := "existing resources in the plan"
	if in.Plan.Prior.Present && in.Plan.Prior.Managed >= prior {
		prior = in.Plan.Prior.Managed
		source = "managed resources in the prior state"
	}
	// destroyed == 0 guards zero-value settings (MinDeletes 0, ratios 0), which would
	// otherwise report a plan that destroys nothing.
	if prior == 0 || destroyed == 0 || destroyed < cfg.MinDeletes {
		return nil
	}
	ratio := float64(destroyed) / float64(prior)
	var sev report.Severity
	switch {
	case ratio >= cfg.CriticalRatio:
		sev = report.Critical
	case ratio >= cfg.HighRatio:
		sev = report.High
	default:
		return nil
	}
	// The addresses are gathered once the finding stands, into a list of their number.
	addrs := make([]string, 0, destroyed)
	for _, c := range in.Plan.Changes {
		if c.Mode == "managed" && c.Actions.Destroys() {
			addrs = append(addrs, c.Address)
		}
	}
	return []report.Finding{{
		Severity:  sev,
		Address:   addrs[0],
		Addresses: addrs,
		Message:   fmt.Sprintf("the plan destroys %d of %d %s (%.0f%%)", destroyed, prior, source, ratio*100),
		Evidence: []report.Evidence{
			{Path: "destroyed", Value: fmt.Sprint(destroyed)},
			{Path: "prior", Value: fmt.Sprint(prior)},
			{Path: "threshold", Value: fmt.Sprintf("high ≥ %.0f%%, critical ≥ %.0f%%, at least %d", cfg.HighRatio*100, cfg.CriticalRatio*100, cfg.MinDeletes)},
		},
		Remediation: "A plan that removes most of its state usually runs against the wrong state (backend key, workspace) or with a configuration that lost its resources (wrong directory, a module source or count that resolved to nothing). Check `terraform workspace show` and the backend, and plan again. Tune thresholds under rules.mass_deletion in .hiyari.yaml.",
	}}
}
