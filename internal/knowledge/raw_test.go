package knowledge

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// TestValuesInAgreesOnCorpus checks that reading a reference's values from raw JSON
// gives what reading them from decoded attributes gives, for every reference of the
// knowledge base on every value of its type in the real plans and states of the corpus
// and the repository's fixtures (prior and planned values, state attributes).
func TestValuesInAgreesOnCorpus(t *testing.T) {
	kb, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]plan.Value{} // by resource type
	all := func(string) bool { return true }
	var files []string
	for _, pattern := range []string{
		filepath.Join(repotest.Corpus(t), "*.json"),
		filepath.Join(repotest.Root(t), "examples", "*", "*.json"),
		filepath.Join(repotest.Root(t), "internal", "*", "testdata", "*.json"),
		filepath.Join(repotest.Root(t), "internal", "*", "testdata", "*", "*.json"),
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, f := range files {
		if st, err := state.Load(f); err == nil {
			for _, r := range st.Resources {
				values[r.Type] = append(values[r.Type], r.Attributes)
			}
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.DecodeRetaining(fh, f, plan.Retain{After: all, Unchanged: all})
		fh.Close()
		if err != nil {
			continue // neither a plan nor a state (a fixture of another kind, or bad input on purpose)
		}
		for _, c := range p.Changes {
			values[c.Type] = append(values[c.Type], c.Before, c.After)
		}
	}
	compared, nonEmpty := 0, 0
	for _, typ := range kb.Types() {
		ty, _ := kb.Type(typ)
		for _, v := range values[typ] {
			if v == nil {
				continue
			}
			var attrs map[string]any
			if err := json.Unmarshal(v, &attrs); err != nil {
				t.Fatalf("%s value does not decode: %v", typ, err)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(v, &raw); err != nil {
				t.Fatal(err)
			}
			for _, r := range ty.References {
				if len(r.Segments) == 0 || r.Segments[0].Kind != SegKey {
					continue
				}
				want := r.Values(attrs)
				got := r.ValuesIn(raw[r.Segments[0].Key])
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s %s: ValuesIn differs from Values (-want +got):\n%s", typ, r.Path, diff)
				}
				compared++
				if len(want) > 0 {
					nonEmpty++
				}
			}
		}
	}
	t.Logf("%d files, %d references compared, %d with values", len(files), compared, nonEmpty)
	if nonEmpty < 50 {
		t.Errorf("only %d references with values compared; the corpus or fixtures are not being read", nonEmpty)
	}
}
