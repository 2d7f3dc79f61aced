package plangen

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

func generate(t testing.TB, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, opts); err != nil {
		t.Fatalf("Write(%+v): %v", opts, err)
	}
	return buf.Bytes()
}

// strictDecode decodes data into v, failing on fields v's type lacks.
func strictDecode(t *testing.T, what string, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: strict decode into %T: %v", what, v, err)
	}
}

// Local copies of terraform-json types without their UnmarshalJSON
// methods, so the strict decoder reaches every field.
type (
	strictState  tfjson.State
	strictConfig tfjson.Config
)

func TestPlanValidatesAgainstTerraformJSON(t *testing.T) {
	for _, scenario := range Scenarios() {
		for _, n := range []int{1, 50, 500} {
			t.Run(fmt.Sprintf("%s/%d", scenario, n), func(t *testing.T) {
				data := generate(t, Options{Resources: n, Scenario: scenario, Seed: 7})
				var plan tfjson.Plan
				if err := json.Unmarshal(data, &plan); err != nil {
					t.Fatalf("unmarshal tfjson.Plan: %v", err)
				}
				if err := plan.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if got := len(plan.ResourceChanges); got != n {
					t.Errorf("resource_changes: got %d, want %d", got, n)
				}
				if plan.FormatVersion != FormatVersion || plan.TerraformVersion != TerraformVersion {
					t.Errorf("versions: got %s/%s", plan.FormatVersion, plan.TerraformVersion)
				}

				// Every section against terraform-json's types, strictly.
				var top map[string]json.RawMessage
				strictDecode(t, "document", data, &top)
				wantKeys := []string{"format_version", "terraform_version", "variables", "planned_values",
					"resource_drift", "resource_changes", "output_changes", "prior_state", "configuration",
					"relevant_attributes", "timestamp", "applyable", "complete", "errored"}
				for _, k := range topKeys(t, data) {
					if !slices.Contains(wantKeys, k) {
						t.Errorf("unexpected top-level key %q", k)
					}
				}
				for _, rc := range []string{"resource_changes", "resource_drift"} {
					var changes []json.RawMessage
					if top[rc] == nil {
						continue
					}
					strictDecode(t, rc, top[rc], &changes)
					for _, c := range changes {
						strictDecode(t, rc, c, &tfjson.ResourceChange{})
					}
				}
				strictDecode(t, "planned_values", top["planned_values"], &tfjson.StateValues{})
				strictDecode(t, "prior_state", top["prior_state"], &strictState{})
				strictDecode(t, "configuration", top["configuration"], &strictConfig{})
				strictDecode(t, "output_changes", top["output_changes"], &map[string]*tfjson.Change{})
				strictDecode(t, "variables", top["variables"], &map[string]*tfjson.PlanVariable{})
				if top["relevant_attributes"] != nil {
					strictDecode(t, "relevant_attributes", top["relevant_attributes"], &[]tfjson.ResourceAttribute{})
				}
			})
		}
	}
}

// topKeys returns the document's top-level keys in order.
func topKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestTopLevelKeyOrder(t *testing.T) {
	tests := []struct {
		scenario string
		want     []string
	}{
		{ScenarioMixed, []string{"format_version", "terraform_version", "variables", "planned_values", "resource_drift",
			"resource_changes", "output_changes", "prior_state", "configuration", "relevant_attributes", "timestamp",
			"applyable", "complete", "errored"}},
		{ScenarioNoChanges, []string{"format_version", "terraform_version", "variables", "planned_values",
			"resource_changes", "output_changes", "prior_state", "configuration", "timestamp",
			"applyable", "complete", "errored"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			got := topKeys(t, generate(t, Options{Resources: 200, Scenario: tt.scenario}))
			if !slices.Equal(got, tt.want) {
				t.Errorf("keys:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, scenario := range Scenarios() {
		t.Run(scenario, func(t *testing.T) {
			opts := Options{Resources: 1500, Scenario: scenario, Seed: 42}
			a := sha256.Sum256(generate(t, opts))
			b := sha256.Sum256(generate(t, opts))
			if a != b {
				t.Fatalf("same options, different output: %x vs %x", a, b)
			}
			opts.Seed = 43
			if c := sha256.Sum256(generate(t, opts)); c == a {
				t.Errorf("seed 42 and 43 gave identical output")
			}
		})
	}
}

// TestSizePerResource keeps the plans near the size of real AWS plans of
// this scale: a 100,000-resource plan of 260-290 MB.
func TestSizePerResource(t *testing.T) {
	const n = 2000
	tests := []struct {
		scenario string
		lo, hi   int
	}{
		{ScenarioWrongState, 2600, 2900},
		{ScenarioMixed, 2600, 2900},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			size := len(generate(t, Options{Resources: n, Scenario: tt.scenario, Seed: 1}))
			if per := size / n; per < tt.lo || per > tt.hi {
				t.Errorf("%d bytes per resource, want %d-%d", per, tt.lo, tt.hi)
			}
		})
	}
}

// parsed is the plan as the consistency tests need it.
type parsed struct {
	plan      tfjson.Plan
	prior     map[string]*tfjson.StateResource
	planned   map[string]*tfjson.StateResource
	changes   map[string]*tfjson.ResourceChange
	addresses []string
}

func parse(t *testing.T, data []byte) *parsed {
	t.Helper()
	p := &parsed{prior: map[string]*tfjson.StateResource{}, planned: map[string]*tfjson.StateResource{},
		changes: map[string]*tfjson.ResourceChange{}}
	if err := json.Unmarshal(data, &p.plan); err != nil {
		t.Fatal(err)
	}
	collect := func(v *tfjson.StateValues, into map[string]*tfjson.StateResource, what string) {
		if v == nil || v.RootModule == nil {
			return
		}
		for _, m := range v.RootModule.ChildModules {
			for _, r := range m.Resources {
				if into[r.Address] != nil {
					t.Errorf("%s: duplicate address %s", what, r.Address)
				}
				if !strings.HasPrefix(r.Address, m.Address+".") {
					t.Errorf("%s: %s listed under %s", what, r.Address, m.Address)
				}
				into[r.Address] = r
			}
		}
	}
	if p.plan.PriorState != nil {
		collect(p.plan.PriorState.Values, p.prior, "prior_state")
	}
	collect(p.plan.PlannedValues, p.planned, "planned_values")
	for _, rc := range p.plan.ResourceChanges {
		if p.changes[rc.Address] != nil {
			t.Errorf("resource_changes: duplicate address %s", rc.Address)
		}
		p.changes[rc.Address] = rc
		p.addresses = append(p.addresses, rc.Address)
	}
	return p
}

func TestChangesAgreeWithStateAndPlannedValues(t *testing.T) {
	for _, scenario := range Scenarios() {
		for _, n := range []int{50, 500, 3000} {
			t.Run(fmt.Sprintf("%s/%d", scenario, n), func(t *testing.T) {
				p := parse(t, generate(t, Options{Resources: n, Scenario: scenario, Seed: 3}))
				for _, addr := range p.addresses {
					rc := p.changes[addr]
					a := rc.Change.Actions
					prior, planned := p.prior[addr], p.planned[addr]
					if !a.Create() && prior == nil {
						t.Errorf("%s %v: no prior_state entry", addr, a)
					}
					if a.Create() && prior != nil {
						t.Errorf("%s create: has a prior_state entry", addr)
					}
					if a.Delete() && planned != nil {
						t.Errorf("%s delete: still in planned_values", addr)
					}
					if !a.Delete() && planned == nil {
						t.Errorf("%s %v: missing from planned_values", addr, a)
					}
					if prior != nil && !jsonEqual(prior.AttributeValues, rc.Change.Before) {
						t.Errorf("%s: before differs from prior_state values", addr)
					}
					if planned != nil && !jsonEqual(planned.AttributeValues, rc.Change.After) {
						t.Errorf("%s: after differs from planned_values", addr)
					}
					if a.Replace() && len(rc.Change.ReplacePaths) == 0 {
						t.Errorf("%s replace: no replace_paths", addr)
					}
					if a.Update() && jsonEqual(rc.Change.Before, rc.Change.After) && rc.Change.AfterUnknown == nil {
						t.Errorf("%s update: before equals after", addr)
					}
				}
				for addr := range p.prior {
					if p.changes[addr] == nil {
						t.Errorf("prior_state %s: no resource change", addr)
					}
				}
				for addr := range p.planned {
					if p.changes[addr] == nil {
						t.Errorf("planned_values %s: no resource change", addr)
					}
				}
			})
		}
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestConfigurationReferencesDeclaredAddresses(t *testing.T) {
	for _, scenario := range Scenarios() {
		t.Run(scenario, func(t *testing.T) {
			p := parse(t, generate(t, Options{Resources: 777, Scenario: scenario, Seed: 5}))
			root := p.plan.Config.RootModule
			if len(root.ModuleCalls) == 0 {
				t.Fatal("no module_calls")
			}
			for name, call := range root.ModuleCalls {
				declared := map[string]bool{}
				for _, r := range call.Module.Resources {
					declared[r.Address] = true
				}
				check := func(where string, refs []string) {
					for _, ref := range refs {
						switch strings.SplitN(ref, ".", 2)[0] {
						case "var", "local", "each", "count", "path":
							continue
						}
						parts := strings.Split(ref, ".")
						addr := parts[0] + "." + strings.SplitN(parts[1], "[", 2)[0]
						if !declared[addr] {
							t.Errorf("module %s %s: reference %q to undeclared %s", name, where, ref, addr)
						}
					}
				}
				for _, r := range call.Module.Resources {
					for attr, e := range r.Expressions {
						check(r.Address+"."+attr, exprRefs(e))
					}
				}
				for oname, o := range call.Module.Outputs {
					check("output "+oname, o.Expression.References)
				}
			}
			for oname, o := range root.Outputs {
				for _, ref := range o.Expression.References {
					if m, ok := strings.CutPrefix(ref, "module."); ok {
						if root.ModuleCalls[strings.SplitN(m, ".", 2)[0]] == nil {
							t.Errorf("root output %s: reference %q to an undeclared module", oname, ref)
						}
					}
				}
			}
			// every resource change in a module the configuration declares
			// is declared there, unless Terraform says it is not
			for _, addr := range p.addresses {
				rc := p.changes[addr]
				call := root.ModuleCalls[strings.TrimPrefix(rc.ModuleAddress, "module.")]
				declared := false
				if call != nil {
					for _, r := range call.Module.Resources {
						declared = declared || r.Address == rc.Type+"."+rc.Name
					}
				}
				want := tfjson.ActionReasonNone
				switch {
				case call == nil:
					want = tfjson.ActionReasonDeleteBecauseNoModule
				case !declared:
					want = tfjson.ActionReasonDeleteBecauseNoResourceConfig
				}
				if scenario == ScenarioDestroy {
					want = tfjson.ActionReasonNone
				}
				if got := rc.ActionReason; (want != "" || got == tfjson.ActionReasonDeleteBecauseNoModule ||
					got == tfjson.ActionReasonDeleteBecauseNoResourceConfig) && got != want {
					t.Errorf("%s: action_reason %q, want %q", addr, got, want)
				}
			}
		})
	}
}

func exprRefs(e *tfjson.Expression) []string {
	if e == nil {
		return nil
	}
	refs := slices.Clone(e.References)
	for _, block := range e.NestedBlocks {
		for _, inner := range block {
			refs = append(refs, exprRefs(inner)...)
		}
	}
	return refs
}

func TestScenarioShape(t *testing.T) {
	count := func(p *parsed) map[string]int {
		c := map[string]int{}
		for _, rc := range p.plan.ResourceChanges {
			a := rc.Change.Actions
			switch {
			case a.DestroyBeforeCreate():
				c["replace-dbc"]++
			case a.CreateBeforeDestroy():
				c["replace-cbd"]++
			case a.Create():
				c["create"]++
			case a.Delete():
				c["delete"]++
			case a.Update():
				c["update"]++
			case a.NoOp():
				c["no-op"]++
			}
			if rc.ActionReason != "" {
				c[string(rc.ActionReason)]++
			}
		}
		c["drift"] = len(p.plan.ResourceDrift)
		return c
	}
	const n = 3000
	t.Run("mixed", func(t *testing.T) {
		c := count(parse(t, generate(t, Options{Resources: n, Scenario: ScenarioMixed})))
		if c["no-op"] < n*2/3 {
			t.Errorf("no-op %d of %d: a healthy PR is mostly no-op", c["no-op"], n)
		}
		if c["delete"] > n/50 {
			t.Errorf("delete %d of %d: a healthy PR deletes little", c["delete"], n)
		}
		for _, k := range []string{"create", "update", "delete", "replace-cbd", "drift",
			"delete_because_count_index", "delete_because_each_key", "replace_because_cannot_update"} {
			if c[k] == 0 {
				t.Errorf("no %s in %v", k, c)
			}
		}
		if c["replace-dbc"] != 0 || c["delete_because_no_resource_config"] != 0 || c["delete_because_no_module"] != 0 {
			t.Errorf("unexpected destructive changes: %v", c)
		}
	})
	t.Run("wrong-state", func(t *testing.T) {
		p := parse(t, generate(t, Options{Resources: n, Scenario: ScenarioWrongState}))
		c := count(p)
		for _, k := range []string{"delete_because_no_module", "delete_because_no_resource_config", "replace-dbc", "update", "create"} {
			if c[k] == 0 {
				t.Errorf("no %s in %v", k, c)
			}
		}
		for _, rc := range p.plan.ResourceChanges {
			if rc.Type != "aws_iam_role" || !rc.Change.Actions.Replace() {
				continue
			}
			if !rc.Change.Actions.DestroyBeforeCreate() || rc.ActionReason != tfjson.ActionReasonReplaceBecauseCannotUpdate ||
				!jsonEqual(rc.Change.ReplacePaths, [][]string{{"name"}}) {
				t.Errorf("%s: role replace %v %s %v", rc.Address, rc.Change.Actions, rc.ActionReason, rc.Change.ReplacePaths)
			}
			before := rc.Change.Before.(map[string]any)
			after := rc.Change.After.(map[string]any)
			if !strings.HasPrefix(before["name"].(string), "dev-") || !strings.HasPrefix(after["name"].(string), "staging-") {
				t.Errorf("%s: name %v -> %v", rc.Address, before["name"], after["name"])
			}
			if unk := rc.Change.AfterUnknown.(map[string]any); unk["unique_id"] != true || unk["arn"] != true {
				t.Errorf("%s: after_unknown %v, want arn and unique_id unknown", rc.Address, unk)
			}
		}
		for _, rc := range p.plan.ResourceChanges {
			if rc.Change.Actions.Update() {
				after := rc.Change.After.(map[string]any)
				if tags, ok := after["tags_all"].(map[string]any); ok && tags["Environment"] != "staging" {
					t.Errorf("%s: update leaves Environment=%v", rc.Address, tags["Environment"])
				}
			}
		}
	})
	t.Run("no-changes", func(t *testing.T) {
		p := parse(t, generate(t, Options{Resources: n, Scenario: ScenarioNoChanges}))
		if c := count(p); c["no-op"] != n {
			t.Errorf("got %v, want all no-op", c)
		}
	})
	t.Run("destroy", func(t *testing.T) {
		p := parse(t, generate(t, Options{Resources: n, Scenario: ScenarioDestroy}))
		if c := count(p); c["delete"] != n || len(p.planned) != 0 {
			t.Errorf("got %v and %d planned, want all deleted", c, len(p.planned))
		}
	})
}

// TestSensitiveValues checks that the canary values are present in the
// document (Terraform writes sensitive values in plans) and marked
// sensitive wherever they appear in a resource.
func TestSensitiveValues(t *testing.T) {
	p := parse(t, generate(t, Options{Resources: 500, Scenario: ScenarioMixed, Seed: 9}))
	found := 0
	for _, rc := range p.plan.ResourceChanges {
		if rc.Type != "aws_db_instance" {
			continue
		}
		for _, side := range []struct {
			values, sensitive any
		}{{rc.Change.Before, rc.Change.BeforeSensitive}, {rc.Change.After, rc.Change.AfterSensitive}} {
			v, ok := side.values.(map[string]any)
			if !ok {
				continue
			}
			pw, _ := v["password"].(string)
			if !strings.HasPrefix(pw, CanaryPrefix) {
				t.Errorf("%s: password %q lacks the canary prefix", rc.Address, pw)
			}
			if s, _ := side.sensitive.(map[string]any); s["password"] != true {
				t.Errorf("%s: password not marked sensitive: %v", rc.Address, side.sensitive)
			}
			found++
		}
	}
	if found == 0 {
		t.Fatal("no aws_db_instance with a password in the plan")
	}
	for addr, r := range p.prior {
		if pw, ok := r.AttributeValues["password"].(string); ok && strings.HasPrefix(pw, CanaryPrefix) {
			if !strings.Contains(string(r.SensitiveValues), `"password":true`) {
				t.Errorf("prior_state %s: password not in sensitive_values %s", addr, r.SensitiveValues)
			}
		}
	}
}

func TestRoleUniqueIDsAndBucketPolicies(t *testing.T) {
	p := parse(t, generate(t, Options{Resources: 2000, Scenario: ScenarioNoChanges, Account: "210987654321"}))
	ids := map[string]string{} // module → replication role unique id
	for addr, r := range p.prior {
		if r.Type != "aws_iam_role" {
			continue
		}
		uid, _ := r.AttributeValues["unique_id"].(string)
		if len(uid) != 21 || !strings.HasPrefix(uid, "AROA") || strings.ToUpper(uid) != uid {
			t.Errorf("%s: unique_id %q", addr, uid)
		}
		if arn := r.AttributeValues["arn"].(string); arn != "arn:aws:iam::210987654321:role/"+r.AttributeValues["name"].(string) {
			t.Errorf("%s: arn %q", addr, arn)
		}
		if r.Name == "replication" {
			ids[strings.SplitN(addr, ".aws_", 2)[0]] = uid
		}
	}
	keyed := 0
	for addr, r := range p.prior {
		if r.Type != "aws_s3_bucket_policy" {
			continue
		}
		policy := r.AttributeValues["policy"].(string)
		if strings.Contains(policy, "aws:userid") {
			keyed++
			if uid := ids[strings.SplitN(addr, ".aws_", 2)[0]]; !strings.Contains(policy, `"`+uid+`:*"`) {
				t.Errorf("%s: policy does not name the replication role id %s: %s", addr, uid, policy)
			}
		}
	}
	if keyed == 0 {
		t.Error("no bucket policy keyed on a role unique id")
	}
}

func TestOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no resources", Options{}, "resources 0"},
		{"unknown scenario", Options{Resources: 1, Scenario: "chaos"}, `scenario "chaos"`},
		{"bad account", Options{Resources: 1, Account: "12"}, `account "12"`},
		{"same envs", Options{Resources: 1, Scenario: ScenarioWrongState, Env: "dev", TargetEnv: "dev"}, "two environments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Write(io.Discard, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, scenario := range []string{ScenarioMixed, ScenarioWrongState} {
		b.Run(scenario+"/10k", func(b *testing.B) {
			opts := Options{Resources: 10_000, Scenario: scenario, Seed: 1}
			var cw countingWriter
			if err := Write(&cw, opts); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(cw.n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := Write(io.Discard, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
