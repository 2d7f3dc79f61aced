package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/planfile"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

const (
	devLineage     = "29155a70-c3c8-af24-fecc-67f74510d18f"
	stagingLineage = "7cd4937a-fbdd-2547-90c7-bef0e2a146d6"
)

func stagingPinned() *statepin.Located {
	return &statepin.Located{Path: "/repo/.hiyari/state-pins.yaml", Dir: "envs/staging", Pin: &statepin.Pin{
		Backend:    statepin.Backend{Type: "s3", Bucket: "acme-tfstate-nonprod", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1"},
		Workspaces: map[string]statepin.Workspace{"default": {Lineage: stagingLineage}},
	}}
}

func s3Backend(key, workspace string) *planfile.Backend {
	return &planfile.Backend{Type: "s3", Bucket: "acme-tfstate-nonprod", Key: key, Region: "ap-northeast-1", Workspace: workspace, Source: "planfile"}
}

func TestBackendChanged(t *testing.T) {
	tests := []struct {
		name     string
		backend  *planfile.Backend
		pin      *statepin.Located
		want     report.Severity // "" for no finding
		evidence []report.Evidence
		message  string
	}{
		{name: "the incident: staging planned with dev's key", backend: s3Backend("envs/dev/terraform.tfstate", "default"), pin: stagingPinned(),
			want: report.Critical,
			evidence: []report.Evidence{
				{Path: "backend.key", Value: "envs/staging/terraform.tfstate → envs/dev/terraform.tfstate"},
				{Path: "plan backend", Value: "s3 acme-tfstate-nonprod/envs/dev/terraform.tfstate, workspace default (from planfile)"},
				{Path: "pin", Value: "envs/staging in .hiyari/state-pins.yaml"},
			},
			message: "the plan was made with key envs/dev/terraform.tfstate (pinned: envs/staging/terraform.tfstate), which is not the backend pinned for envs/staging: it reads and writes another state"},
		{name: "a workspace that is not pinned", backend: s3Backend("envs/staging/terraform.tfstate", "blue"), pin: stagingPinned(),
			want: report.High,
			evidence: []report.Evidence{
				{Path: "backend.workspace", Value: "default → blue"},
				{Path: "plan backend", Value: "s3 acme-tfstate-nonprod/env:/blue/envs/staging/terraform.tfstate, workspace blue (from planfile)"},
				{Path: "pin", Value: "envs/staging in .hiyari/state-pins.yaml"},
			}},
		{name: "the pinned backend", backend: s3Backend("envs/staging/terraform.tfstate", "default"), pin: stagingPinned()},
		{name: "no pin for the directory", backend: s3Backend("envs/dev/terraform.tfstate", "default"), pin: &statepin.Located{Dir: "envs/staging"}},
		{name: "no pins file", backend: s3Backend("envs/dev/terraform.tfstate", "default")},
		{name: "backend unknown (plan JSON, no .terraform)", pin: stagingPinned()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := backendChanged{}.Check(&Input{Backend: tt.backend, Pin: tt.pin})
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("findings = %+v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(got), got)
			}
			f := got[0]
			if f.Address != "envs/staging" {
				t.Errorf("address = %q, want the directory envs/staging", f.Address)
			}
			if f.Severity != tt.want {
				t.Errorf("severity = %s, want %s", f.Severity, tt.want)
			}
			if diff := cmp.Diff(tt.evidence, f.Evidence); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
			if tt.message != "" && f.Message != tt.message {
				t.Errorf("message = %q\nwant      %q", f.Message, tt.message)
			}
			if !strings.Contains(f.Remediation, "hiyari state pin --dir envs/staging") {
				t.Errorf("remediation does not say how to re-pin: %s", f.Remediation)
			}
		})
	}
}
