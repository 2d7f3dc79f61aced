// Package state reads Terraform state files (format version 4, the JSON that
// `terraform state pull` prints) as a stream, resource instance by resource
// instance. hiyari reads them as extra context: resources kept in other states
// that may depend on what a plan deletes.
package state

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
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
	h, err := Read(f, path, func(r *Resource) error {
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
// secrets and no review needs them. Every byte is validated; memory is bounded by the
// largest resource element (jsonscan's limits: 64 MiB strings, 128 MiB elements).
func Read(r io.Reader, name string, fn func(*Resource) error) (Header, error) {
	d := &reader{name: name, s: jsonscan.NewStream(r, 1<<20), fn: fn}
	err := d.document()
	return d.h, err
}

type reader struct {
	name string
	s    *jsonscan.Stream
	fn   func(*Resource) error
	h    Header

	sawVersion bool
	planKeys   []string
	showKeys   bool
}

// fail turns a stream error into an InputError.
func (d *reader) fail(err error) error {
	var se *jsonscan.SyntaxError
	if errors.As(err, &se) {
		switch {
		case se.Truncated:
			return &InputError{Input: d.name, Problem: fmt.Sprintf("the JSON ends early at byte %d (truncated file?)", se.Offset), Fix: "pull the state again with `terraform state pull > FILE` and check the write finished", Err: io.ErrUnexpectedEOF}
		case se.TooLarge:
			return &InputError{Input: d.name, Problem: fmt.Sprintf("%s at byte %d: hiyari does not read values this large (a bound against hostile input)", se.Msg, se.Offset), Fix: fixPull, Err: err}
		}
		return &InputError{Input: d.name, Problem: fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Msg), Fix: fixPull, Err: err}
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	var re *jsonscan.ReadError
	if errors.As(err, &re) {
		err = re.Err
	}
	return &InputError{Input: d.name, Problem: "cannot read the state: " + err.Error(), Fix: "check the file is readable", Err: err}
}

func (d *reader) wrongType(where string, v []byte, want string) error {
	return &InputError{Input: d.name, Problem: fmt.Sprintf("not a Terraform state as expected at %s: %s, want %s", where, jsonscan.KindName(jsonscan.Kind(v)), want), Fix: fixPull}
}

func (d *reader) document() error {
	c, err := d.s.Peek()
	if err != nil {
		return d.fail(err)
	}
	if c == 0 {
		return &InputError{Input: d.name, Problem: "the file is empty", Fix: fixPull, Err: ErrNotAState}
	}
	if c != '{' {
		if err := d.s.Skip(); err != nil {
			return d.fail(err)
		}
		return &InputError{Input: d.name, Problem: "the top-level JSON value is not an object", Fix: fixPull, Err: ErrNotAState}
	}
	if err := d.s.Begin('{'); err != nil {
		return d.fail(err)
	}
	seen := map[string]bool{}
	for {
		more, err := d.s.More()
		if err != nil {
			return d.fail(err)
		}
		if !more {
			break
		}
		k, err := d.s.Key()
		if err != nil {
			return d.fail(err)
		}
		key := string(k)
		if seen[key] {
			return &InputError{Input: d.name, Problem: fmt.Sprintf("not valid JSON: duplicate member %q in the top-level object", key), Fix: fixPull}
		}
		seen[key] = true
		if err := d.member(key); err != nil {
			return err
		}
	}
	if err := d.s.End(); err != nil {
		var se *jsonscan.SyntaxError
		if !errors.As(err, &se) || se.Truncated || se.TooLarge {
			return d.fail(err)
		}
		if err := d.s.Skip(); err != nil {
			return d.fail(err)
		}
		return &InputError{Input: d.name, Problem: fmt.Sprintf("unexpected data after the state object at byte %d", se.Offset), Fix: "give one state per --state"}
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
		v, err := d.s.Value()
		if err != nil {
			return d.fail(err)
		}
		n, err := strconv.Atoi(string(v))
		if err != nil || n != 4 {
			return &InputError{Input: d.name, Problem: fmt.Sprintf("state format version %.40s; hiyari reads version 4 (Terraform 0.12 and later, OpenTofu)", v), Fix: "pull the state with a current Terraform (`terraform state pull`), which writes version 4", Err: ErrNotAState}
		}
		d.h.Version, d.sawVersion = n, true
		return nil
	case "terraform_version":
		return d.str("/terraform_version", &d.h.TerraformVersion)
	case "lineage":
		return d.str("/lineage", &d.h.Lineage)
	case "serial":
		v, err := d.s.Value()
		if err != nil {
			return d.fail(err)
		}
		if v[0] == 'n' {
			return nil
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return d.wrongType("/serial", v, "an integer")
		}
		d.h.Serial = n
		return nil
	case "resources":
		return d.resourceList()
	case "resource_changes", "planned_values", "configuration", "prior_state", "output_changes":
		d.planKeys = append(d.planKeys, key)
	case "values":
		d.showKeys = true
	}
	// format_version: both plans and `terraform show -json` carry it; decided by the
	// other keys. Everything else, outputs included, is skipped unread.
	if err := d.s.Skip(); err != nil {
		return d.fail(err)
	}
	return nil
}

func (d *reader) str(where string, dst *string) error {
	v, err := d.s.Value()
	if err != nil {
		return d.fail(err)
	}
	s, err := d.text(where, v)
	if err != nil {
		return err
	}
	*dst = s
	return nil
}

// text decodes a JSON string (null is "").
func (d *reader) text(where string, v []byte) (string, error) {
	switch v[0] {
	case 'n':
		return "", nil
	case '"':
		s, _ := jsonscan.Unquote(v)
		return s, nil
	}
	return "", d.wrongType(where, v, "a string")
}

func (d *reader) resourceList() error {
	c, err := d.s.Peek()
	if err != nil {
		return d.fail(err)
	}
	if c == 'n' {
		if err := d.s.Skip(); err != nil {
			return d.fail(err)
		}
		return nil
	}
	if c != '[' {
		if _, err := d.s.Value(); err != nil {
			return d.fail(err)
		}
		return &InputError{Input: d.name, Problem: "/resources is not an array", Fix: fixPull, Err: ErrNotAState}
	}
	if err := d.s.Begin('['); err != nil {
		return d.fail(err)
	}
	for i := 0; ; i++ {
		more, err := d.s.More()
		if err != nil {
			return d.fail(err)
		}
		if !more {
			return nil
		}
		raw, err := d.s.Value()
		if err != nil {
			return d.fail(err)
		}
		if err := d.resource(i, raw); err != nil {
			return err
		}
	}
}

// resource decodes one validated element of resources and hands out its instances.
func (d *reader) resource(i int, raw []byte) error {
	where := fmt.Sprintf("/resources/%d", i)
	if raw[0] != '{' {
		return &InputError{Input: d.name, Problem: where + " is not an object", Fix: fixPull, Err: ErrNotAState}
	}
	if name, dup := jsonscan.DuplicateName(raw); dup {
		return &InputError{Input: d.name, Problem: fmt.Sprintf("not valid JSON: duplicate member %q in %s", name, where), Fix: fixPull}
	}
	// One copy per resource: the instances' attributes are slices of it.
	raw = append([]byte(nil), raw...)
	var head wireResource
	var instances []byte
	var err error
	for it := jsonscan.NewIter(raw); it.Next() && err == nil; {
		v := it.Value()
		switch string(it.Key()) {
		case "module":
			head.Module, err = d.text(where+"/module", v)
		case "mode":
			head.Mode, err = d.text(where+"/mode", v)
		case "type":
			head.Type, err = d.text(where+"/type", v)
		case "name":
			head.Name, err = d.text(where+"/name", v)
		case "instances":
			instances = v
		}
	}
	if err != nil {
		return err
	}
	if instances != nil && instances[0] != '[' && instances[0] != 'n' {
		return d.wrongType(where+"/instances", instances, "an array")
	}
	if head.Type == "" || head.Name == "" {
		return &InputError{Input: d.name, Problem: where + " has no type or name", Fix: fixPull, Err: ErrNotAState}
	}
	if head.Mode == "" {
		head.Mode = "managed"
	}
	j := 0
	for el := jsonscan.NewIter(instances); el.Next(); j++ {
		iwhere := fmt.Sprintf("%s/instances/%d", where, j)
		in := el.Value()
		if in[0] != '{' {
			if in[0] == 'n' {
				continue
			}
			return d.wrongType(iwhere, in, "an object")
		}
		var index, attrs, sens []byte
		var deposed string
		for it := jsonscan.NewIter(in); it.Next() && err == nil; {
			v := it.Value()
			switch string(it.Key()) {
			case "index_key":
				index = v
			case "deposed":
				deposed, err = d.text(iwhere+"/deposed", v)
			case "attributes":
				attrs = v
			case "sensitive_attributes":
				sens = v
			}
		}
		if err != nil {
			return err
		}
		r := &Resource{
			Module: head.Module, Mode: head.Mode, Type: head.Type, Name: head.Name, Deposed: deposed,
			Attributes: nonNull(attrs),
			Sensitive:  sensitiveTop(sens),
		}
		r.Address = address(head, index)
		if err := d.fn(r); err != nil {
			return err
		}
	}
	return nil
}

// wireResource is what a resource element says about all its instances.
type wireResource struct {
	Module, Mode, Type, Name string
}

func nonNull(v []byte) plan.Value {
	if len(v) == 0 || string(v) == "null" {
		return nil
	}
	return plan.Value(v)
}

// address builds the instance address Terraform shows for a state instance.
func address(r wireResource, key []byte) string {
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
func sensitiveTop(raw []byte) []string {
	var out []string
	for paths := jsonscan.NewIter(raw); paths.Next(); {
		steps := jsonscan.NewIter(paths.Value())
		if !steps.Next() {
			continue
		}
		var typ, name string
		for it := jsonscan.NewIter(steps.Value()); it.Next(); {
			switch string(it.Key()) {
			case "type":
				typ, _ = jsonscan.Unquote(it.Value())
			case "value":
				name, _ = jsonscan.Unquote(it.Value())
			}
		}
		if typ != "get_attr" || slices.Contains(out, name) {
			continue
		}
		out = append(out, name)
	}
	return out
}
