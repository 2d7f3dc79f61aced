package plan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// FuzzDecode feeds the streaming decoder arbitrary documents, seeded with every real plan
// and state in the corpus and the hand-written full plan. Every input must give a plan or
// an *InputError naming the input — never a panic — and a decoded plan must be usable:
// attributes of every kept value can be read.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(fullPlan))
	f.Add([]byte(`{"format_version":"1.2"}`))
	f.Add([]byte(`{"format_version":"1.0","values":{"root_module":{}}}`))
	corpus := repotest.Corpus(f)
	files, _ := filepath.Glob(filepath.Join(corpus, "*.json"))
	if len(files) == 0 {
		f.Fatalf("no corpus files in %s", corpus)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) < 256<<10 {
			f.Add(data)
		}
	}
	all := func(string) bool { return true }
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeRetaining(bytes.NewReader(data), "fuzz.json", Retain{After: all, Unchanged: all})
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is %T, not an *InputError: %v", err, err)
			}
			if !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		for _, c := range append(p.Changes, p.Drift...) {
			if c.Address == "" || len(c.Actions) == 0 {
				t.Fatalf("change without address or actions: %+v", c)
			}
			_ = c.BeforeAttr("arn")
			_ = c.AfterAttr("name")
			c.Before.Members(func(k string, v Value) bool { _, _ = v.Scalar(); return true })
			_ = c.ConfigAddress()
		}
	})
}
