// Package plan reads Terraform and OpenTofu plans (the JSON of `terraform show -json`,
// or a saved planfile through the terraform binary) as a stream and keeps only what
// a review needs. It knows Terraform's formats and nothing of AWS.
package plan

import "strings"

// Plan is the part of a Terraform plan that hiyari reviews.
type Plan struct {
	// Source names the input as the user gave it ("-" is stdin).
	Source string
	// FormatVersion is the JSON format version ("0.1" … "1.2"); empty in trimmed fixtures.
	FormatVersion string
	// TerraformVersion is the version of Terraform or OpenTofu that wrote the plan.
	TerraformVersion string
	// Changes are the planned resource changes (resource_changes), in plan order.
	Changes []*Change
	// Drift lists changes made outside Terraform since the last apply (resource_drift).
	Drift []*Change
	// Outputs are the planned output changes (output_changes), sorted by name.
	Outputs []OutputChange
	// Prior summarises the state the plan was made against.
	Prior PriorState
	// Config is what the configuration declares.
	Config Config
	// Errored is true when planning failed part way (Terraform 1.4+).
	Errored bool
	// Complete is false when the plan is partial, e.g. deferred changes.
	Complete *bool
	// Applyable reports whether Terraform would apply this plan (Terraform 1.4+).
	Applyable *bool
	// Timestamp is when the plan was made (Terraform 1.5+).
	Timestamp string
}

// Change is one planned change to one resource instance.
type Change struct {
	// Address is the absolute instance address, e.g. module.app[0].aws_iam_role.task["a"].
	Address string
	// ModuleAddress is the module instance path, empty in the root module.
	ModuleAddress string
	// Mode is "managed" or "data".
	Mode string
	// Type is the resource type, e.g. aws_iam_role.
	Type string
	// Name is the resource name in configuration.
	Name string
	// Index is the raw JSON of the count or for_each key, empty when absent.
	Index string
	// ProviderName is the provider source address.
	ProviderName string
	// Actions is what Terraform will do.
	Actions Actions
	// ActionReason is Terraform's reason for the action, when it gives one.
	ActionReason string
	// Before is the prior object's values. It is absent (nil) for no-op and read
	// changes, to keep memory low, unless Retain.Unchanged asks for the type.
	Before Value
	// BeforeSensitive marks which parts of Before are sensitive: true at a path means
	// the value there must never be shown.
	BeforeSensitive Value
	// After is the planned object's values for a change that creates or updates
	// (replaces included), kept only for the types Retain.After asks for; nil otherwise.
	// Values not known until apply are absent from it and true in AfterUnknown.
	After Value
	// AfterUnknown marks the parts of After known only after apply.
	AfterUnknown Value
	// AfterSensitive marks which parts of After are sensitive.
	AfterSensitive Value
	// ReplacePaths are the attribute paths that force replacement (raw JSON).
	ReplacePaths Value
	// Extra holds what few changes have: a previous address, a deposed key, an
	// import. It is nil for the rest, which saves 56 bytes on each of a large plan's
	// changes (see PreviousAddress, DeposedKey and Imports).
	Extra *ChangeExtra

	// attrs indexes Before's and After's top-level attributes on first use: rules
	// read many attributes of one object, and one pass beats one pass per attribute.
	// It is one pointer, nil for the many changes no rule reads, and its offsets take
	// two bytes each for the usual value under 64 KiB (docs/performance.md).
	attrs *attrIndexes
}

// ChangeExtra is the part of a change that few changes have.
type ChangeExtra struct {
	// PreviousAddress is set when the instance moves (a `moved` block or state mv).
	PreviousAddress string
	// Deposed is the deposed object key when the change concerns a deposed object.
	Deposed string
	// ImportingID is the id being imported, when the change imports an object.
	ImportingID string
	// Importing is true when the change imports an existing object (Terraform 1.5+).
	Importing bool
}

// extra returns the change's Extra, creating it on first use (decoders only).
func (c *Change) extra() *ChangeExtra {
	if c.Extra == nil {
		c.Extra = &ChangeExtra{}
	}
	return c.Extra
}

// PreviousAddress is the address the instance moves from, empty when it does not move.
func (c *Change) PreviousAddress() string {
	if c.Extra == nil {
		return ""
	}
	return c.Extra.PreviousAddress
}

// DeposedKey is the deposed object key when the change concerns a deposed object.
func (c *Change) DeposedKey() string {
	if c.Extra == nil {
		return ""
	}
	return c.Extra.Deposed
}

// Imports reports whether the change imports an existing object, and its id.
func (c *Change) Imports() (id string, ok bool) {
	if c.Extra == nil {
		return "", false
	}
	return c.Extra.ImportingID, c.Extra.Importing
}

// Retain asks the decoder to keep values it drops by default. Each function gets a
// resource type; nil keeps nothing more.
type Retain struct {
	// After keeps the planned values of creates, updates and replaces of these types.
	After func(resourceType string) bool
	// Unchanged keeps the values of managed no-op changes of these types.
	Unchanged func(resourceType string) bool
	// ChangesDone, when set, gets the plan's resource changes as soon as they are
	// decoded, while the rest of the document (prior_state and configuration, which
	// Terraform writes after them) is still being read: work that needs only the
	// changes can start on the core the decoder leaves idle then. It is called at
	// most once, on a goroutine of the decoder, and must not block; the slice holds
	// the elements the loaded plan's Changes will hold, in the same order. It is not
	// called when decoding a change failed, nor by the reference decoder; the load can
	// still fail after it (on a later section), so what it starts must be dropped
	// when Load returns an error.
	ChangesDone func(changes []*Change)
}

// BeforeAttr returns the top-level attribute name of the prior object (nil if absent).
func (c *Change) BeforeAttr(name string) Value {
	if c.Before == nil {
		return nil
	}
	if c.attrs == nil {
		c.attrs = &attrIndexes{}
	}
	return c.attrs.before.lookup(c.Before, name)
}

// AfterAttr returns the top-level attribute name of the planned object (nil if absent
// or not kept).
func (c *Change) AfterAttr(name string) Value {
	if c.After == nil {
		return nil
	}
	if c.attrs == nil {
		c.attrs = &attrIndexes{}
	}
	return c.attrs.after.lookup(c.After, name)
}

// attrIndexes are the attribute indexes of a change's prior and planned values:
// 48 bytes and nothing for the collector to scan beyond two slices (a struct of flags
// and two slices per value took 112; most changes of a large plan get one).
type attrIndexes struct {
	before, after attrIndex
}

// attrIndex locates the top-level attributes of one object value: for each attribute,
// four offsets into the value (name start and end inside its quotes, value start and
// end). For a value shorter than 64 KiB each offset is one element; for a longer one
// it is two, the low half first. It is nil until built (empty once built for a value
// without attributes). A map would cost a kilobyte per change.
type attrIndex []uint16

func (x *attrIndex) lookup(b Value, name string) Value {
	wide := len(b) > 0xFFFF
	if *x == nil {
		var buf [4 * 64]uint32
		offs := b.memberOffsets(buf[:0])
		n := len(offs)
		if wide {
			n *= 2
		}
		ix := make(attrIndex, n) // not nil even when n is 0: built
		for i, o := range offs {
			if wide {
				ix[2*i], ix[2*i+1] = uint16(o), uint16(o>>16)
			} else {
				ix[i] = uint16(o)
			}
		}
		*x = ix
	}
	ix := *x
	if !wide {
		for i := 0; i+3 < len(ix); i += 4 {
			if string(b[ix[i]:ix[i+1]]) == name {
				return b[ix[i+2]:ix[i+3]:ix[i+3]]
			}
		}
		return nil
	}
	at := func(k int) uint32 { return uint32(ix[2*k]) | uint32(ix[2*k+1])<<16 }
	for k := 0; 2*k+7 < len(ix); k += 4 {
		if string(b[at(k):at(k+1)]) == name {
			return b[at(k+2):at(k+3):at(k+3)]
		}
	}
	return nil
}

// Moved reports whether the change moves the instance from another address.
func (c *Change) Moved() bool {
	prev := c.PreviousAddress()
	return prev != "" && prev != c.Address
}

// ConfigAddress is the address of the configuration block that declares the instance:
// the module path and resource, without instance keys.
func (c *Change) ConfigAddress() string { return ConfigAddress(c.Address) }

// OutputChange is a planned change to a root module output.
type OutputChange struct {
	Name      string
	Actions   Actions
	Sensitive bool
}

// PriorState summarises the prior state embedded in the plan.
type PriorState struct {
	// Present is false when the plan carries no prior_state (e.g. a first apply).
	Present bool
	// Managed is the number of managed resource instances in the prior state.
	Managed int
	// Data is the number of data resource instances in the prior state.
	Data int
}

// Config summarises the configuration embedded in the plan.
type Config struct {
	// Present is false when the plan carries no configuration section.
	Present bool
	// Declared holds every declared resource's configuration address
	// (module.a.module.b.aws_x.y) mapped to its references.
	Declared map[string]*ConfigResource
}

// ConfigResource is a resource block declared in configuration.
type ConfigResource struct {
	// Address is the configuration address without instance keys.
	Address string
	// Type and Name identify the block.
	Type, Name string
	// References are the addresses its expressions refer to, as Terraform lists them
	// (module-relative, e.g. aws_iam_role.exec.arn), deduplicated.
	References []string
	// AttributeReferences lists, per top-level argument or block of the resource in
	// document order, the addresses its expression refers to, as in References;
	// arguments without references are absent.
	AttributeReferences []AttributeReferences
}

// AttributeReferences are the references of one argument or block of a resource.
type AttributeReferences struct {
	// Attribute is the argument or block name, e.g. "role" or "extended_s3_configuration".
	Attribute string
	// References are the addresses its expression refers to.
	References []string
}

// Declares reports whether the configuration declares the block of a change's address.
func (c Config) Declares(address string) bool {
	return c.Block(address) != nil
}

// Block returns the configuration block that declares the resource instance at
// address, or nil. It allocates nothing for addresses of up to 256 bytes, so it can be
// asked for every change of a large plan.
func (c Config) Block(address string) *ConfigResource { return c.BlockCached(address, nil) }

// BlockCache remembers the last block Config.BlockCached found and the configuration
// address it was found by. The instances of one block are neighbours in a plan's
// resource changes (Terraform sorts them by address), so a scan in plan order that
// keeps one cache asks the map once per block: half as often on the generated
// 100k-resource plan. The zero value is empty; a cache serves one goroutine.
type BlockCache struct {
	key   [256]byte
	n     int // bytes of key in use; 0 when empty (no address is empty)
	block *ConfigResource
}

// BlockCached is Block, answered from bc when address is an instance of the block
// asked for last; a nil bc asks the map every time.
func (c Config) BlockCached(address string, bc *BlockCache) *ConfigResource {
	if c.Declared == nil {
		return nil
	}
	if !strings.Contains(address, "[") {
		// Not an instance: the address is the block's own. The cache keeps the last
		// instance's block, so A[0], B, A[1] asks the map for A once.
		return c.Declared[address]
	}
	var buf [256]byte
	key := appendConfigAddress(buf[:0], address)
	if bc == nil {
		return c.Declared[string(key)]
	}
	if bc.n > 0 && string(key) == string(bc.key[:bc.n]) {
		return bc.block
	}
	bc.block, bc.n = c.Declared[string(key)], 0
	if len(key) <= len(bc.key) {
		bc.n = copy(bc.key[:], key)
	}
	return bc.block
}
