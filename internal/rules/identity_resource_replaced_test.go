package rules

import (
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestIdentityResourceReplaced(t *testing.T) {
	runCases(t, identityResourceReplaced{}, []ruleCase{
		{
			name: "fires on a delete-then-create role replace, naming the cause and the new unique id",
			doc: planOf(change("aws_iam_role.task", "delete", "create").
				before(role("task")).after(role("task-v2")).
				reason("replace_because_cannot_update").
				replacePaths([]any{"name"})),
			want: []brief{{"aws_iam_role.task", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				m := fs[0].Message
				for _, want := range []string{"destroyed, then recreated", "because name cannot change in place", "new unique id"} {
					if !strings.Contains(m, want) {
						t.Errorf("message %q lacks %q", m, want)
					}
				}
				if !strings.Contains(fs[0].Remediation, "KMSAccessDeniedException") {
					t.Errorf("role remediation should mention the Lambda KMSAccessDeniedException recovery: %q", fs[0].Remediation)
				}
				if got, _ := evidenceValue(fs[0], "unique_id"); got != "AROAEXAMPLETASK" {
					t.Errorf("unique_id evidence = %q", got)
				}
			},
		},
		{
			name: "fires on create_before_destroy and says so",
			doc:  planOf(change("aws_iam_user.ci", "create", "delete").before(map[string]any{"name": "ci", "unique_id": "AIDAEXAMPLE"})),
			want: []brief{{"aws_iam_user.ci", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Message, "create_before_destroy") {
					t.Errorf("message does not tell the create-first order: %q", fs[0].Message)
				}
			},
		},
		{
			name: "nested replace paths are joined with dots",
			doc: planOf(change("aws_kms_key.k", "delete", "create").
				before(map[string]any{"key_id": "k1"}).
				replacePaths([]any{"multi_region"}, []any{"tags", "x"})),
			want: []brief{{"aws_kms_key.k", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Message, "because multi_region, tags.x cannot change in place") {
					t.Errorf("message: %q", fs[0].Message)
				}
				if !strings.Contains(fs[0].Message, "old key to decrypt") {
					t.Errorf("kms message should warn about decrypting old data: %q", fs[0].Message)
				}
			},
		},
		{
			name: "does not fire on plain delete, update, create, forget or no-op",
			doc: planOf(
				change("aws_iam_role.d", "delete").before(role("d")),
				change("aws_iam_role.u", "update").before(role("u")).after(role("u")),
				change("aws_iam_role.c", "create").after(role("c")),
				change("aws_iam_role.f", "forget").before(role("f")),
				change("aws_iam_role.n", "no-op").before(role("n")).after(role("n")),
			),
		},
		{
			name: "does not fire on replaced non-identity resources",
			doc:  planOf(change("aws_instance.web", "delete", "create").before(map[string]any{"id": "i-1"})),
		},
		{
			name: "severity: attachments and aliases are medium",
			doc: planOf(
				change("aws_iam_role_policy_attachment.a", "delete", "create").before(map[string]any{"role": "r"}),
				change("aws_kms_alias.a", "create", "delete").before(map[string]any{"name": "alias/a"}),
				change("aws_iam_instance_profile.p", "delete", "create").before(map[string]any{"name": "p"}),
			),
			want: []brief{
				{"aws_iam_role_policy_attachment.a", report.Medium},
				{"aws_kms_alias.a", report.Medium},
				{"aws_iam_instance_profile.p", report.High},
			},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Remediation, "prefer create_before_destroy") {
					t.Errorf("delete-first remediation: %q", fs[0].Remediation)
				}
				if strings.Contains(fs[1].Remediation, "prefer create_before_destroy") || !strings.Contains(fs[1].Remediation, "no gap") {
					t.Errorf("a create-first replace should not be told to use create_before_destroy: %q", fs[1].Remediation)
				}
			},
		},
		{
			name: "sensitive arn and unique id are hidden",
			doc: planOf(change("aws_iam_role.s", "delete", "create").
				before(map[string]any{"arn": canary, "name": "s", "unique_id": canary}).
				beforeSensitive(map[string]any{"arn": true, "unique_id": true}).
				replacePaths([]any{"name"})),
			want: []brief{{"aws_iam_role.s", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if got, _ := evidenceValue(fs[0], "arn"); got != "(sensitive)" {
					t.Errorf("arn evidence = %q, want (sensitive)", got)
				}
			},
		},
		{
			name: "one finding per replaced resource",
			doc: planOf(
				change("aws_iam_role.a", "delete", "create").before(role("a")),
				change("aws_iam_role.b", "delete", "create").before(role("b")),
			),
			want: []brief{{"aws_iam_role.a", report.High}, {"aws_iam_role.b", report.High}},
		},
	})
}
