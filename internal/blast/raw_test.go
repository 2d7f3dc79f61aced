package blast

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// walkDecoded is the generic scan's walk as it was written over encoding/json's
// decoded values; walkRawStrings must visit the same strings with the same paths.
func walkDecoded(v any, path string, fn func(path, s string)) {
	switch x := v.(type) {
	case string:
		fn(path, x)
	case []any:
		for _, el := range x {
			walkDecoded(el, path+"[*]", fn)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkDecoded(x[k], path+"."+k, fn)
		}
	}
}

type visit struct{ Path, S string }

func walks(t *testing.T, raw []byte, root string) (decoded, inPlace []visit) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	walkDecoded(v, root, func(p, s string) { decoded = append(decoded, visit{p, s}) })
	var buf [4]byte // too small on purpose: the path must grow past it correctly
	walkRawStrings(raw, append(buf[:0], root...), func(p []byte, s string) {
		inPlace = append(inPlace, visit{string(p), string(s)})
	})
	return decoded, inPlace
}

func TestWalkRawStrings(t *testing.T) {
	for _, tt := range []string{
		`"plain"`,
		`"esc\"aped\u0041\/"`,
		`["a", ["b", {"c": "d"}], 1, true, null]`,
		`{"z": "last", "a": {"y": ["x", "w"], "b": "v"}, "m": null, "n": 5}`,
		`{"dup": "first", "other": "o", "dup": "second"}`,
		`{"k\u0065y": "escaped name", "a": ""}`,
		`{"policy": "{\"Statement\":[{\"Resource\":\"arn:aws:s3:::b/*\"}]}"}`,
		`{}`, `[]`, `null`, `12`,
	} {
		dec, raw := walks(t, []byte(tt), "attr")
		if diff := cmp.Diff(dec, raw); diff != "" {
			t.Errorf("%s (-decoded +raw):\n%s", tt, diff)
		}
	}
}

// TestWalkRawStringsOnCorpus compares the walks on every top-level attribute of every
// prior and planned value in the corpus.
func TestWalkRawStringsOnCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repotest.Corpus(t), "*.plan.json"))
	all := func(string) bool { return true }
	visits := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.DecodeRetaining(fh, f, plan.Retain{After: all, Unchanged: all})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			for _, v := range []plan.Value{c.Before, c.After} {
				rawMembers(v, func(key, mv []byte) bool {
					dec, raw := walks(t, mv, string(key))
					if diff := cmp.Diff(dec, raw); diff != "" {
						t.Errorf("%s %s (-decoded +raw):\n%s", c.Address, key, diff)
					}
					visits += len(raw)
					return true
				})
			}
		}
	}
	t.Logf("%d plans, %d strings visited", len(files), visits)
	if visits < 1000 {
		t.Errorf("only %d strings visited; the corpus is not being read", visits)
	}
}
