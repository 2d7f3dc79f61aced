package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/report"
)

func role(name string) map[string]any {
	return map[string]any{
		"arn":       "arn:aws:iam::111111111111:role/" + name,
		"name":      name,
		"unique_id": "AROAEXAMPLE" + strings.ToUpper(name),
		"tags":      map[string]any{},
	}
}

func TestIdentityResourceDeleted(t *testing.T) {
	runCases(t, identityResourceDeleted{}, []ruleCase{
		{
			name: "fires on a deleted role with its arn, name and unique id as evidence",
			doc:  planOf(change("aws_iam_role.task", "delete").before(role("task"))),
			want: []brief{{"aws_iam_role.task", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				f := fs[0]
				for path, want := range map[string]string{
					"arn": "arn:aws:iam::111111111111:role/task", "name": "task", "unique_id": "AROAEXAMPLETASK",
				} {
					if got, _ := evidenceValue(f, path); got != want {
						t.Errorf("evidence %s = %q, want %q", path, got, want)
					}
				}
				if !strings.Contains(f.Message, "IAM role") || !strings.Contains(f.Remediation, "unique id") {
					t.Errorf("message/remediation do not explain a role delete: %q / %q", f.Message, f.Remediation)
				}
			},
		},
		{
			name: "does not fire on update, create, no-op, read or forget of a role",
			doc: planOf(
				change("aws_iam_role.u", "update").before(role("u")).after(role("u")),
				change("aws_iam_role.c", "create").after(role("c")),
				change("aws_iam_role.n", "no-op").before(role("n")).after(role("n")),
				change("data.aws_iam_role.r", "read"),
				change("aws_iam_role.f", "forget").before(role("f")),
			),
		},
		{
			name: "does not fire on a replace (identity_resource_replaced reports it)",
			doc: planOf(
				change("aws_iam_role.a", "delete", "create").before(role("a")),
				change("aws_iam_role.b", "create", "delete").before(role("b")),
			),
		},
		{
			name: "does not fire on non-identity types",
			doc: planOf(
				change("aws_security_group.sg", "delete").before(map[string]any{"name": "sg"}),
				change("aws_lambda_function.fn", "delete").before(map[string]any{"role": "arn:aws:iam::111111111111:role/x"}),
			),
		},
		{
			name: "severity: principals, policies and keys high; attachments and aliases medium",
			doc: planOf(
				change("aws_iam_role_policy_attachment.a", "delete").before(map[string]any{"role": "task", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
				change("aws_kms_key.k", "delete").before(map[string]any{"arn": "arn:aws:kms:eu-west-1:111111111111:key/abc", "key_id": "abc", "deletion_window_in_days": 7}),
				change("aws_kms_alias.k", "delete").before(map[string]any{"name": "alias/k"}),
				change("aws_iam_policy.p", "delete").before(map[string]any{"name": "p"}),
				change("aws_iam_user.u", "delete").before(map[string]any{"name": "u"}),
				change("aws_iam_instance_profile.ip", "delete").before(map[string]any{"name": "ip"}),
				change("aws_iam_openid_connect_provider.gh", "delete").before(map[string]any{"url": "https://token.actions.githubusercontent.com"}),
				change("aws_iam_role_policy.inline", "delete").before(map[string]any{"name": "inline"}),
			),
			want: []brief{
				{"aws_iam_role_policy_attachment.a", report.Medium},
				{"aws_kms_key.k", report.High},
				{"aws_kms_alias.k", report.Medium},
				{"aws_iam_policy.p", report.High},
				{"aws_iam_user.u", report.High},
				{"aws_iam_instance_profile.ip", report.High},
				{"aws_iam_openid_connect_provider.gh", report.High},
				{"aws_iam_role_policy.inline", report.Medium},
			},
			check: func(t *testing.T, fs []report.Finding) {
				if got, _ := evidenceValue(fs[1], "deletion_window_in_days"); got != "7" {
					t.Errorf("kms deletion_window_in_days evidence = %q, want 7", got)
				}
				if !strings.Contains(fs[1].Remediation, "cancel-key-deletion") {
					t.Errorf("kms remediation does not say how to cancel: %q", fs[1].Remediation)
				}
			},
		},
		{
			name: "a sensitive attribute is shown as (sensitive), never its value",
			doc: planOf(change("aws_iam_role.s", "delete").
				before(map[string]any{"arn": "arn:aws:iam::111111111111:role/s", "name": canary, "unique_id": canary}).
				beforeSensitive(map[string]any{"name": true, "unique_id": true})),
			want: []brief{{"aws_iam_role.s", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if got, _ := evidenceValue(fs[0], "name"); got != "(sensitive)" {
					t.Errorf("name evidence = %q, want (sensitive)", got)
				}
			},
		},
		{
			name: "a wholly sensitive object leaks nothing",
			doc: planOf(change("aws_iam_user.s", "delete").
				before(map[string]any{"arn": "arn:aws:iam::111111111111:user/" + canary, "name": canary}).
				beforeSensitive(true)),
			want: []brief{{"aws_iam_user.s", report.High}},
		},
		{
			name: "one finding per deleted resource, in plan order, module and keyed addresses kept",
			doc: planOf(
				change(`module.app["blue"].aws_iam_role.task`, "delete").before(role("blue")),
				change("aws_iam_role.exec[0]", "delete").before(role("exec")),
				change("aws_s3_bucket.logs", "delete").before(map[string]any{"bucket": "logs"}),
				change(`aws_iam_role.fn["a.b[0]"]`, "delete").before(role("fn")),
			),
			want: []brief{
				{`module.app["blue"].aws_iam_role.task`, report.High},
				{"aws_iam_role.exec[0]", report.High},
				{`aws_iam_role.fn["a.b[0]"]`, report.High},
			},
			check: func(t *testing.T, fs []report.Finding) {
				for _, f := range fs {
					if len(f.Addresses) > 0 {
						t.Errorf("%s: per-resource finding should not aggregate, got Addresses %v", f.Address, f.Addresses)
					}
				}
			},
		},
	})
}

func TestIdentityResourceDeletedMetadata(t *testing.T) {
	r := identityResourceDeleted{}
	got := []string{r.ID(), string(r.Severity())}
	if diff := cmp.Diff([]string{"identity_resource_deleted", "high"}, got); diff != "" {
		t.Error(diff)
	}
}
