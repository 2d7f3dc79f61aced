// Package rules holds hiyari's review rules. A rule is one small type in one file,
// with its table test beside it and its page in docs/rules/<id>.md; Registry lists them.
package rules

import (
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/planfile"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/scope"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

// Rule checks a plan for one kind of risk.
type Rule interface {
	// ID is the stable identifier used in reports, acknowledgements and doc URLs.
	ID() string
	// Severity is the highest severity the rule reports.
	Severity() report.Severity
	// Summary is one line saying what the rule catches.
	Summary() string
	// Check returns the rule's findings; Rule, DocURL and acknowledgement are filled in
	// by the caller.
	Check(in *Input) []report.Finding
}

// Input is what every rule sees.
type Input struct {
	Plan   *plan.Plan
	Config config.Config
	// Env is the expected environment, empty when unknown.
	Env string
	// Accounts are the expected AWS account ids, empty when unknown.
	Accounts []string
	// Backend is the backend the plan was made with (from the planfile or the working
	// directory's .terraform), nil when unknown.
	Backend *planfile.Backend
	// State is the identity (lineage, serial) of the plan's prior state, nil when unknown.
	State *planfile.State
	// Pin is the reviewed directory's entry in the state pins file, nil without one.
	Pin *statepin.Located
	// Scope maps addresses to configuration blocks and, with --base, knows the pull
	// request's diff (out_of_scope_change); nil when the configuration was not read.
	Scope *scope.Result
}

// Registry returns every rule, in the order they run.
func Registry() []Rule {
	return []Rule{
		backendChanged{},
		stateLineageChanged{},
		environmentMismatch{},
		accountMismatch{},
		massDeletion{},
		undeclaredResourceDeleted{},
		outOfScopeChange{},
		identityResourceDeleted{},
		identityResourceReplaced{},
		dataResourceDeleted{},
		eventbridgeTargetWithoutDLQ{},
		snsSubscriptionWithoutRedrive{},
		ecsAwslogsBlockingMode{},
		logSubscriptionFilterNoRetry{},
		policyPinsRoleUniqueID{},
	}
}

// Lookup returns the rule with id.
func Lookup(id string) (Rule, bool) {
	for _, r := range Registry() {
		if r.ID() == id {
			return r, true
		}
	}
	return nil, false
}

// DocURL is where a rule's page lives.
func DocURL(id string) string {
	return "https://github.com/hiyari-dev/hiyari/blob/main/docs/rules/" + id + ".md"
}
