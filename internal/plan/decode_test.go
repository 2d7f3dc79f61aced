package plan

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fullPlan exercises every part of the format the loader keeps.
const fullPlan = `{
  "format_version": "1.2",
  "terraform_version": "1.11.4",
  "variables": {"env": {"value": "staging"}},
  "planned_values": {"root_module": {"resources": []}},
  "resource_drift": [
    {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["update"], "before": {"bucket": "logs"}, "after": {"bucket": "logs2"}, "before_sensitive": {}, "after_sensitive": {}}}
  ],
  "resource_changes": [
    {"address": "module.app[\"eu\"].aws_iam_role.task[0]", "module_address": "module.app[\"eu\"]", "mode": "managed",
     "type": "aws_iam_role", "name": "task", "index": 0, "provider_name": "registry.terraform.io/hashicorp/aws",
     "action_reason": "delete_because_no_resource_config",
     "change": {"actions": ["delete"], "before": {"name": "task", "password": "p"}, "after": null,
                "after_unknown": {}, "before_sensitive": {"password": true}, "after_sensitive": false}},
    {"address": "aws_s3_bucket.new", "previous_address": "aws_s3_bucket.old", "mode": "managed", "type": "aws_s3_bucket",
     "name": "new", "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["no-op"], "before": {"bucket": "b"}, "after": {"bucket": "b"}, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}},
    {"address": "aws_iam_role.imported", "mode": "managed", "type": "aws_iam_role", "name": "imported",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["update"], "before": {"name": "i"}, "after": {"name": "i"}, "importing": {"id": "imported-role"},
                "before_sensitive": {}, "after_sensitive": {}}},
    {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
     "provider_name": "registry.terraform.io/hashicorp/aws", "action_reason": "replace_because_cannot_update",
     "change": {"actions": ["delete", "create"], "before": {"name": "r"}, "after": {"name": "r2"},
                "replace_paths": [["name"]], "before_sensitive": false, "after_sensitive": false}},
    {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me",
     "provider_name": "registry.terraform.io/hashicorp/aws", "action_reason": "read_because_config_unknown",
     "change": {"actions": ["read"], "before": null, "after": {"account_id": "111111111111"}}},
    {"address": "aws_instance.web", "deposed": "00000001", "mode": "managed", "type": "aws_instance", "name": "web",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["delete"], "before": {"id": "i-1"}, "after": null}},
    {"address": "module.m.data.aws_iam_policy_document.d",
     "change": {"actions": ["read"]}}
  ],
  "output_changes": {
    "zeta": {"actions": ["create"], "before": null, "after": "z", "after_unknown": false, "before_sensitive": false, "after_sensitive": false},
    "alpha": {"actions": ["update"], "before": "a", "after": "b", "after_unknown": false, "before_sensitive": false, "after_sensitive": true},
    "same": {"actions": ["no-op"], "before": "s", "after": "s", "after_unknown": false, "before_sensitive": false, "after_sensitive": false}
  },
  "prior_state": {
    "format_version": "1.0", "terraform_version": "1.11.4",
    "values": {"outputs": {}, "root_module": {
      "resources": [
        {"address": "aws_s3_bucket.old", "mode": "managed", "type": "aws_s3_bucket", "name": "old", "values": {}},
        {"address": "data.aws_caller_identity.me", "mode": "data", "type": "aws_caller_identity", "name": "me", "values": {}}
      ],
      "child_modules": [
        {"address": "module.app[\"eu\"]", "resources": [
          {"address": "module.app[\"eu\"].aws_iam_role.task[0]", "mode": "managed", "type": "aws_iam_role", "name": "task", "values": {}}],
         "child_modules": [
          {"address": "module.app[\"eu\"].module.inner", "resources": [
            {"address": "module.app[\"eu\"].module.inner.aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "values": {}}]}]}
      ]}}
  },
  "configuration": {
    "provider_config": {"aws": {"name": "aws"}},
    "root_module": {
      "resources": [
        {"address": "aws_s3_bucket.new", "mode": "managed", "type": "aws_s3_bucket", "name": "new",
         "expressions": {"bucket": {"references": ["var.env", "local.prefix"]},
                         "constant": {"constant_value": "references"},
                         "logging": [{"target_bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs", "var.env"]}}]}},
        {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
         "expressions": {"name": {"constant_value": "r"}},
         "count_expression": {"references": ["var.n"]}},
        {"mode": "data", "type": "aws_caller_identity", "name": "me"}
      ],
      "module_calls": {
        "app": {"source": "./app", "for_each_expression": {"references": ["var.regions"]},
                "module": {"resources": [{"address": "aws_iam_role.other", "mode": "managed", "type": "aws_iam_role", "name": "other",
                                          "for_each_expression": {"references": ["each.key", "var.names"]}}],
                           "module_calls": {"inner": {"source": "./inner", "module": {"resources": [
                              {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q"}]}}}}}
      }
    }
  },
  "relevant_attributes": [{"resource": "aws_s3_bucket.logs", "attribute": ["bucket"]}],
  "checks": [],
  "timestamp": "2025-05-01T10:00:00Z",
  "applyable": true,
  "complete": true,
  "errored": false
}`

func TestDecodeKeepsWhatTheReviewNeeds(t *testing.T) {
	p, err := Decode(strings.NewReader(fullPlan), "full.json")
	if err != nil {
		t.Fatal(err)
	}
	type head struct {
		Source, FormatVersion, TerraformVersion, Timestamp string
		Errored, Complete, Applyable                       bool
	}
	gotHead := head{p.Source, p.FormatVersion, p.TerraformVersion, p.Timestamp, p.Errored, *p.Complete, *p.Applyable}
	if diff := cmp.Diff(head{"full.json", "1.2", "1.11.4", "2025-05-01T10:00:00Z", false, true, true}, gotHead); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}

	want := []*Change{
		{Address: `module.app["eu"].aws_iam_role.task[0]`, ModuleAddress: `module.app["eu"]`, Mode: "managed", Type: "aws_iam_role", Name: "task",
			Index: "0", ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"delete"},
			ActionReason: "delete_because_no_resource_config",
			Before:       Value(`{"name": "task", "password": "p"}`), BeforeSensitive: Value(`{"password": true}`)},
		{Address: "aws_s3_bucket.new", Extra: &ChangeExtra{PreviousAddress: "aws_s3_bucket.old"}, Mode: "managed", Type: "aws_s3_bucket", Name: "new",
			ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"no-op"}},
		{Address: "aws_iam_role.imported", Mode: "managed", Type: "aws_iam_role", Name: "imported",
			ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"update"},
			Before: Value(`{"name": "i"}`), BeforeSensitive: Value(`{}`), Extra: &ChangeExtra{Importing: true, ImportingID: "imported-role"}},
		{Address: "aws_iam_role.r", Mode: "managed", Type: "aws_iam_role", Name: "r",
			ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"delete", "create"}, ActionReason: "replace_because_cannot_update",
			Before: Value(`{"name": "r"}`), BeforeSensitive: Value(`false`), ReplacePaths: Value(`[["name"]]`)},
		{Address: "data.aws_caller_identity.me", Mode: "data", Type: "aws_caller_identity", Name: "me",
			ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"read"}, ActionReason: "read_because_config_unknown"},
		{Address: "aws_instance.web", Extra: &ChangeExtra{Deposed: "00000001"}, Mode: "managed", Type: "aws_instance", Name: "web",
			ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"delete"}, Before: Value(`{"id": "i-1"}`)},
		// a trimmed fixture: mode and type recovered from the address
		{Address: "module.m.data.aws_iam_policy_document.d", Mode: "data", Type: "aws_iam_policy_document", Actions: Actions{"read"}},
	}
	opts := []cmp.Option{cmpopts.IgnoreUnexported(Change{}), cmp.Transformer("compact", func(v Value) string {
		return strings.Join(strings.Fields(string(v)), "")
	})}
	if diff := cmp.Diff(want, p.Changes, opts...); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	wantDrift := []*Change{{Address: "aws_s3_bucket.logs", Mode: "managed", Type: "aws_s3_bucket", Name: "logs",
		ProviderName: "registry.terraform.io/hashicorp/aws", Actions: Actions{"update"}}}
	if diff := cmp.Diff(wantDrift, p.Drift, opts...); diff != "" {
		t.Errorf("drift (-want +got):\n%s", diff)
	}

	wantOut := []OutputChange{
		{Name: "alpha", Actions: Actions{"update"}, Sensitive: true},
		{Name: "same", Actions: Actions{"no-op"}},
		{Name: "zeta", Actions: Actions{"create"}},
	}
	if diff := cmp.Diff(wantOut, p.Outputs); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff(PriorState{Present: true, Managed: 3, Data: 1}, p.Prior); diff != "" {
		t.Errorf("prior state (-want +got):\n%s", diff)
	}

	wantConfig := map[string]*ConfigResource{
		"aws_s3_bucket.new": {Address: "aws_s3_bucket.new", Type: "aws_s3_bucket", Name: "new",
			References: []string{"var.env", "local.prefix", "aws_s3_bucket.logs.id", "aws_s3_bucket.logs"},
			AttributeReferences: []AttributeReferences{
				{Attribute: "bucket", References: []string{"var.env", "local.prefix"}},
				{Attribute: "logging", References: []string{"aws_s3_bucket.logs.id", "aws_s3_bucket.logs", "var.env"}},
			}},
		"aws_iam_role.r":                          {Address: "aws_iam_role.r", Type: "aws_iam_role", Name: "r", References: []string{"var.n"}},
		"data.aws_caller_identity.me":             {Address: "data.aws_caller_identity.me", Type: "aws_caller_identity", Name: "me"},
		"module.app.aws_iam_role.other":           {Address: "module.app.aws_iam_role.other", Type: "aws_iam_role", Name: "other", References: []string{"each.key", "var.names"}},
		"module.app.module.inner.aws_sqs_queue.q": {Address: "module.app.module.inner.aws_sqs_queue.q", Type: "aws_sqs_queue", Name: "q"},
	}
	if !p.Config.Present {
		t.Error("configuration not marked present")
	}
	if diff := cmp.Diff(wantConfig, p.Config.Declared, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("declared (-want +got):\n%s", diff)
	}
}

func TestDecodeAcceptsFormatVersions(t *testing.T) {
	for _, v := range []string{"0.1", "0.2", "1.0", "1.1", "1.2", "1.9", ""} {
		t.Run("v"+v, func(t *testing.T) {
			doc := `{"format_version":"` + v + `","resource_changes":[]}`
			if v == "" {
				doc = `{"resource_changes":[]}`
			}
			p, err := Decode(strings.NewReader(doc), "in.json")
			if err != nil {
				t.Fatalf("format_version %q rejected: %v", v, err)
			}
			if p.FormatVersion != v || p.Prior.Present || p.Config.Present || len(p.Changes) != 0 {
				t.Errorf("unexpected plan %+v", p)
			}
		})
	}
}

func TestDecodeNullSectionsAreEmpty(t *testing.T) {
	p, err := Decode(strings.NewReader(`{"format_version":"1.2","resource_changes":null,"resource_drift":null,"prior_state":null,"configuration":null,"planned_values":null}`), "in.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 0 || p.Prior.Present || p.Config.Present {
		t.Errorf("null sections should be absent: %+v", p)
	}
}

// failingReader returns data, then an error other than EOF.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(b []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(b, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestDecodeMalformed(t *testing.T) {
	const name = "input-under-test.json"
	tests := []struct {
		name  string
		doc   string
		r     io.Reader // overrides doc
		is    error     // errors.Is target, optional
		wants []string  // substrings of the message
	}{
		{name: "empty", doc: "", wants: []string{"the input is empty"}},
		{name: "whitespace only", doc: " \n\t\r\n ", wants: []string{"the input is empty"}},
		{name: "top-level array", doc: "[]", is: ErrNotAPlan, wants: []string{"top-level JSON value is an array"}},
		{name: "top-level string", doc: `"str"`, is: ErrNotAPlan, wants: []string{"is a string"}},
		{name: "top-level number", doc: `42`, is: ErrNotAPlan, wants: []string{"is a number"}},
		{name: "top-level null", doc: `null`, is: ErrNotAPlan, wants: []string{"is null"}},
		{name: "empty object", doc: `{}`, is: ErrNotAPlan, wants: []string{"none of a plan's sections"}},
		{name: "unrelated object", doc: `{"name":"package.json","version":"1.0.0"}`, is: ErrNotAPlan, wants: []string{"none of a plan's sections"}},
		{name: "state file (raw)", doc: `{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"abc","outputs":{},"resources":[],"check_results":null}`,
			is: ErrNotAPlan, wants: []string{"this is a Terraform state, not a plan", "--state"}},
		{name: "state from terraform show -json", doc: `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}`,
			is: ErrNotAPlan, wants: []string{"this is a Terraform state, not a plan"}},
		{name: "format_version 2.0", doc: `{"format_version":"2.0","resource_changes":[]}`, is: ErrUnsupportedFormat, wants: []string{"format_version 2.0 is newer", "upgrade hiyari"}},
		{name: "format_version not a number", doc: `{"format_version":"v1","resource_changes":[]}`, is: ErrUnsupportedFormat, wants: []string{`"v1" is not a version number`}},
		{name: "format_version as number", doc: `{"format_version":1.2,"resource_changes":[]}`, wants: []string{"/format_version is a number, want a string"}},
		{name: "resource_changes as object", doc: `{"format_version":"1.2","resource_changes":{}}`, wants: []string{"/resource_changes is an object, want an array"}},
		{name: "resource_changes as string", doc: `{"format_version":"1.2","resource_changes":"x"}`, wants: []string{"/resource_changes is a string, want an array"}},
		{name: "change element not an object", doc: `{"format_version":"1.2","resource_changes":[5]}`, wants: []string{"/resource_changes/0 is a number, want an object"}},
		{name: "address as number", doc: `{"format_version":"1.2","resource_changes":[{"address":5,"change":{"actions":["create"]}}]}`,
			wants: []string{"/resource_changes/0/address is a number, want a string"}},
		{name: "address missing", doc: `{"format_version":"1.2","resource_changes":[{"change":{"actions":["create"]}}]}`, wants: []string{"/resource_changes/0 has no address"}},
		{name: "actions as string", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":"create"}}]}`,
			wants: []string{"/resource_changes/0/change/actions is a string, want an array"}},
		{name: "actions empty", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":[]}}]}`, wants: []string{"(a.b) has no change.actions"}},
		{name: "change as array", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":[]}]}`,
			wants: []string{"/resource_changes/0/change is an array, want an object"}},
		{name: "second change wrong", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["create"]}},{"address":"a.c","change":{"actions":[1]}}]}`,
			wants: []string{"/resource_changes/1/change/actions/0 is a number, want a string"}},
		{name: "drift as object", doc: `{"format_version":"1.2","resource_drift":{}}`, wants: []string{"/resource_drift is an object, want an array"}},
		{name: "output_changes as array", doc: `{"format_version":"1.2","output_changes":[]}`, wants: []string{"/output_changes is an array, want an object"}},
		{name: "prior_state as array", doc: `{"format_version":"1.2","prior_state":[]}`, wants: []string{"/prior_state is an array, want an object"}},
		{name: "prior resources as object", doc: `{"format_version":"1.2","prior_state":{"values":{"root_module":{"resources":{}}}}}`,
			wants: []string{"/prior_state/values/root_module/resources is an object, want an array"}},
		{name: "prior child module as string", doc: `{"format_version":"1.2","prior_state":{"values":{"root_module":{"child_modules":["x"]}}}}`,
			wants: []string{"/prior_state/values/root_module/child_modules/0 is a string, want an object"}},
		{name: "configuration resources as number", doc: `{"format_version":"1.2","configuration":{"root_module":{"resources":5}}}`,
			wants: []string{"/configuration/root_module/resources is a number, want an array"}},
		{name: "importing as string", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["create"],"importing":"x"}}]}`,
			wants: []string{"/resource_changes/0/change/importing is a string, want an object"}},
		{name: "invalid UTF-8", doc: "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\xff\",\"change\":{\"actions\":[\"create\"]}}]}",
			wants: []string{"invalid UTF-8"}},
		{name: "invalid UTF-8 in a skipped section", doc: "{\"format_version\":\"1.2\",\"planned_values\":{\"x\":\"\xc3\"},\"resource_changes\":[]}",
			wants: []string{"invalid UTF-8"}},
		{name: "duplicate top-level key", doc: `{"format_version":"1.2","format_version":"1.2","resource_changes":[]}`, wants: []string{"duplicate"}},
		{name: "duplicate key in a change", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","address":"a.c","change":{"actions":["create"]}}]}`,
			wants: []string{"duplicate"}},
		{name: "duplicate key in before", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["delete"],"before":{"x":1,"x":2}}}]}`,
			wants: []string{"duplicate"}},
		{name: "trailing garbage", doc: `{"format_version":"1.2","resource_changes":[]} x`, wants: []string{"not valid JSON"}},
		{name: "second object", doc: `{"format_version":"1.2","resource_changes":[]}{}`, wants: []string{"unexpected data after the plan object"}},
		{name: "trailing comma", doc: `{"format_version":"1.2","resource_changes":[],}`, wants: []string{"not valid JSON"}},
		{name: "single quotes", doc: `{'format_version':'1.2'}`, wants: []string{"not valid JSON"}},
		{name: "truncated", doc: `{"format_version":"1.2","resource_changes":[{"address":"a.b","cha`, wants: []string{"ends early", "truncated"}},
		{name: "reader error at start", r: &failingReader{err: errors.New("disk on fire")}, wants: []string{"disk on fire"}},
		{name: "reader error midway", r: &failingReader{data: `{"format_version":"1.2","resource_changes":[`, err: errors.New("disk on fire")}, wants: []string{"disk on fire"}},
		{name: "reader timeout", r: iotest.TimeoutReader(strings.NewReader(`{"format_version":"1.2"`)), wants: []string{"timeout"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			if r == nil {
				r = strings.NewReader(tc.doc)
			}
			p, err := Decode(r, name)
			if err == nil {
				t.Fatalf("Decode accepted it: %+v", p)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not an *InputError", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, name+": ") {
				t.Errorf("message does not start with the input's name: %q", msg)
			}
			if ie.Fix == "" {
				t.Errorf("no fix suggested: %q", msg)
			}
			for _, w := range tc.wants {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

// TestDecodeTruncatedCorpusPlan cuts a real plan at many offsets: each prefix must be
// an *InputError naming the input, never a panic or a silently accepted plan.
func TestDecodeTruncatedCorpusPlan(t *testing.T) {
	path := largestCorpusPlan(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const name = "cut.json"
	step := 997
	if testing.Short() {
		step = 9973
	}
	cuts := 0
	for off := 0; off < len(data)-1; off += step {
		cuts++
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic at offset %d: %v", off, r)
				}
			}()
			_, err := Decode(strings.NewReader(string(data[:off])), name)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("offset %d: got %T %v, want *InputError", off, err, err)
			}
			if !strings.HasPrefix(err.Error(), name+": ") {
				t.Fatalf("offset %d: message does not name the input: %v", off, err)
			}
		}()
	}
	// the last byte is the closing brace: cutting just before it
	if _, err := Decode(strings.NewReader(string(data[:len(strings.TrimRight(string(data), " \n"))-1])), name); err == nil {
		t.Error("plan without its closing brace accepted")
	}
	if _, err := Decode(strings.NewReader(string(data)), name); err != nil {
		t.Errorf("the whole plan fails: %v", err)
	}
	t.Logf("%s: %d bytes, %d cuts", path, len(data), cuts)
}

func TestDecodeRetaining(t *testing.T) {
	all := func(string) bool { return true }
	roles := func(t string) bool { return t == "aws_iam_role" }
	buckets := func(t string) bool { return t == "aws_s3_bucket" }
	tests := []struct {
		name          string
		keep          Retain
		wantAfter     map[string]string // address → After
		wantUnchanged map[string]string // no-op address → Before
	}{
		{name: "nothing by default", wantAfter: map[string]string{}, wantUnchanged: map[string]string{}},
		{
			name: "after for creates, updates and replaces of the asked types",
			keep: Retain{After: roles},
			wantAfter: map[string]string{
				"aws_iam_role.imported": `{"name": "i"}`,
				"aws_iam_role.r":        `{"name": "r2"}`,
			},
			wantUnchanged: map[string]string{},
		},
		{
			name:          "no-op values only for asked managed types",
			keep:          Retain{Unchanged: buckets},
			wantAfter:     map[string]string{},
			wantUnchanged: map[string]string{"aws_s3_bucket.new": `{"bucket": "b"}`},
		},
		{
			name: "everything asked: deletes and reads still have no after",
			keep: Retain{After: all, Unchanged: all},
			wantAfter: map[string]string{
				"aws_iam_role.imported": `{"name": "i"}`,
				"aws_iam_role.r":        `{"name": "r2"}`,
			},
			wantUnchanged: map[string]string{"aws_s3_bucket.new": `{"bucket": "b"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := DecodeRetaining(strings.NewReader(fullPlan), "full.json", tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			gotAfter, gotUnchanged := map[string]string{}, map[string]string{}
			for _, c := range p.Changes {
				if c.After != nil {
					gotAfter[c.Address] = string(c.After)
				}
				if !c.Actions.Changes() && c.Before != nil {
					gotUnchanged[c.Address] = string(c.Before)
				}
			}
			if diff := cmp.Diff(tt.wantAfter, gotAfter); diff != "" {
				t.Errorf("After (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnchanged, gotUnchanged); diff != "" {
				t.Errorf("no-op Before (-want +got):\n%s", diff)
			}
			for _, c := range p.Changes {
				if c.Address == "aws_iam_role.r" && c.After != nil {
					if got, _ := c.AfterAttr("name").Scalar(); got != "r2" {
						t.Errorf("AfterAttr(name) = %q, want r2", got)
					}
					if got, _ := c.BeforeAttr("name").Scalar(); got != "r" {
						t.Errorf("BeforeAttr(name) = %q, want r", got)
					}
				}
			}
		})
	}
}

// TestMasksAreShared checks that equal sensitivity masks of different changes are
// kept once, and that sharing does not mix up different masks.
func TestMasksAreShared(t *testing.T) {
	doc := `{"format_version":"1.2","resource_changes":[
	{"address":"aws_s3_bucket.a","mode":"managed","type":"aws_s3_bucket","name":"a","change":{"actions":["delete"],"before":{"bucket":"a"},"before_sensitive":{"tags":{},"tags_all":{}}}},
	{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["delete"],"before":{"bucket":"b"},"before_sensitive":{"tags":{},"tags_all":{}}}},
	{"address":"aws_s3_bucket.c","mode":"managed","type":"aws_s3_bucket","name":"c","change":{"actions":["delete"],"before":{"bucket":"c"},"before_sensitive":{"bucket":true}}}]}`
	p, err := DecodeRetaining(strings.NewReader(doc), "masks.json", Retain{})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := p.Changes[0].BeforeSensitive, p.Changes[1].BeforeSensitive, p.Changes[2].BeforeSensitive
	if string(a) != `{"tags":{},"tags_all":{}}` || string(c) != `{"bucket":true}` {
		t.Fatalf("masks = %s, %s, %s", a, b, c)
	}
	if &a[0] != &b[0] {
		t.Error("equal masks of two changes are kept twice")
	}
	if &a[0] == &c[0] {
		t.Error("different masks share memory")
	}
}
