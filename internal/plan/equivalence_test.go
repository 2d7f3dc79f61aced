package plan

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

var keepAll = Retain{After: func(string) bool { return true }, Unchanged: func(string) bool { return true }}

// samePlan fails unless the fast decoder and the reference decoder read data alike:
// the same plan, or errors with the same message.
func samePlan(t *testing.T, name string, data []byte, keep Retain) {
	t.Helper()
	fast, ferr := DecodeRetaining(bytes.NewReader(data), name, keep)
	ref, rerr := DecodeReference(bytes.NewReader(data), name, keep)
	if (ferr == nil) != (rerr == nil) {
		t.Fatalf("fast error %v, reference error %v", ferr, rerr)
	}
	if ferr != nil {
		return
	}
	if diff := cmp.Diff(ref, fast, cmpopts.IgnoreUnexported(Change{}), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("fast path differs from the reference decoder (-reference +fast):\n%s", diff)
	}
	// And through a reader that hands out one byte at a time (every buffer boundary).
	if len(data) < 64<<10 {
		slow, err := DecodeRetaining(iotest.OneByteReader(bytes.NewReader(data)), name, keep)
		if err != nil {
			t.Fatalf("one byte at a time: %v", err)
		}
		if diff := cmp.Diff(fast, slow, cmpopts.IgnoreUnexported(Change{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("one byte at a time differs:\n%s", diff)
		}
	}
}

// TestFastPathEqualsReferenceOnCorpus: every public plan and state in the corpus reads
// the same through both decoders, keeping everything and keeping the default.
func TestFastPathEqualsReferenceOnCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repotest.Corpus(t), "*.json"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			samePlan(t, f, data, keepAll)
			samePlan(t, f, data, Retain{})
		})
	}
}

// TestFastPathEqualsReferenceOnGenerated covers every generator scenario.
func TestFastPathEqualsReferenceOnGenerated(t *testing.T) {
	for _, sc := range []string{plangen.ScenarioMixed, plangen.ScenarioWrongState, plangen.ScenarioNoChanges, plangen.ScenarioDestroy} {
		t.Run(sc, func(t *testing.T) {
			var buf bytes.Buffer
			if err := plangen.Write(&buf, plangen.Options{Resources: 300, Scenario: sc, Seed: 7}); err != nil {
				t.Fatal(err)
			}
			samePlan(t, sc+".json", buf.Bytes(), keepAll)
			samePlan(t, sc+".json", buf.Bytes(), Retain{})
		})
	}
}

// TestFastPathErrorsLikeReference: malformed documents fail in both decoders, with a
// message that names the input.
func TestFastPathErrorsLikeReference(t *testing.T) {
	base := []byte(fullPlan)
	docs := map[string][]byte{}
	for _, cut := range []int{0, 1, 10, 100, len(base) / 2, len(base) - 2} {
		docs["cut"+strings.Repeat("x", cut%7)+string(rune('a'+cut%26))] = base[:cut]
	}
	for i, bad := range []string{
		`[]`, `"plan"`, `{"format_version": 1}`, `{"resource_changes": {}}`, `{"resource_changes": [1]}`,
		`{"resource_changes": [{"address": "a.b", "change": {"actions": "delete"}}]}`,
		`{"resource_changes": [{"address": "a.b", "change": {"actions": ["delete"], "before": {"a": 1, "a": 2}}}]}`,
		`{"resource_changes": [], "resource_changes": []}`, `{"prior_state": []}`, `{"configuration": {"root_module": []}}`,
		`{"configuration": {"root_module": {"resources": [{"address": 1}]}}}`, `{"output_changes": []}`,
		"{\"resource_changes\": [{\"address\": \"a\xff\"}]}", `{"resource_changes": []} x`, `{"resource_changes": []} {}`,
		`{"format_version": "1.2", "resource_changes": [{"address": "a.b", "change": {"actions": ["delete"]}}]` + strings.Repeat(" ", 5),
	} {
		docs[string(rune('A'+i))] = []byte(bad)
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			_, ferr := DecodeRetaining(bytes.NewReader(data), "bad.json", keepAll)
			_, rerr := DecodeReference(bytes.NewReader(data), "bad.json", keepAll)
			if ferr == nil || rerr == nil {
				t.Fatalf("fast error %v, reference error %v: both must fail", ferr, rerr)
			}
			var ie *InputError
			if !errors.As(ferr, &ie) || !strings.HasPrefix(ferr.Error(), "bad.json: ") {
				t.Errorf("fast error %q does not name the input", ferr)
			}
		})
	}
}

// TestFastPathReportsFirstErrorAcrossBatches: with elements decoded in batches by two
// goroutines (whichever is free), the error reported is still the first in the
// document, as the reference decoder reports it, whatever decoded which batch.
func TestFastPathReportsFirstErrorAcrossBatches(t *testing.T) {
	const n = 6000 // about 20 batches of resource changes
	bad := map[int]bool{2500: true, 4000: true, 5900: true}
	var b strings.Builder
	b.WriteString(`{"format_version":"1.2","resource_changes":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		actions := `["delete"]`
		if bad[i] {
			actions = `"delete"` // a string where a list belongs
		}
		fmt.Fprintf(&b, `{"address":"aws_s3_bucket.b%d","type":"aws_s3_bucket","change":{"actions":%s,"before":{"bucket":"b%d","tags":{"Name":"%s"}}}}`, i, actions, i, strings.Repeat("x", 20))
	}
	b.WriteString(`],"configuration":{"root_module":{"resources":[{"address":1}]}},"x":`) // later errors: a bad configuration and a syntax error
	data := []byte(b.String())
	_, rerr := DecodeReference(bytes.NewReader(data), "plan.json", keepAll)
	if rerr == nil || !strings.Contains(rerr.Error(), "/resource_changes/2500/change/actions") {
		t.Fatalf("reference decoder: %v", rerr)
	}
	for range 20 {
		_, ferr := DecodeRetaining(bytes.NewReader(data), "plan.json", keepAll)
		if ferr == nil || ferr.Error() != rerr.Error() {
			t.Fatalf("fast decoder reported %v, want the first error in the document: %v", ferr, rerr)
		}
	}
}

// TestFastPathPriorResourceErrors: prior_state resources are read on the reading
// goroutine while the worker may still be decoding resource changes. An error in a
// prior resource is reported as the reference decoder reports it, unless a resource
// change before it has one, which comes first in the document.
func TestFastPathPriorResourceErrors(t *testing.T) {
	changes := func(n, bad int) string {
		var b strings.Builder
		b.WriteString(`"resource_changes":[`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			actions := `["delete"]`
			if i == bad {
				actions = `"delete"`
			}
			fmt.Fprintf(&b, `{"address":"aws_s3_bucket.b%d","type":"aws_s3_bucket","change":{"actions":%s,"before":{"bucket":"b%d"}}}`, i, actions, i)
		}
		return b.String() + "],"
	}
	prior := func(badAt int) string {
		var b strings.Builder
		b.WriteString(`"prior_state":{"values":{"root_module":{"child_modules":[{"resources":[`)
		for i := range 3000 {
			if i > 0 {
				b.WriteString(",")
			}
			mode := `"managed"`
			if i == badAt {
				mode = `5`
			}
			fmt.Fprintf(&b, `{"address":"aws_iam_role.r%d","mode":%s,"type":"aws_iam_role","values":{"name":"r%d"}}`, i, mode, i)
		}
		return b.String() + `]}]}}}`
	}
	tests := []struct {
		name, doc, want string
	}{
		{"changes first", `{"format_version":"1.2",` + changes(6000, 5990) + prior(10) + `}`, "/resource_changes/5990/change/actions"},
		{"prior after good changes", `{"format_version":"1.2",` + changes(6000, -1) + prior(2000) + `}`, "/prior_state/values/root_module/child_modules/0/resources/2000/mode"},
		{"prior without changes", `{"format_version":"1.2",` + prior(0) + `}`, "/prior_state/values/root_module/child_modules/0/resources/0/mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, rerr := DecodeReference(strings.NewReader(tc.doc), "plan.json", keepAll)
			if rerr == nil || !strings.Contains(rerr.Error(), tc.want) {
				t.Fatalf("reference decoder: %v, want an error at %s", rerr, tc.want)
			}
			for range 10 {
				_, ferr := DecodeRetaining(strings.NewReader(tc.doc), "plan.json", keepAll)
				if ferr == nil || ferr.Error() != rerr.Error() {
					t.Fatalf("fast decoder reported %v, want %v", ferr, rerr)
				}
			}
		})
	}
}
