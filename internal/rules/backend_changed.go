package rules

import (
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

// backendChanged, in plan review, compares the backend a plan was made with (read from
// the planfile, or from the working directory's .terraform) with the backend pinned for
// the directory in .hiyari/state-pins.yaml. `hiyari backend check` reports the same id
// for a backend block changed against the base branch.
type backendChanged struct{}

func (backendChanged) ID() string                { return "backend_changed" }
func (backendChanged) Severity() report.Severity { return report.Critical }
func (backendChanged) Summary() string {
	return "The backend (type, bucket, key, workspace) differs from the one pinned or on the base branch"
}

func (backendChanged) Check(in *Input) []report.Finding {
	if in.Backend == nil || in.Pin == nil || in.Pin.Pin == nil {
		return nil
	}
	var diffs []statepin.Mismatch
	sev := report.High
	for _, m := range in.Pin.Pin.Check(in.Backend, nil) {
		diffs = append(diffs, m)
		if m.Identity() {
			sev = report.Critical
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	var what []string
	ev := make([]report.Evidence, 0, len(diffs)+2)
	for _, m := range diffs {
		what = append(what, fmt.Sprintf("%s %s (pinned: %s)", m.Field, orNone(m.Actual), orNone(m.Pinned)))
		ev = append(ev, report.Evidence{Path: "backend." + m.Field, Value: orNone(m.Pinned) + " → " + orNone(m.Actual)})
	}
	ev = append(ev,
		report.Evidence{Path: "plan backend", Value: fmt.Sprintf("%s (from %s)", backendText(in), in.Backend.Source)},
		report.Evidence{Path: "pin", Value: in.Pin.Dir + " in " + statepin.FileName},
	)
	msg := fmt.Sprintf("the plan was made with %s, which is not the backend pinned for %s", strings.Join(what, ", "), in.Pin.Dir)
	if sev == report.Critical {
		msg += ": it reads and writes another state"
	}
	return []report.Finding{{
		Severity: sev,
		// The directory, as backend check reports it, so one acknowledgement covers both.
		Address:  in.Pin.Dir,
		Message:  msg,
		Evidence: ev,
		Remediation: "Do not apply this plan. Restore the backend block (and any -backend-config) to the pinned " +
			"bucket and key, run terraform init -reconfigure, and plan again. If the state really moves, " +
			"migrate it (terraform init -migrate-state keeps its lineage) and update the pin in the same pull " +
			"request with hiyari state pin --dir " + in.Pin.Dir + ", so reviewers see the move.",
	}}
}

// backendText is a backend in one phrase: s3 acme-tfstate/envs/dev/terraform.tfstate, workspace default.
func backendText(in *Input) string {
	b := in.Backend
	loc := b.StateKey()
	if b.Bucket != "" {
		loc = b.Bucket + "/" + loc
	}
	return fmt.Sprintf("%s %s, workspace %s", b.Type, loc, orNone(b.Workspace))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
