package rules

import (
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// environmentMismatch flags changes to existing resources that belong to another
// environment than the one this directory targets: the signature of a plan made
// against another environment's state (seed incident 000).
type environmentMismatch struct{}

func (environmentMismatch) ID() string                { return "environment_mismatch" }
func (environmentMismatch) Severity() report.Severity { return report.Critical }
func (environmentMismatch) Summary() string {
	return "The plan changes or deletes resources tagged or named for another environment"
}

func (r environmentMismatch) Check(in *Input) []report.Finding {
	if in.Env == "" {
		return nil
	}
	idx := newEnvIndex(in.Config.Environments)
	want := idx.normalize(in.Env)
	byEnv := grouped{}
	touched := 0
	for _, c := range in.Plan.Changes {
		if c.Mode != "managed" || !c.Actions.Changes() || c.Actions.Create() || c.Before == nil {
			continue
		}
		touched++
		markers := idx.markers(c)
		if len(markers) == 0 {
			continue
		}
		matches := false
		for _, m := range markers {
			if m.env == want {
				matches = true
				break
			}
		}
		if matches {
			continue
		}
		byEnv.add(markers[0].env, c, markers[0].path, markers[0].value)
	}
	return byEnv.findings(report.Critical, func(env string, n int, counts string) (string, string) {
		return fmt.Sprintf("%d of %d existing resources this plan touches belong to %q, but this directory targets %q (%s)",
				n, touched, env, want, counts),
			fmt.Sprintf("Do not apply. Check the backend block (bucket, key, workspace_key_prefix) and the selected workspace: the plan was most likely made against %s's state. Run `terraform init -reconfigure` with %s's backend and plan again. If these resources really moved to %s, acknowledge this finding in .hiyari.yaml with a reason.", env, want, want)
	})
}

// describeCounts renders kind counts as "2 deleted, 3 updated".
func describeCounts(counts map[plan.Kind]int) string {
	words := []struct {
		k    plan.Kind
		word string
	}{
		{plan.KindDelete, "deleted"}, {plan.KindReplace, "replaced"}, {plan.KindReplaceCBD, "replaced (create first)"},
		{plan.KindUpdate, "updated"}, {plan.KindForget, "forgotten"}, {plan.KindForgetReplace, "forgotten and recreated"},
	}
	var parts []string
	for _, w := range words {
		if n := counts[w.k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, w.word))
		}
	}
	return strings.Join(parts, ", ")
}
