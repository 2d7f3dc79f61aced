package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// queues returns n changes to SQS queues with the given actions, named from prefix.
func queues(prefix string, n int, actions ...string) []rc {
	var out []rc
	for i := 0; i < n; i++ {
		c := change(fmt.Sprintf("aws_sqs_queue.%s%d", prefix, i), actions...)
		if actions[0] != "create" {
			c.before(map[string]any{"name": fmt.Sprintf("%s%d", prefix, i)})
		}
		out = append(out, c)
	}
	return out
}

func concat(lists ...[]rc) []rc {
	var out []rc
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func TestMassDeletion(t *testing.T) {
	evidence := func(want map[string]string) func(t *testing.T, fs []report.Finding) {
		return func(t *testing.T, fs []report.Finding) {
			for path, v := range want {
				if got, _ := evidenceValue(fs[0], path); got != v {
					t.Errorf("evidence %s = %q, want %q", path, got, v)
				}
			}
		}
	}
	runCases(t, massDeletion{}, []ruleCase{
		{
			name: "critical when nearly everything in the prior state is deleted",
			doc:  doc{changes: queues("q", 10, "delete"), prior: 10},
			want: []brief{{"aws_sqs_queue.q0", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if len(fs[0].Addresses) != 10 {
					t.Errorf("addresses = %d, want all 10 destroyed", len(fs[0].Addresses))
				}
				if !strings.Contains(fs[0].Message, "destroys 10 of 10 managed resources in the prior state (100%)") {
					t.Errorf("message: %q", fs[0].Message)
				}
				evidence(map[string]string{"destroyed": "10", "prior": "10"})(t, fs)
			},
		},
		{
			name:  "high between the high and critical ratios; replaces count as destroyed",
			doc:   doc{changes: concat(queues("d", 3, "delete"), queues("r", 2, "delete", "create"), queues("c", 1, "create", "delete"), queues("n", 4, "no-op")), prior: 10},
			want:  []brief{{"aws_sqs_queue.d0", report.High}},
			check: evidence(map[string]string{"destroyed": "6", "prior": "10"}),
		},
		{
			name: "silent below the high ratio",
			doc:  doc{changes: concat(queues("d", 5, "delete"), queues("n", 6, "no-op")), prior: 11},
		},
		{
			name: "silent below min_deletes even when everything goes",
			doc:  doc{changes: queues("d", 4, "delete"), prior: 4},
		},
		{
			name: "the prior state's count wins when larger than what the plan lists",
			doc:  doc{changes: queues("d", 10, "delete"), prior: 100},
		},
		{
			name:  "without prior state, existing resources in the plan are the base",
			doc:   doc{changes: concat(queues("d", 9, "delete"), queues("u", 1, "update"), queues("c", 50, "create")), prior: -1},
			want:  []brief{{"aws_sqs_queue.d0", report.Critical}},
			check: evidence(map[string]string{"destroyed": "9", "prior": "10"}),
		},
		{
			name: "data sources do not count",
			doc: doc{changes: append(queues("d", 5, "delete"),
				change("data.aws_iam_policy_document.a", "read"), change("data.aws_iam_policy_document.b", "read"),
				change("data.aws_iam_policy_document.c", "read"), change("data.aws_iam_policy_document.d", "read"),
				change("data.aws_iam_policy_document.e", "read")), prior: 5},
			want:  []brief{{"aws_sqs_queue.d0", report.Critical}},
			check: evidence(map[string]string{"prior": "5"}),
		},
		{
			name: "thresholds come from configuration",
			doc:  doc{changes: concat(queues("d", 2, "delete"), queues("n", 8, "no-op")), prior: 10},
			in: func(in *Input) {
				in.Config.Rules.MassDeletion = config.MassDeletion{MinDeletes: 2, HighRatio: 0.1, CriticalRatio: 0.2}
			},
			want:  []brief{{"aws_sqs_queue.d0", report.Critical}},
			check: evidence(map[string]string{"threshold": "high ≥ 10%, critical ≥ 20%, at least 2"}),
		},
		{
			name: "no deletes never fires, even with zero-value settings",
			doc:  doc{changes: queues("n", 3, "update"), prior: 3},
			in:   func(in *Input) { in.Config = config.Config{} },
		},
		{
			name: "nothing to delete from: an empty prior state",
			doc:  doc{changes: queues("c", 10, "create"), prior: 0},
		},
		{
			name: "values of deleted resources never appear, sensitive or not",
			doc: doc{changes: func() []rc {
				cs := queues("d", 6, "delete")
				for _, c := range cs {
					c.before(map[string]any{"name": canary, "policy": canary}).beforeSensitive(map[string]any{"name": true, "policy": true})
				}
				return cs
			}(), prior: 6},
			want: []brief{{"aws_sqs_queue.d0", report.Critical}},
		},
	})
}

func TestMassDeletionAggregatesInPlanOrder(t *testing.T) {
	d := doc{changes: concat(queues("b", 3, "delete"), queues("keep", 1, "no-op"), queues("a", 3, "delete")), prior: 7}
	fs := run(t, massDeletion{}, d, nil)
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want one aggregated finding", len(fs))
	}
	want := []string{"aws_sqs_queue.b0", "aws_sqs_queue.b1", "aws_sqs_queue.b2", "aws_sqs_queue.a0", "aws_sqs_queue.a1", "aws_sqs_queue.a2"}
	if diff := cmp.Diff(want, fs[0].Addresses); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
}
