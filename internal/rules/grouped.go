package rules

import (
	"sort"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// grouped collects changes under a key — an environment, an account — with the evidence
// that put each one there, for rules that report one aggregated finding per key.
type grouped map[string][]groupedChange

type groupedChange struct {
	change      *plan.Change
	path, value string
}

func (g grouped) add(key string, c *plan.Change, path, value string) {
	g[key] = append(g[key], groupedChange{c, path, value})
}

// findings returns one finding per key, in key order, with its addresses and evidence
// filled in; text supplies the message and remediation from the key, the group's size
// and its change counts ("2 deleted, 3 updated").
func (g grouped) findings(sev report.Severity, text func(key string, n int, counts string) (message, remediation string)) []report.Finding {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []report.Finding
	for _, k := range keys {
		list := g[k]
		counts := map[plan.Kind]int{}
		f := report.Finding{Severity: sev, Address: list[0].change.Address}
		for _, gc := range list {
			counts[gc.change.Actions.Kind()]++
			f.Addresses = append(f.Addresses, gc.change.Address)
			f.Evidence = append(f.Evidence, report.Evidence{Address: gc.change.Address, Path: gc.path, Value: gc.value})
		}
		f.Message, f.Remediation = text(k, len(list), describeCounts(counts))
		out = append(out, f)
	}
	return out
}
