package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// tagged is a prior object with a name and tags.
func tagged(name string, tags map[string]any) map[string]any {
	return map[string]any{"name": name, "arn": "arn:aws:iam::111111111111:role/" + name, "tags": tags, "tags_all": tags}
}

func TestEnvironmentMismatch(t *testing.T) {
	staging := func(in *Input) { in.Env = "staging" }
	runCases(t, environmentMismatch{}, []ruleCase{
		{
			name: "critical when existing resources are tagged for another environment",
			doc: planOf(
				change("aws_iam_role.task", "delete").before(tagged("task", map[string]any{"Environment": "dev"})),
				change("aws_s3_bucket.logs", "update").before(tagged("logs", map[string]any{"env": "development"})).after(tagged("logs", map[string]any{"env": "staging"})),
				change("aws_sqs_queue.ok", "update").before(tagged("ok", map[string]any{"Environment": "staging"})).after(tagged("ok", map[string]any{"Environment": "staging"})),
			),
			in:   staging,
			want: []brief{{"aws_iam_role.task", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				f := fs[0]
				if diff := cmp.Diff([]string{"aws_iam_role.task", "aws_s3_bucket.logs"}, f.Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
				wantEv := []report.Evidence{
					{Address: "aws_iam_role.task", Path: "tags_all.Environment", Value: "dev"},
					{Address: "aws_s3_bucket.logs", Path: "tags_all.env", Value: "development"},
				}
				if diff := cmp.Diff(wantEv, f.Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
				for _, want := range []string{`2 of 3 existing resources`, `belong to "dev"`, `targets "staging"`, "1 deleted, 1 updated"} {
					if !strings.Contains(f.Message, want) {
						t.Errorf("message %q lacks %q", f.Message, want)
					}
				}
			},
		},
		{
			name: "aliases of the expected environment match (stg, stage)",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(tagged("a", map[string]any{"Stage": "stg"})),
				change("aws_iam_role.b", "delete").before(tagged("b", map[string]any{"ENV": "Stage"})),
			),
			in: staging,
		},
		{
			name: "names are markers when there are no environment tags; whole tokens only",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(map[string]any{"name": "payments-dev-task"}),
				change("aws_iam_role.b", "delete").before(map[string]any{"name": "devops-tools"}),
				change("aws_iam_role.c", "delete").before(map[string]any{"name": "payments-staging-task"}),
				change("aws_lambda_function.d", "update").before(map[string]any{"function_name": "x", "role": "arn:aws:iam::111111111111:role/prod-lambda"}).after(map[string]any{"function_name": "x"}),
				change("aws_iam_role.e", "delete").before(map[string]any{"name": "api-pre-prod-role"}),
			),
			in:   staging,
			want: []brief{{"aws_iam_role.a", report.Critical}, {"aws_iam_role.e", report.Critical}, {"aws_lambda_function.d", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				// sorted by environment: dev, preprod, prod
				if v, _ := evidenceValue(fs[0], "name"); v != "payments-dev-task" {
					t.Errorf("dev evidence = %q", v)
				}
				if v, _ := evidenceValue(fs[2], "role"); v != "arn:aws:iam::111111111111:role/prod-lambda" {
					t.Errorf("prod evidence = %q", v)
				}
			},
		},
		{
			name: "a dashed alias is one marker: pre-prod is not also prod",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(map[string]any{"name": "api-pre-prod-role"}),
				change("aws_iam_role.b", "delete").before(map[string]any{"name": "api-prod-role"}),
			),
			in:   func(in *Input) { in.Env = "prod" },
			want: []brief{{"aws_iam_role.a", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Message, `belong to "preprod"`) {
					t.Errorf("message: %q", fs[0].Message)
				}
			},
		},
		{
			name: "deliberate tags win over names",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(tagged("legacy-dev-name", map[string]any{"Environment": "staging"})),
			),
			in: staging,
		},
		{
			name: "one finding per foreign environment, sorted by environment",
			doc: planOf(
				change("aws_iam_role.p", "delete").before(tagged("p", map[string]any{"Environment": "production"})),
				change("aws_iam_role.d1", "delete").before(tagged("d1", map[string]any{"Environment": "dev"})),
				change("aws_iam_role.d2", "delete", "create").before(tagged("d2", map[string]any{"Environment": "dev"})),
			),
			in:   staging,
			want: []brief{{"aws_iam_role.d1", report.Critical}, {"aws_iam_role.p", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Message, "1 deleted, 1 replaced") {
					t.Errorf("dev message: %q", fs[0].Message)
				}
				if !strings.Contains(fs[1].Message, `belong to "prod"`) {
					t.Errorf("prod message should use the canonical name: %q", fs[1].Message)
				}
			},
		},
		{
			name: "silent without an expected environment",
			doc:  planOf(change("aws_iam_role.a", "delete").before(tagged("a", map[string]any{"Environment": "dev"}))),
		},
		{
			name: "creates, reads and no-ops are not touching existing resources",
			doc: planOf(
				change("aws_iam_role.c", "create").after(tagged("c", map[string]any{"Environment": "dev"})),
				change("aws_iam_role.n", "no-op").before(tagged("n", map[string]any{"Environment": "dev"})).after(tagged("n", map[string]any{"Environment": "dev"})),
				change("data.aws_iam_role.r", "read"),
			),
			in: staging,
		},
		{
			name: "environments from configuration replace the built-in list",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(tagged("a", map[string]any{"Environment": "blue"})),
				change("aws_iam_role.b", "delete").before(tagged("b", map[string]any{"Environment": "green-env"})),
			),
			in: func(in *Input) {
				in.Env = "green"
				in.Config.Environments = map[string][]string{"green": {"green-env"}, "blue": {"blu"}}
			},
			want: []brief{{"aws_iam_role.a", report.Critical}},
		},
		{
			name: "sensitive tags and names are never markers and never shown",
			doc: planOf(
				change("aws_iam_role.a", "delete").
					before(map[string]any{"name": canary + "-dev", "tags": map[string]any{"Environment": canary + "dev"}}).
					beforeSensitive(map[string]any{"name": true, "tags": map[string]any{"Environment": true}}),
				change("aws_iam_role.b", "delete").
					before(map[string]any{"name": "b-dev", "policy": canary, "tags": map[string]any{"Environment": "dev", "Owner": canary}}).
					beforeSensitive(map[string]any{"policy": true, "tags": map[string]any{"Owner": true}}),
				change("aws_iam_role.c", "delete").
					before(map[string]any{"name": "c-dev-" + canary}).
					beforeSensitive(true),
			),
			in:   staging,
			want: []brief{{"aws_iam_role.b", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if diff := cmp.Diff([]string{"aws_iam_role.b"}, fs[0].Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
			},
		},
	})
}
