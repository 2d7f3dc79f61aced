package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// afterTypes are the resource types whose planned values the what-if rules read: the
// loader drops planned values of every other type to keep memory low.
var afterTypes = map[string]bool{
	"aws_cloudwatch_event_target":            true,
	"aws_sns_topic_subscription":             true,
	"aws_ecs_task_definition":                true,
	"aws_cloudwatch_log_subscription_filter": true,
}

// NeedsAfter reports whether a rule reads the planned values (after) of resourceType;
// plan.Retain.After takes it so the loader keeps just those.
func NeedsAfter(resourceType string) bool {
	if afterTypes[resourceType] {
		return true
	}
	_, ok := policyAttributes[resourceType]
	return ok
}

// planned reports whether a change creates, updates or replaces a managed resource whose
// planned values were kept: what the what-if rules look at.
func planned(c *plan.Change) bool {
	return c.Mode == "managed" && c.After != nil
}

// plannedValue is one attribute of a planned object as a rule may show it.
type plannedValue struct {
	// Text is the scalar's text; "(sensitive)" when Terraform marks it sensitive.
	Text string
	// Set is true when the attribute has a known, non-null scalar value.
	Set bool
	// Unknown is true when the value is known only after apply.
	Unknown bool
	// Sensitive is true when Terraform marks the value sensitive.
	Sensitive bool
}

// after reads a scalar attribute of a change's planned object.
func after(c *plan.Change, path ...string) plannedValue {
	if plan.SensitiveAt(c.AfterSensitive, path) {
		_, set := c.AfterAttr(path[0]).Get(path[1:]...).Scalar()
		return plannedValue{Text: sensitiveText, Set: set, Sensitive: true, Unknown: !set && unknownAt(c, path...)}
	}
	if unknownAt(c, path...) {
		return plannedValue{Unknown: true}
	}
	v, ok := c.AfterAttr(path[0]).Get(path[1:]...).Scalar()
	if !ok {
		return plannedValue{}
	}
	return plannedValue{Text: v, Set: true}
}

// unknownAt reports whether after_unknown marks path, a parent of it, or a part of it.
// The mask has the shape of a sensitivity mask, so the same walk answers.
func unknownAt(c *plan.Change, path ...string) bool {
	return plan.SensitiveAt(c.AfterUnknown, path)
}

// blockCount counts the elements of a nested block (a JSON list) in the planned object,
// counting a block whose contents are unknown as present; unknown is true when the
// whole block is known only after apply.
func blockCount(c *plan.Change, name string) (n int, unknown bool) {
	if b, ok := c.AfterUnknown.Get(name).Bool(); ok && b {
		return 0, true
	}
	v := c.AfterAttr(name)
	switch v.Kind() {
	case '[':
		v.Elements(func(plan.Value) bool { n++; return true })
	case '{':
		n = 1
	}
	return n, false
}

// hit is one resource a what-if rule flags, with the facts behind it (the first is the
// one a terminal shows next to the address).
type hit struct {
	address  string
	evidence []report.Evidence
}

// hits collects a rule's flagged resources by severity, so that a pull request adding a
// hundred targets gets one finding per severity, not a hundred.
type hits map[report.Severity][]hit

func (h hits) add(sev report.Severity, c *plan.Change, ev ...report.Evidence) {
	for i := range ev {
		ev[i].Address = c.Address
	}
	h[sev] = append(h[sev], hit{address: c.Address, evidence: ev})
}

// findings returns one finding per severity, highest first; text supplies the message
// and remediation from the severity and the flagged addresses.
func (h hits) findings(text func(sev report.Severity, addrs []string) (message, remediation string)) []report.Finding {
	sevs := make([]report.Severity, 0, len(h))
	for s := range h {
		sevs = append(sevs, s)
	}
	sort.Slice(sevs, func(i, j int) bool { return sevs[i].Rank() > sevs[j].Rank() })
	var out []report.Finding
	for _, s := range sevs {
		list := h[s]
		f := report.Finding{Severity: s, Address: list[0].address}
		addrs := make([]string, 0, len(list))
		for _, x := range list {
			addrs = append(addrs, x.address)
			f.Evidence = append(f.Evidence, x.evidence...)
		}
		if len(addrs) > 1 {
			f.Addresses = addrs
		}
		f.Message, f.Remediation = text(s, addrs)
		out = append(out, f)
	}
	return out
}

// countNoun renders "1 EventBridge target" or "3 EventBridge targets" (or the address
// itself for one).
func countNoun(addrs []string, noun string) string {
	if len(addrs) == 1 {
		return noun + " " + addrs[0]
	}
	return fmt.Sprintf("%d %ss", len(addrs), noun)
}

// verb picks the singular or plural form for a count.
func verb(addrs []string, one, many string) string {
	if len(addrs) == 1 {
		return one
	}
	return many
}

// seconds renders a number of seconds as a short duration ("1h", "30m", "90s").
func seconds(text string) string {
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(text), "%d", &n); err != nil || n <= 0 {
		return text + "s"
	}
	switch {
	case n%3600 == 0:
		return fmt.Sprintf("%dh", n/3600)
	case n%60 == 0:
		return fmt.Sprintf("%dm", n/60)
	}
	return fmt.Sprintf("%ds", n)
}
