package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"stdout", []string{"-resources", "40", "-scenario", "wrong-state"}, ""},
		{"bad scenario", []string{"-scenario", "chaos"}, `scenario "chaos"`},
		{"stray argument", []string{"plan.json"}, `unexpected argument "plan.json"`},
		{"bad flag", []string{"-nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tt.args, &stdout, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error()+stderr.String(), tt.wantErr) {
					t.Fatalf("got %v (stderr %q), want an error containing %q", err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var plan struct {
				ResourceChanges []json.RawMessage `json:"resource_changes"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &plan); err != nil || len(plan.ResourceChanges) != 40 {
				t.Fatalf("stdout: %d changes, err %v", len(plan.ResourceChanges), err)
			}
		})
	}
}

func TestRunWritesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-resources", "10", "-seed", "2", "-o", path}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty with -o: %d bytes", stdout.Len())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Errorf("%s: not valid JSON", path)
	}
}
