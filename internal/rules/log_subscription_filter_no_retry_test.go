package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestLogSubscriptionFilterNoRetry(t *testing.T) {
	firehose := "arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/stg-app-logs"
	role := "arn:aws:iam::111111111111:role/stg-cwl-to-firehose"
	filter := func(addr string, v map[string]any, actions ...string) rc {
		base := map[string]any{"name": "to-firehose", "log_group_name": "/ecs/stg-web", "filter_pattern": "", "distribution": "ByLogStream"}
		for k, x := range v {
			base[k] = x
		}
		return change(addr, actions...).after(base)
	}
	runPlannedCases(t, logSubscriptionFilterNoRetry{}, []ruleCase{
		{
			name: "filter with a role (Firehose): low, teaches what is lost and how to re-put",
			doc:  planOf(filter("aws_cloudwatch_log_subscription_filter.web", map[string]any{"destination_arn": firehose, "role_arn": role}, "create")),
			want: []brief{{"aws_cloudwatch_log_subscription_filter.web", report.Low}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "delivers through role_arn", "AccessDeniedException", "does not re-deliver", "10 minutes", "24 hours",
					"DeliveryErrors", "put-log-events", "filter-log-events")
				got := []report.Evidence{}
				got = append(got, fs[0].Evidence...)
				want := []report.Evidence{
					{Address: "aws_cloudwatch_log_subscription_filter.web", Path: "destination_arn", Value: firehose},
					{Address: "aws_cloudwatch_log_subscription_filter.web", Path: "log_group_name", Value: "/ecs/stg-web"},
					{Address: "aws_cloudwatch_log_subscription_filter.web", Path: "role_arn", Value: role},
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "Lambda destination without a role: info",
			doc: planOf(filter("aws_cloudwatch_log_subscription_filter.fn", map[string]any{
				"destination_arn": "arn:aws:lambda:ap-northeast-1:111111111111:function:ship", "role_arn": ""}, "update")),
			want: []brief{{"aws_cloudwatch_log_subscription_filter.fn", report.Info}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "resource policy")
			},
		},
		{
			name: "role known only after apply counts as a role; unknown destination is said so",
			doc: planOf(filter("aws_cloudwatch_log_subscription_filter.new", nil, "create").
				afterUnknown(map[string]any{"role_arn": true, "destination_arn": true})),
			want: []brief{{"aws_cloudwatch_log_subscription_filter.new", report.Low}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "destination_arn"); v != "(known after apply)" {
					t.Errorf("destination evidence = %q", v)
				}
			},
		},
		{
			name: "many filters: one finding per severity",
			doc: planOf(
				filter("aws_cloudwatch_log_subscription_filter.a", map[string]any{"destination_arn": firehose, "role_arn": role}, "create"),
				filter("aws_cloudwatch_log_subscription_filter.b", map[string]any{"destination_arn": firehose, "role_arn": role}, "delete", "create"),
				filter("aws_cloudwatch_log_subscription_filter.c", map[string]any{"destination_arn": "arn:aws:lambda:ap-northeast-1:111111111111:function:ship"}, "create"),
			),
			want: []brief{{"aws_cloudwatch_log_subscription_filter.a", report.Low}, {"aws_cloudwatch_log_subscription_filter.c", report.Info}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "2 CloudWatch Logs subscription filters deliver through role_arn")
				if len(fs[0].Addresses) != 2 || len(fs[1].Addresses) != 0 {
					t.Errorf("addresses = %v / %v", fs[0].Addresses, fs[1].Addresses)
				}
			},
		},
		{
			name: "sensitive values are hidden",
			doc: planOf(filter("aws_cloudwatch_log_subscription_filter.s", map[string]any{"destination_arn": canary, "role_arn": canary}, "create").
				afterSensitive(map[string]any{"destination_arn": true, "role_arn": true})),
			want: []brief{{"aws_cloudwatch_log_subscription_filter.s", report.Low}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "role_arn"); v != sensitiveText {
					t.Errorf("role evidence = %q", v)
				}
			},
		},
		{name: "unchanged filter", doc: planOf(change("aws_cloudwatch_log_subscription_filter.same", "no-op").before(map[string]any{"name": "x"}).after(map[string]any{"name": "x"}))},
		{name: "deleted filter", doc: planOf(change("aws_cloudwatch_log_subscription_filter.gone", "delete").before(map[string]any{"name": "x"}))},
		{name: "other types", doc: planOf(change("aws_cloudwatch_log_group.g", "create").after(map[string]any{"name": "g"}))},
	})
}
