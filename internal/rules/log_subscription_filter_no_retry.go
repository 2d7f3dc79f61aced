package rules

import (
	"fmt"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// logSubscriptionFilterNoRetry teaches, for each CloudWatch Logs subscription filter the
// plan creates or changes, that delivery failures from a missing role or destination are
// not retried: the events of the outage never reach the destination unless someone puts
// them again.
type logSubscriptionFilterNoRetry struct{}

func (logSubscriptionFilterNoRetry) ID() string                { return "log_subscription_filter_no_retry" }
func (logSubscriptionFilterNoRetry) Severity() report.Severity { return report.Low }
func (logSubscriptionFilterNoRetry) Summary() string {
	return "A CloudWatch Logs subscription filter does not retry when its role or destination is missing"
}

func (r logSubscriptionFilterNoRetry) Check(in *Input) []report.Finding {
	h := hits{}
	for _, c := range in.Plan.Changes {
		if c.Type != "aws_cloudwatch_log_subscription_filter" || !planned(c) {
			continue
		}
		var ev []report.Evidence
		for _, a := range []string{"destination_arn", "log_group_name", "role_arn"} {
			switch v := after(c, a); {
			case v.Set && v.Text != "":
				ev = append(ev, report.Evidence{Path: a, Value: v.Text})
			case v.Unknown:
				ev = append(ev, report.Evidence{Path: a, Value: "(known after apply)"})
			}
		}
		// A filter that delivers through a role (Kinesis, Firehose, cross-account
		// destinations) has one more thing that can vanish — the seed incident's path.
		sev := report.Info
		if role := after(c, "role_arn"); role.Unknown || role.Set && role.Text != "" {
			sev = report.Low
		}
		h.add(sev, c, ev...)
	}
	return h.findings(func(sev report.Severity, addrs []string) (string, string) {
		through := "its destination's resource policy"
		if sev == report.Low {
			through = "role_arn"
		}
		msg := fmt.Sprintf("%s %s %s: if that access or the destination goes away, CloudWatch Logs gets AccessDeniedException or ResourceNotFoundException, does not re-deliver, disables the filter for up to 10 minutes at a time and skips the events of that time — they never reach the destination, though they stay in the source log group within its retention (only throttling and 5xx errors are retried, for up to 24 hours)",
			countNoun(addrs, "CloudWatch Logs subscription filter"), verb(addrs, "delivers through", "deliver through"), through)
		fix := "Alarm on the AWS/Logs DeliveryErrors metric (dimensions LogGroupName, DestinationType, FilterName) above 0 and on ForwardedLogEvents dropping to 0, so a gap is noticed while its events are still in the log group. Keep the role and the destination in the same state as the filter (or protect them with prevent_destroy). After an outage, send the window's events again: read them with `aws logs filter-log-events --log-group-name GROUP --start-time T0 --end-time T1`, write them to a new log stream with `aws logs put-log-events` (the filter delivers them like new events; events older than 14 days or than the retention are rejected), or put them straight into the destination."
		return msg, fix
	})
}
