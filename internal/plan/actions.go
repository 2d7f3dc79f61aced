package plan

import "strings"

// Action is one element of a change's action list, as Terraform writes it.
type Action string

// The actions Terraform writes.
const (
	ActionNoOp   Action = "no-op"
	ActionCreate Action = "create"
	ActionRead   Action = "read"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
	ActionForget Action = "forget"
)

// Actions is a change's action list. Callers ask it questions rather than inspecting
// the raw list: a replace is two actions whose order matters.
type Actions []Action

// Kind is the single word that names what a change does.
type Kind string

// The kinds of change, in the order a summary shows them.
const (
	KindCreate        Kind = "create"
	KindUpdate        Kind = "update"
	KindDelete        Kind = "delete"
	KindReplace       Kind = "replace"              // delete then create
	KindReplaceCBD    Kind = "replace-create-first" // create then delete (create_before_destroy)
	KindRead          Kind = "read"
	KindNoOp          Kind = "no-op"
	KindForget        Kind = "forget"
	KindForgetReplace Kind = "forget-create" // forget then create (Terraform 1.7+ removed blocks)
	KindUnknown       Kind = "unknown"
)

func (a Actions) is(want ...Action) bool {
	if len(a) != len(want) {
		return false
	}
	for i := range a {
		if a[i] != want[i] {
			return false
		}
	}
	return true
}

// NoOp reports a change that does nothing.
func (a Actions) NoOp() bool { return a.is(ActionNoOp) }

// Create reports a plain create.
func (a Actions) Create() bool { return a.is(ActionCreate) }

// Read reports a data source read at apply time.
func (a Actions) Read() bool { return a.is(ActionRead) }

// Update reports an in-place update.
func (a Actions) Update() bool { return a.is(ActionUpdate) }

// Delete reports a plain delete.
func (a Actions) Delete() bool { return a.is(ActionDelete) }

// Forget reports that the object leaves the state but is not destroyed.
func (a Actions) Forget() bool { return a.is(ActionForget) }

// DeleteBeforeCreate reports a replace that destroys the old object first.
func (a Actions) DeleteBeforeCreate() bool { return a.is(ActionDelete, ActionCreate) }

// CreateBeforeDestroy reports a replace that creates the new object first.
func (a Actions) CreateBeforeDestroy() bool { return a.is(ActionCreate, ActionDelete) }

// Replace reports either order of replacement.
func (a Actions) Replace() bool { return a.DeleteBeforeCreate() || a.CreateBeforeDestroy() }

// Destroys reports whether the existing object is destroyed (a delete or a replace).
func (a Actions) Destroys() bool { return a.Delete() || a.Replace() }

// Changes reports whether the change does anything to real infrastructure.
func (a Actions) Changes() bool {
	return !(a.NoOp() || a.Read() || len(a) == 0)
}

// Kind names the change.
func (a Actions) Kind() Kind {
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
	case a.DeleteBeforeCreate():
		return KindReplace
	case a.CreateBeforeDestroy():
		return KindReplaceCBD
	case a.Forget():
		return KindForget
	case a.is(ActionForget, ActionCreate), a.is(ActionCreate, ActionForget):
		return KindForgetReplace
	}
	return KindUnknown
}

// String renders the actions as Terraform's list does, e.g. "delete,create".
func (a Actions) String() string {
	// A report lists every change's actions: the usual lists cost no allocation.
	switch {
	case len(a) == 1:
		return string(a[0])
	case a.is(ActionDelete, ActionCreate):
		return "delete,create"
	case a.is(ActionCreate, ActionDelete):
		return "create,delete"
	case a.is(ActionForget, ActionCreate):
		return "forget,create"
	}
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}
