package rules

import (
	"github.com/hiyari-dev/hiyari/internal/backendcheck"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestRegistry holds every rule to the three-file contract: <id>.go, <id>_test.go and
// docs/rules/<id>.md with the sections readers look for.
func TestRegistry(t *testing.T) {
	root := repotest.Root(t)
	ids := map[string]bool{}
	for _, r := range Registry() {
		id := r.ID()
		t.Run(id, func(t *testing.T) {
			if !snakeCase.MatchString(id) {
				t.Errorf("id %q is not snake_case", id)
			}
			if ids[id] {
				t.Errorf("id %q is registered twice", id)
			}
			ids[id] = true
			if r.Severity().Rank() == 0 {
				t.Errorf("severity %q is not a known severity", r.Severity())
			}
			if strings.TrimSpace(r.Summary()) == "" {
				t.Error("empty summary")
			}
			if got, ok := Lookup(id); !ok || got.ID() != id {
				t.Errorf("Lookup(%q) = %v, %v", id, got, ok)
			}
			if !strings.HasSuffix(DocURL(id), "/docs/rules/"+id+".md") {
				t.Errorf("DocURL(%q) = %s", id, DocURL(id))
			}
			for _, f := range []string{id + ".go", id + "_test.go"} {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("rule %s needs %s in internal/rules: %v", id, f, err)
				}
			}
			doc, err := os.ReadFile(filepath.Join(root, "docs", "rules", id+".md"))
			if err != nil {
				t.Fatalf("rule %s needs docs/rules/%s.md: %v", id, id, err)
			}
			if !strings.HasPrefix(string(doc), "# "+id+"\n") {
				t.Errorf("docs/rules/%s.md should start with the heading # %s", id, id)
			}
			for _, section := range []string{"## Example", "## Why", "## How to fix"} {
				if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(section) + `\s*$`).Match(doc) {
					t.Errorf("docs/rules/%s.md lacks the section %q", id, section)
				}
			}
		})
	}
	if _, ok := Lookup("no_such_rule"); ok {
		t.Error("Lookup found a rule that does not exist")
	}
}

// TestEveryRuleFileIsRegistered catches the other direction: a rule file, test or doc
// page without a registered rule (a rule written but not added to Registry).
func TestEveryRuleFileIsRegistered(t *testing.T) {
	registered := map[string]bool{}
	for _, r := range Registry() {
		registered[r.ID()] = true
	}
	// hiyari backend check's ids have doc pages here but no rule file (their tests
	// live in internal/backendcheck).
	backendOnly := map[string]bool{}
	for _, c := range backendcheck.Checks() {
		if !registered[c.ID] {
			backendOnly[c.ID] = true
		}
	}
	var orphans []string

	docs, err := filepath.Glob(filepath.Join(repotest.Root(t), "docs", "rules", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no files under docs/rules")
	}
	for _, d := range docs {
		id := strings.TrimSuffix(filepath.Base(d), ".md")
		if !strings.HasSuffix(d, ".md") || !registered[id] && !backendOnly[id] {
			orphans = append(orphans, "docs/rules/"+filepath.Base(d))
		}
	}

	// A rule file is a file that declares an ID method; it must be named after the id.
	helpers := map[string]bool{"helpers_test.go": true, "registry_test.go": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			if id := strings.TrimSuffix(f, "_test.go"); !helpers[f] && !registered[id] {
				orphans = append(orphans, "internal/rules/"+f)
			}
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		declaresRule := false
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv != nil && fn.Name.Name == "ID" {
				declaresRule = true
			}
		}
		id := strings.TrimSuffix(f, ".go")
		if declaresRule && !registered[id] {
			orphans = append(orphans, "internal/rules/"+f+" (declares a rule whose id is not its file name, or is not registered)")
		}
		if !declaresRule && registered[id] {
			orphans = append(orphans, "internal/rules/"+f+" (named for a rule but declares none)")
		}
	}
	sort.Strings(orphans)
	if len(orphans) > 0 {
		t.Errorf("files without a registered rule (register the rule in Registry, or rename/remove the file):\n  %s", strings.Join(orphans, "\n  "))
	}
}
