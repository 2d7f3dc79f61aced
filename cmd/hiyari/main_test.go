package main

import (
	"errors"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"hiyari": main,
	})
}

func TestScripts(t *testing.T) {
	root := repotest.Root(t)
	corpus := repotest.Corpus(t)
	tf := repotest.TerraformBin(t)
	fakes := newScriptFakes()
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
			// githubfake and githubstate run a GitHub REST fake on loopback and check
			// what it holds (see github_script_test.go).
			"githubfake":  fakes.githubfake,
			"githubstate": fakes.githubstate,
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
