package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// tfFaultWorkdir makes a real planfile (terraform_data only: no provider download)
// and its real `terraform show -json`, for fake terraform binaries to serve.
func tfFaultWorkdir(t *testing.T) (dir, planJSON string, env []string) {
	t.Helper()
	bin := repotest.TerraformBin(t)
	dir = t.TempDir()
	rc := filepath.Join(dir, "empty.tfrc")
	writeFile(t, rc, "")
	writeFile(t, filepath.Join(dir, "main.tf"), "resource \"terraform_data\" \"marker\" {\n  input = \"hiyari\"\n}\n")
	env = []string{"PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin", "HOME=" + dir, "TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "NO_COLOR=1"}
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"plan", "-input=false", "-no-color", "-out=tfplan"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	cmd := exec.Command(bin, "show", "-json", "tfplan")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	planJSON = filepath.Join(dir, "plan.json")
	writeFile(t, planJSON, string(out))
	return dir, planJSON, env
}

// fakeTerraform writes an executable shell script standing in for terraform.
func fakeTerraform(t *testing.T, dir, name, script string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTerraformShowFaults runs plan review of a planfile with terraform binaries that
// fail in each way terraform can, and checks the message and that the review ends
// within its bound (a correctness bound on a hang, generous on purpose).
func TestTerraformShowFaults(t *testing.T) {
	dir, planJSON, env := tfFaultWorkdir(t)
	planfile := filepath.Join(dir, "tfplan")
	leftover := filepath.Join(dir, "leftover.pid")
	t.Cleanup(func() {
		// The hang case leaves a child holding terraform's stdout; end it.
		if b, err := os.ReadFile(leftover); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	tests := []struct {
		name string
		// bin is the terraform to run; "" is the real one.
		bin     string
		timeout string
		code    int
		stdout  []string // substrings of stdout
		stderr  []string // substrings of stderr
		noOut   []string // what stdout must not hold
		bound   time.Duration
	}{
		{name: "real terraform", code: ExitOK, stdout: []string{"hiyari PASS", "1 create"}, bound: time.Minute},
		{name: "exits 1 with an error on stderr",
			bin:    fakeTerraform(t, dir, "tf-error", "echo 'Error: Failed to load plugin schemas' >&2\necho 'Could not load the schema for provider registry.terraform.io/hashicorp/aws' >&2\nexit 1\n", 0o755),
			code:   ExitError,
			stderr: []string{"tfplan: `tf-error show -json` failed: Error: Failed to load plugin schemas", "Could not load the schema", "run hiyari in the directory the plan was made in (--dir) after `terraform init`"},
			bound:  30 * time.Second},
		{name: "warnings on stderr, valid JSON on stdout",
			bin:    fakeTerraform(t, dir, "tf-warn", "echo 'Warning: Unable to open CLI configuration file' >&2\necho 'Warning: Provider development overrides are in effect' >&2\ncat '"+planJSON+"'\n", 0o755),
			code:   ExitOK,
			stdout: []string{"hiyari PASS", "1 create"}, noOut: []string{"Warning"},
			bound: 30 * time.Second},
		{name: "no such binary",
			bin:    filepath.Join(dir, "no-such", "terraform"),
			code:   ExitError,
			stderr: []string{"tfplan: cannot run " + filepath.Join(dir, "no-such", "terraform"), "no such file or directory", "check --terraform-bin / HIYARI_TERRAFORM_BIN"},
			bound:  30 * time.Second},
		{name: "not on PATH",
			bin:    "hiyari-test-no-such-terraform",
			code:   ExitError,
			stderr: []string{`reading it needs "hiyari-test-no-such-terraform", which was not found`, "install Terraform"},
			bound:  30 * time.Second},
		{name: "not executable",
			bin:    fakeTerraform(t, dir, "tf-noexec", "exit 0\n", 0o644),
			code:   ExitError,
			stderr: []string{"cannot run " + filepath.Join(dir, "tf-noexec"), "permission denied", "check --terraform-bin"},
			bound:  30 * time.Second},
		{name: "prints something that is not JSON",
			bin:    fakeTerraform(t, dir, "tf-text", "echo 'No changes. Your infrastructure matches the configuration.'\n", 0o755),
			code:   ExitError,
			stderr: []string{"(via tf-text show -json)", "not valid JSON", "terraform show -json"},
			bound:  30 * time.Second},
		{name: "prints nothing",
			bin:    fakeTerraform(t, dir, "tf-silent", "exit 0\n", 0o755),
			code:   ExitError,
			stderr: []string{"(via tf-silent show -json)"},
			bound:  30 * time.Second},
		{name: "hangs",
			bin:     fakeTerraform(t, dir, "tf-hang", "exec sleep 600\n", 0o755),
			timeout: "1s", code: ExitError,
			stderr: []string{"tfplan: `tf-hang show -json` did not finish within 1s and was stopped; run it by hand in " + dir, "raise HIYARI_TERRAFORM_TIMEOUT"},
			bound:  1*time.Second + terraformGrace + 10*time.Second},
		{name: "hangs, leaving a child that holds its output",
			bin:     fakeTerraform(t, dir, "tf-hang-child", "sleep 600 &\necho $! > '"+leftover+"'\nwait\n", 0o755),
			timeout: "1s", code: ExitError,
			stderr: []string{"did not finish within 1s and was stopped"},
			bound:  1*time.Second + terraformGrace + 10*time.Second},
		{name: "bad HIYARI_TERRAFORM_TIMEOUT",
			bin:     fakeTerraform(t, dir, "tf-unused", "exit 0\n", 0o755),
			timeout: "soon", code: ExitError,
			stderr: []string{`HIYARI_TERRAFORM_TIMEOUT "soon": want a positive duration such as 10m or 90s`},
			bound:  30 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := append([]string(nil), env...)
			if tc.timeout != "" {
				e = append(e, "HIYARI_TERRAFORM_TIMEOUT="+tc.timeout)
			}
			args := []string{"plan", "review", "--dir", dir}
			if tc.bin != "" {
				args = append(args, "--terraform-bin", tc.bin)
			}
			var out, errOut bytes.Buffer
			start := time.Now()
			code := Main(context.Background(), IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, append(args, planfile), e)
			elapsed := time.Since(start)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errOut.String())
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout does not say %q:\n%s", want, out.String())
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr does not say %q:\n%s", want, errOut.String())
				}
			}
			for _, not := range tc.noOut {
				if strings.Contains(out.String(), not) {
					t.Errorf("stdout holds %q (terraform's stderr belongs nowhere near the report):\n%s", not, out.String())
				}
			}
			if elapsed > tc.bound {
				t.Errorf("took %s, bound %s", elapsed.Round(time.Millisecond), tc.bound)
			}
			t.Logf("exit %d in %s; stderr: %s", code, elapsed.Round(time.Millisecond), strings.TrimSpace(errOut.String()))
		})
	}
}

// TestTerraformShowInterrupted: an interrupt (the context main cancels on SIGINT or
// SIGTERM) while terraform hangs ends the review at once, saying so.
func TestTerraformShowInterrupted(t *testing.T) {
	dir, _, env := tfFaultWorkdir(t)
	bin := fakeTerraform(t, dir, "tf-hang", "exec sleep 600\n", 0o755)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	var out, errOut bytes.Buffer
	start := time.Now()
	code := Main(ctx, IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut},
		[]string{"plan", "review", "--dir", dir, "--terraform-bin", bin, filepath.Join(dir, "tfplan")}, env)
	elapsed := time.Since(start)
	if code != ExitError {
		t.Errorf("exit code %d, want %d", code, ExitError)
	}
	if want := "tfplan: interrupted while `tf-hang show -json` ran; it was stopped"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, errOut.String())
	}
	if bound := 500*time.Millisecond + terraformGrace + 10*time.Second; elapsed > bound {
		t.Errorf("took %s after the interrupt, bound %s", elapsed, bound)
	}
}
