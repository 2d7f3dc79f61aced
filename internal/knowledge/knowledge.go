// Package knowledge is hiyari's AWS knowledge base: for each Terraform AWS
// resource type, the attributes that identify it, the attributes through which
// it depends on other resources, what breaks and what data is lost when such a
// dependency disappears, how to recover, and what goes wrong when the resource
// is replaced.
//
// The knowledge is data, not code: one YAML file per AWS service under data/,
// embedded in the binary and validated when loaded. Adding a service is a data
// edit plus a test.
package knowledge

import (
	"embed"
	"sort"
	"sync"
)

//go:embed data/*.yaml
var embedded embed.FS

// IdentifierKind says how an attribute value identifies a resource, and so
// how a dependent may refer to it.
type IdentifierKind string

// The identifier kinds. A reference lists the kinds through which it may point
// at its target.
const (
	// KindARN is an Amazon Resource Name, e.g. arn:aws:iam::123456789012:role/app.
	KindARN IdentifierKind = "arn"
	// KindName is a name unique within the account and region (role name,
	// bucket name, log group name, function name).
	KindName IdentifierKind = "name"
	// KindID is a service-assigned or provider ID that is neither an ARN nor
	// a name: a KMS key id, an SQS queue URL, a launch template id.
	KindID IdentifierKind = "id"
	// KindUniqueID is IAM's stable unique id (AROA… for roles, AIPA… for
	// instance profiles). It changes when the entity is deleted and recreated,
	// even under the same name; resource policies store principals by it.
	KindUniqueID IdentifierKind = "unique_id"
)

// DataLossClass says what happens to data flowing through a dependency while
// its target is missing.
type DataLossClass string

// The data-loss classes, from harmless to worst.
const (
	// LossNone: nothing is lost or interrupted beyond a side channel
	// (delivery-status logging, for instance).
	LossNone DataLossClass = "none"
	// LossAvailability: the dependent stops working (requests fail, tasks do
	// not start) but no data in flight is dropped by AWS; callers see errors.
	LossAvailability DataLossClass = "availability"
	// LossRetried: AWS keeps retrying for a bounded window (see
	// DataLoss.Window); after it, data is dropped or dead-lettered.
	LossRetried DataLossClass = "retried"
	// LossLost: data is dropped at once and not retried.
	LossLost DataLossClass = "lost"
)

// Condition restricts a recovery step to how the target went away.
type Condition string

// The conditions a recovery step may be restricted to.
const (
	// WhenDeleted: the target is deleted by the plan (and must be recreated).
	WhenDeleted Condition = "deleted"
	// WhenReplaced: the target is replaced by the plan (deleted and created
	// again, in either order).
	WhenReplaced Condition = "replaced"
)

// Base is the loaded, validated knowledge base. It is read-only and shared:
// callers must not modify it or anything reachable from it.
type Base struct {
	types map[string]*Type
	steps map[string]*Step
	names []string
}

// Type is what the knowledge base knows about one Terraform resource type.
type Type struct {
	// Name is the Terraform resource type, e.g. "aws_lambda_function".
	Name string
	// Service is the AWS service in the words an SRE uses, e.g. "Lambda".
	Service string
	// File is the data file the type is described in, e.g. "lambda.yaml".
	File string
	// Identifiers are the attributes whose values identify a resource of
	// this type, each with its kind.
	Identifiers []Identifier
	// Stateful is true when the resource holds data that is gone once it is
	// deleted (objects, rows, messages, log events, keys).
	Stateful bool
	// Protections are the attributes that guard a stateful resource against
	// deletion or data loss, to be reported with their values.
	Protections []Protection
	// References are the attributes through which this type depends on
	// other resources.
	References []Reference
	// ReplaceHazards are what goes wrong when a resource of this type is
	// replaced, or deleted and recreated, even if its name stays the same.
	ReplaceHazards []Hazard
}

// Identifier is one identifying attribute of a type.
type Identifier struct {
	// Attribute is the top-level attribute name, e.g. "unique_id".
	Attribute string
	// Kind is how the value identifies the resource.
	Kind IdentifierKind
}

// Protection is an attribute that guards a stateful resource.
type Protection struct {
	// Path is the attribute path, e.g. "point_in_time_recovery[*].enabled".
	Path string
	// Segments is Path parsed.
	Segments []Segment
	// Protected is the value (as Terraform JSON renders it: "true",
	// "false", "Enabled") under which the resource is protected.
	Protected string
	// Meaning says in plain words what the attribute does for the data.
	Meaning string
}

// Reference is one attribute path through which a type depends on others.
type Reference struct {
	// Path is the attribute path in the dependent, e.g.
	// "extended_s3_configuration[*].role_arn". "[*]" stands for every
	// element of a list or nested block; "[0]" for one element.
	Path string
	// Segments is Path parsed.
	Segments []Segment
	// Targets are the resource types the attribute may point at.
	Targets []string
	// Via are the identifier kinds of the target that the value may equal
	// (or, for JSON documents, contain).
	Via []IdentifierKind
	// JSON is true when the attribute holds a JSON document (a policy,
	// container definitions, a redrive policy) whose content holds the
	// identifiers.
	JSON bool
	// JSONPath, for JSON attributes, narrows the search to one path inside
	// the document (same syntax as Path); empty means the whole document.
	JSONPath string
	// JSONSegments is JSONPath parsed.
	JSONSegments []Segment
	// Impact says what breaks in the dependent when the target disappears.
	Impact string
	// DataLoss says what happens to data in flight meanwhile.
	DataLoss DataLoss
	// Recovery lists recovery step ids, in no particular order (steps carry
	// their own priority).
	Recovery []string
}

// DataLoss classifies the data loss of one dependency.
type DataLoss struct {
	// Class is the data-loss class.
	Class DataLossClass
	// Window is how long AWS retries (for LossRetried) or how long the loss
	// lasts, in plain words, e.g. "24 h / 185 attempts".
	Window string
	// Detail says what is lost or kept, and where it goes afterwards.
	Detail string
}

// Hazard is one replace hazard of a type.
type Hazard struct {
	// ID is a short stable identifier, e.g. "new-unique-id".
	ID string
	// Text says what breaks and why.
	Text string
	// Recovery lists recovery step ids.
	Recovery []string
}

// Step is one recovery step of a runbook.
type Step struct {
	// ID is the stable identifier the data refers to, e.g. "lambda-role-swap".
	ID string
	// Service is the AWS service the step acts on.
	Service string
	// Priority orders steps in a runbook: lower first. Recreating what was
	// deleted comes before service-specific repairs.
	Priority int
	// Text is the step, imperative, with the console or CLI operations.
	Text string
	// When restricts the step to some conditions; empty means always.
	When []Condition
}

// AppliesTo reports whether the step applies when the target was deleted
// (replaced false) or replaced (replaced true).
func (s *Step) AppliesTo(replaced bool) bool {
	if len(s.When) == 0 {
		return true
	}
	want := WhenDeleted
	if replaced {
		want = WhenReplaced
	}
	for _, c := range s.When {
		if c == want {
			return true
		}
	}
	return false
}

var loadEmbedded = sync.OnceValues(func() (*Base, error) {
	return load(embedded, "data")
})

// Load returns the embedded knowledge base, parsed and validated on first use.
// An error means the embedded data is inconsistent: a bug in hiyari, caught by
// its tests.
func Load() (*Base, error) {
	return loadEmbedded()
}

// Type returns the knowledge about one resource type.
func (b *Base) Type(name string) (*Type, bool) {
	t, ok := b.types[name]
	return t, ok
}

// Types returns the names of all known resource types, sorted.
func (b *Base) Types() []string {
	return append([]string(nil), b.names...)
}

// Step returns one recovery step by id.
func (b *Base) Step(id string) (*Step, bool) {
	s, ok := b.steps[id]
	return s, ok
}

// Steps returns all recovery steps ordered by priority, then id.
func (b *Base) Steps() []*Step {
	out := make([]*Step, 0, len(b.steps))
	for _, s := range b.steps {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ReferencesTo returns, for every known type, the references that may point
// at a resource of type target, as (dependent type, reference) pairs ordered
// by dependent type name and then by position in the data.
func (b *Base) ReferencesTo(target string) []Dependency {
	var out []Dependency
	for _, name := range b.names {
		t := b.types[name]
		for i := range t.References {
			r := &t.References[i]
			for _, tt := range r.Targets {
				if tt == target {
					out = append(out, Dependency{Type: t, Reference: r})
					break
				}
			}
		}
	}
	return out
}

// Dependency is a reference together with the type that holds it.
type Dependency struct {
	// Type is the dependent type.
	Type *Type
	// Reference is the reference in Type.
	Reference *Reference
}

// IdentifiersOf returns the attribute names of t's identifiers of the given
// kind, in data order.
func (t *Type) IdentifiersOf(kind IdentifierKind) []string {
	var out []string
	for _, id := range t.Identifiers {
		if id.Kind == kind {
			out = append(out, id.Attribute)
		}
	}
	return out
}
