package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

const (
	testSecretKey  = "wJalrXUtnFEMI/K7MDENG/SECRETKEY0000000000"
	stagingLineage = "7cd4937a-fbdd-2547-90c7-bef0e2a146d6"
	devLineage     = "29155a70-c3c8-af24-fecc-67f74510d18f"
)

// stateRepo makes a repository with envs/staging initialized against key, its state
// file with lineage, and returns the repository root.
func stateRepo(t *testing.T, key, lineage string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "envs", "staging")
	for _, d := range []string{filepath.Join(root, ".git"), filepath.Join(dir, ".terraform")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	setBackendKey(t, root, key)
	state := `{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "` + lineage + `", "outputs": {}, "resources": []}`
	if err := os.WriteFile(filepath.Join(root, "state.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func setBackendKey(t *testing.T, root, key string) {
	t.Helper()
	init := `{"version": 3, "backend": {"type": "s3", "config": {"bucket": "acme-tfstate-nonprod", "key": "` + key +
		`", "region": "ap-northeast-1", "secret_key": "` + testSecretKey + `", "access_key": null}, "hash": 1}}`
	if err := os.WriteFile(filepath.Join(root, "envs", "staging", ".terraform", "terraform.tfstate"), []byte(init), 0o644); err != nil {
		t.Fatal(err)
	}
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, args, []string{"NO_COLOR=1"})
	for _, s := range []string{out.String(), errOut.String()} {
		if strings.Contains(s, testSecretKey) {
			t.Errorf("hiyari %s printed the backend's secret_key", strings.Join(args, " "))
		}
	}
	return out.String(), errOut.String(), code
}

func TestStatePin(t *testing.T) {
	root := stateRepo(t, "envs/staging/terraform.tfstate", stagingLineage)
	dir := filepath.Join(root, "envs", "staging")
	state := filepath.Join(root, "state.json")

	out, errOut, code := runCLI(t, "state", "pin", "--dir", dir, "--state", state)
	if code != ExitOK {
		t.Fatalf("pin: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "envs/staging  pinned  s3 acme-tfstate-nonprod/envs/staging/terraform.tfstate, workspace default, lineage "+stagingLineage) {
		t.Errorf("pin output:\n%s", out)
	}
	f, err := statepin.Load(filepath.Join(root, statepin.FileName))
	if err != nil {
		t.Fatal(err)
	}
	want := &statepin.Pin{
		Backend:    statepin.Backend{Type: "s3", Bucket: "acme-tfstate-nonprod", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1"},
		Workspaces: map[string]statepin.Workspace{"default": {Lineage: stagingLineage}},
	}
	if diff := cmp.Diff(want, f.Pins["envs/staging"]); diff != "" {
		t.Errorf("pin (-want +got):\n%s", diff)
	}
	raw, err := os.ReadFile(filepath.Join(root, statepin.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), testSecretKey) || strings.Contains(string(raw), "secret_key") {
		t.Errorf("the pins file holds backend credentials:\n%s", raw)
	}

	if out, errOut, code := runCLI(t, "state", "pin", "--check", "--dir", dir, "--state", state); code != ExitOK || !strings.Contains(out, "envs/staging  OK") {
		t.Errorf("check of the pinned state: exit %d\n%s%s", code, out, errOut)
	}
	setBackendKey(t, root, "envs/dev/terraform.tfstate")
	out, errOut, code = runCLI(t, "state", "pin", "--check", "--dir", dir, "--state", state)
	if code != ExitGate || !strings.Contains(out, "DIFFERS  key pinned envs/staging/terraform.tfstate, now envs/dev/terraform.tfstate") {
		t.Errorf("check after the key changed: exit %d, want 2\n%s%s", code, out, errOut)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"outside a repository", []string{"state", "pin", "--dir", t.TempDir(), "--state", state}, "not inside a git repository"},
		{"never initialized", []string{"state", "pin", "--dir", root, "--state", state}, "no backend configuration (run terraform init"},
		{"state file that is not a state", []string{"state", "pin", "--dir", dir, "--state", filepath.Join(dir, ".terraform", "missing.json")}, "--state:"},
		{"two dirs with --state", []string{"state", "pin", "--dir", dir, "--dir", dir, "--state", state}, "give a single --dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != ExitError || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, errOut, tt.want)
			}
		})
	}
}

// TestPlanReviewStateIdentity reviews the bundled example's plan JSON from a
// directory initialized with dev's key, with staging pinned: the backend comes from
// .terraform, the lineage from --state-lineage, the environment from the directory.
func TestPlanReviewStateIdentity(t *testing.T) {
	root := stateRepo(t, "envs/staging/terraform.tfstate", stagingLineage)
	dir := filepath.Join(root, "envs", "staging")
	if _, errOut, code := runCLI(t, "state", "pin", "--dir", dir, "--state", filepath.Join(root, "state.json")); code != ExitOK {
		t.Fatalf("pin: %s", errOut)
	}
	setBackendKey(t, root, "envs/dev/terraform.tfstate")
	example := filepath.Join("..", "..", "examples", "wrong-state-key", "plan.json")
	out, errOut, code := runCLI(t, "plan", "review", "--dir", dir, "--state-lineage", devLineage, "--format", "json", example)
	if code != ExitGate {
		t.Fatalf("exit %d, want 2: %s", code, errOut)
	}
	var rep struct {
		Context struct {
			Env       string `json:"env"`
			EnvSource string `json:"env_source"`
			Backend   struct{ Key, Source string }
			State     struct{ Lineage, Source string }
		} `json:"context"`
		Findings []struct{ Rule, Severity, Address string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := []string{rep.Context.Env, rep.Context.EnvSource, rep.Context.Backend.Key, rep.Context.Backend.Source, rep.Context.State.Lineage, rep.Context.State.Source}
	want := []string{"staging", "directory", "envs/dev/terraform.tfstate", ".terraform/terraform.tfstate", devLineage, "flag"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
	rules := map[string]string{}
	for _, f := range rep.Findings {
		rules[f.Rule] = f.Severity + " " + f.Address
	}
	for _, r := range []string{"backend_changed", "state_lineage_changed"} {
		if rules[r] != "critical envs/staging" {
			t.Errorf("%s = %q, want a critical finding for envs/staging", r, rules[r])
		}
	}
	if _, _, code := runCLI(t, "plan", "review", "--dir", dir, "--state-lineage", "not a lineage", example); code != ExitError {
		t.Errorf("--state-lineage with spaces: exit %d, want 1", code)
	}
}

// TestUnreadablePlanfileFallsBack gives a planfile of a format hiyari does not read:
// a warning, and the backend from the working directory.
func TestUnreadablePlanfileFallsBack(t *testing.T) {
	root := stateRepo(t, "envs/staging/terraform.tfstate", stagingLineage)
	dir := filepath.Join(root, "envs", "staging")
	path := filepath.Join(dir, "tfplan")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("tfplan")
	if err != nil {
		t.Fatal(err)
	}
	// Plan.version = 4, Plan.terraform_version = "1.99.0"
	if _, err := w.Write(append([]byte{0x08, 0x04, 0x72, 0x06}, "1.99.0"...)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	app := &App{Ctx: context.Background(), IO: IO{Out: &bytes.Buffer{}, Err: &errOut}, Env: Env{}}
	sid, err := app.reviewStateIdentity(&reviewFlags{dir: dir}, path, config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if sid.backend == nil || sid.backend.Key != "envs/staging/terraform.tfstate" || sid.backend.Source != ".terraform/terraform.tfstate" {
		t.Errorf("backend = %+v, want envs/staging's from .terraform", sid.backend)
	}
	wantWarn := "planfile format version 4 (Terraform 1.99.0); hiyari reads version 3"
	if !strings.Contains(errOut.String(), wantWarn) || !strings.Contains(errOut.String(), "using .terraform/terraform.tfstate in") {
		t.Errorf("stderr = %q, want a warning with %q", errOut.String(), wantWarn)
	}
	t.Log(errOut.String())
}
