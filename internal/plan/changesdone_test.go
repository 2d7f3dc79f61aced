package plan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// changesDone records what Retain.ChangesDone is given.
type changesDone struct {
	mu    sync.Mutex
	calls [][]*Change
}

func (c *changesDone) retain() Retain {
	r := keepAll
	r.ChangesDone = func(cs []*Change) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.calls = append(c.calls, cs)
	}
	return r
}

// TestChangesDoneGetsThePlansChanges: ChangesDone is called once, with the very
// changes (the same pointers, in the same order) the loaded plan holds, for every
// corpus plan and for generated plans large enough to be decoded in many batches on
// both goroutines.
func TestChangesDoneGetsThePlansChanges(t *testing.T) {
	inputs := repotest.CorpusPlans(t)
	for _, sc := range []string{plangen.ScenarioMixed, plangen.ScenarioWrongState} {
		var buf bytes.Buffer
		if err := plangen.Write(&buf, plangen.Options{Resources: 4000, Scenario: sc, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		inputs["generated-"+sc] = buf.Bytes()
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			var got changesDone
			p, err := DecodeRetaining(bytes.NewReader(data), name, got.retain())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte(`"resource_changes"`)) {
				if len(got.calls) != 0 {
					t.Fatalf("ChangesDone called %d times for a plan without resource_changes", len(got.calls))
				}
				return
			}
			if len(got.calls) != 1 {
				t.Fatalf("ChangesDone called %d times, want once", len(got.calls))
			}
			if !slices.Equal(got.calls[0], p.Changes) {
				t.Fatalf("ChangesDone got %d changes, not the plan's %d (same pointers, same order)", len(got.calls[0]), len(p.Changes))
			}
		})
	}
}

// TestChangesDoneOnErrors: a bad change (in any batch) means no call; a bad section
// after resource_changes comes too late to stop the call, but the load still fails;
// the reference decoder never calls.
func TestChangesDoneOnErrors(t *testing.T) {
	doc := func(badAt int, tail string) []byte {
		var b strings.Builder
		b.WriteString(`{"format_version":"1.2","resource_changes":[`)
		for i := range 3000 { // about ten batches
			if i > 0 {
				b.WriteString(",")
			}
			actions := `["delete"]`
			if i == badAt {
				actions = `"delete"`
			}
			fmt.Fprintf(&b, `{"address":"aws_s3_bucket.b%d","type":"aws_s3_bucket","change":{"actions":%s,"before":{"bucket":"b%d","tags":{"Name":"%s"}}}}`, i, actions, i, strings.Repeat("x", 40))
		}
		b.WriteString(`]` + tail)
		return []byte(b.String())
	}
	for _, tc := range []struct {
		name      string
		data      []byte
		wantCalls int
	}{
		{"bad first change", doc(0, `}`), 0},
		{"bad last change", doc(2999, `}`), 0},
		{"bad configuration after", doc(-1, `,"configuration":{"root_module":{"resources":[{"address":1}]}}}`), 1},
		{"syntax error after", doc(-1, `,"prior_state":{]}`), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got changesDone
			if _, err := DecodeRetaining(bytes.NewReader(tc.data), "plan.json", got.retain()); err == nil {
				t.Fatal("the load succeeded")
			}
			if len(got.calls) != tc.wantCalls {
				t.Fatalf("ChangesDone called %d times, want %d", len(got.calls), tc.wantCalls)
			}
			if tc.wantCalls == 1 && len(got.calls[0]) != 3000 {
				t.Fatalf("ChangesDone got %d changes, want 3000", len(got.calls[0]))
			}
			var ref changesDone
			DecodeReference(bytes.NewReader(tc.data), "plan.json", ref.retain())
			if len(ref.calls) != 0 {
				t.Fatal("the reference decoder called ChangesDone")
			}
		})
	}
}
