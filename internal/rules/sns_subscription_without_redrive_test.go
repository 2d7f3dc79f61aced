package rules

import (
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestSNSSubscriptionWithoutRedrive(t *testing.T) {
	sub := func(addr, protocol, endpoint string, extra map[string]any) rc {
		v := map[string]any{
			"protocol": protocol, "endpoint": endpoint, "redrive_policy": "", "delivery_policy": "",
			"topic_arn": "arn:aws:sns:ap-northeast-1:111111111111:stg-orders",
		}
		for k, x := range extra {
			v[k] = x
		}
		return change(addr, "create").after(v)
	}
	queue := "arn:aws:sqs:ap-northeast-1:111111111111:stg-orders-worker"
	runPlannedCases(t, snsSubscriptionWithoutRedrive{}, []ruleCase{
		{
			name: "SQS subscription without a DLQ: 23 days, then discarded",
			doc:  planOf(sub("aws_sns_topic_subscription.worker", "sqs", queue, nil)),
			want: []brief{{"aws_sns_topic_subscription.worker", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "after 100,015 attempts over 23 days", "client-side error", "deadLetterTargetArn", "NumberOfNotificationsRedrivenToDlq")
				if v, _ := evidenceValue(fs[0], "endpoint"); v != queue {
					t.Errorf("endpoint evidence = %q", v)
				}
			},
		},
		{
			name: "a DLQ is set",
			doc:  planOf(sub("aws_sns_topic_subscription.ok", "sqs", queue, map[string]any{"redrive_policy": `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-1:111111111111:dlq"}`})),
		},
		{
			name: "redrive_policy known only after apply",
			doc:  planOf(sub("aws_sns_topic_subscription.later", "sqs", queue, nil).afterUnknown(map[string]any{"redrive_policy": true})),
		},
		{
			name: "sensitive redrive_policy is not second-guessed",
			doc:  planOf(sub("aws_sns_topic_subscription.s", "lambda", queue, map[string]any{"redrive_policy": canary}).afterSensitive(map[string]any{"redrive_policy": true})),
		},
		{
			name: "malformed or empty redrive_policy counts as none",
			doc: planOf(
				sub("aws_sns_topic_subscription.bad", "lambda", "arn:aws:lambda:ap-northeast-1:111111111111:function:f", map[string]any{"redrive_policy": `{"deadLetterTargetArn":`}),
				sub("aws_sns_topic_subscription.empty", "lambda", "arn:aws:lambda:ap-northeast-1:111111111111:function:f", map[string]any{"redrive_policy": `{}`}),
			),
			want: []brief{{"aws_sns_topic_subscription.bad", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				if len(fs[0].Addresses) != 2 {
					t.Errorf("addresses = %v", fs[0].Addresses)
				}
				if e, ok := fs[0].EvidenceAt("aws_sns_topic_subscription.empty"); !ok || !strings.HasPrefix(e.Value, "lambda: 100,015 attempts") {
					t.Errorf("evidence = %+v", e)
				}
			},
		},
		{
			name: "HTTPS: default retries, and only the host of the URL is shown",
			doc:  planOf(sub("aws_sns_topic_subscription.hook", "https", "https://hooks.example.com/services/"+canary+"?token="+canary, nil)),
			want: []brief{{"aws_sns_topic_subscription.hook", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "3 retries 20 seconds apart by default")
				if v, _ := evidenceValue(fs[0], "endpoint"); v != "https://hooks.example.com/…" {
					t.Errorf("endpoint evidence = %q", v)
				}
			},
		},
		{
			name: "HTTPS with a delivery policy names its retries",
			doc: planOf(sub("aws_sns_topic_subscription.hook", "https", "https://hooks.example.com/x", map[string]any{
				"delivery_policy": `{"healthyRetryPolicy":{"numRetries":10,"minDelayTarget":5,"maxDelayTarget":30}}`})),
			want: []brief{{"aws_sns_topic_subscription.hook", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "after 10 retries (delivery_policy healthyRetryPolicy)")
			},
		},
		{
			name: "malformed delivery policy falls back to the default",
			doc:  planOf(sub("aws_sns_topic_subscription.hook", "http", "http://hooks.example.com/x", map[string]any{"delivery_policy": `{"healthyRetryPolicy":`})),
			want: []brief{{"aws_sns_topic_subscription.hook", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "3 retries 20 seconds apart by default")
			},
		},
		{
			name: "email is low and never shows the address; grouped apart from SQS",
			doc: planOf(sub("aws_sns_topic_subscription.oncall", "email", "oncall-"+canary+"@example.com", nil),
				sub("aws_sns_topic_subscription.worker", "sqs", queue, nil)),
			want: []brief{{"aws_sns_topic_subscription.worker", report.Medium}, {"aws_sns_topic_subscription.oncall", report.Low}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[1], "50 attempts over 6 hours", "missed notification")
				if _, ok := evidenceValue(fs[1], "endpoint"); ok {
					t.Error("an e-mail endpoint is shown")
				}
			},
		},
		{
			name: "protocol unknown at plan time: low, said so",
			doc: planOf(change("aws_sns_topic_subscription.u", "create").after(map[string]any{"redrive_policy": ""}).
				afterUnknown(map[string]any{"protocol": true, "endpoint": true})),
			want: []brief{{"aws_sns_topic_subscription.u", report.Low}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "protocol"); v != "unknown" {
					t.Errorf("protocol evidence = %q", v)
				}
			},
		},
		{name: "deleted subscription", doc: planOf(change("aws_sns_topic_subscription.gone", "delete").before(map[string]any{"protocol": "sqs"}))},
		{name: "other types", doc: planOf(change("aws_sns_topic.t", "create").after(map[string]any{"name": "t"}))},
	})
}
