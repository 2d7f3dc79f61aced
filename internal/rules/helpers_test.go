package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// canary is planted in sensitive attributes; it must never reach a finding.
const canary = "CANARY-s3cr3t-7f1e"

// rc is one resource_changes element, written the way `terraform show -json` writes it.
type rc map[string]any

// change builds a managed resource change for address with the given actions.
// The type and name are taken from the address, as Terraform fills them in.
func change(address string, actions ...string) rc {
	cfg := plan.ConfigAddress(address)
	parts := strings.Split(cfg, ".")
	mode := "managed"
	typ, name := parts[len(parts)-2], parts[len(parts)-1]
	if n := len(parts); n >= 3 && parts[n-3] == "data" && (n == 3 || parts[n-4] != "module") {
		mode = "data"
	}
	out := rc{
		"address":       address,
		"mode":          mode,
		"type":          typ,
		"name":          name,
		"provider_name": "registry.terraform.io/hashicorp/aws",
		"change": map[string]any{
			"actions":          actions,
			"before":           nil,
			"after":            nil,
			"after_unknown":    map[string]any{},
			"before_sensitive": false,
			"after_sensitive":  false,
		},
	}
	if i := strings.LastIndex(address, "."+typ+"."+name); i > 0 && strings.HasPrefix(address, "module.") {
		out["module_address"] = strings.TrimSuffix(address[:i], ".data")
	}
	return out
}

func (c rc) inner() map[string]any { return c["change"].(map[string]any) }

// before sets the prior object's values.
func (c rc) before(v map[string]any) rc { c.inner()["before"] = v; return c }

// after sets the planned object's values.
func (c rc) after(v map[string]any) rc { c.inner()["after"] = v; return c }

// beforeSensitive sets the before_sensitive mask (a map or true).
func (c rc) beforeSensitive(v any) rc { c.inner()["before_sensitive"] = v; return c }

// reason sets action_reason.
func (c rc) reason(r string) rc { c["action_reason"] = r; return c }

// replacePaths sets replace_paths.
func (c rc) replacePaths(paths ...[]any) rc { c.inner()["replace_paths"] = paths; return c }

// doc is a plan JSON document under construction.
type doc struct {
	changes []rc
	// prior is the number of managed resources in prior_state; negative omits prior_state.
	prior int
	// declared are configuration addresses; nil omits the configuration section.
	declared []string
}

// JSON renders the document in Terraform's plan JSON format 1.2.
func (d doc) JSON(t *testing.T) string {
	t.Helper()
	changes := make([]rc, len(d.changes))
	copy(changes, d.changes)
	m := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.11.4",
		"planned_values":    map[string]any{"root_module": map[string]any{}},
		"resource_changes":  changes,
		"errored":           false,
		"applyable":         true,
		"complete":          true,
		"timestamp":         "2025-01-02T03:04:05Z",
	}
	if d.prior >= 0 {
		var res []map[string]any
		for i := 0; i < d.prior; i++ {
			res = append(res, map[string]any{
				"address": fmt.Sprintf("aws_sqs_queue.q%d", i), "mode": "managed", "type": "aws_sqs_queue",
				"name": fmt.Sprintf("q%d", i), "provider_name": "registry.terraform.io/hashicorp/aws",
				"schema_version": 0, "values": map[string]any{"name": fmt.Sprintf("q%d", i)}, "sensitive_values": map[string]any{},
			})
		}
		m["prior_state"] = map[string]any{
			"format_version": "1.0", "terraform_version": "1.11.4",
			"values": map[string]any{"root_module": map[string]any{"resources": res}},
		}
	}
	if d.declared != nil {
		root := map[string]any{}
		modules := map[string]map[string]any{}
		for _, a := range d.declared {
			mod := plan.ModulePath(a)
			local := strings.TrimPrefix(strings.TrimPrefix(a, mod), ".")
			parts := strings.Split(local, ".")
			r := map[string]any{"address": local, "mode": "managed", "type": parts[0], "name": parts[1], "provider_config_key": "aws", "schema_version": 0}
			if mod == "" {
				res, _ := root["resources"].([]map[string]any)
				root["resources"] = append(res, r)
				continue
			}
			name := strings.TrimPrefix(mod, "module.")
			if strings.Contains(name, ".") {
				t.Fatalf("helper supports one module level, got %s", a)
			}
			if modules[name] == nil {
				modules[name] = map[string]any{"source": "./" + name, "module": map[string]any{}}
			}
			inner := modules[name]["module"].(map[string]any)
			res, _ := inner["resources"].([]map[string]any)
			inner["resources"] = append(res, r)
		}
		if len(modules) > 0 {
			root["module_calls"] = modules
		}
		m["configuration"] = map[string]any{"provider_config": map[string]any{}, "root_module": root}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("marshal plan: %v", err)
	}
	return string(b)
}

// load decodes the document through the real plan loader.
func (d doc) load(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.Decode(strings.NewReader(d.JSON(t)), "test")
	if err != nil {
		t.Fatalf("decode test plan: %v", err)
	}
	return p
}

// planOf is a plan with the given changes, a prior state holding as many resources as
// there are non-create changes, and no configuration section.
func planOf(changes ...rc) doc {
	return doc{changes: changes, prior: 0}
}

// run checks one rule over the document with default configuration.
func run(t *testing.T, r Rule, d doc, mod func(*Input)) []report.Finding {
	t.Helper()
	in := &Input{Plan: d.load(t), Config: config.Default()}
	if mod != nil {
		mod(in)
	}
	return r.Check(in)
}

// assertNoCanary fails when the canary appears in any field of any finding.
func assertNoCanary(t *testing.T, findings []report.Finding) {
	t.Helper()
	for i, f := range findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), canary) || strings.Contains(fmt.Sprintf("%#v", f), canary) {
			t.Errorf("finding %d leaks a sensitive value: %s", i, b)
		}
	}
}

// evidenceValue returns the value of the evidence at path, and whether there is one.
func evidenceValue(f report.Finding, path string) (string, bool) {
	for _, e := range f.Evidence {
		if e.Path == path {
			return e.Value, true
		}
	}
	return "", false
}

// brief is what a table case expects of one finding.
type brief struct {
	Address  string
	Severity report.Severity
}

// briefs reduces findings to address and severity, for comparing with cmp.
func briefs(fs []report.Finding) []brief {
	out := []brief{}
	for _, f := range fs {
		out = append(out, brief{f.Address, f.Severity})
	}
	return out
}

// ruleCase is one table case shared by the rule tests.
type ruleCase struct {
	name string
	doc  doc
	in   func(*Input)
	want []brief
	// check makes further assertions on the findings.
	check func(t *testing.T, fs []report.Finding)
}

// runCases runs table cases for one rule: the findings' addresses and severities must
// be as wanted, no finding may carry the canary, and check runs last.
func runCases(t *testing.T, r Rule, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := run(t, r, tc.doc, tc.in)
			want := tc.want
			if want == nil {
				want = []brief{}
			}
			if diff := cmp.Diff(want, briefs(fs)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			assertNoCanary(t, fs)
			for i, f := range fs {
				if f.Message == "" || f.Remediation == "" {
					t.Errorf("finding %d has an empty message or remediation: %+v", i, f)
				}
			}
			if tc.check != nil {
				tc.check(t, fs)
			}
		})
	}
}
