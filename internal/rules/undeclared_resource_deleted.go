package rules

import (
	"fmt"
	"sort"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// undeclaredResourceDeleted flags deletes of resources the configuration does not
// declare. Removing a block on purpose does this too; a configuration applied to
// another directory's state does it to everything that state holds.
type undeclaredResourceDeleted struct{}

func (undeclaredResourceDeleted) ID() string                { return "undeclared_resource_deleted" }
func (undeclaredResourceDeleted) Severity() report.Severity { return report.High }
func (undeclaredResourceDeleted) Summary() string {
	return "The plan deletes resources that the configuration does not declare"
}

// undeclared reports whether a delete is of a resource without configuration.
func undeclared(p *plan.Plan, c *plan.Change) bool {
	switch c.ActionReason {
	case "delete_because_no_resource_config", "delete_because_no_module":
		return true
	case "":
		return p.Config.Present && !p.Config.Declares(c.Address)
	}
	return false
}

func (r undeclaredResourceDeleted) Check(in *Input) []report.Finding {
	var addrs []string
	modules := map[string]int{}
	for _, c := range in.Plan.Changes {
		if c.Mode != "managed" || !c.Actions.Delete() || !undeclared(in.Plan, c) {
			continue
		}
		if addrs == nil {
			// Room for every deletion: a wrong-state plan has tens of thousands, and a
			// list grown by doubling copies them about twice over.
			addrs = make([]string, 0, managedDeletes(in.Plan))
		}
		addrs = append(addrs, c.Address)
		modules[plan.ModulePath(c.ConfigAddress())]++
	}
	if len(addrs) == 0 {
		return nil
	}
	var ev []report.Evidence
	names := make([]string, 0, len(modules))
	for m := range modules {
		names = append(names, m)
	}
	sort.Strings(names)
	for _, m := range names {
		label := m
		if label == "" {
			label = "(root module)"
		}
		ev = append(ev, report.Evidence{Path: label, Value: fmt.Sprintf("%d deleted", modules[m])})
	}
	msg := fmt.Sprintf("%d resources are deleted because the configuration does not declare them", len(addrs))
	if len(addrs) == 1 {
		msg = "1 resource is deleted because the configuration does not declare it"
	}
	return []report.Finding{{
		Severity:    report.High,
		Address:     addrs[0],
		Addresses:   addrs,
		Message:     msg,
		Evidence:    ev,
		Remediation: "If this pull request removed these blocks, acknowledge the finding in .hiyari.yaml. If it did not, the configuration is planned against a state it does not own (another environment's backend key or workspace): do not apply.",
	}}
}

// managedDeletes counts the plan's deletions of managed resources.
func managedDeletes(p *plan.Plan) int {
	n := 0
	for _, c := range p.Changes {
		if c.Mode == "managed" && c.Actions.Delete() {
			n++
		}
	}
	return n
}
