package report

import (
	"fmt"
	"strings"
)

// Severity orders findings; higher is worse.
type Severity string

// The severities, from worst to mildest.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
	Info     Severity = "info"
)

// Severities lists every severity, worst first.
var Severities = []Severity{Critical, High, Medium, Low, Info}

// Rank is 5 for critical down to 1 for info, 0 for an unknown severity.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 5
	case High:
		return 4
	case Medium:
		return 3
	case Low:
		return 2
	case Info:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as bad as t or worse.
func (s Severity) AtLeast(t Severity) bool { return s.Rank() >= t.Rank() && t.Rank() > 0 }

// ParseThreshold reads a --fail-on value: a severity or "never".
func ParseThreshold(v string) (Severity, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "never" {
		return "", nil
	}
	s := Severity(v)
	if s.Rank() == 0 {
		return "", fmt.Errorf("--fail-on %q: want one of critical, high, medium, low, info, never", v)
	}
	return s, nil
}
