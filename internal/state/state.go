// Package state reads Terraform state files (format version 4, the JSON that
// `terraform state pull` prints) as a stream, resource instance by resource
// instance. hiyari reads them as extra context: resources kept in other states
// that may depend on what a plan deletes.
package state

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/hiyari-dev/hiyari/internal/plan"
)

// InputError is a problem with a state file the user gave: it names the file, says
// what is wrong and what to do.
type InputError struct {
	// Input is the path as given.
	Input string
	// Problem says what is wrong.
	Problem string
	// Fix says what to do about it.
	Fix string
	// Err is the underlying cause, if any.
	Err error
}

func (e *InputError) Error() string {
	msg := fmt.Sprintf("--state %s: %s", e.Input, e.Problem)
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	return msg
}

func (e *InputError) Unwrap() error { return e.Err }

// ErrNotAState is wrapped by errors for inputs that are plans or other JSON.
var ErrNotAState = errors.New("not a Terraform state")

const fixPull = "give the output of `terraform state pull` (state format version 4)"

// Header is what a state says about itself.
type Header struct {
	// Version is the state format version; hiyari reads 4.
	Version int
	// TerraformVersion is the version of Terraform that wrote the state.
	TerraformVersion string
	// Serial increases with every write of the state.
	Serial int64
	// Lineage identifies the state across its serials.
	Lineage string
}

// Resource is one resource instance of a state.
type Resource struct {
	// Address is the instance address, e.g. module.app.aws_iam_role.task["a"].
	Address string
	// Module is the module path, empty in the root module.
	Module string
	// Mode is "managed" or "data".
	Mode string
	// Type and Name identify the resource block.
	Type, Name string
	// Deposed is the deposed object key, when the instance is a deposed object.
	Deposed string
	// Attributes are the instance's attribute values (a raw JSON object).
	Attributes plan.Value
	// Sensitive lists the top-level attributes that hold sensitive values (in whole or
	// in part). Their values must never be shown.
	Sensitive []string
}

// State is a state file read in full: its header and its managed resource instances.
type State struct {
	// Source is the path as given.
	Source string
	Header
	// Resources are the managed resource instances, in file order.
	Resources []Resource
}

// Load reads the state file at path and keeps its managed resource instances.
func Load(path string) (*State, error) {
	f, err := os.Open(path)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &InputError{Input: path, Problem: "no such file", Fix: "check the path; write a state file with `terraform state pull > FILE`", Err: err}
		case errors.Is(err, fs.ErrPermission):
			return nil, &InputError{Input: path, Problem: "permission denied", Fix: "make the file readable by this user", Err: err}
		}
		return nil, &InputError{Input: path, Problem: "cannot open: " + err.Error(), Err: err}
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, &InputError{Input: path, Problem: "is a directory, not a state file", Fix: fixPull}
	}
	st := &State{Source: path}
	h, err := Read(bufio.NewReaderSize(f, 1<<20), path, func(r *Resource) error {
		if r.Mode == "managed" {
			st.Resources = append(st.Resources, *r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.Header = h
	return st, nil
}

// Read decodes a state from r as a stream and calls fn for every resource instance,
// managed and data, in file order. name is how the input is called in errors. The
// Resource handed to fn is fn's to keep. Outputs are skipped unread: they may hold
// secrets and no review needs them.
func Read(r io.Reader, name string, fn func(*Resource) error) (Header, error) {
	d := &reader{name: name, dec: jsontext.NewDecoder(r), fn: fn}
	err := d.document()
	return d.h, err
}

type reader struct {
	name string
	dec  *jsontext.Decoder
	fn   func(*Resource) error
	h    Header

	sawVersion bool
	planKeys   []string
	showKeys   bool
}

func (d *reader) syntax(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("the JSON ends early at byte %d (truncated file?)", d.dec.InputOffset()), Fix: "pull the state again with `terraform state pull > FILE` and check the write finished", Err: err}
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("not valid JSON at byte %d: %s", se.ByteOffset, strings.TrimPrefix(se.Err.Error(), "jsontext: ")), Fix: fixPull, Err: err}
	}
	return &InputError{Input: d.name, Problem: "cannot read the state: " + err.Error(), Fix: "check the file is readable", Err: err}
}

func (d *reader) semantic(where string, err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return d.syntax(err)
	}
	return &InputError{Input: d.name, Problem: fmt.Sprintf("not a Terraform state as expected at %s: %v", where, err), Fix: fixPull, Err: err}
}

func (d *reader) document() error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return &InputError{Input: d.name, Problem: "the file is empty", Fix: fixPull, Err: ErrNotAState}
		}
		return d.syntax(err)
	}
	if tok.Kind() != '{' {
		return &InputError{Input: d.name, Problem: "the top-level JSON value is not an object", Fix: fixPull, Err: ErrNotAState}
	}
	for d.dec.PeekKind() != '}' {
		if d.dec.PeekKind() == 0 {
			_, err := d.dec.ReadToken()
			return d.syntax(err)
		}
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
	if _, err := d.dec.ReadToken(); err == nil {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("unexpected data after the state object at byte %d", d.dec.InputOffset()), Fix: "give one state per --state"}
	} else if !errors.Is(err, io.EOF) {
		return d.syntax(err)
	}
	switch {
	case d.sawVersion:
		return nil
	case len(d.planKeys) > 0:
		return &InputError{Input: d.name, Problem: "this is a Terraform plan, not a state", Fix: "give the plan as the PLAN argument; --state takes `terraform state pull` output", Err: ErrNotAState}
	case d.showKeys:
		return &InputError{Input: d.name, Problem: "this is `terraform show -json` output, not a state file", Fix: fixPull, Err: ErrNotAState}
	}
	return &InputError{Input: d.name, Problem: "no \"version\" member: this JSON is not a Terraform state", Fix: fixPull, Err: ErrNotAState}
}

func (d *reader) member(key string) error {
	switch key {
	case "version":
		v, err := d.dec.ReadValue()
		if err != nil {
			return d.syntax(err)
		}
		n, err := strconv.Atoi(string(v))
		if err != nil || n != 4 {
			return &InputError{Input: d.name, Problem: fmt.Sprintf("state format version %s; hiyari reads version 4 (Terraform 0.12 and later, OpenTofu)", v), Fix: "pull the state with a current Terraform (`terraform state pull`), which writes version 4", Err: ErrNotAState}
		}
		d.h.Version, d.sawVersion = n, true
		return nil
	case "terraform_version":
		return d.decode("/terraform_version", &d.h.TerraformVersion)
	case "serial":
		return d.decode("/serial", &d.h.Serial)
	case "lineage":
		return d.decode("/lineage", &d.h.Lineage)
	case "resources":
		return d.resourceList()
	case "format_version":
		// Both plans and `terraform show -json` carry it; decided by the other keys.
		return d.skip()
	case "resource_changes", "planned_values", "configuration", "prior_state", "output_changes":
		d.planKeys = append(d.planKeys, key)
		return d.skip()
	case "values":
		d.showKeys = true
		return d.skip()
	default:
		return d.skip()
	}
}

func (d *reader) skip() error {
	if err := d.dec.SkipValue(); err != nil {
		return d.syntax(err)
	}
	return nil
}

func (d *reader) decode(where string, dst any) error {
	if err := json.UnmarshalDecode(d.dec, dst); err != nil {
		return d.semantic(where, err)
	}
	return nil
}

// wireResource is one element of resources, instances kept raw so that each is
// decoded and handed out on its own.
type wireResource struct {
	Module string `json:"module"`
	Mode   string `json:"mode"`
	Type   string `json:"type"`
	Name   string `json:"name"`
}

type wireInstance struct {
	IndexKey            jsontext.Value `json:"index_key"`
	Deposed             string         `json:"deposed"`
	Attributes          jsontext.Value `json:"attributes"`
	SensitiveAttributes jsontext.Value `json:"sensitive_attributes"`
}

func (d *reader) resourceList() error {
	if d.dec.PeekKind() == 'n' {
		return d.skip()
	}
	if d.dec.PeekKind() != '[' {
		return &InputError{Input: d.name, Problem: "/resources is not an array", Fix: fixPull, Err: ErrNotAState}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		if d.dec.PeekKind() == 0 {
			_, err := d.dec.ReadToken()
			return d.syntax(err)
		}
		if err := d.resource(i); err != nil {
			return err
		}
	}
	_, err := d.dec.ReadToken()
	if err != nil {
		return d.syntax(err)
	}
	return nil
}

// resource reads one element of resources member by member, so that instances are
// decoded one at a time whatever the order of the members.
func (d *reader) resource(i int) error {
	where := fmt.Sprintf("/resources/%d", i)
	if d.dec.PeekKind() != '{' {
		return &InputError{Input: d.name, Problem: where + " is not an object", Fix: fixPull, Err: ErrNotAState}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	var head wireResource
	var instances []wireInstance
	for d.dec.PeekKind() != '}' {
		if d.dec.PeekKind() == 0 {
			_, err := d.dec.ReadToken()
			return d.syntax(err)
		}
		tok, err := d.dec.ReadToken()
		if err != nil {
			return d.syntax(err)
		}
		switch key := tok.String(); key {
		case "module":
			err = d.decode(where+"/module", &head.Module)
		case "mode":
			err = d.decode(where+"/mode", &head.Mode)
		case "type":
			err = d.decode(where+"/type", &head.Type)
		case "name":
			err = d.decode(where+"/name", &head.Name)
		case "instances":
			err = d.decode(where+"/instances", &instances)
		default:
			err = d.skip()
		}
		if err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	if head.Type == "" || head.Name == "" {
		return &InputError{Input: d.name, Problem: where + " has no type or name", Fix: fixPull, Err: ErrNotAState}
	}
	if head.Mode == "" {
		head.Mode = "managed"
	}
	for j := range instances {
		in := &instances[j]
		r := &Resource{
			Module: head.Module, Mode: head.Mode, Type: head.Type, Name: head.Name, Deposed: in.Deposed,
			Attributes: nonNull(in.Attributes),
			Sensitive:  sensitiveTop(in.SensitiveAttributes),
		}
		r.Address = address(head, in.IndexKey)
		if err := d.fn(r); err != nil {
			return err
		}
	}
	return nil
}

func nonNull(v jsontext.Value) plan.Value {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return plan.Value(v)
}

// address builds the instance address Terraform shows for a state instance.
func address(r wireResource, key jsontext.Value) string {
	var b strings.Builder
	if r.Module != "" {
		b.WriteString(r.Module)
		b.WriteByte('.')
	}
	if r.Mode == "data" {
		b.WriteString("data.")
	}
	b.WriteString(r.Type)
	b.WriteByte('.')
	b.WriteString(r.Name)
	if len(key) > 0 && string(key) != "null" {
		b.WriteByte('[')
		b.Write(key)
		b.WriteByte(']')
	}
	return b.String()
}

// sensitiveTop returns the top-level attribute names named by sensitive_attributes:
// a list of paths, each a list of steps {"type":"get_attr","value":NAME} or
// {"type":"index",…}. A whole attribute counts as sensitive when any part of it is.
func sensitiveTop(raw jsontext.Value) []string {
	if len(raw) == 0 {
		return nil
	}
	var paths [][]struct {
		Type  string         `json:"type"`
		Value jsontext.Value `json:"value"`
	}
	if err := json.Unmarshal(raw, &paths); err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		if len(p) == 0 || p[0].Type != "get_attr" {
			continue
		}
		var name string
		if err := json.Unmarshal(p[0].Value, &name); err != nil || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}
