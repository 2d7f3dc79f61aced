package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestAccountMismatch(t *testing.T) {
	expect := func(accts ...string) func(*Input) { return func(in *Input) { in.Accounts = accts } }
	arn := func(acct, name string) map[string]any {
		return map[string]any{"arn": "arn:aws:iam::" + acct + ":role/" + name, "name": name}
	}
	runCases(t, accountMismatch{}, []ruleCase{
		{
			name: "critical when an existing resource's own ARN is in another account",
			doc: planOf(
				change("aws_iam_role.a", "delete").before(arn("222222222222", "a")),
				change("aws_iam_role.ok", "delete").before(arn("111111111111", "ok")),
			),
			in:   expect("111111111111"),
			want: []brief{{"aws_iam_role.a", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				want := []report.Evidence{{Address: "aws_iam_role.a", Path: "arn", Value: "arn:aws:iam::222222222222:role/a"}}
				if diff := cmp.Diff(want, fs[0].Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
				for _, s := range []string{"account 222222222222", "(111111111111)", "1 deleted"} {
					if !strings.Contains(fs[0].Message, s) {
						t.Errorf("message %q lacks %q", fs[0].Message, s)
					}
				}
			},
		},
		{
			name: "id holding an ARN, owner_id and account_id are used when arn is absent; other partitions too",
			doc: planOf(
				change("aws_sns_topic.t", "update").before(map[string]any{"id": "arn:aws-us-gov:sns:us-gov-west-1:333333333333:t"}).after(map[string]any{"id": "x"}),
				change("aws_vpc.v", "update").before(map[string]any{"id": "vpc-1", "owner_id": "333333333333"}).after(map[string]any{"id": "vpc-1"}),
				change("aws_guardduty_member.m", "delete").before(map[string]any{"account_id": "444444444444"}),
			),
			in:   expect("111111111111", "222222222222"),
			want: []brief{{"aws_sns_topic.t", report.Critical}, {"aws_guardduty_member.m", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if diff := cmp.Diff([]string{"aws_sns_topic.t", "aws_vpc.v"}, fs[0].Addresses); diff != "" {
					t.Errorf("333333333333 addresses (-want +got):\n%s", diff)
				}
				if v, _ := evidenceValue(fs[1], "account_id"); v != "444444444444" {
					t.Errorf("account_id evidence = %q", v)
				}
			},
		},
		{
			name: "silent without expected accounts",
			doc:  planOf(change("aws_iam_role.a", "delete").before(arn("222222222222", "a"))),
		},
		{
			name: "silent for resources without an account in their own identifiers",
			doc: planOf(
				change("aws_s3_bucket.b", "delete").before(map[string]any{"arn": "arn:aws:s3:::b", "bucket": "b"}),
				change("aws_lambda_function.f", "update").before(map[string]any{"function_name": "f", "role": "arn:aws:iam::999999999999:role/r"}).after(map[string]any{"function_name": "f"}),
				change("aws_vpc.v", "update").before(map[string]any{"owner_id": "12345"}).after(map[string]any{}),
			),
			in: expect("111111111111"),
		},
		{
			name: "creates, reads and no-ops do not count",
			doc: planOf(
				change("aws_iam_role.c", "create").after(arn("222222222222", "c")),
				change("aws_iam_role.n", "no-op").before(arn("222222222222", "n")).after(arn("222222222222", "n")),
				change("data.aws_iam_role.r", "read"),
			),
			in: expect("111111111111"),
		},
		{
			name: "one finding per foreign account, sorted",
			doc: planOf(
				change("aws_iam_role.c", "delete").before(arn("333333333333", "c")),
				change("aws_iam_role.b", "delete", "create").before(arn("222222222222", "b")),
				change("aws_iam_role.a", "update").before(arn("333333333333", "a")).after(arn("333333333333", "a")),
			),
			in:   expect("111111111111"),
			want: []brief{{"aws_iam_role.b", report.Critical}, {"aws_iam_role.c", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[1].Message, "2 resources") || !strings.Contains(fs[1].Message, "1 deleted, 1 updated") {
					t.Errorf("message: %q", fs[1].Message)
				}
			},
		},
		{
			name: "sensitive identifiers are neither read nor shown",
			doc: planOf(
				change("aws_iam_role.s", "delete").
					before(map[string]any{"arn": "arn:aws:iam::222222222222:role/" + canary, "owner_id": "222222222222"}).
					beforeSensitive(map[string]any{"arn": true, "owner_id": true}),
				change("aws_iam_role.t", "delete").
					before(map[string]any{"arn": "arn:aws:iam::222222222222:role/t", "name": canary}).
					beforeSensitive(map[string]any{"name": true}),
			),
			in:   expect("111111111111"),
			want: []brief{{"aws_iam_role.t", report.Critical}},
		},
	})
}
