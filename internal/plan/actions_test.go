package plan

import (
	"fmt"
	"strings"
	"testing"
)

var allActions = []Action{ActionNoOp, ActionCreate, ActionRead, ActionUpdate, ActionDelete, ActionForget}

func TestActionsKind(t *testing.T) {
	tests := []struct {
		actions Actions
		want    Kind
	}{
		{Actions{"no-op"}, KindNoOp},
		{Actions{"create"}, KindCreate},
		{Actions{"read"}, KindRead},
		{Actions{"update"}, KindUpdate},
		{Actions{"delete"}, KindDelete},
		{Actions{"forget"}, KindForget},
		{Actions{"delete", "create"}, KindReplace},
		{Actions{"create", "delete"}, KindReplaceCBD},
		{Actions{"forget", "create"}, KindForgetReplace},
		{Actions{"create", "forget"}, KindForgetReplace},
		{nil, KindUnknown},
		{Actions{}, KindUnknown},
		{Actions{"destroy"}, KindUnknown},
		{Actions{"delete", "create", "delete"}, KindUnknown},
		{Actions{"Create"}, KindUnknown},
	}
	known := map[string]bool{}
	for _, tc := range tests {
		known[tc.actions.String()] = true
		t.Run(tc.actions.String(), func(t *testing.T) {
			if got := tc.actions.Kind(); got != tc.want {
				t.Errorf("Kind(%v) = %q, want %q", tc.actions, got, tc.want)
			}
		})
	}
	// Every other ordered pair of actions is not something Terraform writes.
	for _, a := range allActions {
		for _, b := range allActions {
			acts := Actions{a, b}
			if known[acts.String()] {
				continue
			}
			t.Run(acts.String(), func(t *testing.T) {
				if got := acts.Kind(); got != KindUnknown {
					t.Errorf("Kind(%v) = %q, want unknown", acts, got)
				}
			})
		}
	}
}

func TestActionsPredicates(t *testing.T) {
	tests := []struct {
		actions                                   Actions
		changes, destroys, replace, cbd, dbc, del bool
	}{
		{Actions{"no-op"}, false, false, false, false, false, false},
		{Actions{"read"}, false, false, false, false, false, false},
		{nil, false, false, false, false, false, false},
		{Actions{"create"}, true, false, false, false, false, false},
		{Actions{"update"}, true, false, false, false, false, false},
		{Actions{"delete"}, true, true, false, false, false, true},
		{Actions{"forget"}, true, false, false, false, false, false},
		{Actions{"delete", "create"}, true, true, true, false, true, false},
		{Actions{"create", "delete"}, true, true, true, true, false, false},
		{Actions{"forget", "create"}, true, false, false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.actions.String(), func(t *testing.T) {
			got := []bool{tc.actions.Changes(), tc.actions.Destroys(), tc.actions.Replace(), tc.actions.CreateBeforeDestroy(), tc.actions.DeleteBeforeCreate(), tc.actions.Delete()}
			want := []bool{tc.changes, tc.destroys, tc.replace, tc.cbd, tc.dbc, tc.del}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Changes, Destroys, Replace, CreateBeforeDestroy, DeleteBeforeCreate, Delete = %v, want %v", got, want)
			}
		})
	}
}

func TestActionsString(t *testing.T) {
	for _, tc := range []struct {
		in   Actions
		want string
	}{
		{Actions{"delete", "create"}, "delete,create"},
		{Actions{"no-op"}, "no-op"},
		{nil, ""},
	} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// String is the actions joined by commas, whether the list is one it names without
// building (the usual ones) or not.
func TestActionsStringJoins(t *testing.T) {
	for _, a := range []Actions{
		nil, {ActionCreate}, {ActionDelete, ActionCreate}, {ActionCreate, ActionDelete}, {ActionForget, ActionCreate},
		{ActionCreate, ActionCreate}, {ActionDelete, ActionForget}, {ActionRead, ActionUpdate, ActionNoOp},
	} {
		parts := make([]string, len(a))
		for i, x := range a {
			parts[i] = string(x)
		}
		if got, want := a.String(), strings.Join(parts, ","); got != want {
			t.Errorf("%#v.String() = %q, want %q", a, got, want)
		}
	}
}
