package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// Decode reads a plan in Terraform's JSON format from r as a stream. name is how the
// input is called in errors. Only what a review needs is kept: memory grows with the
// number of changes, not with the size of the document.
func Decode(r io.Reader, name string) (*Plan, error) {
	return DecodeRetaining(r, name, Retain{})
}

// DecodeRetaining is Decode keeping, in addition, the values keep asks for.
func DecodeRetaining(r io.Reader, name string, keep Retain) (*Plan, error) {
	return decodeFast(r, name, keep)
}

// DecodeReference is DecodeRetaining through encoding/json/v2's decoder instead of
// hiyari's own scanner: slower, and the reference the fast path is tested against
// (HIYARI_PLAN_DECODER=reference selects it, to rule the fast path out).
func DecodeReference(r io.Reader, name string, keep Retain) (*Plan, error) {
	d := &decoder{name: name, dec: jsontext.NewDecoder(r), p: &Plan{Source: name}, keep: keep}
	if err := d.document(); err != nil {
		return nil, err
	}
	return d.p, nil
}

type decoder struct {
	name string
	dec  *jsontext.Decoder
	p    *Plan
	keep Retain

	planKeys  int
	stateKeys []string
	showState bool
}

func (d *decoder) syntax(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("the JSON ends early at byte %d (truncated file?)", d.dec.InputOffset()), Fix: "re-create it with `terraform show -json PLANFILE > plan.json` and check the write finished", Err: err}
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("not valid JSON at byte %d: %s", se.ByteOffset, strings.TrimPrefix(se.Err.Error(), "jsontext: ")), Fix: fixShowJSON, Err: err}
	}
	return &InputError{Input: d.name, Problem: "cannot read the plan: " + err.Error(), Fix: "check the file is readable", Err: err}
}

func (d *decoder) semantic(where string, err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return d.syntax(err)
	}
	msg := err.Error()
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		want := "a different type"
		if sem.GoType != nil {
			want = jsonKindOf(sem.GoType.Kind().String())
		}
		// The pointer is absolute: the decoder tracks it from the document's root.
		ptr := string(sem.JSONPointer)
		if ptr == "" {
			ptr = where
		}
		msg = fmt.Sprintf("%s is %s, want %s", ptr, jsonscan.KindName(byte(sem.JSONKind)), want)
		if sem.Err != nil && sem.GoType == nil {
			msg = fmt.Sprintf("%s: %v", ptr, sem.Err)
		}
	}
	return &InputError{Input: d.name, Problem: "not a Terraform plan as expected: " + msg, Fix: fixShowJSON, Err: err}
}

func jsonKindOf(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	case "int", "int64", "float64":
		return "a number"
	}
	return goKind
}

func (d *decoder) document() error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return &InputError{Input: d.name, Problem: "the input is empty", Fix: fixShowJSON, Err: err}
		}
		return d.syntax(err)
	}
	if tok.Kind() != '{' {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("the top-level JSON value is %s, not an object", jsonscan.KindName(byte(tok.Kind()))), Fix: fixShowJSON, Err: ErrNotAPlan}
	}
	for d.dec.PeekKind() != '}' {
		nameTok, err := d.dec.ReadToken()
		if err != nil {
			return d.syntax(err)
		}
		if err := d.member(nameTok.String()); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	// Anything after the object other than whitespace is an error.
	if _, err := d.dec.ReadToken(); err == nil {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("unexpected data after the plan object at byte %d", d.dec.InputOffset()), Fix: "give one plan per input"}
	} else if !errors.Is(err, io.EOF) {
		return d.syntax(err)
	}
	return d.finish()
}

func (d *decoder) finish() error {
	if d.planKeys == 0 {
		if len(d.stateKeys) > 0 || d.showState {
			return &InputError{Input: d.name, Problem: "this is a Terraform state, not a plan", Fix: "run `terraform plan -out=tfplan` and give hiyari the planfile or `terraform show -json tfplan`; states are extra context for --state", Err: ErrNotAPlan}
		}
		return &InputError{Input: d.name, Problem: "this JSON has none of a plan's sections (resource_changes, planned_values, configuration)", Fix: fixShowJSON, Err: ErrNotAPlan}
	}
	if err := checkFormatVersion(d.name, d.p.FormatVersion); err != nil {
		return err
	}
	sort.Slice(d.p.Outputs, func(i, j int) bool { return d.p.Outputs[i].Name < d.p.Outputs[j].Name })
	return nil
}

// checkFormatVersion accepts 0.x and 1.x, Terraform's promise of compatibility within
// a major version; an absent version (trimmed fixtures) is accepted.
func checkFormatVersion(name, v string) error {
	if v == "" {
		return nil
	}
	majorStr, _, _ := strings.Cut(v, ".")
	major, err := strconv.Atoi(majorStr)
	if err != nil {
		return &InputError{Input: name, Problem: fmt.Sprintf("format_version %q is not a version number", v), Fix: fixShowJSON, Err: ErrUnsupportedFormat}
	}
	if major > 1 {
		return &InputError{Input: name, Problem: fmt.Sprintf("plan format_version %s is newer than this hiyari understands (0.x and 1.x)", v), Fix: "upgrade hiyari (go install github.com/hiyari-dev/hiyari/cmd/hiyari@latest)", Err: ErrUnsupportedFormat}
	}
	return nil
}

// section records what a top-level key says the document is: a plan section, a state
// file's key, or the `values` of `terraform show -json` on a state. Both decoders call
// it for every key, so finish tells a plan from a state the same way.
func (d *decoder) section(key string) {
	switch key {
	case "resource_changes", "resource_drift", "output_changes", "prior_state", "configuration",
		"planned_values", "variables", "relevant_attributes", "checks", "deferred_changes", "action_invocations":
		d.planKeys++
	case "values":
		d.showState = true
	case "lineage", "serial", "resources", "check_results":
		d.stateKeys = append(d.stateKeys, key)
	}
}

func (d *decoder) member(key string) error {
	d.section(key)
	switch key {
	case "format_version":
		return d.decodeInto(key, &d.p.FormatVersion)
	case "terraform_version":
		return d.decodeInto(key, &d.p.TerraformVersion)
	case "resource_changes":
		return d.changes(key, &d.p.Changes, false)
	case "resource_drift":
		return d.changes(key, &d.p.Drift, true)
	case "output_changes":
		return d.outputs()
	case "prior_state":
		return d.prior()
	case "configuration":
		return d.configuration()
	case "errored":
		return d.decodeInto(key, &d.p.Errored)
	case "complete":
		return d.decodeInto(key, &d.p.Complete)
	case "applyable":
		return d.decodeInto(key, &d.p.Applyable)
	case "timestamp":
		return d.decodeInto(key, &d.p.Timestamp)
	}
	return d.skip()
}

func (d *decoder) skip() error {
	if err := d.dec.SkipValue(); err != nil {
		return d.syntax(err)
	}
	return nil
}

func (d *decoder) decodeInto(key string, dst any) error {
	if err := json.UnmarshalDecode(d.dec, dst); err != nil {
		return d.semantic("/"+key, err)
	}
	return nil
}

// wireChange mirrors one element of resource_changes / resource_drift.
type wireChange struct {
	Address         string         `json:"address"`
	PreviousAddress string         `json:"previous_address"`
	ModuleAddress   string         `json:"module_address"`
	Mode            string         `json:"mode"`
	Type            string         `json:"type"`
	Name            string         `json:"name"`
	Index           jsontext.Value `json:"index"`
	Deposed         string         `json:"deposed"`
	ProviderName    string         `json:"provider_name"`
	ActionReason    string         `json:"action_reason"`
	Change          struct {
		Actions         []Action       `json:"actions"`
		Before          jsontext.Value `json:"before"`
		BeforeSensitive jsontext.Value `json:"before_sensitive"`
		After           jsontext.Value `json:"after"`
		AfterUnknown    jsontext.Value `json:"after_unknown"`
		AfterSensitive  jsontext.Value `json:"after_sensitive"`
		ReplacePaths    jsontext.Value `json:"replace_paths"`
		Importing       *struct {
			ID string `json:"id"`
		} `json:"importing"`
	} `json:"change"`
}

func (d *decoder) changes(key string, dst *[]*Change, drift bool) error {
	return d.array("/"+key, func(i int) error {
		var w wireChange
		if err := json.UnmarshalDecode(d.dec, &w); err != nil {
			return d.semantic(fmt.Sprintf("/%s/%d", key, i), err)
		}
		c, err := d.change(&w, key, i)
		if err != nil {
			return err
		}
		if drift {
			// Drift is shown as what changed outside Terraform; values are not kept.
			c.Before, c.BeforeSensitive = nil, nil
		}
		*dst = append(*dst, c)
		return nil
	})
}

func (d *decoder) change(w *wireChange, key string, i int) (*Change, error) {
	if w.Address == "" {
		return nil, &InputError{Input: d.name, Problem: fmt.Sprintf("/%s/%d has no address", key, i), Fix: fixShowJSON}
	}
	if len(w.Change.Actions) == 0 {
		return nil, &InputError{Input: d.name, Problem: fmt.Sprintf("/%s/%d (%s) has no change.actions", key, i, w.Address), Fix: fixShowJSON}
	}
	for n, a := range w.Change.Actions {
		if a == "" { // null decodes to ""; Terraform writes only names
			return nil, &InputError{Input: d.name, Problem: fmt.Sprintf("not a Terraform plan as expected: /%s/%d/change/actions/%d is null or empty, want an action name", key, i, n), Fix: fixShowJSON}
		}
	}
	c := &Change{
		Address:       w.Address,
		ModuleAddress: w.ModuleAddress,
		Mode:          w.Mode,
		Type:          w.Type,
		Name:          w.Name,
		ProviderName:  w.ProviderName,
		Actions:       w.Change.Actions,
		ActionReason:  w.ActionReason,
	}
	if len(w.Index) > 0 {
		c.Index = string(w.Index)
	}
	if c.Mode == "" {
		c.Mode = "managed"
		if strings.HasPrefix(resourcePart(c.Address), "data.") {
			c.Mode = "data"
		}
	}
	if c.Type == "" {
		c.Type = typeFromAddress(c.Address)
	}
	if w.PreviousAddress != "" {
		c.extra().PreviousAddress = w.PreviousAddress
	}
	if w.Deposed != "" {
		c.extra().Deposed = w.Deposed
	}
	if w.Change.Importing != nil {
		c.extra().Importing = true
		c.extra().ImportingID = w.Change.Importing.ID
	}
	switch {
	case c.Actions.Changes():
		c.Before = nonNull(w.Change.Before)
		c.BeforeSensitive = nonNull(w.Change.BeforeSensitive)
		c.ReplacePaths = nonNull(w.Change.ReplacePaths)
		if (c.Actions.Create() || c.Actions.Update() || c.Actions.Replace()) && d.keep.After != nil && d.keep.After(c.Type) {
			c.After = nonNull(w.Change.After)
			c.AfterUnknown = nonNull(w.Change.AfterUnknown)
			c.AfterSensitive = nonNull(w.Change.AfterSensitive)
		}
	case c.Mode == "managed" && d.keep.Unchanged != nil && d.keep.Unchanged(c.Type):
		// A no-op keeps its values only when asked: they are what an unchanged
		// dependent refers to a deleted resource through.
		c.Before = nonNull(w.Change.Before)
		c.BeforeSensitive = nonNull(w.Change.BeforeSensitive)
	}
	return c, nil
}

func nonNull(v jsontext.Value) Value {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return Value(v)
}

// typeFromAddress recovers the resource type from an address in trimmed fixtures that
// leave out "type".
func typeFromAddress(addr string) string {
	rest := strings.TrimPrefix(resourcePart(addr), "data.")
	t, _, _ := strings.Cut(rest, ".")
	return t
}

// resourcePart is an address without instance keys and module path: [data.]type.name.
func resourcePart(addr string) string {
	rest := ConfigAddress(addr)
	for strings.HasPrefix(rest, "module.") {
		parts := strings.SplitN(rest, ".", 3)
		if len(parts) < 3 {
			return ""
		}
		rest = parts[2]
	}
	return rest
}

func (d *decoder) outputs() error {
	var wire map[string]struct {
		Actions         []Action       `json:"actions"`
		AfterSensitive  jsontext.Value `json:"after_sensitive"`
		BeforeSensitive jsontext.Value `json:"before_sensitive"`
	}
	if err := json.UnmarshalDecode(d.dec, &wire); err != nil {
		return d.semantic("/output_changes", err)
	}
	for name, o := range wire {
		for n, a := range o.Actions {
			if a == "" {
				return &InputError{Input: d.name, Problem: fmt.Sprintf("not a Terraform plan as expected: /output_changes/%s/actions/%d is null or empty, want an action name", name, n), Fix: fixShowJSON}
			}
		}
		bs, _ := Value(o.BeforeSensitive).Bool()
		as, _ := Value(o.AfterSensitive).Bool()
		d.p.Outputs = append(d.p.Outputs, OutputChange{Name: name, Actions: o.Actions, Sensitive: bs || as})
	}
	return nil
}

// prior walks prior_state.values.root_module and its child modules, counting instances.
func (d *decoder) prior() error {
	if d.dec.PeekKind() == 'n' {
		return d.skip()
	}
	d.p.Prior.Present = true
	return d.object("/prior_state", func(key string) error {
		if key != "values" {
			return d.skip()
		}
		return d.object("/prior_state/values", func(key string) error {
			if key != "root_module" {
				return d.skip()
			}
			return d.stateModule("/prior_state/values/root_module")
		})
	})
}

func (d *decoder) stateModule(where string) error {
	return d.object(where, func(key string) error {
		switch key {
		case "resources":
			return d.array(where+"/resources", func(i int) error {
				var r struct {
					Mode string `json:"mode"`
				}
				if err := json.UnmarshalDecode(d.dec, &r); err != nil {
					return d.semantic(fmt.Sprintf("%s/resources/%d", where, i), err)
				}
				if r.Mode == "data" {
					d.p.Prior.Data++
				} else {
					d.p.Prior.Managed++
				}
				return nil
			})
		case "child_modules":
			return d.array(where+"/child_modules", func(i int) error {
				return d.stateModule(fmt.Sprintf("%s/child_modules/%d", where, i))
			})
		default:
			return d.skip()
		}
	})
}

// open reads the opening token of a container of kind want ('{' or '['), described as
// noun in errors. It returns false, having skipped it, for null: null counts as empty.
func (d *decoder) open(where string, want jsontext.Kind, noun string) (bool, error) {
	switch k := d.dec.PeekKind(); k {
	case 'n':
		return false, d.skip()
	case want:
	case 0:
		_, err := d.dec.ReadToken()
		return false, d.syntax(err)
	default:
		return false, &InputError{Input: d.name, Problem: fmt.Sprintf("%s is %s, want %s", where, jsonscan.KindName(byte(k)), noun), Fix: fixShowJSON}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return false, d.syntax(err)
	}
	return true, nil
}

// close reads the closing token of the container open read.
func (d *decoder) close() error {
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return nil
}

// object reads an object member by member; null counts as an empty object.
func (d *decoder) object(where string, fn func(key string) error) error {
	if ok, err := d.open(where, '{', "an object"); !ok {
		return err
	}
	for d.dec.PeekKind() != '}' {
		tok, err := d.dec.ReadToken()
		if err != nil {
			return d.syntax(err)
		}
		if err := fn(tok.String()); err != nil {
			return err
		}
	}
	return d.close()
}

// array reads an array element by element; null counts as an empty array.
func (d *decoder) array(where string, fn func(i int) error) error {
	if ok, err := d.open(where, '[', "an array"); !ok {
		return err
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		if d.dec.PeekKind() == 0 {
			_, err := d.dec.ReadToken()
			return d.syntax(err)
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	return d.close()
}

// configuration reads configuration.root_module and its module calls into Declared.
func (d *decoder) configuration() error {
	if d.dec.PeekKind() == 'n' {
		return d.skip()
	}
	d.p.Config.Present = true
	d.p.Config.Declared = map[string]*ConfigResource{}
	return d.object("/configuration", func(key string) error {
		if key != "root_module" {
			return d.skip()
		}
		var m wireConfigModule
		if err := json.UnmarshalDecode(d.dec, &m); err != nil {
			return d.semantic("/configuration/root_module", err)
		}
		d.declare("", &m)
		return nil
	})
}

type wireConfigModule struct {
	Resources []struct {
		Address     string         `json:"address"`
		Mode        string         `json:"mode"`
		Type        string         `json:"type"`
		Name        string         `json:"name"`
		Expressions jsontext.Value `json:"expressions"`
		Count       jsontext.Value `json:"count_expression"`
		ForEach     jsontext.Value `json:"for_each_expression"`
	} `json:"resources"`
	ModuleCalls map[string]struct {
		Module *wireConfigModule `json:"module"`
	} `json:"module_calls"`
}

func (d *decoder) declare(prefix string, m *wireConfigModule) {
	for _, r := range m.Resources {
		addr := r.Address
		if addr == "" {
			addr = r.Type + "." + r.Name
			if r.Mode == "data" {
				addr = "data." + addr
			}
		}
		full := addr
		if prefix != "" {
			full = prefix + "." + addr
		}
		cr := &ConfigResource{Address: full, Type: r.Type, Name: r.Name}
		seen := map[string]bool{}
		// One pass per argument: its references, and their union over the block in
		// document order (count and for_each last).
		Value(r.Expressions).Members(func(key string, v Value) bool {
			var refs []string
			collectReferences(v, map[string]bool{}, &refs)
			if len(refs) == 0 {
				return true
			}
			cr.AttributeReferences = append(cr.AttributeReferences, AttributeReferences{Attribute: key, References: refs})
			for _, ref := range refs {
				if !seen[ref] {
					seen[ref] = true
					cr.References = append(cr.References, ref)
				}
			}
			return true
		})
		for _, v := range []jsontext.Value{r.Count, r.ForEach} {
			collectReferences(Value(v), seen, &cr.References)
		}
		d.p.Config.Declared[full] = cr
	}
	names := make([]string, 0, len(m.ModuleCalls))
	for n := range m.ModuleCalls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if child := m.ModuleCalls[n].Module; child != nil {
			p := "module." + n
			if prefix != "" {
				p = prefix + "." + p
			}
			d.declare(p, child)
		}
	}
}

// collectReferences gathers every "references" list inside an expressions tree in one
// pass over its tokens.
func collectReferences(v Value, seen map[string]bool, out *[]string) {
	if k := v.Kind(); k != '{' && k != '[' {
		return
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v))
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return
		}
		// A "references" member name is a string token read where the decoder is inside
		// an object and expects a name next: the stack's last kind is '{' and the
		// element count within it is odd after reading the name.
		if tok.Kind() != '"' {
			continue
		}
		kind, n := dec.StackIndex(dec.StackDepth())
		if kind != '{' || n%2 != 1 || tok.String() != "references" || dec.PeekKind() != '[' {
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return
		}
		for dec.PeekKind() == '"' {
			ref, err := dec.ReadToken()
			if err != nil {
				return
			}
			if s := ref.String(); !seen[s] {
				seen[s] = true
				*out = append(*out, s)
			}
		}
	}
}
