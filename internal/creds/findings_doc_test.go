package creds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// TestEveryFindingIsDocumented fails when a rule has no section in docs/creds-findings.md,
// or the page documents a rule that does not exist.
func TestEveryFindingIsDocumented(t *testing.T) {
	root, err := credstest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "docs", "creds-findings.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if id, ok := strings.CutPrefix(line, "## "); ok {
			documented[strings.TrimSpace(id)] = true
		}
	}
	for _, id := range Rules() {
		if !documented[id] {
			t.Errorf("rule %s has no section in docs/creds-findings.md", id)
		}
		delete(documented, id)
	}
	for id := range documented {
		t.Errorf("docs/creds-findings.md documents %s, which is not a rule", id)
	}
}
