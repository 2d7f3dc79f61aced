// Package repotest finds the repository and the shared plan corpus for tests. A test that
// needs them fails, saying where it looked, rather than skipping.
package repotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Root walks up from the test's working directory to the directory holding go.mod.
func Root(t testing.TB) string {
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
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// Corpus is the directory of real public plans and states: $HIYARI_CORPUS, else
// ../shared/corpus beside the repository.
func Corpus(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("HIYARI_CORPUS")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(Root(t)), "shared", "corpus")
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		t.Fatalf("plan corpus not found at %s: put the public plan corpus there (beside the repository as ../shared/corpus) or set HIYARI_CORPUS to its directory", dir)
	}
	return dir
}

// CorpusPlans reads every plan of the corpus (*.plan.json), by file name.
func CorpusPlans(t testing.TB) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(Corpus(t), "*.plan.json"))
	if len(files) == 0 {
		t.Fatal("no corpus plans")
	}
	plans := make(map[string][]byte, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		plans[filepath.Base(f)] = data
	}
	return plans
}

// TerraformBin is the Terraform the tests run: $HIYARI_TERRAFORM_BIN, else terraform on
// PATH. Its absence fails the test with what to install, never a silent skip.
func TerraformBin(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("HIYARI_TERRAFORM_BIN"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("this test needs Terraform: install Terraform ≥ 1.5 (or OpenTofu) on PATH, or set HIYARI_TERRAFORM_BIN to its binary")
	}
	return bin
}
