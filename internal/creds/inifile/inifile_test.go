package inifile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantKeys   map[string]map[string]Key // section -> key -> Key
		wantIssues []Issue
	}{
		{
			name: "sections, comments, quotes, colon separator",
			in:   "# top\n[default]\naws_access_key_id = \"AKIA1\" # trailing\nRegion: eu-west-1\n\n[profile  dev]\n; c\nrole_arn=arn:aws:iam::1:role/x\n",
			wantKeys: map[string]map[string]Key{
				"default":     {"aws_access_key_id": {Name: "aws_access_key_id", Value: "AKIA1", Line: 3}, "region": {Name: "region", Value: "eu-west-1", Line: 4}},
				"profile dev": {"role_arn": {Name: "role_arn", Value: "arn:aws:iam::1:role/x", Line: 8}},
			},
		},
		{
			name: "a repeated section merges, last value wins",
			in:   "[default]\nregion = a\n[other]\nx = 1\n[default]\nregion = b\n",
			wantKeys: map[string]map[string]Key{
				"default": {"region": {Name: "region", Value: "b", Line: 6}},
				"other":   {"x": {Name: "x", Value: "1", Line: 4}},
			},
		},
		{
			name: "nested values are not keys of the section",
			in:   "[default]\ns3 =\n  max_concurrent_requests = 20\nregion = a\n",
			wantKeys: map[string]map[string]Key{
				"default": {"s3": {Name: "s3", Value: "", Line: 2}, "region": {Name: "region", Value: "a", Line: 4}},
			},
		},
		{
			name: "lines the SDK ignores",
			in:   "orphan = 1\n[default]\naws_access_key_id AKIA1\n[broken\nregion = x\n",
			wantKeys: map[string]map[string]Key{
				"default": {"region": {Name: "region", Value: "x", Line: 5}},
			},
			wantIssues: []Issue{
				{Line: 1, Message: `key "orphan" before any [section] is ignored`},
				{Line: 3, Message: "line has no = (want key = value); the SDK ignores it"},
				{Line: 4, Message: "section header without a closing ] is ignored: the keys under it count for the section before it"},
			},
		},
		{
			name:     "CRLF line endings",
			in:       "[default]\r\nregion = a\r\n",
			wantKeys: map[string]map[string]Key{"default": {"region": {Name: "region", Value: "a", Line: 2}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in), "cfg")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string]Key{}
			for _, s := range f.Sections {
				got[s.Name] = s.Keys
			}
			if diff := cmp.Diff(tt.wantKeys, got); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantIssues, f.Issues); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
}
