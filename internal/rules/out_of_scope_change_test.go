package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/scope"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

func scopeOf(t *testing.T, diff map[string]*tfconfig.FileDiff) *scope.Result {
	t.Helper()
	tree := &tfconfig.MapTree{Label: "test", Content: map[string][]byte{
		"envs/staging/security.tf": []byte(`resource "aws_vpc_security_group_ingress_rule" "partner" {
  cidr_ipv4 = "198.51.100.0/28"
}
`),
		"envs/staging/main.tf": []byte(`module "app" {
  source = "../../modules/app"
}
`),
		"modules/app/iam.tf": []byte(`resource "aws_iam_role" "task" {
  name = "staging-task"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = "logs"
}
`),
	}}
	cfg, err := scope.LoadConfig(tree, "envs/staging")
	if err != nil {
		t.Fatal(err)
	}
	return scope.NewResult("main", cfg, cfg, diff)
}

func TestOutOfScopeChange(t *testing.T) {
	sgEdited := map[string]*tfconfig.FileDiff{"envs/staging/security.tf": {Path: "envs/staging/security.tf", Lines: []tfconfig.LineRange{{Start: 2, End: 2}}}}
	tests := []struct {
		name    string
		changes []rc
		drift   []string
		diff    map[string]*tfconfig.FileDiff
		noScope bool
		want    []brief
		addrs   []string
		ev      []report.Evidence
		msg     string
	}{
		{
			name: "the seed incident: a security-group PR that replaces roles and deletes another environment's",
			changes: []rc{
				change("aws_vpc_security_group_ingress_rule.partner", "update"),
				change("module.app.aws_iam_role.task", "delete", "create"),
				change("aws_iam_role.dev_only", "delete"),
				change("module.app.aws_s3_bucket_policy.logs", "update"),
			},
			diff:  sgEdited,
			want:  []brief{{"module.app.aws_iam_role.task", report.Critical}},
			addrs: []string{"module.app.aws_iam_role.task", "aws_iam_role.dev_only", "module.app.aws_s3_bucket_policy.logs"},
			ev: []report.Evidence{
				{Address: "module.app.aws_iam_role.task", Path: "replace", Value: "modules/app/iam.tf:1-3: its block and what it references are unchanged"},
				{Address: "aws_iam_role.dev_only", Path: "delete", Value: "not declared in envs/staging (nor at main)"},
				{Address: "module.app.aws_s3_bucket_policy.logs", Path: "update", Value: "modules/app/iam.tf:5-7: its block and what it references are unchanged"},
			},
			msg: "3 planned changes (2 destroying)",
		},
		{
			name:    "updates only: high",
			changes: []rc{change("module.app.aws_s3_bucket_policy.logs", "update")},
			diff:    sgEdited,
			want:    []brief{{"module.app.aws_s3_bucket_policy.logs", report.High}},
			msg:     "1 planned change (update)",
		},
		{
			name:    "drift-driven changes are told apart",
			changes: []rc{change("module.app.aws_s3_bucket_policy.logs", "update"), change("module.app.aws_iam_role.task", "update")},
			drift:   []string{"module.app.aws_s3_bucket_policy.logs"},
			diff:    sgEdited,
			want:    []brief{{"module.app.aws_iam_role.task", report.High}},
			addrs:   []string{"module.app.aws_iam_role.task"},
			msg:     "1 more follow drift",
		},
		{
			name:    "everything changed is in scope",
			changes: []rc{change("aws_vpc_security_group_ingress_rule.partner", "update"), change("aws_iam_role.x", "no-op")},
			diff:    sgEdited,
		},
		{
			name:    "without --base the rule does not run",
			changes: []rc{change("module.app.aws_iam_role.task", "delete")},
			noScope: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := planOf(tc.changes...)
			p := d.load(t)
			for _, a := range tc.drift {
				p.Drift = append(p.Drift, &plan.Change{Address: a, Mode: "managed", Actions: plan.Actions{plan.ActionUpdate}})
			}
			in := &Input{Plan: p, Config: config.Default()}
			if !tc.noScope {
				in.Scope = scopeOf(t, tc.diff)
			}
			got := outOfScopeChange{}.Check(in)
			if tc.want == nil {
				tc.want = []brief{}
			}
			if diff := cmp.Diff(tc.want, briefs(got)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			if len(got) == 0 {
				return
			}
			f := got[0]
			if tc.addrs != nil {
				if diff := cmp.Diff(tc.addrs, f.Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
			}
			if tc.ev != nil {
				if diff := cmp.Diff(tc.ev, f.Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q lacks %q", f.Message, tc.msg)
			}
			if f.Location == nil {
				t.Error("no location for the first mapped address")
			}
		})
	}
}
