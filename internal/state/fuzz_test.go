package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// fuzzCanary is planted in the outputs of every seed state: outputs are skipped unread
// (they may hold secrets), so while it stays only in outputs it must come out nowhere.
const fuzzCanary = "CANARYstateOUTPUT0123456789abcdefXYZ"

// withCanaryOutput puts an output holding the canary first in a state document.
func withCanaryOutput(doc []byte) []byte {
	i := bytes.IndexByte(doc, '{')
	if i < 0 {
		return doc
	}
	out := append([]byte{}, doc[:i+1]...)
	out = append(out, `"outputs":{"db_password":{"value":"`+fuzzCanary+`","type":"string","sensitive":true}},`...)
	return append(out, doc[i+1:]...)
}

// fuzzSeedFiles are the real states (the corpus's, by its manifest, the blast-radius
// seed's and the example's) and one plan, which Read must tell from a state.
func fuzzSeedFiles(tb testing.TB) []string {
	tb.Helper()
	corpus := repotest.Corpus(tb)
	manifest, err := os.ReadFile(filepath.Join(corpus, "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	var files []string
	for _, line := range strings.Split(string(manifest), "\n") {
		cols := strings.Split(line, "\t")
		if len(cols) > 5 && cols[5] == "state" {
			files = append(files, filepath.Join(corpus, cols[0]))
		}
	}
	if len(files) == 0 {
		tb.Fatalf("no states listed in %s", filepath.Join(corpus, "MANIFEST.tsv"))
	}
	root := repotest.Root(tb)
	for _, f := range []string{
		"internal/blast/testdata/seed/consumers.tfstate.json",
		"internal/blast/testdata/seed/roles.tfstate.json",
		"internal/blast/testdata/seed/plan-delete.json",
		"examples/wrong-state-key/dev.tfstate.json",
		"examples/wrong-state-key/staging.tfstate.json",
	} {
		files = append(files, filepath.Join(root, filepath.FromSlash(f)))
	}
	return files
}

// FuzzLoad feeds Load (and Read, which Load is built on) arbitrary documents, seeded
// with real states carrying a canary output. Every input gives a state or an
// *InputError naming the file, never a panic; Load keeps exactly the managed
// instances Read hands out; every instance has an address and valid JSON attributes;
// and the canary, while it is only ever an output's content, never comes out.
func FuzzLoad(f *testing.F) {
	for _, file := range fuzzSeedFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 256<<10 {
			continue
		}
		f.Add(withCanaryOutput(data))
	}
	for _, doc := range []string{
		`{"version":4,"terraform_version":"1.11.4","serial":7,"lineage":"L","outputs":{"s":{"value":"` + fuzzCanary + `","sensitive":true}},"resources":[
		  {"module":"module.app","mode":"managed","type":"aws_iam_role","name":"r","instances":[
		    {"index_key":"a","attributes":{"name":"x"},"sensitive_attributes":[[{"type":"get_attr","value":"password"}]]},
		    {"index_key":1,"deposed":"00000001","attributes":null}]},
		  {"mode":"data","type":"aws_caller_identity","name":"me","instances":[{"attributes":{"id":"1"}}]}]}`,
		`{"version":4,"resources":null}`,
		`{"version":3,"serial":1,"modules":[]}`,
		`{"format_version":"1.0","values":{"root_module":{}}}`,
		`{"version":4} {}`,
		`{"version":4,"resources":[{"name":"x","instances":[]}]}`,
		`{"version":4,"lineage":7}`,
		`[`,
		``,
	} {
		f.Add([]byte(doc))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.tfstate"
		var read []Resource
		h, rerr := Read(bytes.NewReader(data), name, func(r *Resource) error {
			read = append(read, *r)
			return nil
		})
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		st, lerr := Load(path)
		check := canaryOnlyInOutputs(data)
		if rerr != nil {
			var ie *InputError
			if !errors.As(rerr, &ie) || !strings.HasPrefix(rerr.Error(), "--state "+name+": ") {
				t.Fatalf("error %T does not name the input: %v", rerr, rerr)
			}
			if lerr == nil || strings.Replace(lerr.Error(), path, name, 1) != rerr.Error() {
				t.Fatalf("Load and Read disagree: %v, %v", lerr, rerr)
			}
			if check && strings.Contains(rerr.Error(), fuzzCanary) {
				t.Fatalf("an output reached the error: %v", rerr)
			}
			return
		}
		if lerr != nil {
			t.Fatalf("Read succeeded, Load failed: %v", lerr)
		}
		if h.Version != 4 || st.Header != h || st.Source != path {
			t.Fatalf("header %+v, Load's %+v from %s", h, st.Header, st.Source)
		}
		var managed []Resource
		var seen []string
		for _, r := range read {
			if r.Address == "" || r.Type == "" || r.Name == "" || r.Mode == "" || !strings.Contains(r.Address, r.Type+"."+r.Name) {
				t.Fatalf("instance without an address, type, name or mode: %+v", r)
			}
			if r.Attributes != nil && !json.Valid(r.Attributes) {
				t.Fatalf("%s: attributes are not JSON: %q", r.Address, r.Attributes)
			}
			r.Attributes.Members(func(k string, v plan.Value) bool { _, _ = v.Scalar(); return true })
			if hasDuplicate(r.Sensitive) {
				t.Fatalf("%s: sensitive attributes listed twice: %q", r.Address, r.Sensitive)
			}
			if r.Mode == "managed" {
				managed = append(managed, r)
			}
			seen = append(seen, r.Address, r.Module, r.Type, r.Name, r.Deposed, string(r.Attributes), strings.Join(r.Sensitive, " "))
		}
		if diff := cmp.Diff(managed, st.Resources); diff != "" {
			t.Fatalf("Load kept other instances than Read's managed ones (-read +load):\n%s", diff)
		}
		seen = append(seen, h.TerraformVersion, h.Lineage)
		if check {
			for _, s := range seen {
				if strings.Contains(s, fuzzCanary) {
					t.Fatalf("an output reached an instance or the header: %q", s)
				}
			}
		}
	})
}

func hasDuplicate(names []string) bool {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return true
		}
		seen[n] = true
	}
	return false
}

// canaryOnlyInOutputs reports whether data is one JSON object in which every
// occurrence of the canary, as written and as decoded (an escape can spell it), is
// inside the value of its top-level "outputs" member.
func canaryOnlyInOutputs(data []byte) bool {
	if !bytes.Contains(data, []byte(fuzzCanary)) && !bytes.Contains(data, []byte(`\u`)) {
		return true
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return false
	}
	// A repeated member is dropped by the map, but Read sees it: count what is left
	// against the whole document.
	rawOutputs, decodedOutputs, decodedAll := 0, 0, 0
	for k, v := range raw {
		var doc any
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return false
		}
		n := countDecoded(doc) + strings.Count(k, fuzzCanary)
		decodedAll += n
		if k == "outputs" {
			rawOutputs += bytes.Count(v, []byte(fuzzCanary))
			decodedOutputs += n
		}
	}
	return rawOutputs == bytes.Count(data, []byte(fuzzCanary)) && decodedOutputs == decodedAll
}

// countDecoded counts the canary in every key and string of a decoded JSON value.
func countDecoded(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 0
		for k, x := range v {
			n += strings.Count(k, fuzzCanary) + countDecoded(x)
		}
		return n
	case []any:
		n := 0
		for _, x := range v {
			n += countDecoded(x)
		}
		return n
	case string:
		return strings.Count(v, fuzzCanary)
	}
	return 0
}

// TestFuzzCanaryOracle checks the fuzz target's oracle: the canary in outputs counts,
// anywhere else (spelled out or escaped) it does not.
func TestFuzzCanaryOracle(t *testing.T) {
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"in outputs", `{"version":4,"outputs":{"a":{"value":"` + fuzzCanary + `"}}}`, true},
		{"no canary", `{"version":4}`, true},
		{"in an attribute", `{"version":4,"outputs":{"a":{"value":"` + fuzzCanary + `"}},"resources":[{"instances":[{"attributes":{"x":"` + fuzzCanary + `"}}]}]}`, false},
		{"escaped in a type", `{"version":4,"resources":[{"type":"\u0043ANARYstateOUTPUT0123456789abcdefXYZ"}]}`, false},
		{"repeated outputs member", `{"outputs":{"a":"` + fuzzCanary + `"},"outputs":{}}`, false},
		{"not JSON", `{"outputs":"` + fuzzCanary, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canaryOnlyInOutputs([]byte(tt.doc)); got != tt.want {
				t.Errorf("canaryOnlyInOutputs = %v, want %v", got, tt.want)
			}
		})
	}
}
