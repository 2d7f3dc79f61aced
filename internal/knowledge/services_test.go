package knowledge

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// dependentCase is one realistic resource as it appears in plan JSON
// ("before"/"after") or a state file ("attributes"), with the values every
// reference of its type must extract. A reference missing from Want must
// extract nothing.
type dependentCase struct {
	Name   string              `json:"name"`
	Type   string              `json:"type"`
	Before map[string]any      `json:"before"`
	Want   map[string][]string `json:"want"`
}

// TestDependentsPerService runs, per service, the cases in
// testdata/dependents/<service file>.json: for every reference of the case's
// type, the values extracted from the realistic "before" value.
func TestDependentsPerService(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "dependents", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dependent cases under testdata/dependents: %v", err)
	}
	covered := map[string]bool{} // "type path" with a non-empty expectation
	for _, file := range files {
		service := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(service, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Cases []dependentCase `json:"cases"`
			}
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("decode %s: %v", file, err)
			}
			for _, c := range doc.Cases {
				t.Run(c.Name, func(t *testing.T) {
					ty, ok := b.Type(c.Type)
					if !ok {
						t.Fatalf("type %s is not in the knowledge base", c.Type)
					}
					if ty.File != service+".yaml" {
						t.Errorf("type %s is described in %s; put its cases in testdata/dependents/%s",
							c.Type, ty.File, strings.TrimSuffix(ty.File, ".yaml")+".json")
					}
					known := map[string]bool{}
					for _, r := range ty.References {
						known[r.Path] = true
						got := r.Values(c.Before)
						want := c.Want[r.Path]
						if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
							t.Errorf("%s %s: Values mismatch (-want +got):\n%s", c.Type, r.Path, diff)
						}
						if len(want) > 0 {
							covered[c.Type+" "+r.Path] = true
						}
					}
					for p := range c.Want {
						if !known[p] {
							t.Errorf("want names %s %s, which is not a reference in the data", c.Type, p)
						}
					}
				})
			}
		})
	}
	var missing []string
	for _, name := range b.Types() {
		ty, _ := b.Type(name)
		for _, r := range ty.References {
			if !covered[name+" "+r.Path] {
				missing = append(missing, name+" "+r.Path)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("reference %s has no case in testdata/dependents extracting a value", m)
	}
}
