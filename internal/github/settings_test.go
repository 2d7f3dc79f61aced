package github_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestLabelNamesPrefixDisableCheck(t *testing.T) {
	tests := []struct {
		name    string
		names   github.LabelNames
		want    []string
		wantErr string
	}{
		{"defaults", github.LabelNames{}, []string{"hiyari:destroy", "hiyari:add-or-update", "hiyari:no-changes", "hiyari:critical", "hiyari:high", "hiyari:medium", "hiyari:low", "hiyari:info", "hiyari:wrong-state", "hiyari:data-loss", "hiyari:backend-changed"}, ""},
		{"prefix, one renamed, one off", github.LabelNames{Prefix: "tf/", Destroy: "plan: destroy", Info: "-"},
			[]string{"plan: destroy", "tf/add-or-update", "tf/no-changes", "tf/critical", "tf/high", "tf/medium", "tf/low", "tf/wrong-state", "tf/data-loss", "tf/backend-changed"}, ""},
		{"disabled", github.LabelNames{Disable: true}, nil, ""},
		{"too long", github.LabelNames{High: strings.Repeat("h", 51)}, nil, "longer than GitHub's 50 characters"},
		{"comma", github.LabelNames{High: "a,b"}, nil, "has a comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.names.Check("envs/staging")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check = %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if diff := cmp.Diff(tt.want, tt.names.Names("envs/staging")); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
	if got := github.OutcomeLabels(github.Outcome{Destroy: true, Highest: "high"}, github.LabelNames{Disable: true}); len(got) != 0 {
		t.Errorf("disabled labels still produce %v", got)
	}
}

func TestOutcomeFromReport(t *testing.T) {
	rep := &report.Report{
		Summary: report.Summary{Delete: 1, Create: 2},
		Verdict: report.Verdict{Highest: report.Critical},
		Labels:  []string{"hiyari:destroy", "hiyari:critical", "hiyari:wrong-state"},
		Findings: []report.Finding{
			{Rule: "data_resource_deleted", Severity: report.Critical},
			{Rule: "backend_changed", Severity: report.High, Acknowledged: true},
		},
	}
	want := github.Outcome{Target: "t", Destroy: true, Changes: true, Highest: "critical", WrongState: true, DataLoss: true}
	if diff := cmp.Diff(want, github.OutcomeFromReport(rep, "t")); diff != "" {
		t.Errorf("outcome (-want +got):\n%s", diff)
	}
}

func TestStepSummaryRoom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.md")
	if n, err := github.StepSummaryRoom(path); err != nil || n != github.StepSummaryLimit {
		t.Errorf("missing file: %d, %v", n, err)
	}
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := github.StepSummaryRoom(path); err != nil || n != github.StepSummaryLimit-1000 {
		t.Errorf("1000 bytes written: %d, %v", n, err)
	}
}
