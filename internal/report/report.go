// Package report is hiyari's versioned review result. The JSON form of Report is the
// contract: every other output (text, Markdown, SARIF, annotations, the PR comment)
// is rendered from it, and nothing secret is ever put into it.
package report

import "sync"

// SchemaVersion is the version of the JSON report. The minor number grows when fields
// are added; the major number when a field changes meaning or disappears.
const SchemaVersion = "1.1"

// Report is the result of reviewing one plan.
type Report struct {
	SchemaVersion string    `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Input         Input     `json:"input"`
	Context       Context   `json:"context"`
	Summary       Summary   `json:"summary"`
	Verdict       Verdict   `json:"verdict"`
	Findings      []Finding `json:"findings"`
	BlastRadius   []Impact  `json:"blast_radius"`
	Runbook       []Step    `json:"runbook"`
	Changes       []Change  `json:"changes"`
	Drift         []Change  `json:"drift"`
	Outputs       []Output  `json:"outputs"`
	Labels        []string  `json:"labels"`

	// BlastSummary counts the blast radius; absent when it was not computed.
	BlastSummary *BlastSummary `json:"blast_summary,omitempty"`

	// changeList, when set, makes the change list on demand in place of Changes (see
	// SetChangeList). Read the list with NumChanges, then EachChange, ChangeRange or
	// FillChanges, which serve either form.
	changeList ChangeList

	// pending, when set, fills in the parts still being made (see Defer).
	pending *pending
}

// pending is the part of a report still being made, filled in once by Await.
type pending struct {
	once sync.Once
	fill func()
}

// Defer marks BlastRadius, Runbook and BlastSummary as still being made: fill sets
// them, and Await runs it. A review streams its report this way, so that the
// findings can be written while the blast radius is finishing.
func (r *Report) Defer(fill func()) { r.pending = &pending{fill: fill} }

// Await waits for the parts of the report still being made and fills them in. It
// returns at once for a report made whole. Call it before reading BlastRadius,
// Runbook or BlastSummary of a report a review may have streamed; every renderer
// does. It may be called any number of times.
func (r *Report) Await() {
	if p := r.pending; p != nil {
		p.once.Do(p.fill)
	}
}

// Deferred reports whether the field of Report named name is one Defer marks as
// still being made.
func Deferred(name string) bool {
	return name == "BlastRadius" || name == "Runbook" || name == "BlastSummary"
}

// ChangeList makes a report's change list on demand. A large plan's list is then
// made a chunk at a time as it is written, never held whole while the review runs:
// 11 MB on the 100,000-resource plan.
type ChangeList interface {
	// Len is the number of changes.
	Len() int
	// Fill sets dst[k] to change lo+k, for every k < len(dst).
	Fill(lo int, dst []Change)
}

// SetChangeList makes l the report's change list; Changes is cleared.
func (r *Report) SetChangeList(l ChangeList) {
	r.changeList, r.Changes = l, nil
}

// ChangesOnDemand reports whether the change list is made on demand (SetChangeList)
// rather than held in Changes.
func (r *Report) ChangesOnDemand() bool { return r.changeList != nil }

// NumChanges is the length of the change list.
func (r *Report) NumChanges() int {
	if r.changeList != nil {
		return r.changeList.Len()
	}
	return len(r.Changes)
}

// ChangeRange returns the changes lo to hi of the list: a part of Changes, or made
// for the call when the list is made on demand.
func (r *Report) ChangeRange(lo, hi int) []Change {
	if r.changeList == nil {
		return r.Changes[lo:hi]
	}
	out := make([]Change, hi-lo)
	r.FillChanges(lo, out)
	return out
}

// FillChanges sets dst[k] to change lo+k of the list, for every k < len(dst).
func (r *Report) FillChanges(lo int, dst []Change) {
	if r.changeList == nil {
		copy(dst, r.Changes[lo:])
		return
	}
	r.changeList.Fill(lo, dst)
}

// EachChange calls fn with every change of the list in order, until fn returns
// false; a list made on demand is made a chunk at a time.
func (r *Report) EachChange(fn func(Change) bool) {
	if r.changeList == nil {
		for _, c := range r.Changes {
			if !fn(c) {
				return
			}
		}
		return
	}
	n := r.NumChanges()
	buf := make([]Change, min(n, 1024)) // one chunk's room, filled again for each chunk
	for lo := 0; lo < n; lo += len(buf) {
		part := buf[:min(len(buf), n-lo)]
		r.changeList.Fill(lo, part)
		for _, c := range part {
			if !fn(c) {
				return
			}
		}
	}
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input describes the plan that was reviewed.
type Input struct {
	Source           string `json:"source"`
	FormatVersion    string `json:"format_version,omitempty"`
	TerraformVersion string `json:"terraform_version,omitempty"`
	Timestamp        string `json:"timestamp,omitempty"`
	Errored          bool   `json:"errored,omitzero"`
	Complete         *bool  `json:"complete,omitempty"`
}

// Context is what the review expected: the environment and accounts this directory targets.
type Context struct {
	// Env is the expected environment, empty when unknown.
	Env string `json:"env,omitempty"`
	// EnvSource says where Env came from: "flag", "config", "directory", "workspace",
	// "backend-key", or "".
	EnvSource string `json:"env_source,omitempty"`
	// Accounts are the AWS account ids the plan may touch.
	Accounts []string `json:"accounts,omitempty"`
	// EnvCandidates are the places an environment was inferred from when none was
	// configured (EnvSource "directory", "workspace" or "backend-key"); when they
	// disagree, the first is expected and the others are evidence of a wrong state.
	EnvCandidates []EnvCandidate `json:"env_candidates,omitempty"`
	// Backend is the backend the plan was made with, when known. Only identity fields:
	// never credentials or endpoints.
	Backend *Backend `json:"backend,omitempty"`
	// State identifies the plan's prior state, when known.
	State *StateIdentity `json:"state,omitempty"`
	// Pin is the state pin the plan was checked against, when the directory has one.
	Pin *Pin `json:"pin,omitempty"`
}

// EnvCandidate is one place an expected environment was read from.
type EnvCandidate struct {
	// Source is "directory", "workspace" or "backend-key".
	Source string `json:"source"`
	// Env is the environment it names.
	Env string `json:"env"`
	// From is the text it was read from (a directory, a workspace name, a key).
	From string `json:"from"`
}

// Backend is a backend's identity: which state object a plan reads and writes.
type Backend struct {
	Type string `json:"type"`
	// Bucket is the bucket (s3, gcs), storage account/container (azurerm) or
	// organization (remote, cloud).
	Bucket string `json:"bucket,omitempty"`
	// Key is the state's key, prefix, path or workspace name.
	Key                string `json:"key,omitempty"`
	Region             string `json:"region,omitempty"`
	WorkspaceKeyPrefix string `json:"workspace_key_prefix,omitempty"`
	Workspace          string `json:"workspace,omitempty"`
	// StateKey is where the selected workspace's state lives (differs from Key for an
	// s3 workspace other than default).
	StateKey string `json:"state_key,omitempty"`
	// Source is "planfile" or ".terraform/terraform.tfstate".
	Source string `json:"source"`
}

// StateIdentity identifies a Terraform state.
type StateIdentity struct {
	// Lineage is the state's lineage, kept for its whole life.
	Lineage string `json:"lineage,omitempty"`
	// Serial is the state's serial number, 0 when unknown.
	Serial uint64 `json:"serial,omitempty"`
	// Source is "planfile" or "flag".
	Source string `json:"source"`
}

// Pin names the state pin a plan was checked against.
type Pin struct {
	// File is the pins file, relative to the repository root.
	File string `json:"file"`
	// Dir is the pinned directory, relative to the repository root.
	Dir string `json:"dir"`
	// Pinned is false when the file has no pin for Dir.
	Pinned bool `json:"pinned"`
}

// Summary counts changes by what they do.
type Summary struct {
	Create             int `json:"create"`
	Update             int `json:"update"`
	Delete             int `json:"delete"`
	Replace            int `json:"replace"`
	ReplaceCreateFirst int `json:"replace_create_before_destroy"`
	Read               int `json:"read"`
	NoOp               int `json:"no_op"`
	Forget             int `json:"forget"`
	Move               int `json:"move"`
	Import             int `json:"import"`
	Drift              int `json:"drift"`
	// PriorResources is the number of managed resource instances in the prior state.
	PriorResources int `json:"prior_resources"`
	// OutputChanges counts root outputs that change.
	OutputChanges int `json:"output_changes"`
}

// Changed reports whether anything would change on apply.
func (s Summary) Changed() bool {
	return s.Create+s.Update+s.Delete+s.Replace+s.ReplaceCreateFirst+s.Forget+s.Move+s.Import+s.OutputChanges > 0
}

// Destroys counts objects the apply destroys (deletes and both kinds of replace).
func (s Summary) Destroys() int { return s.Delete + s.Replace + s.ReplaceCreateFirst }

// Verdict is the gate's decision.
type Verdict struct {
	// Status is "fail" when an unacknowledged finding is at or above FailOn, else "pass".
	Status string `json:"status"`
	// FailOn is the threshold severity, or "never".
	FailOn string `json:"fail_on"`
	// Highest is the highest severity among unacknowledged findings, "" when none.
	Highest Severity `json:"highest,omitempty"`
	// Counts maps severities to numbers of unacknowledged findings.
	Counts map[Severity]int `json:"counts"`
	// Acknowledged counts findings acknowledged in configuration.
	Acknowledged int `json:"acknowledged"`
	// Reason is one sentence a reviewer reads first.
	Reason string `json:"reason"`
}

// Finding is one risk found by one rule.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Address is the resource instance address, or the first of Addresses.
	Address string `json:"address,omitempty"`
	// Addresses lists every address of an aggregated finding.
	Addresses   []string   `json:"addresses,omitempty"`
	Message     string     `json:"message"`
	Evidence    []Evidence `json:"evidence,omitempty"`
	Remediation string     `json:"remediation"`
	DocURL      string     `json:"doc_url"`
	// Location is where in the configuration the finding's resource is declared, when
	// the review could map it (annotations point there).
	Location *Location `json:"location,omitempty"`
	// Acknowledged is true when configuration accepts this finding; it is shown but
	// does not gate.
	Acknowledged      bool   `json:"acknowledged"`
	AcknowledgeReason string `json:"acknowledge_reason,omitempty"`
}

// Location is a place in the Terraform configuration.
type Location struct {
	// File is relative to the repository root when known, else to the working directory.
	File string `json:"file"`
	// Line and EndLine are the 1-based line range of the block.
	Line    int `json:"line"`
	EndLine int `json:"end_line,omitempty"`
}

// Evidence is one fact behind a finding: where it was seen and what it was.
type Evidence struct {
	// Address is the resource the fact is about, when it differs by fact.
	Address string `json:"address,omitempty"`
	// Path is the attribute path, e.g. tags.Environment, or a short label.
	Path string `json:"path"`
	// Value is the value seen there; "(sensitive)" when Terraform marks it sensitive.
	Value string `json:"value"`
}

// Impact is one dependent broken by a deleted or replaced resource (blast radius).
type Impact struct {
	// Cause is the resource whose loss breaks the dependent: one the plan deletes or
	// replaces, or, beyond depth 1, a dependent broken in turn.
	Cause string `json:"cause"`
	// CauseType is the cause's resource type.
	CauseType string `json:"cause_type,omitempty"`
	// CauseAction is "deleted", "replaced", or "broken" (beyond depth 1).
	CauseAction string `json:"cause_action,omitempty"`
	// Root is the deleted or replaced resource at the start of the chain; it equals
	// Cause at depth 1.
	Root string `json:"root,omitempty"`
	// Depth is 1 for a direct dependent, 2 for a dependent of a dependent, and so on.
	Depth int `json:"depth,omitempty"`
	// Dependent is the address of the resource that breaks.
	Dependent string `json:"dependent"`
	// Type is the dependent's resource type.
	Type string `json:"type"`
	// Service is the dependent's AWS service, when the knowledge base knows the type.
	Service string `json:"service,omitempty"`
	// Source is where the dependent was found: "plan", or the path of a --state file.
	Source string `json:"source,omitempty"`
	// Via is the dependent's attribute path through which it depends on the cause.
	Via string `json:"via"`
	// FoundBy is "configuration" (an expression references the cause) or "identifier"
	// (a value equals or contains the cause's ARN, name, id or unique id).
	FoundBy string `json:"found_by,omitempty"`
	// Identifier is the cause's identifier found in the dependent, when FoundBy is
	// "identifier" (never a sensitive value).
	Identifier string `json:"identifier,omitempty"`
	// IdentifierKind is the kind of Identifier: arn, name, id or unique_id.
	IdentifierKind string `json:"identifier_kind,omitempty"`
	// Impact says in plain words what breaks.
	Impact string `json:"impact"`
	// DataLoss is the data-loss class: none, availability, retried or lost.
	DataLoss string `json:"data_loss"`
	// Window is how long AWS retries or the loss lasts, when known.
	Window string `json:"window,omitempty"`
	// Detail says what is lost or kept, and where it goes.
	Detail string `json:"detail,omitempty"`
	// Hazard is the id of the cause's replace hazard this dependent is affected by
	// (e.g. "new-unique-id" for a policy keyed on a replaced role's unique id).
	Hazard string `json:"hazard,omitempty"`
	// Recovery lists the ids of the runbook steps for this dependent.
	Recovery []string `json:"recovery,omitempty"`
}

// BlastSummary counts the blast radius, for headings and the graph.
type BlastSummary struct {
	// Causes is the number of deleted or replaced resources with at least one dependent.
	Causes int `json:"causes"`
	// Dependents is the number of distinct dependent resources.
	Dependents int `json:"dependents"`
	// ByClass counts impacts by data-loss class.
	ByClass map[string]int `json:"by_class"`
	// Depth is the deepest level searched (--blast-depth).
	Depth int `json:"depth"`
	// States are the extra state files searched (--state), in the order given.
	States []string `json:"states,omitempty"`
}

// Step is one ordered recovery step.
type Step struct {
	ID      string `json:"id"`
	Service string `json:"service"`
	// Priority orders steps: 10 recreate what was deleted, 20 re-link identities and
	// policies, 30 restart or repair, 40 recover the outage window's data, 50 prevent.
	Priority int      `json:"priority,omitempty"`
	Text     string   `json:"text"`
	For      []string `json:"for,omitempty"`
}

// Change is one changed resource instance, for the change list.
type Change struct {
	Address         string `json:"address"`
	Type            string `json:"type"`
	Action          string `json:"action"`
	Actions         string `json:"actions"`
	ActionReason    string `json:"action_reason,omitempty"`
	PreviousAddress string `json:"previous_address,omitempty"`
	Importing       bool   `json:"importing,omitzero"`
	Deposed         string `json:"deposed,omitempty"`
}

// Output is one root module output change; its value is never included.
type Output struct {
	Name      string `json:"name"`
	Action    string `json:"action"`
	Sensitive bool   `json:"sensitive"`
}

// EvidenceAt returns the first evidence recorded for address in an aggregated finding.
func (f Finding) EvidenceAt(address string) (Evidence, bool) {
	for _, e := range f.Evidence {
		if e.Address == address {
			return e, true
		}
	}
	return Evidence{}, false
}
