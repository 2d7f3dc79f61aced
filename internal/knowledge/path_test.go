package knowledge

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		path    string
		want    []Segment
		wantErr bool
	}{
		{path: "role", want: []Segment{{Kind: SegKey, Key: "role"}}},
		{path: "destination[*].bucket", want: []Segment{
			{Kind: SegKey, Key: "destination"}, {Kind: SegAll}, {Kind: SegKey, Key: "bucket"},
		}},
		{path: "point_in_time_recovery[0].enabled", want: []Segment{
			{Kind: SegKey, Key: "point_in_time_recovery"}, {Kind: SegIndex, Index: 0}, {Kind: SegKey, Key: "enabled"},
		}},
		{path: "[*].logConfiguration.options.awslogs-group", want: []Segment{
			{Kind: SegAll}, {Kind: SegKey, Key: "logConfiguration"}, {Kind: SegKey, Key: "options"}, {Kind: SegKey, Key: "awslogs-group"},
		}},
		{path: "a[*][*].b", want: []Segment{
			{Kind: SegKey, Key: "a"}, {Kind: SegAll}, {Kind: SegAll}, {Kind: SegKey, Key: "b"},
		}},
		{path: "", wantErr: true},
		{path: ".role", wantErr: true},
		{path: "role.", wantErr: true},
		{path: "a..b", wantErr: true},
		{path: "a.[*]", wantErr: true},
		{path: "a[", wantErr: true},
		{path: "a[-1]", wantErr: true},
		{path: "a[x]", wantErr: true},
		{path: "a b", wantErr: true},
		{path: "a[*]b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := ParsePath(tt.path)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParsePath(%q) = %v, want an error", tt.path, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.path, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePath(%q) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

// rawAttr is the raw JSON of the top-level attribute key of a JSON object literal (nil
// when absent), as ValuesIn gets it.
func rawAttr(t *testing.T, s, key string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return m[key]
}

// decode turns a JSON object literal into attribute values as encoding/json
// produces them from plan JSON.
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v", err)
	}
	return m
}

func TestReferenceValues(t *testing.T) {
	tests := []struct {
		name  string
		ref   Reference
		attrs string
		want  []string
	}{
		{
			name:  "top-level string",
			ref:   Reference{Path: "role"},
			attrs: `{"role": "arn:aws:iam::123456789012:role/app"}`,
			want:  []string{"arn:aws:iam::123456789012:role/app"},
		},
		{
			name:  "null and empty values yield nothing",
			ref:   Reference{Path: "role"},
			attrs: `{"role": null, "other": ""}`,
			want:  nil,
		},
		{
			name:  "list of strings",
			ref:   Reference{Path: "roles"},
			attrs: `{"roles": ["a", "b", "a"]}`,
			want:  []string{"a", "b"},
		},
		{
			name:  "nested blocks as lists of objects",
			ref:   Reference{Path: "rule[*].destination[*].bucket"},
			attrs: `{"rule": [{"destination": [{"bucket": "arn:aws:s3:::one"}]}, {"destination": [{"bucket": "arn:aws:s3:::two"}]}]}`,
			want:  []string{"arn:aws:s3:::one", "arn:aws:s3:::two"},
		},
		{
			name:  "index selects one element",
			ref:   Reference{Path: "rule[1].destination[0].bucket"},
			attrs: `{"rule": [{"destination": [{"bucket": "arn:aws:s3:::one"}]}, {"destination": [{"bucket": "arn:aws:s3:::two"}]}]}`,
			want:  []string{"arn:aws:s3:::two"},
		},
		{
			name:  "index out of range",
			ref:   Reference{Path: "rule[5].bucket"},
			attrs: `{"rule": [{"bucket": "x"}]}`,
			want:  nil,
		},
		{
			name:  "single nested object where the path says [*]",
			ref:   Reference{Path: "launch_template[*].id"},
			attrs: `{"launch_template": {"id": "lt-0abc", "version": "1"}}`,
			want:  []string{"lt-0abc"},
		},
		{
			name:  "list block where the path omits [*]",
			ref:   Reference{Path: "dead_letter_config.arn"},
			attrs: `{"dead_letter_config": [{"arn": "arn:aws:sqs:eu-west-1:123456789012:dlq"}]}`,
			want:  []string{"arn:aws:sqs:eu-west-1:123456789012:dlq"},
		},
		{
			name:  "empty block list",
			ref:   Reference{Path: "dead_letter_config[*].arn"},
			attrs: `{"dead_letter_config": []}`,
			want:  nil,
		},
		{
			name:  "numbers and booleans are not identifiers",
			ref:   Reference{Path: "x"},
			attrs: `{"x": [1, true, "id"]}`,
			want:  []string{"id"},
		},
		{
			name:  "JSON document at a path inside it",
			ref:   Reference{Path: "redrive_policy", JSON: true, JSONPath: "deadLetterTargetArn"},
			attrs: `{"redrive_policy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:123456789012:dlq\",\"maxReceiveCount\":5}"}`,
			want:  []string{"arn:aws:sqs:eu-west-1:123456789012:dlq"},
		},
		{
			name:  "JSON document that does not decode",
			ref:   Reference{Path: "policy", JSON: true},
			attrs: `{"policy": "not json"}`,
			want:  nil,
		},
		{
			name: "policy document: principals, resources and aws:userid ids, no grammar",
			ref:  Reference{Path: "policy", JSON: true},
			attrs: `{"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[` +
				`{\"Sid\":\"Repl\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:role/replication\"},\"Action\":[\"s3:ReplicateObject\"],\"Resource\":\"arn:aws:s3:::dest/*\"},` +
				`{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::dest/*\",` +
				`\"Condition\":{\"StringNotLike\":{\"aws:userid\":[\"AROAEXAMPLEROLEID123:*\",\"123456789012\"]}}}]}"}`,
			// Keys are visited in sorted order: Condition, Principal, Resource.
			want: []string{
				"arn:aws:iam::123456789012:role/replication",
				"arn:aws:s3:::dest/*",
				"AROAEXAMPLEROLEID123",
				"123456789012",
				"*",
			},
		},
		{
			name:  "map members in sorted order whatever the order written",
			ref:   Reference{Path: "environment[*].variables"},
			attrs: `{"environment": [{"variables": {"b": "two", "a": "one", "c": {"z": "four", "y": "three"}}}]}`,
			want:  []string{"one", "two", "three", "four"},
		},
		{
			name:  "a repeated name counts once, with its last value",
			ref:   Reference{Path: "tags"},
			attrs: `{"tags": {"a": "first", "b": "x", "a": "last"}}`,
			want:  []string{"last", "x"},
		},
		{
			name:  "escaped names and strings",
			ref:   Reference{Path: "cfg.role_arn"},
			attrs: `{"cfg": {"role\u005farn": "arn:aws:iam::1:role\/esc", "other": "y"}}`,
			want:  []string{"arn:aws:iam::1:role/esc"},
		},
		{
			name:  "a null block reached on the way",
			ref:   Reference{Path: "cfg[*].role_arn"},
			attrs: `{"cfg": [null, {"role_arn": null}, {"role_arn": "r"}]}`,
			want:  []string{"r"},
		},
		{
			name:  "a scalar where the path goes on",
			ref:   Reference{Path: "cfg.role_arn"},
			attrs: `{"cfg": "flat"}`,
			want:  nil,
		},
		{
			name:  "principal rewritten to a bare unique id after deletion",
			ref:   Reference{Path: "policy", JSON: true},
			attrs: `{"policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"AROAOLDROLEID0000001\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}"}`,
			want:  []string{"AROAOLDROLEID0000001", "*"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.ref.Values(decode(t, tt.attrs))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Values mismatch (-want +got):\n%s", diff)
			}
			segs, err := ParsePath(tt.ref.Path)
			if err != nil {
				t.Fatal(err)
			}
			attr := rawAttr(t, tt.attrs, segs[0].Key)
			if diff := cmp.Diff(tt.want, tt.ref.ValuesIn(attr)); diff != "" {
				t.Errorf("ValuesIn(%s) mismatch (-want +got):\n%s", attr, diff)
			}
		})
	}
}

func TestProtectionValue(t *testing.T) {
	tests := []struct {
		path   string
		attrs  string
		want   string
		wantOK bool
	}{
		{path: "force_destroy", attrs: `{"force_destroy": false}`, want: "false", wantOK: true},
		{path: "deletion_protection", attrs: `{"deletion_protection": true}`, want: "true", wantOK: true},
		{path: "point_in_time_recovery[0].enabled", attrs: `{"point_in_time_recovery": [{"enabled": true}]}`, want: "true", wantOK: true},
		{path: "versioning_configuration[*].status", attrs: `{"versioning_configuration": [{"status": "Enabled"}]}`, want: "Enabled", wantOK: true},
		{path: "deletion_window_in_days", attrs: `{"deletion_window_in_days": 30}`, want: "30", wantOK: true},
		{path: "skip_final_snapshot", attrs: `{"skip_final_snapshot": null}`, wantOK: false},
		{path: "point_in_time_recovery[0].enabled", attrs: `{"point_in_time_recovery": []}`, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := Protection{Path: tt.path}.Value(decode(t, tt.attrs))
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("Value = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
