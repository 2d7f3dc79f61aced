package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/planfile"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

func TestStateLineageChanged(t *testing.T) {
	tests := []struct {
		name    string
		backend *planfile.Backend
		state   *planfile.State
		pin     *statepin.Located
		want    []report.Finding
	}{
		{name: "the incident: dev's state under staging's pin",
			backend: s3Backend("envs/dev/terraform.tfstate", "default"),
			state:   &planfile.State{Lineage: devLineage, Serial: 1, Source: "planfile"},
			pin:     stagingPinned(),
			want: []report.Finding{{
				Severity: report.Critical,
				Address:  "envs/staging",
				Message:  "the plan was made against state 29155a70…, but envs/staging owns state 7cd4937a…: this is another state (another environment's, or one created anew)",
				Evidence: []report.Evidence{
					{Path: "lineage pinned", Value: stagingLineage},
					{Path: "lineage of the plan's prior state", Value: devLineage + " (serial 1, from planfile)"},
					{Path: "plan backend", Value: "s3 acme-tfstate-nonprod/envs/dev/terraform.tfstate, workspace default"},
					{Path: "pin", Value: "envs/staging in .hiyari/state-pins.yaml"},
				},
			}}},
		{name: "lineage given by flag, backend unknown",
			state: &planfile.State{Lineage: devLineage, Source: "flag"},
			pin:   stagingPinned(),
			want: []report.Finding{{
				Severity: report.Critical,
				Address:  "envs/staging",
				Message:  "the plan was made against state 29155a70…, but envs/staging owns state 7cd4937a…: this is another state (another environment's, or one created anew)",
				Evidence: []report.Evidence{
					{Path: "lineage pinned", Value: stagingLineage},
					{Path: "lineage of the plan's prior state", Value: devLineage + " (serial 0, from flag)"},
					{Path: "pin", Value: "envs/staging in .hiyari/state-pins.yaml"},
				},
			}}},
		{name: "the pinned state", backend: s3Backend("envs/staging/terraform.tfstate", "default"),
			state: &planfile.State{Lineage: stagingLineage}, pin: stagingPinned()},
		{name: "a workspace without a pinned lineage", backend: s3Backend("envs/staging/terraform.tfstate", "blue"),
			state: &planfile.State{Lineage: devLineage}, pin: stagingPinned()},
		{name: "a new state (no lineage yet)", backend: s3Backend("envs/staging/terraform.tfstate", "default"),
			state: &planfile.State{}, pin: stagingPinned()},
		{name: "no pin", state: &planfile.State{Lineage: devLineage}},
		{name: "no state", pin: stagingPinned()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stateLineageChanged{}.Check(&Input{Backend: tt.backend, State: tt.state, Pin: tt.pin})
			for i := range got {
				got[i].Remediation = ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestInferEnv(t *testing.T) {
	envs := map[string][]string{"dev": {"dev", "development"}, "staging": {"staging", "stg"}, "prod": {"prod", "production"}}
	tests := []struct {
		name                 string
		dir, workspace, key  string
		wantEnv, wantSource  string
		wantCandidateSources []string
	}{
		{name: "the incident: directory staging, key dev", dir: "envs/staging", workspace: "default", key: "envs/dev/terraform.tfstate",
			wantEnv: "staging", wantSource: "directory", wantCandidateSources: []string{"directory=staging", "backend-key=dev"}},
		{name: "deepest directory element", dir: "prod/services/stg-api", key: "services/api.tfstate",
			wantEnv: "staging", wantSource: "directory", wantCandidateSources: []string{"directory=staging"}},
		{name: "workspace when the directory says nothing", dir: "stacks/api", workspace: "production", key: "api/terraform.tfstate",
			wantEnv: "prod", wantSource: "workspace", wantCandidateSources: []string{"workspace=prod"}},
		{name: "backend key last", dir: "stacks/api", workspace: "default", key: "dev/api/terraform.tfstate",
			wantEnv: "dev", wantSource: "backend-key", wantCandidateSources: []string{"backend-key=dev"}},
		{name: "a key naming two environments says nothing", dir: ".", key: "dev-to-prod/terraform.tfstate"},
		{name: "nothing", dir: "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, source, cands := InferEnv(envs, tt.dir, tt.workspace, tt.key)
			var got []string
			for _, c := range cands {
				got = append(got, c.Source+"="+c.Env)
			}
			if env != tt.wantEnv || source != tt.wantSource {
				t.Errorf("InferEnv = %q, %q; want %q, %q", env, source, tt.wantEnv, tt.wantSource)
			}
			if diff := cmp.Diff(tt.wantCandidateSources, got); diff != "" {
				t.Errorf("candidates (-want +got):\n%s", diff)
			}
		})
	}
}
