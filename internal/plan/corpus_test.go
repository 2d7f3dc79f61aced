package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

func corpusFiles(t *testing.T, pattern string) []string {
	t.Helper()
	dir := repotest.Corpus(t)
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no %s files in the corpus at %s", pattern, dir)
	}
	return files
}

func largestCorpusPlan(t *testing.T) string {
	t.Helper()
	var best string
	var size int64
	for _, f := range corpusFiles(t, "*.plan.json") {
		if info, err := os.Stat(f); err == nil && info.Size() > size {
			best, size = f, info.Size()
		}
	}
	return best
}

// shape is what the cross-check compares: per change, what both decoders agree on.
type shape struct {
	Address, PreviousAddress, Mode, Type, Name, Actions, ActionReason, Deposed string
	Kind                                                                       Kind
	Importing                                                                  bool
}

type planShape struct {
	Changes, Drift []shape
	Kinds          map[Kind]int
	Outputs        []string
	OutputsChanged int
	PriorManaged   int
	PriorData      int
	Declared       []string
}

func tfKind(a tfjson.Actions) Kind {
	switch {
	case a.NoOp():
		return KindNoOp
	case a.Create():
		return KindCreate
	case a.Read():
		return KindRead
	case a.Update():
		return KindUpdate
	case a.Delete():
		return KindDelete
	case a.DestroyBeforeCreate():
		return KindReplace
	case a.CreateBeforeDestroy():
		return KindReplaceCBD
	case a.Forget():
		return KindForget
	}
	return KindUnknown
}

func tfActions(a tfjson.Actions) string {
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

// tfjsonShape decodes a plan with hashicorp/terraform-json, independently of our decoder.
func tfjsonShape(t *testing.T, data []byte) planShape {
	t.Helper()
	var tp tfjson.Plan
	if err := json.Unmarshal(data, &tp); err != nil {
		// terraform-json insists on format_version, which trimmed public fixtures
		// leave out; give it one and try again.
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil || m["format_version"] != nil {
			t.Fatalf("terraform-json cannot decode it: %v", err)
		}
		m["format_version"] = json.RawMessage(`"1.0"`)
		if ps := m["prior_state"]; ps != nil && !bytes.Equal(ps, []byte("null")) {
			var pm map[string]json.RawMessage
			if err := json.Unmarshal(ps, &pm); err == nil && pm["format_version"] == nil {
				pm["format_version"] = json.RawMessage(`"1.0"`)
				m["prior_state"], _ = json.Marshal(pm)
			}
		}
		patched, _ := json.Marshal(m)
		if err2 := json.Unmarshal(patched, &tp); err2 != nil {
			t.Fatalf("terraform-json cannot decode it: %v (after adding format_version: %v)", err, err2)
		}
		t.Logf("terraform-json needed a format_version added: %v", err)
	}
	s := planShape{Kinds: map[Kind]int{}}
	conv := func(rcs []*tfjson.ResourceChange, kinds bool) []shape {
		out := []shape{}
		for _, rc := range rcs {
			sh := shape{Address: rc.Address, PreviousAddress: rc.PreviousAddress, Mode: string(rc.Mode), Type: rc.Type, Name: rc.Name,
				Deposed: rc.DeposedKey}
			if rc.Change != nil {
				sh.Actions, sh.Kind, sh.Importing = tfActions(rc.Change.Actions), tfKind(rc.Change.Actions), rc.Change.Importing != nil
			}
			sh.ActionReason = string(rc.ActionReason)
			if kinds {
				s.Kinds[sh.Kind]++
			}
			out = append(out, sh)
		}
		return out
	}
	s.Changes = conv(tp.ResourceChanges, true)
	s.Drift = conv(tp.ResourceDrift, false)
	for name, oc := range tp.OutputChanges {
		s.Outputs = append(s.Outputs, name)
		if oc != nil && !oc.Actions.NoOp() {
			s.OutputsChanged++
		}
	}
	sort.Strings(s.Outputs)
	if tp.PriorState != nil && tp.PriorState.Values != nil {
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			if m == nil {
				return
			}
			for _, r := range m.Resources {
				if r.Mode == tfjson.DataResourceMode {
					s.PriorData++
				} else {
					s.PriorManaged++
				}
			}
			for _, c := range m.ChildModules {
				walk(c)
			}
		}
		walk(tp.PriorState.Values.RootModule)
	}
	if tp.Config != nil {
		var walk func(prefix string, m *tfjson.ConfigModule)
		walk = func(prefix string, m *tfjson.ConfigModule) {
			if m == nil {
				return
			}
			for _, r := range m.Resources {
				s.Declared = append(s.Declared, prefix+r.Address)
			}
			for name, call := range m.ModuleCalls {
				if call != nil {
					walk(prefix+"module."+name+".", call.Module)
				}
			}
		}
		walk("", tp.Config.RootModule)
	}
	sort.Strings(s.Declared)
	return s
}

func ourShape(p *Plan) planShape {
	s := planShape{Kinds: map[Kind]int{}}
	conv := func(cs []*Change, kinds bool) []shape {
		out := []shape{}
		for _, c := range cs {
			out = append(out, shape{Address: c.Address, PreviousAddress: c.PreviousAddress(), Mode: c.Mode, Type: c.Type, Name: c.Name,
				Actions: c.Actions.String(), Kind: c.Actions.Kind(), Importing: imports(c), ActionReason: c.ActionReason, Deposed: c.DeposedKey()})
			if kinds {
				s.Kinds[c.Actions.Kind()]++
			}
		}
		return out
	}
	s.Changes = conv(p.Changes, true)
	s.Drift = conv(p.Drift, false)
	for _, o := range p.Outputs {
		s.Outputs = append(s.Outputs, o.Name)
		if !o.Actions.NoOp() {
			s.OutputsChanged++
		}
	}
	s.PriorManaged, s.PriorData = p.Prior.Managed, p.Prior.Data
	for a := range p.Config.Declared {
		s.Declared = append(s.Declared, a)
	}
	sort.Strings(s.Declared)
	return s
}

// TestCorpusPlans loads every public plan and checks what it kept against
// hashicorp/terraform-json's reading of the same file.
func TestCorpusPlans(t *testing.T) {
	for _, f := range corpusFiles(t, "*.plan.json") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Decode(bytes.NewReader(data), f)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(p.Changes) == 0 {
				t.Fatal("no changes decoded")
			}
			got, want := ourShape(p), tfjsonShape(t, data)
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []string) bool { return cmp.Equal(a, b) || len(a)+len(b) == 0 })); diff != "" {
				t.Errorf("hiyari vs terraform-json (-terraform-json +hiyari):\n%s", diff)
			}
			// Loading from a path gives the same plan.
			lp, err := Load(t.Context(), f, LoadOptions{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(got, ourShape(lp)); diff != "" {
				t.Errorf("Load differs from Decode:\n%s", diff)
			}
		})
	}
}

// TestCorpusStatesRejected: a state given as a plan is told apart from other bad input.
func TestCorpusStatesRejected(t *testing.T) {
	for _, f := range corpusFiles(t, "*.tfstate.json") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(t.Context(), f, LoadOptions{})
			if err == nil {
				t.Fatal("a state was accepted as a plan")
			}
			msg := err.Error()
			if !strings.Contains(msg, "this is a Terraform state, not a plan") || !strings.HasPrefix(msg, f+": ") {
				t.Errorf("message %q should name the input and say it is a state", msg)
			}
			if !errors.Is(err, ErrNotAPlan) {
				t.Errorf("error does not wrap ErrNotAPlan: %v", err)
			}
		})
	}
}

func imports(c *Change) bool {
	_, ok := c.Imports()
	return ok
}
