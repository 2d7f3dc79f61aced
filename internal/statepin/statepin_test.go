package statepin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/planfile"
)

func stagingPin() *Pin {
	return &Pin{
		Backend:    Backend{Type: "s3", Bucket: "acme-tfstate-nonprod", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1"},
		Workspaces: map[string]Workspace{"default": {Lineage: "7cd4937a-fbdd-2547-90c7-bef0e2a146d6"}},
	}
}

func TestCheck(t *testing.T) {
	staging := &planfile.Backend{Type: "s3", Bucket: "acme-tfstate-nonprod", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1", Workspace: "default"}
	withKey := func(k string) *planfile.Backend { b := *staging; b.Key = k; return &b }
	withWS := func(w string) *planfile.Backend { b := *staging; b.Workspace = w; return &b }
	noRegion := func() *planfile.Backend { b := *staging; b.Region = ""; return &b }()
	tests := []struct {
		name    string
		backend *planfile.Backend
		state   *planfile.State
		want    []Mismatch
	}{
		{name: "the pinned state", backend: staging, state: &planfile.State{Lineage: "7cd4937a-fbdd-2547-90c7-bef0e2a146d6"}},
		{name: "the incident: dev's key and dev's state", backend: withKey("envs/dev/terraform.tfstate"),
			state: &planfile.State{Lineage: "29155a70-c3c8-af24-fecc-67f74510d18f"},
			want: []Mismatch{
				{Field: "key", Pinned: "envs/staging/terraform.tfstate", Actual: "envs/dev/terraform.tfstate"},
				{Field: "lineage", Pinned: "7cd4937a-fbdd-2547-90c7-bef0e2a146d6", Actual: "29155a70-c3c8-af24-fecc-67f74510d18f"},
			}},
		{name: "a workspace that is not pinned", backend: withWS("blue"), state: &planfile.State{Lineage: "other"},
			want: []Mismatch{{Field: "workspace", Pinned: "default", Actual: "blue"}}},
		{name: "lineage only (plan JSON with --state-lineage)", state: &planfile.State{Lineage: "other"},
			want: []Mismatch{{Field: "lineage", Pinned: "7cd4937a-fbdd-2547-90c7-bef0e2a146d6", Actual: "other"}}},
		{name: "a state never written has no lineage to compare", backend: staging, state: &planfile.State{}},
		{name: "region left to the environment", backend: noRegion},
		{name: "nothing known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stagingPin().Check(tt.backend, tt.state)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSaveLoadLocate(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(root, "envs", "staging")
	if err := os.MkdirAll(staging, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, FileName)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Pins["envs/staging"] = stagingPin()
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# State pins", "version: 1", "envs/staging:", "key: envs/staging/terraform.tfstate", "lineage: 7cd4937a"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("pins file lacks %q:\n%s", want, data)
		}
	}
	loc, err := Locate(staging)
	if err != nil {
		t.Fatal(err)
	}
	want := &Located{Path: path, Dir: "envs/staging", Pin: stagingPin()}
	if diff := cmp.Diff(want, loc); diff != "" {
		t.Errorf("Locate (-want +got):\n%s", diff)
	}
	loc, err = Locate(root)
	if err != nil || loc == nil || loc.Pin != nil || loc.Dir != "." {
		t.Errorf("Locate(root) = %+v, %v; want dir \".\" without a pin", loc, err)
	}
	outside := t.TempDir()
	if loc, err := Locate(outside); loc != nil || err != nil {
		t.Errorf("Locate outside a repository = %+v, %v; want nil, nil", loc, err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := map[string]string{
		"version: 2\npins: {}\n":                                 "version 2; this hiyari reads version 1",
		"version: 1\npins:\n  envs/x:\n    backend: {}\n":        "backend.type is required",
		"version: 1\npins:\n  envs/x:\n    backnd: {type: s3}\n": "field backnd not found",
		"version: [\n": "see docs/state-pin.md",
	}
	for content, want := range tests {
		t.Run(want, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pins.yaml")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error = %v, want %q", err, want)
			}
		})
	}
}
