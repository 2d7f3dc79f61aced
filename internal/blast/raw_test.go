package blast

import (
	"bytes"
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
	walkRawStrings(raw, append(buf[:0], root...), false, func(p []byte, s string) {
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
	visits := 0
	files := eachCorpusAttribute(t, func(addr string, key, mv []byte) {
		dec, raw := walks(t, mv, string(key))
		if diff := cmp.Diff(dec, raw); diff != "" {
			t.Errorf("%s %s (-decoded +raw):\n%s", addr, key, diff)
		}
		visits += len(raw)
	})
	t.Logf("%d plans, %d strings visited", files, visits)
	if visits < 1000 {
		t.Errorf("only %d strings visited; the corpus is not being read", visits)
	}
}

// tokenWalks returns the (path, token) pairs of the strings in raw, from the decoded
// walk and from walkRawStrings for tokens, which may pass a string as written.
func tokenWalks(t *testing.T, raw []byte, root string) (decoded, inPlace []visit) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	walkDecoded(v, root, func(p, s string) {
		tokens(s, func(tok string) { decoded = append(decoded, visit{p, tok}) })
	})
	var buf [4]byte
	walkRawStrings(raw, append(buf[:0], root...), true, func(p []byte, s string) {
		tokens(s, func(tok string) { inPlace = append(inPlace, visit{string(p), tok}) })
	})
	return decoded, inPlace
}

// TestWalkRawStringsForTokens checks that a walk for tokens, which passes strings
// whose only escapes are \" and \\ as written, yields the tokens of the decoded
// strings: on hand-made cases, every escape among them, and on every attribute of
// every corpus plan value.
func TestWalkRawStringsForTokens(t *testing.T) {
	for _, tt := range []string{
		`"plain-token"`,
		`"{\"Statement\":[{\"Resource\":\"arn:aws:s3:::bucket/*\"}]}"`,
		`"back\\slash\\\"quote\"end\""`,
		`"new\nline\ttab\/slash\u0041BCD"`,
		`"arn:aws:iam::123456789012:role\/app"`,
		`"\u0022quoted\u0022 \\u0041BC"`,
		`["abc\"def", {"k": "x\\\\y\"zzz"}]`,
		`"\"\"\""`, `"\\\\"`, `""`,
	} {
		dec, raw := tokenWalks(t, []byte(tt), "attr")
		if diff := cmp.Diff(dec, raw); diff != "" {
			t.Errorf("%s (-decoded +for tokens):\n%s", tt, diff)
		}
	}
	escaped := 0
	files := eachCorpusAttribute(t, func(addr string, key, mv []byte) {
		dec, raw := tokenWalks(t, mv, string(key))
		if diff := cmp.Diff(dec, raw); diff != "" {
			t.Errorf("%s %s (-decoded +for tokens):\n%s", addr, key, diff)
		}
		if bytes.Contains(mv, []byte(`\"`)) {
			escaped++
		}
	})
	t.Logf("%d plans, %d attributes with escaped quotes", files, escaped)
	if escaped < 10 {
		t.Errorf("only %d attributes with escaped quotes; the corpus is not being read", escaped)
	}
}

// eachCorpusAttribute calls fn with every top-level attribute of every prior and
// planned value of every corpus plan, and returns how many plans it read.
func eachCorpusAttribute(t *testing.T, fn func(addr string, key, mv []byte)) int {
	t.Helper()
	return eachCorpusValue(t, func(addr string, v []byte) {
		rawMembers(v, func(key, mv []byte) bool {
			fn(addr, key, mv)
			return true
		})
	})
}

// eachCorpusValue calls fn with every prior and planned value of every corpus plan,
// and returns how many plans it read.
func eachCorpusValue(t *testing.T, fn func(addr string, v []byte)) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(repotest.Corpus(t), "*.plan.json"))
	all := func(string) bool { return true }
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
				if v != nil {
					fn(c.Address, v)
				}
			}
		}
	}
	return len(files)
}
