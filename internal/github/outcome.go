package github

import (
	"slices"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// reportWrongStateLabel is the label the review puts in the JSON report's
// "labels" when a wrong-state rule fired; the report, not this package, knows
// which rules those are.
const reportWrongStateLabel = "hiyari:wrong-state"

// dataLossRule is the rule whose unacknowledged findings mean stored data goes.
const dataLossRule = "data_resource_deleted"

// OutcomeFromReport reduces a review to what labels say, for target.
// Acknowledged findings do not count: an accepted delete does not keep its
// risk label.
func OutcomeFromReport(rep *report.Report, target string) Outcome {
	o := Outcome{
		Target:     target,
		Destroy:    rep.Summary.Destroys() > 0,
		Changes:    rep.Summary.Changed(),
		Highest:    string(rep.Verdict.Highest),
		WrongState: slices.Contains(rep.Labels, reportWrongStateLabel),
	}
	for _, f := range rep.Findings {
		if f.Acknowledged {
			continue
		}
		if f.Rule == dataLossRule {
			o.DataLoss = true
		}
		if strings.HasPrefix(f.Rule, "backend_") || strings.HasPrefix(f.Rule, "state_key") {
			o.Backend = true
		}
	}
	return o
}
