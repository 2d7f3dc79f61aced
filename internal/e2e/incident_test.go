package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// Test credentials run.sh gives versitygw and Terraform; they must reach no output.
var testSecrets = []string{"hiyaritestsecret000000000000000000000000", "hiyaritestaccess"}

// TestWrongStateKeyIncident replays the seed 000 incident with real Terraform
// (scripts/incident/run.sh: versitygw as S3, the test AWS provider, a git repository
// whose main pins the dev and staging states, and a branch that copies dev's backend
// key into staging) and checks that hiyari catches it all three ways: the backend
// changed (backend check and plan review), the plan's state is not the one the
// directory owns (state_lineage_changed), and the plan touches what the pull request
// never touched (out_of_scope_change) — besides the deletes themselves.
func TestWrongStateKeyIncident(t *testing.T) {
	root := repotest.Root(t)
	requireTools(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()

	tmp := t.TempDir()
	hiyari := filepath.Join(tmp, "hiyari")
	build := exec.CommandContext(ctx, "go", "build", "-o", hiyari, "./cmd/hiyari")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hiyari: %v\n%s", err, out)
	}
	built := time.Since(start)

	out := filepath.Join(tmp, "out")
	run := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "incident", "run.sh"), out)
	run.Dir = root
	run.Env = append(os.Environ(), "KEEP_WORKDIR=1", "HIYARI_BIN="+hiyari)
	var harness bytes.Buffer
	run.Stdout, run.Stderr = &harness, &harness
	err := run.Run()
	wenv := readEnvFile(t, filepath.Join(out, "workdir.env"), err == nil)
	if w := wenv["INCIDENT_WORKDIR"]; w != "" {
		t.Cleanup(func() { os.RemoveAll(w) })
	}
	if err != nil {
		t.Fatalf("scripts/incident/run.sh: %v\n%s", err, harness.String())
	}
	scenario := time.Since(start) - built
	repo, planDir := wenv["INCIDENT_REPO"], wenv["INCIDENT_PLAN_DIR"]
	env := append(os.Environ(), "NO_COLOR=1",
		"TF_CLI_CONFIG_FILE="+wenv["TF_CLI_CONFIG_FILE"], "HIYARI_TESTAWS_STATE_DIR="+wenv["HIYARI_TESTAWS_STATE_DIR"])
	devLineage := lineageOf(t, filepath.Join(out, "dev.tfstate.json"))
	stagingLineage := lineageOf(t, filepath.Join(out, "staging.tfstate.json"))

	t.Run("backend check --base main", func(t *testing.T) {
		stdout, code := runHiyari(ctx, t, hiyari, repo, env, "backend", "check", "--base", "main", "--format", "json")
		if code != 2 {
			t.Fatalf("exit code %d, want 2\n%s", code, stdout)
		}
		var rep struct {
			Findings []struct{ Rule, Address string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("backend check JSON: %v\n%s", err, stdout)
		}
		found := false
		for _, f := range rep.Findings {
			if f.Rule == "backend_changed" && f.Address == "envs/staging" {
				found = true
			}
		}
		if !found {
			t.Errorf("no backend_changed for envs/staging in %+v", rep.Findings)
		}
	})

	t.Run("plan review --base main tfplan", func(t *testing.T) {
		stdout, code := runHiyari(ctx, t, hiyari, planDir, env, "plan", "review", "--base", "main", "--format", "json", "tfplan")
		if code != 2 {
			t.Fatalf("exit code %d, want 2\n%s", code, stdout)
		}
		var rep struct {
			Context struct {
				Env       string
				EnvSource string `json:"env_source"`
				Backend   struct{ Type, Bucket, Key, Workspace, Source string }
				State     struct{ Lineage, Source string }
				Pin       struct {
					Dir    string
					Pinned bool
				}
			}
			Findings []struct{ Rule, Severity string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("plan review JSON: %v\n%s", err, stdout)
		}
		got := map[string]string{}
		for _, f := range rep.Findings {
			if _, ok := got[f.Rule]; !ok {
				got[f.Rule] = f.Severity
			}
		}
		for _, rule := range []string{"backend_changed", "state_lineage_changed", "environment_mismatch", "identity_resource_deleted", "out_of_scope_change"} {
			if _, ok := got[rule]; !ok {
				t.Errorf("no %s finding; got %v", rule, sortedKeys(got))
			}
		}
		for _, rule := range []string{"backend_changed", "state_lineage_changed", "environment_mismatch"} {
			if s, ok := got[rule]; ok && s != "critical" {
				t.Errorf("%s severity %s, want critical", rule, s)
			}
		}
		c := rep.Context
		want := []string{"staging", "directory", "s3", "acme-tfstate-nonprod", "envs/dev/terraform.tfstate", "default", "planfile", devLineage, "planfile", "envs/staging", "true"}
		have := []string{c.Env, c.EnvSource, c.Backend.Type, c.Backend.Bucket, c.Backend.Key, c.Backend.Workspace, c.Backend.Source, c.State.Lineage, c.State.Source, c.Pin.Dir, boolText(c.Pin.Pinned)}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("context (env, env source, backend type/bucket/key/workspace/source, lineage, its source, pin dir, pinned) (-want +got):\n%s", diff)
		}
	})

	t.Run("plan review text names both lineages", func(t *testing.T) {
		stdout, code := runHiyari(ctx, t, hiyari, planDir, env, "plan", "review", "tfplan")
		if code != 2 {
			t.Fatalf("exit code %d, want 2\n%s", code, stdout)
		}
		for _, want := range []string{
			"expected: environment staging (directory)",
			"backend:  s3 acme-tfstate-nonprod/envs/dev/terraform.tfstate, region ap-northeast-1, workspace default (planfile)",
			"lineage pinned = " + stagingLineage,
			"lineage of the plan's prior state = " + devLineage,
			"the backend key names dev, not staging",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("text report lacks %q:\n%s", want, stdout)
			}
		}
	})

	t.Run("state pin --check with the planfile", func(t *testing.T) {
		stdout, code := runHiyari(ctx, t, hiyari, repo, env, "state", "pin", "--check", "--dir", "envs/staging", "--planfile", filepath.Join(planDir, "tfplan"))
		if code != 2 {
			t.Fatalf("exit code %d, want 2\n%s", code, stdout)
		}
		for _, want := range []string{"DIFFERS", "key pinned envs/staging/terraform.tfstate, now envs/dev/terraform.tfstate", "lineage pinned " + stagingLineage + ", now " + devLineage} {
			if !strings.Contains(stdout, want) {
				t.Errorf("state pin --check output lacks %q:\n%s", want, stdout)
			}
		}
	})

	elapsed := time.Since(start)
	t.Logf("build %.1fs, scenario %.1fs, total %.1fs", built.Seconds(), scenario.Seconds(), elapsed.Seconds())
	if elapsed > 90*time.Second {
		t.Errorf("the incident test took %s; keep it under a minute on a warm cache", elapsed.Round(time.Second))
	}
}

// requireTools fails the test (never skips) when what the harness needs is missing.
func requireTools(t *testing.T, root string) {
	t.Helper()
	repotest.TerraformBin(t)
	tools := os.Getenv("HIYARI_TOOLS")
	if tools == "" {
		tools = filepath.Join(root, ".tools")
	}
	for _, tool := range []string{"versitygw", "terraform-provider-aws"} {
		if _, err := os.Stat(filepath.Join(tools, "bin", tool)); err != nil {
			t.Fatalf("%s not found in %s: run scripts/setup.sh (it builds versitygw and the test provider)", tool, filepath.Join(tools, "bin"))
		}
	}
	for _, cmd := range []string{"git", "curl", "go", "bash"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Fatalf("%s not found on PATH: this test needs git, curl, go and bash (run scripts/setup.sh on a machine with Go and Terraform)", cmd)
		}
	}
}

// runHiyari runs the binary in dir and returns its stdout and exit code; stdout and
// stderr are checked for the test credentials.
func runHiyari(ctx context.Context, t *testing.T, bin, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("hiyari %s: %v", strings.Join(args, " "), err)
	}
	if code == 1 {
		t.Logf("hiyari %s stderr:\n%s", strings.Join(args, " "), stderr.String())
	}
	for _, s := range testSecrets {
		if strings.Contains(stdout.String(), s) || strings.Contains(stderr.String(), s) {
			t.Errorf("hiyari %s printed a credential", strings.Join(args, " "))
		}
	}
	return stdout.String(), code
}

func readEnvFile(t *testing.T, path string, required bool) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		if required {
			t.Fatalf("run.sh wrote no %s: %v", path, err)
		}
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

func lineageOf(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Lineage string }
	if err := json.Unmarshal(data, &st); err != nil || st.Lineage == "" {
		t.Fatalf("%s: no lineage (%v)", path, err)
	}
	return st.Lineage
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
