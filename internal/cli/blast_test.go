package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// seedFixture is the blast-radius fixture made by real Terraform (scripts/fixtures/seedFixture-roles.sh).
var seedFixture = filepath.Join("..", "blast", "testdata", "seed")

func runReviewCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, args, []string{"NO_COLOR=1"})
	return code, out.String(), errOut.String()
}

// The seedFixture end to end: roles deleted by the plan, consumers in the state given with
// --state, the impacts and runbook in the JSON report.
func TestPlanReviewState(t *testing.T) {
	code, out, errOut := runReviewCLI(t, "plan", "review", "--format", "json", "--dir", t.TempDir(), "--fail-on", "never",
		"--state", filepath.Join(seedFixture, "consumers.tfstate.json"), filepath.Join(seedFixture, "plan-delete.json"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.BlastSummary == nil || rep.BlastSummary.Dependents != 6 || rep.BlastSummary.Depth != 2 || len(rep.BlastSummary.States) != 1 {
		t.Errorf("blast summary = %+v", rep.BlastSummary)
	}
	if len(rep.BlastRadius) != 8 || len(rep.Runbook) == 0 || rep.Runbook[0].ID != "iam-recreate-role" {
		t.Errorf("%d impacts, runbook %v", len(rep.BlastRadius), rep.Runbook)
	}

	// --blast-depth 1 stops at direct dependents; 0 leaves the blast radius out.
	_, out, _ = runReviewCLI(t, "plan", "review", "--format", "json", "--dir", t.TempDir(), "--fail-on", "never", "--blast-depth", "1",
		"--state", filepath.Join(seedFixture, "consumers.tfstate.json"), filepath.Join(seedFixture, "plan-delete.json"))
	rep = report.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.BlastRadius) != 7 {
		t.Errorf("depth 1: %d impacts, want 7", len(rep.BlastRadius))
	}
	_, out, _ = runReviewCLI(t, "plan", "review", "--format", "json", "--dir", t.TempDir(), "--fail-on", "never", "--blast-depth", "0",
		filepath.Join(seedFixture, "plan-delete.json"))
	rep = report.Report{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.BlastRadius) != 0 || rep.BlastSummary != nil {
		t.Errorf("depth 0: %d impacts, summary %+v", len(rep.BlastRadius), rep.BlastSummary)
	}
}

// A --state that cannot be used stops the review with exit 1 and a message naming it;
// nothing is written to stdout.
func TestPlanReviewStateErrors(t *testing.T) {
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.tfstate")
	full, err := os.ReadFile(filepath.Join(seedFixture, "consumers.tfstate.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, full[:len(full)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(seedFixture, "plan-delete.json")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing", []string{"--state", filepath.Join(dir, "nope.tfstate")}, []string{"--state", "nope.tfstate", "no such file"}},
		{"a plan", []string{"--state", plan}, []string{"--state", "plan-delete.json", "a Terraform plan, not a state"}},
		{"truncated", []string{"--state", truncated}, []string{"truncated.tfstate", "ends early"}},
		{"depth too large", []string{"--blast-depth", "9"}, []string{"--blast-depth 9", "0 (no blast radius) to 5"}},
		{"state without blast radius", []string{"--blast-depth", "0", "--state", truncated}, []string{"--state", "--blast-depth is 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"plan", "review", "--dir", dir}, tt.args...)
			code, out, errOut := runReviewCLI(t, append(args, plan)...)
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}
