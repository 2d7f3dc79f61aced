package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestUndeclaredResourceDeleted(t *testing.T) {
	runCases(t, undeclaredResourceDeleted{}, []ruleCase{
		{
			name: "one aggregated finding for every delete the configuration does not declare",
			doc: doc{
				changes: []rc{
					change("aws_s3_bucket.app", "update").before(bucket("app", false, false)).after(bucket("app", false, true)),
					change("aws_iam_role.dev_task", "delete").before(role("dev-task")),
					change("module.ecs.aws_iam_role.exec", "delete").before(role("exec")),
					change(`module.ecs.aws_iam_role.extra["a"]`, "delete").before(role("extra")),
				},
				declared: []string{"aws_s3_bucket.app", "module.ecs.aws_ecs_service.web"},
			},
			want: []brief{{"aws_iam_role.dev_task", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				f := fs[0]
				want := []string{"aws_iam_role.dev_task", "module.ecs.aws_iam_role.exec", `module.ecs.aws_iam_role.extra["a"]`}
				if diff := cmp.Diff(want, f.Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
				wantEv := []report.Evidence{{Path: "(root module)", Value: "1 deleted"}, {Path: "module.ecs", Value: "2 deleted"}}
				if diff := cmp.Diff(wantEv, f.Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
				if !strings.HasPrefix(f.Message, "3 resources") {
					t.Errorf("message: %q", f.Message)
				}
			},
		},
		{
			name: "Terraform's action_reason decides even without a configuration section",
			doc: doc{changes: []rc{
				change("aws_iam_role.a", "delete").before(role("a")).reason("delete_because_no_resource_config"),
				change("module.gone.aws_iam_role.b", "delete").before(role("b")).reason("delete_because_no_module"),
				change("aws_iam_role.c[3]", "delete").before(role("c")).reason("delete_because_count_index"),
				change(`aws_iam_role.d["x"]`, "delete").before(role("d")).reason("delete_because_each_key"),
			}},
			want: []brief{{"aws_iam_role.a", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if diff := cmp.Diff([]string{"aws_iam_role.a", "module.gone.aws_iam_role.b"}, fs[0].Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "a delete with a reason other than missing configuration is not undeclared even if the block is absent",
			doc: doc{
				changes:  []rc{change("aws_iam_role.c[3]", "delete").before(role("c")).reason("delete_because_count_index")},
				declared: []string{"aws_s3_bucket.other"},
			},
		},
		{
			name: "declared blocks with instance keys, including keys holding dots and brackets, are declared",
			doc: doc{
				changes: []rc{
					change("aws_iam_role.task[2]", "delete").before(role("t")),
					change(`aws_iam_role.fn["a.b[0]"]`, "delete").before(role("f")),
					change(`module.app["eu.west"].aws_iam_role.x`, "delete").before(role("x")),
				},
				declared: []string{"aws_iam_role.task", "aws_iam_role.fn", "module.app.aws_iam_role.x"},
			},
		},
		{
			name: "no configuration section and no reason: cannot tell, so silent",
			doc:  doc{changes: []rc{change("aws_iam_role.a", "delete").before(role("a"))}},
		},
		{
			name: "replaces, updates, creates and data sources are not deletes",
			doc: doc{
				changes: []rc{
					change("aws_iam_role.r", "delete", "create").before(role("r")),
					change("aws_iam_role.u", "update").before(role("u")).after(role("u")),
					change("aws_iam_role.c", "create").after(role("c")),
					change("data.aws_iam_role.d", "read"),
				},
				declared: []string{"aws_s3_bucket.other"},
			},
		},
		{
			name: "sensitive values of undeclared resources stay out of the finding",
			doc: doc{
				changes:  []rc{change("aws_iam_user.u", "delete").before(map[string]any{"name": canary}).beforeSensitive(map[string]any{"name": true})},
				declared: []string{},
			},
			want: []brief{{"aws_iam_user.u", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if fs[0].Message != "1 resource is deleted because the configuration does not declare it" {
					t.Errorf("message: %q", fs[0].Message)
				}
			},
		},
	})
}
