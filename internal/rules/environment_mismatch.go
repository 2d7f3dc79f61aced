package rules

import (
	"fmt"
	"sort"
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

type foreignChange struct {
	change *plan.Change
	marker envMarker
}

func (r environmentMismatch) Check(in *Input) []report.Finding {
	if in.Env == "" {
		return nil
	}
	idx := newEnvIndex(in.Config.Environments)
	want := idx.normalize(in.Env)
	byEnv := map[string][]foreignChange{}
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
		byEnv[markers[0].env] = append(byEnv[markers[0].env], foreignChange{c, markers[0]})
	}
	envs := make([]string, 0, len(byEnv))
	for e := range byEnv {
		envs = append(envs, e)
	}
	sort.Strings(envs)
	var out []report.Finding
	for _, env := range envs {
		list := byEnv[env]
		counts := map[plan.Kind]int{}
		f := report.Finding{Severity: report.Critical, Address: list[0].change.Address}
		for _, fc := range list {
			counts[fc.change.Actions.Kind()]++
			f.Addresses = append(f.Addresses, fc.change.Address)
			f.Evidence = append(f.Evidence, report.Evidence{Address: fc.change.Address, Path: fc.marker.path, Value: fc.marker.value})
		}
		f.Message = fmt.Sprintf("%d of %d existing resources this plan touches belong to %q, but this directory targets %q (%s)",
			len(list), touched, env, want, describeCounts(counts))
		f.Remediation = fmt.Sprintf("Do not apply. Check the backend block (bucket, key, workspace_key_prefix) and the selected workspace: the plan was most likely made against %s's state. Run `terraform init -reconfigure` with %s's backend and plan again. If these resources really moved to %s, acknowledge this finding in .hiyari.yaml with a reason.", env, want, want)
		out = append(out, f)
	}
	return out
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
