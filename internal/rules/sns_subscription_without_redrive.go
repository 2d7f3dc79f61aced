package rules

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// snsSubscriptionWithoutRedrive flags SNS subscriptions the plan creates or changes
// without a redrive policy: once the protocol's delivery policy is spent, or at once on
// a client-side error, SNS discards the message.
type snsSubscriptionWithoutRedrive struct{}

func (snsSubscriptionWithoutRedrive) ID() string                { return "sns_subscription_without_redrive" }
func (snsSubscriptionWithoutRedrive) Severity() report.Severity { return report.Medium }
func (snsSubscriptionWithoutRedrive) Summary() string {
	return "An SNS subscription has no redrive policy (DLQ): undeliverable messages are discarded"
}

// snsRetries is what SNS's delivery policy does for a protocol when the endpoint fails
// with a server-side error, and how much a lost message matters for it.
func snsRetries(c *plan.Change, protocol string) (retries string, sev report.Severity) {
	switch protocol {
	case "sqs", "lambda", "firehose":
		return "100,015 attempts over 23 days (AWS-managed endpoint, not configurable), then discarded", report.Medium
	case "http", "https":
		return httpRetries(c), report.Medium
	case "email", "email-json", "sms", "application":
		return "50 attempts over 6 hours (customer-managed endpoint, not configurable), then discarded", report.Low
	}
	return "per the protocol's delivery policy, then discarded", report.Low
}

// httpRetries reads the healthyRetryPolicy of an HTTP/S subscription's delivery_policy.
func httpRetries(c *plan.Change) string {
	def := "3 retries 20 seconds apart by default (delivery_policy can raise it to at most 1 hour), then discarded"
	p := after(c, "delivery_policy")
	if !p.Set || p.Sensitive || strings.TrimSpace(p.Text) == "" {
		return def
	}
	var dp struct {
		HealthyRetryPolicy *struct {
			NumRetries     *int `json:"numRetries"`
			MaxDelayTarget *int `json:"maxDelayTarget"`
		} `json:"healthyRetryPolicy"`
	}
	if err := json.Unmarshal([]byte(p.Text), &dp); err != nil || dp.HealthyRetryPolicy == nil || dp.HealthyRetryPolicy.NumRetries == nil {
		return def
	}
	return fmt.Sprintf("%d retries (delivery_policy healthyRetryPolicy), then discarded", *dp.HealthyRetryPolicy.NumRetries)
}

// hasDeadLetterTarget reports whether a redrive_policy names a dead-letter queue;
// unknown is true when the plan cannot tell (unknown or sensitive value).
func hasDeadLetterTarget(c *plan.Change) (has, unknown bool) {
	p := after(c, "redrive_policy")
	switch {
	case p.Unknown, p.Sensitive:
		return false, true
	case !p.Set || strings.TrimSpace(p.Text) == "":
		return false, false
	}
	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if err := json.Unmarshal([]byte(p.Text), &rp); err != nil {
		return false, false
	}
	return strings.TrimSpace(rp.DeadLetterTargetArn) != "", false
}

func (r snsSubscriptionWithoutRedrive) Check(in *Input) []report.Finding {
	h := hits{}
	retries := map[string]string{}
	for _, c := range in.Plan.Changes {
		if c.Type != "aws_sns_topic_subscription" || !planned(c) {
			continue
		}
		if has, unknown := hasDeadLetterTarget(c); has || unknown {
			continue
		}
		protocol := after(c, "protocol")
		proto := strings.ToLower(protocol.Text)
		if !protocol.Set || protocol.Sensitive {
			proto = "unknown"
		}
		text, sev := snsRetries(c, proto)
		retries[c.Address] = proto + ": " + text
		ev := []report.Evidence{{Path: "retries", Value: retries[c.Address]}, {Path: "protocol", Value: proto}}
		if e, ok := snsEndpoint(c, proto); ok {
			ev = append(ev, report.Evidence{Path: "endpoint", Value: e})
		}
		if p := after(c, "redrive_policy"); p.Set && strings.TrimSpace(p.Text) != "" {
			ev = append(ev, report.Evidence{Path: "redrive_policy", Value: "(no deadLetterTargetArn)"})
		}
		h.add(sev, c, ev...)
	}
	return h.findings(func(sev report.Severity, addrs []string) (string, string) {
		window := "once the protocol's delivery policy is spent (each address shows its own)"
		if len(addrs) == 1 {
			window = "after " + strings.TrimSuffix(strings.SplitN(retries[addrs[0]], ": ", 2)[1], ", then discarded")
		}
		msg := fmt.Sprintf("%s %s no redrive_policy with a deadLetterTargetArn: SNS discards a message it cannot deliver %s when the endpoint is unavailable, and at once on a client-side error (endpoint deleted, queue or function policy or KMS key denying SNS)",
			countNoun(addrs, "SNS subscription"), verb(addrs, "has", "have"), window)
		if sev == report.Low {
			msg += "; for notification protocols (email, SMS, mobile push) a lost message is usually a missed notification, not lost data"
		}
		fix := `Set redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.<dlq>.arn }) on each subscription: an SQS queue in the same account and Region as the subscription, whose queue policy lets sns.amazonaws.com send messages (condition aws:SourceArn = the topic ARN). Alarm on the DLQ's ApproximateNumberOfMessagesVisible and the topic's NumberOfNotificationsFailed and NumberOfNotificationsRedrivenToDlq; move messages back from the DLQ once the endpoint works again.`
		return msg, fix
	})
}

// snsEndpoint is the endpoint as the rule may show it: ARNs in full, only the scheme and
// host of an HTTP/S URL (its path and query may hold a token), nothing for e-mail
// addresses and phone numbers.
func snsEndpoint(c *plan.Change, proto string) (string, bool) {
	e := after(c, "endpoint")
	switch {
	case e.Sensitive:
		return sensitiveText, true
	case e.Unknown:
		return "(known after apply)", true
	case !e.Set || e.Text == "":
		return "", false
	}
	switch proto {
	case "sqs", "lambda", "firehose", "application":
		return e.Text, true
	case "http", "https":
		u, err := url.Parse(e.Text)
		if err != nil || u.Host == "" {
			return "", false
		}
		return u.Scheme + "://" + u.Host + "/…", true
	}
	return "", false
}
