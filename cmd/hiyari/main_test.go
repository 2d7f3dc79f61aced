package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hiyari": main,
	})
}

// repoRoot walks up from the test's directory to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// terraformBin finds the Terraform the end-to-end scripts run; its absence fails the
// test with what to install, never a silent skip.
func terraformBin(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("HIYARI_TERRAFORM_BIN"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("these tests need Terraform ≥ 1.5 (or OpenTofu): install it on PATH or set HIYARI_TERRAFORM_BIN")
	}
	return bin
}

func TestScripts(t *testing.T) {
	root := repoRoot(t)
	corpus := os.Getenv("HIYARI_CORPUS")
	if corpus == "" {
		corpus = filepath.Join(root, "..", "shared", "corpus")
	}
	if _, err := os.Stat(corpus); err != nil {
		t.Fatalf("the real-plan corpus is missing at %s: set HIYARI_CORPUS to its directory", corpus)
	}
	tf := terraformBin(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			env.Setenv("CORPUS", corpus)
			env.Setenv("TERRAFORM", tf)
			env.Setenv("TF_IN_AUTOMATION", "1")
			env.Setenv("CHECKPOINT_DISABLE", "1")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// exitcode N CMD ARGS… runs CMD and requires exit code N, keeping its
			// stdout and stderr for the assertions that follow.
			"exitcode": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exitcode N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exitcode: %v", err)
				}
				got := 0
				if err := ts.Exec(args[1], args[2:]...); err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exitcode: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
		},
	})
}
