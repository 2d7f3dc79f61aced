package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// The what-if rules read planned values, which the loader keeps only for the types
// NeedsAfter names; these helpers, shared by the what-if rule tests, load plans the way
// `hiyari plan review` does.

// afterUnknown sets the after_unknown mask.
func (c rc) afterUnknown(v any) rc { c.inner()["after_unknown"] = v; return c }

// afterSensitive sets the after_sensitive mask (a map or true).
func (c rc) afterSensitive(v any) rc { c.inner()["after_sensitive"] = v; return c }

// runPlanned is run with planned values retained for the what-if rules.
func runPlanned(t *testing.T, r Rule, d doc, mod func(*Input)) []report.Finding {
	t.Helper()
	p, err := plan.DecodeRetaining(strings.NewReader(d.JSON(t)), "test", plan.Retain{After: NeedsAfter})
	if err != nil {
		t.Fatalf("decode test plan: %v", err)
	}
	in := &Input{Plan: p, Config: config.Default()}
	if mod != nil {
		mod(in)
	}
	return r.Check(in)
}

// runPlannedCases is runCases for rules that read planned values.
func runPlannedCases(t *testing.T, r Rule, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := runPlanned(t, r, tc.doc, tc.in)
			want := tc.want
			if want == nil {
				want = []brief{}
			}
			if diff := cmp.Diff(want, briefs(fs)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			assertNoCanary(t, fs)
			for i, f := range fs {
				if f.Message == "" || f.Remediation == "" {
					t.Errorf("finding %d has an empty message or remediation: %+v", i, f)
				}
			}
			if tc.check != nil {
				tc.check(t, fs)
			}
		})
	}
}

// wantText fails unless every part appears in the finding's message or remediation.
func wantText(t *testing.T, f report.Finding, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(f.Message, p) && !strings.Contains(f.Remediation, p) {
			t.Errorf("finding lacks %q:\nmessage: %s\nremediation: %s", p, f.Message, f.Remediation)
		}
	}
}

func TestNeedsAfter(t *testing.T) {
	for typ, want := range map[string]bool{
		"aws_cloudwatch_event_target":            true,
		"aws_sns_topic_subscription":             true,
		"aws_ecs_task_definition":                true,
		"aws_cloudwatch_log_subscription_filter": true,
		"aws_s3_bucket_policy":                   true,
		"aws_iam_role":                           true,
		"aws_instance":                           false,
		"":                                       false,
	} {
		if got := NeedsAfter(typ); got != want {
			t.Errorf("NeedsAfter(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestEventbridgeTargetWithoutDLQ(t *testing.T) {
	target := func(addr string, actions ...string) rc {
		return change(addr, actions...).after(map[string]any{
			"rule": "orders", "arn": "arn:aws:sns:ap-northeast-1:111111111111:orders",
			"dead_letter_config": []any{}, "retry_policy": []any{},
		})
	}
	withDLQ := change("aws_cloudwatch_event_target.ok", "create").after(map[string]any{
		"arn":                "arn:aws:sns:ap-northeast-1:111111111111:orders",
		"dead_letter_config": []any{map[string]any{"arn": "arn:aws:sqs:ap-northeast-1:111111111111:orders-dlq"}},
	})
	runPlannedCases(t, eventbridgeTargetWithoutDLQ{}, []ruleCase{
		{
			name: "created target without a DLQ: default retry window",
			doc:  planOf(target("aws_cloudwatch_event_target.orders", "create")),
			want: []brief{{"aws_cloudwatch_event_target.orders", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "24 hours / 185 attempts", "dead_letter_config", "InvocationsFailedToBeSentToDlq")
				if v, _ := evidenceValue(fs[0], "retries"); v != "default: 24h / 185 attempts, then dropped" {
					t.Errorf("retries evidence = %q", v)
				}
				if v, _ := evidenceValue(fs[0], "arn"); v != "arn:aws:sns:ap-northeast-1:111111111111:orders" {
					t.Errorf("arn evidence = %q", v)
				}
			},
		},
		{
			name: "retry_policy narrows the window and is named",
			doc: planOf(change("aws_cloudwatch_event_target.short", "update").after(map[string]any{
				"arn": "arn:aws:lambda:ap-northeast-1:111111111111:function:f", "dead_letter_config": []any{},
				"retry_policy": []any{map[string]any{"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 2}},
			})),
			want: []brief{{"aws_cloudwatch_event_target.short", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "narrows that to 1h / 2 attempts")
				if v, _ := evidenceValue(fs[0], "retries"); v != "retry_policy: 1h / 2 attempts, then dropped" {
					t.Errorf("retries evidence = %q", v)
				}
			},
		},
		{
			name: "many targets aggregate into one finding",
			doc: planOf(target("aws_cloudwatch_event_target.a", "create"), target("aws_cloudwatch_event_target.b", "delete", "create"),
				target(`module.x.aws_cloudwatch_event_target.c["k"]`, "create", "delete")),
			want: []brief{{"aws_cloudwatch_event_target.a", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				want := []string{"aws_cloudwatch_event_target.a", "aws_cloudwatch_event_target.b", `module.x.aws_cloudwatch_event_target.c["k"]`}
				if diff := cmp.Diff(want, fs[0].Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
				wantText(t, fs[0], "3 EventBridge targets have no dead_letter_config")
				if e, ok := fs[0].EvidenceAt(`module.x.aws_cloudwatch_event_target.c["k"]`); !ok || e.Path != "retries" {
					t.Errorf("evidence for c = %+v, %v", e, ok)
				}
			},
		},
		{name: "target with a DLQ", doc: planOf(withDLQ)},
		{
			name: "DLQ whose arn is known only after apply counts as a DLQ",
			doc: planOf(change("aws_cloudwatch_event_target.later", "create").
				after(map[string]any{"dead_letter_config": []any{map[string]any{}}}).
				afterUnknown(map[string]any{"arn": true, "dead_letter_config": []any{map[string]any{"arn": true}}})),
		},
		{
			name: "whole dead_letter_config unknown: not flagged",
			doc: planOf(change("aws_cloudwatch_event_target.unk", "create").
				after(map[string]any{}).afterUnknown(map[string]any{"dead_letter_config": true})),
		},
		{
			name: "unknown target arn is said so",
			doc: planOf(change("aws_cloudwatch_event_target.new", "create").
				after(map[string]any{"dead_letter_config": []any{}}).afterUnknown(map[string]any{"arn": true})),
			want: []brief{{"aws_cloudwatch_event_target.new", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "arn"); v != "(known after apply)" {
					t.Errorf("arn evidence = %q", v)
				}
			},
		},
		{
			name: "sensitive role_arn is hidden",
			doc: planOf(change("aws_cloudwatch_event_target.s", "create").
				after(map[string]any{"dead_letter_config": []any{}, "role_arn": canary}).
				afterSensitive(map[string]any{"role_arn": true})),
			want: []brief{{"aws_cloudwatch_event_target.s", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "role_arn"); v != sensitiveText {
					t.Errorf("role_arn evidence = %q", v)
				}
			},
		},
		{name: "deleted target: nothing to teach", doc: planOf(change("aws_cloudwatch_event_target.gone", "delete").before(map[string]any{"arn": "x"}))},
		{name: "unchanged target", doc: planOf(change("aws_cloudwatch_event_target.same", "no-op").before(map[string]any{"arn": "x"}).after(map[string]any{"arn": "x"}))},
		{name: "other types are ignored", doc: planOf(change("aws_sqs_queue.q", "create").after(map[string]any{"name": "q"}))},
		{name: "data source", doc: planOf(change("data.aws_cloudwatch_event_target.d", "read").after(map[string]any{}))},
	})
}
