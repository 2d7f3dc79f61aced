package rules

import (
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// eventbridgeTargetWithoutDLQ flags EventBridge targets the plan creates or changes
// without a dead-letter queue: when the target is unreachable for longer than the retry
// policy, or fails with an error EventBridge does not retry (deleted target, missing
// role), the event is dropped without a trace.
type eventbridgeTargetWithoutDLQ struct{}

func (eventbridgeTargetWithoutDLQ) ID() string                { return "eventbridge_target_without_dlq" }
func (eventbridgeTargetWithoutDLQ) Severity() report.Severity { return report.Medium }
func (eventbridgeTargetWithoutDLQ) Summary() string {
	return "An EventBridge target has no dead-letter queue: undeliverable events are dropped"
}

func (r eventbridgeTargetWithoutDLQ) Check(in *Input) []report.Finding {
	h := hits{}
	retries := map[string]string{}
	for _, c := range in.Plan.Changes {
		if c.Type != "aws_cloudwatch_event_target" || !planned(c) {
			continue
		}
		if n, unknown := blockCount(c, "dead_letter_config"); n > 0 || unknown {
			continue
		}
		retries[c.Address] = eventBridgeRetries(c)
		ev := []report.Evidence{{Path: "retries", Value: retries[c.Address]}}
		if v := after(c, "arn"); v.Set {
			ev = append(ev, report.Evidence{Path: "arn", Value: v.Text})
		} else if v.Unknown {
			ev = append(ev, report.Evidence{Path: "arn", Value: "(known after apply)"})
		}
		if v := after(c, "role_arn"); v.Set && v.Text != "" {
			ev = append(ev, report.Evidence{Path: "role_arn", Value: v.Text})
		}
		h.add(report.Medium, c, ev...)
	}
	return h.findings(func(_ report.Severity, addrs []string) (string, string) {
		msg := fmt.Sprintf("%s %s no dead_letter_config: an event EventBridge cannot deliver is dropped once the retry policy is spent (24 hours / 185 attempts unless retry_policy narrows it), and at once when the target is gone or access is denied (deleted target, missing role), with nothing in CloudWatch Logs",
			countNoun(addrs, "EventBridge target"), verb(addrs, "has", "have"))
		if len(addrs) == 1 {
			if r := retries[addrs[0]]; !strings.HasPrefix(r, "default") {
				msg += "; its retry_policy narrows that to " + strings.TrimSuffix(strings.TrimPrefix(r, "retry_policy: "), ", then dropped")
			}
		}
		fix := "Add a dead_letter_config { arn = aws_sqs_queue.<dlq>.arn } block to each target: an SQS queue in the same account and Region whose queue policy lets events.amazonaws.com send messages (condition aws:SourceArn = the rule's ARN). Alarm on the DLQ's ApproximateNumberOfMessagesVisible and on the rule's FailedInvocations and InvocationsFailedToBeSentToDlq metrics; re-send what lands in the DLQ once the target works again."
		return msg, fix
	})
}

// eventBridgeRetries describes a target's retry window from its retry_policy block.
func eventBridgeRetries(c *plan.Change) string {
	age := after(c, "retry_policy", "0", "maximum_event_age_in_seconds")
	attempts := after(c, "retry_policy", "0", "maximum_retry_attempts")
	if !age.Set && !attempts.Set {
		return "default: 24h / 185 attempts, then dropped"
	}
	window, count := "24h", "185"
	if age.Set {
		window = seconds(age.Text)
	}
	if attempts.Set {
		count = attempts.Text
	}
	return fmt.Sprintf("retry_policy: %s / %s attempts, then dropped", window, count)
}
