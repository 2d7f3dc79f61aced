package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The seed fixture is a real `terraform state pull` (scripts/fixtures/seed-roles.sh).
const seedState = "../blast/testdata/seed/consumers.tfstate.json"

func TestLoadRealState(t *testing.T) {
	st, err := Load(seedState)
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != 4 || st.Lineage == "" || st.Serial == 0 || !strings.HasPrefix(st.TerraformVersion, "1.") {
		t.Errorf("header = %+v", st.Header)
	}
	var got []string
	for _, r := range st.Resources {
		got = append(got, r.Address)
		if r.Mode != "managed" {
			t.Errorf("%s: mode %s kept", r.Address, r.Mode)
		}
		if r.Attributes.Kind() != '{' {
			t.Errorf("%s: attributes %q", r.Address, r.Attributes)
		}
	}
	want := []string{
		"aws_cloudwatch_log_group.api",
		"aws_cloudwatch_log_subscription_filter.api_to_firehose",
		"aws_ecs_task_definition.api",
		"aws_kinesis_firehose_delivery_stream.api_logs",
		"aws_lambda_function.log_processor",
		"aws_s3_bucket.logs",
		"aws_s3_bucket.logs_replica",
		"aws_s3_bucket_policy.logs_replica",
		"aws_s3_bucket_replication_configuration.logs",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
}

func TestReadInstances(t *testing.T) {
	doc := `{"version":4,"terraform_version":"1.11.4","serial":7,"lineage":"L",
	  "outputs":{"secret":{"value":"s3cr3t","type":"string","sensitive":true}},
	  "resources":[
	    {"module":"module.app","mode":"managed","type":"aws_iam_role","name":"r","provider":"p",
	     "instances":[{"index_key":"a","attributes":{"name":"x"},"sensitive_attributes":[]},
	                  {"index_key":"b","attributes":{"name":"y","password":"pw"},
	                   "sensitive_attributes":[[{"type":"get_attr","value":"password"}],[{"type":"get_attr","value":"tags"},{"type":"index","value":{"value":"k","type":"string"}}]]}]},
	    {"mode":"data","type":"aws_caller_identity","name":"me","instances":[{"attributes":{"id":"1"}}]},
	    {"instances":[{"index_key":0,"deposed":"00000001","attributes":{"id":"i"}}],"type":"aws_instance","name":"c"}
	  ],"check_results":null}`
	type got struct {
		Address, Mode, Deposed string
		Sensitive              []string
	}
	var all []got
	h, err := Read(strings.NewReader(doc), "s.json", func(r *Resource) error {
		all = append(all, got{r.Address, r.Mode, r.Deposed, r.Sensitive})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Header{Version: 4, TerraformVersion: "1.11.4", Serial: 7, Lineage: "L"}, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	want := []got{
		{Address: `module.app.aws_iam_role.r["a"]`, Mode: "managed"},
		{Address: `module.app.aws_iam_role.r["b"]`, Mode: "managed", Sensitive: []string{"password", "tags"}},
		{Address: "data.aws_caller_identity.me", Mode: "data"},
		{Address: "aws_instance.c[0]", Mode: "managed", Deposed: "00000001"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	plan, err := os.ReadFile("../blast/testdata/seed/plan-delete.json")
	if err != nil {
		t.Fatal(err)
	}
	real, err := os.ReadFile(seedState)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		want      []string
		notState  bool
	}{
		{"empty", "", []string{"s.json", "empty"}, true},
		{"not an object", `[1]`, []string{"not an object"}, true},
		{"plan", string(plan), []string{"a Terraform plan, not a state", "PLAN argument"}, true},
		{"show json", `{"format_version":"1.0","values":{"root_module":{}}}`, []string{"terraform show -json", "terraform state pull"}, true},
		{"version 3", `{"version":3,"serial":1,"modules":[]}`, []string{"state format version 3", "version 4"}, true},
		{"no version", `{"serial":1,"resources":[]}`, []string{"no \"version\""}, true},
		{"truncated", string(real[:len(real)/2]), []string{"ends early", "truncated"}, false},
		{"bad json", `{"version":4,"lineage":x}`, []string{"not valid JSON"}, false},
		{"trailing", `{"version":4} {}`, []string{"unexpected data after"}, false},
		{"resources not array", `{"version":4,"resources":{}}`, []string{"/resources is not an array"}, true},
		{"resource without type", `{"version":4,"resources":[{"name":"x","instances":[]}]}`, []string{"no type or name"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.doc), "s.json", func(*Resource) error { return nil })
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "--state s.json: ") {
				t.Errorf("error %q does not name the file", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if got := errors.Is(err, ErrNotAState); got != tt.notState {
				t.Errorf("errors.Is(ErrNotAState) = %v, want %v", got, tt.notState)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.json"), "no such file"},
		{"directory", dir, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error = %v, want one naming %s and saying %q", err, tt.path, tt.want)
			}
		})
	}
}

// Outputs can hold secrets: they are skipped unread and never reach a Resource.
func TestOutputsNeverRead(t *testing.T) {
	doc := `{"version":4,"outputs":{"db":{"value":"hunter2","sensitive":true}},"resources":[{"mode":"managed","type":"aws_x","name":"y","instances":[{"attributes":{"id":"1"}}]}]}`
	_, err := Read(strings.NewReader(doc), "s.json", func(r *Resource) error {
		if strings.Contains(string(r.Attributes), "hunter2") {
			t.Error("an output value reached a resource")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
