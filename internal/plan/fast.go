package plan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// decodeFast is the plan reader hiyari uses: jsonscan validates every byte as the
// reference decoder does, but walks only the sections a review reads, takes each
// resource change whole and picks its fields in place, and copies what it keeps into
// a few large blocks instead of one allocation per value.
func decodeFast(r io.Reader, name string, keep Retain) (*Plan, error) {
	f := &fastDecoder{
		decoder: decoder{name: name, p: &Plan{Source: name}, keep: keep},
		s:       jsonscan.NewStream(r, 1<<20),
		intern:  map[string]string{},
		actions: map[string]Actions{},
	}
	if err := f.document(); err != nil {
		return nil, err
	}
	return f.p, nil
}

type fastDecoder struct {
	decoder
	s       *jsonscan.Stream
	mem     arena
	intern  map[string]string
	actions map[string]Actions
	scratch []byte
}

// arena hands out copies of byte slices from large blocks: kept values and strings
// cost one allocation per megabyte instead of one each, and the blocks hold no
// pointers for the garbage collector to scan.
type arena struct{ block []byte }

const arenaBlock = 1 << 20

func (a *arena) bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > arenaBlock/4 {
		return append([]byte(nil), b...)
	}
	if cap(a.block)-len(a.block) < len(b) {
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, b...)
	return a.block[start:len(a.block):len(a.block)]
}

func (a *arena) str(b []byte) string {
	c := a.bytes(b)
	if len(c) == 0 {
		return ""
	}
	return unsafe.String(&c[0], len(c))
}

// fail turns a stream error into the InputError the reference decoder gives.
func (f *fastDecoder) fail(err error) error {
	var se *jsonscan.SyntaxError
	if errors.As(err, &se) {
		switch {
		case se.Truncated:
			return &InputError{Input: f.name, Problem: fmt.Sprintf("the JSON ends early at byte %d (truncated file?)", se.Offset), Fix: "re-create it with `terraform show -json PLANFILE > plan.json` and check the write finished", Err: io.ErrUnexpectedEOF}
		case se.TooLarge:
			return &InputError{Input: f.name, Problem: fmt.Sprintf("%s at byte %d: no Terraform plan has one", se.Msg, se.Offset), Fix: "check the input is a plan written by `terraform show -json`", Err: err}
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Msg), Fix: fixShowJSON, Err: err}
	}
	var re *jsonscan.ReadError
	if errors.As(err, &re) {
		return &InputError{Input: f.name, Problem: "cannot read the plan: " + re.Err.Error(), Fix: "check the file is readable", Err: err}
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{Input: f.name, Problem: "cannot read the plan: " + err.Error(), Fix: "check the file is readable", Err: err}
}

// wrongType is the reference decoder's message for a value of the wrong kind.
func (f *fastDecoder) wrongType(ptr string, got byte, want string) error {
	return &InputError{Input: f.name, Problem: fmt.Sprintf("not a Terraform plan as expected: %s is %s, want %s", ptr, describeKind(jsontext.Kind(kindOf(got))), want), Fix: fixShowJSON}
}

func (f *fastDecoder) duplicate(ptr, key string) error {
	return &InputError{Input: f.name, Problem: fmt.Sprintf("not valid JSON: duplicate member %q in %s", key, ptr), Fix: fixShowJSON}
}

func (f *fastDecoder) document() error {
	c, err := f.s.Peek()
	if err != nil {
		return f.fail(err)
	}
	if c == 0 {
		return &InputError{Input: f.name, Problem: "the input is empty", Fix: fixShowJSON, Err: io.EOF}
	}
	if c != '{' {
		if err := f.s.Skip(); err != nil {
			return f.fail(err)
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("the top-level JSON value is %s, not an object", describeKind(jsontext.Kind(kindOf(c)))), Fix: fixShowJSON, Err: ErrNotAPlan}
	}
	if err := f.s.Begin('{'); err != nil {
		return f.fail(err)
	}
	seen := map[string]bool{}
	for {
		more, err := f.s.More()
		if err != nil {
			return f.fail(err)
		}
		if !more {
			break
		}
		k, err := f.s.Key()
		if err != nil {
			return f.fail(err)
		}
		key := string(k)
		if seen[key] {
			return f.duplicate("the top-level object", key)
		}
		seen[key] = true
		if err := f.member(key); err != nil {
			return err
		}
	}
	if err := f.s.End(); err != nil {
		var se *jsonscan.SyntaxError
		if !errors.As(err, &se) || se.Truncated || se.TooLarge {
			return f.fail(err)
		}
		// A second value is "more data"; anything else is a syntax error.
		if err := f.s.Skip(); err != nil {
			return f.fail(err)
		}
		return &InputError{Input: f.name, Problem: fmt.Sprintf("unexpected data after the plan object at byte %d", se.Offset), Fix: "give one plan per input"}
	}
	return f.finish()
}

func kindOf(c byte) byte {
	switch c {
	case '{', '[', '"', 't', 'f', 'n':
		return c
	}
	return '0'
}

func (f *fastDecoder) member(key string) error {
	switch key {
	case "format_version":
		return f.str("/"+key, &f.p.FormatVersion)
	case "terraform_version":
		return f.str("/"+key, &f.p.TerraformVersion)
	case "timestamp":
		return f.str("/"+key, &f.p.Timestamp)
	case "errored":
		return f.boolean("/"+key, func(b bool) { f.p.Errored = b })
	case "complete":
		return f.boolean("/"+key, func(b bool) { f.p.Complete = &b })
	case "applyable":
		return f.boolean("/"+key, func(b bool) { f.p.Applyable = &b })
	case "resource_changes":
		f.planKeys++
		return f.changes(key, &f.p.Changes, false)
	case "resource_drift":
		f.planKeys++
		return f.changes(key, &f.p.Drift, true)
	case "output_changes":
		f.planKeys++
		return f.outputs()
	case "prior_state":
		f.planKeys++
		return f.prior()
	case "configuration":
		f.planKeys++
		return f.configuration()
	case "planned_values", "variables", "relevant_attributes", "checks", "deferred_changes", "action_invocations":
		f.planKeys++
	case "values":
		f.showState = true
	case "lineage", "serial", "resources", "check_results":
		f.stateKeys = append(f.stateKeys, key)
	}
	return f.skip()
}

func (f *fastDecoder) skip() error {
	if err := f.s.Skip(); err != nil {
		return f.fail(err)
	}
	return nil
}

func (f *fastDecoder) value() ([]byte, error) {
	v, err := f.s.Value()
	if err != nil {
		return nil, f.fail(err)
	}
	return v, nil
}

// str reads a string member; null leaves dst as it is.
func (f *fastDecoder) str(ptr string, dst *string) error {
	v, err := f.value()
	if err != nil {
		return err
	}
	s, err := f.text(ptr, v)
	if err != nil {
		return err
	}
	if v[0] != 'n' {
		*dst = s
	}
	return nil
}

// text decodes a string value (null is ""), keeping the result in the arena.
func (f *fastDecoder) text(ptr string, v []byte) (string, error) {
	switch v[0] {
	case 'n':
		return "", nil
	case '"':
	default:
		return "", f.wrongType(ptr, v[0], "a string")
	}
	body := v[1 : len(v)-1]
	for _, c := range body {
		if c == '\\' {
			f.scratch, _ = jsonscan.AppendUnquoted(f.scratch[:0], v)
			return f.mem.str(f.scratch), nil
		}
	}
	return f.mem.str(body), nil
}

// word is text for values that repeat across changes (types, modes, providers):
// one copy each.
func (f *fastDecoder) word(ptr string, v []byte) (string, error) {
	if v[0] != '"' || len(v) > 256 {
		return f.text(ptr, v)
	}
	if s, ok := f.intern[string(v)]; ok {
		return s, nil
	}
	s, err := f.text(ptr, v)
	if err != nil {
		return "", err
	}
	f.intern[string(v)] = s
	return s, nil
}

func (f *fastDecoder) boolean(ptr string, set func(bool)) error {
	v, err := f.value()
	if err != nil {
		return err
	}
	switch v[0] {
	case 't':
		set(true)
	case 'f':
		set(false)
	case 'n':
	default:
		return f.wrongType(ptr, v[0], "a boolean")
	}
	return nil
}

// open enters the container that comes next, as the reference decoder's open does:
// null counts as empty (false, skipped), another kind is an error.
func (f *fastDecoder) open(ptr string, want byte, noun string) (bool, error) {
	c, err := f.s.Peek()
	if err != nil {
		return false, f.fail(err)
	}
	switch c {
	case 'n':
		return false, f.skip()
	case want:
		if err := f.s.Begin(want); err != nil {
			return false, f.fail(err)
		}
		return true, nil
	case 0:
		return false, f.fail(&jsonscan.SyntaxError{Offset: f.s.Offset(), Msg: "the JSON ends early", Truncated: true})
	}
	if _, err := f.value(); err != nil { // a malformed value is a syntax error first
		return false, err
	}
	return false, &InputError{Input: f.name, Problem: fmt.Sprintf("%s is %s, want %s", ptr, describeKind(jsontext.Kind(kindOf(c))), noun), Fix: fixShowJSON}
}

// each calls fn for every element (arrays) or member (objects, with its key) of the
// container open entered.
func (f *fastDecoder) each(object bool, fn func(i int, key string) error) error {
	for i := 0; ; i++ {
		more, err := f.s.More()
		if err != nil {
			return f.fail(err)
		}
		if !more {
			return nil
		}
		key := ""
		if object {
			k, err := f.s.Key()
			if err != nil {
				return f.fail(err)
			}
			key = string(k)
		}
		if err := fn(i, key); err != nil {
			return err
		}
	}
}

func (f *fastDecoder) changes(key string, dst *[]*Change, drift bool) error {
	ok, err := f.open("/"+key, '[', "an array")
	if !ok {
		return err
	}
	return f.each(false, func(i int, _ string) error {
		raw, err := f.value()
		if err != nil {
			return err
		}
		c, err := f.change(raw, key, i)
		if err != nil {
			return err
		}
		if drift {
			c.Before, c.BeforeSensitive = nil, nil
		}
		*dst = append(*dst, c)
		return nil
	})
}

// Members of a resource change the reader knows, as bits, to refuse duplicates.
var changeFields = map[string]uint32{
	"address": 1 << 0, "previous_address": 1 << 1, "module_address": 1 << 2, "mode": 1 << 3,
	"type": 1 << 4, "name": 1 << 5, "index": 1 << 6, "deposed": 1 << 7, "provider_name": 1 << 8,
	"action_reason": 1 << 9, "change": 1 << 10,
	"actions": 1 << 16, "before": 1 << 17, "before_sensitive": 1 << 18, "after": 1 << 19,
	"after_unknown": 1 << 20, "after_sensitive": 1 << 21, "replace_paths": 1 << 22, "importing": 1 << 23,
}

// change picks the fields of one resource change out of its validated bytes.
func (f *fastDecoder) change(raw []byte, key string, i int) (*Change, error) {
	ptr := fmt.Sprintf("/%s/%d", key, i)
	if raw[0] != '{' {
		if raw[0] == 'n' {
			return nil, &InputError{Input: f.name, Problem: fmt.Sprintf("%s has no address", ptr), Fix: fixShowJSON}
		}
		return nil, f.wrongType(ptr, raw[0], "an object")
	}
	var (
		c           Change
		w           struct{ before, beforeSens, after, afterUnknown, afterSens, replace []byte }
		seen        uint32
		err         error
		importing   []byte
		changeFound []byte
	)
	set := func(field string, dst *string, v []byte, intern bool) {
		if err != nil {
			return
		}
		if intern {
			*dst, err = f.word(ptr+"/"+field, v)
		} else {
			*dst, err = f.text(ptr+"/"+field, v)
		}
	}
	dup := func(k []byte) bool {
		bit := changeFields[string(k)]
		if bit != 0 && seen&bit != 0 {
			err = f.duplicate(ptr, string(k))
			return true
		}
		seen |= bit
		return false
	}
	jsonscan.Members(raw, func(k []byte, _ bool, v []byte) bool {
		if dup(k) {
			return false
		}
		switch string(k) {
		case "address":
			set("address", &c.Address, v, false)
		case "previous_address":
			set("previous_address", &c.PreviousAddress, v, false)
		case "module_address":
			set("module_address", &c.ModuleAddress, v, true)
		case "mode":
			set("mode", &c.Mode, v, true)
		case "type":
			set("type", &c.Type, v, true)
		case "name":
			set("name", &c.Name, v, true)
		case "index":
			if v[0] != 'n' {
				c.Index = f.mem.str(v)
			}
		case "deposed":
			set("deposed", &c.Deposed, v, false)
		case "provider_name":
			set("provider_name", &c.ProviderName, v, true)
		case "action_reason":
			set("action_reason", &c.ActionReason, v, true)
		case "change":
			changeFound = v
		}
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if changeFound != nil {
		switch changeFound[0] {
		case '{':
		case 'n':
			changeFound = nil
		default:
			return nil, f.wrongType(ptr+"/change", changeFound[0], "an object")
		}
	}
	if changeFound != nil {
		cptr := ptr + "/change"
		jsonscan.Members(changeFound, func(k []byte, _ bool, v []byte) bool {
			if dup(k) {
				return false
			}
			switch string(k) {
			case "actions":
				c.Actions, err = f.actionList(cptr+"/actions", v)
			case "before":
				w.before = v
			case "before_sensitive":
				w.beforeSens = v
			case "after":
				w.after = v
			case "after_unknown":
				w.afterUnknown = v
			case "after_sensitive":
				w.afterSens = v
			case "replace_paths":
				w.replace = v
			case "importing":
				importing = v
			}
			return err == nil
		})
		if err != nil {
			return nil, err
		}
	}
	if c.Address == "" {
		return nil, &InputError{Input: f.name, Problem: fmt.Sprintf("%s has no address", ptr), Fix: fixShowJSON}
	}
	if len(c.Actions) == 0 {
		return nil, &InputError{Input: f.name, Problem: fmt.Sprintf("%s (%s) has no change.actions", ptr, c.Address), Fix: fixShowJSON}
	}
	if importing != nil {
		switch importing[0] {
		case 'n':
		case '{':
			c.Importing = true
			jsonscan.Members(importing, func(k []byte, _ bool, v []byte) bool {
				if string(k) == "id" {
					c.ImportingID, err = f.text(ptr+"/change/importing/id", v)
				}
				return err == nil
			})
			if err != nil {
				return nil, err
			}
		default:
			return nil, f.wrongType(ptr+"/change/importing", importing[0], "an object")
		}
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
	for _, v := range [][]byte{w.before, w.beforeSens, w.after, w.afterUnknown, w.afterSens} {
		if name, dup := jsonscan.DuplicateName(v); dup {
			return nil, f.duplicate(ptr+"/change", string(name))
		}
	}
	switch {
	case c.Actions.Changes():
		c.Before = f.keepValue(w.before)
		c.BeforeSensitive = f.keepValue(w.beforeSens)
		c.ReplacePaths = f.keepValue(w.replace)
		if (c.Actions.Create() || c.Actions.Update() || c.Actions.Replace()) && f.keep.After != nil && f.keep.After(c.Type) {
			c.After = f.keepValue(w.after)
			c.AfterUnknown = f.keepValue(w.afterUnknown)
			c.AfterSensitive = f.keepValue(w.afterSens)
		}
	case c.Mode == "managed" && f.keep.Unchanged != nil && f.keep.Unchanged(c.Type):
		c.Before = f.keepValue(w.before)
		c.BeforeSensitive = f.keepValue(w.beforeSens)
	}
	return &c, nil
}

func (f *fastDecoder) keepValue(v []byte) Value {
	if len(v) == 0 || v[0] == 'n' {
		return nil
	}
	return Value(f.mem.bytes(v))
}

// actionList decodes change.actions; equal lists share one slice (nothing mutates them).
func (f *fastDecoder) actionList(ptr string, v []byte) (Actions, error) {
	switch v[0] {
	case 'n':
		return nil, nil
	case '[':
	default:
		return nil, f.wrongType(ptr, v[0], "an array")
	}
	if a, ok := f.actions[string(v)]; ok {
		return a, nil
	}
	var out Actions
	var err error
	n := 0
	jsonscan.Elements(v, func(e []byte) bool {
		var s string
		s, err = f.word(fmt.Sprintf("%s/%d", ptr, n), e)
		n++
		out = append(out, Action(s))
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	f.actions[string(v)] = out
	return out, nil
}

func (f *fastDecoder) outputs() error {
	ok, err := f.open("/output_changes", '{', "an object")
	if !ok {
		return err
	}
	seen := map[string]bool{}
	return f.each(true, func(_ int, name string) error {
		if seen[name] {
			return f.duplicate("/output_changes", name)
		}
		seen[name] = true
		ptr := "/output_changes/" + name
		v, err := f.value()
		if err != nil {
			return err
		}
		o := OutputChange{Name: name}
		switch v[0] {
		case '{':
		case 'n':
			f.p.Outputs = append(f.p.Outputs, o)
			return nil
		default:
			return f.wrongType(ptr, v[0], "an object")
		}
		var bs, as Value
		jsonscan.Members(v, func(k []byte, _ bool, m []byte) bool {
			switch string(k) {
			case "actions":
				o.Actions, err = f.actionList(ptr+"/actions", m)
			case "before_sensitive":
				bs = Value(m)
			case "after_sensitive":
				as = Value(m)
			}
			return err == nil
		})
		if err != nil {
			return err
		}
		b1, _ := bs.Bool()
		b2, _ := as.Bool()
		o.Sensitive = b1 || b2
		f.p.Outputs = append(f.p.Outputs, o)
		return nil
	})
}

// prior walks prior_state.values.root_module and its child modules, counting instances.
func (f *fastDecoder) prior() error {
	if c, err := f.s.Peek(); err == nil && c == 'n' {
		return f.skip()
	}
	f.p.Prior.Present = true
	return f.objectMembers("/prior_state", func(key string) error {
		if key != "values" {
			return f.skip()
		}
		return f.objectMembers("/prior_state/values", func(key string) error {
			if key != "root_module" {
				return f.skip()
			}
			return f.stateModule("/prior_state/values/root_module")
		})
	})
}

func (f *fastDecoder) objectMembers(ptr string, fn func(key string) error) error {
	ok, err := f.open(ptr, '{', "an object")
	if !ok {
		return err
	}
	return f.each(true, func(_ int, key string) error { return fn(key) })
}

func (f *fastDecoder) stateModule(ptr string) error {
	return f.objectMembers(ptr, func(key string) error {
		switch key {
		case "resources":
			ok, err := f.open(ptr+"/resources", '[', "an array")
			if !ok {
				return err
			}
			return f.each(false, func(i int, _ string) error {
				v, err := f.value()
				if err != nil {
					return err
				}
				rptr := fmt.Sprintf("%s/resources/%d", ptr, i)
				mode := ""
				switch v[0] {
				case '{':
				case 'n':
				default:
					return f.wrongType(rptr, v[0], "an object")
				}
				jsonscan.Members(v, func(k []byte, _ bool, m []byte) bool {
					if string(k) == "mode" {
						if m[0] != '"' && m[0] != 'n' {
							err = f.wrongType(rptr+"/mode", m[0], "a string")
						}
						mode = string(m)
					}
					return err == nil
				})
				if err != nil {
					return err
				}
				if mode == `"data"` {
					f.p.Prior.Data++
				} else {
					f.p.Prior.Managed++
				}
				return nil
			})
		case "child_modules":
			ok, err := f.open(ptr+"/child_modules", '[', "an array")
			if !ok {
				return err
			}
			return f.each(false, func(i int, _ string) error {
				return f.stateModule(fmt.Sprintf("%s/child_modules/%d", ptr, i))
			})
		default:
			return f.skip()
		}
	})
}

// configuration reads configuration.root_module and its module calls into Declared.
func (f *fastDecoder) configuration() error {
	if c, err := f.s.Peek(); err == nil && c == 'n' {
		return f.skip()
	}
	f.p.Config.Present = true
	f.p.Config.Declared = map[string]*ConfigResource{}
	return f.objectMembers("/configuration", func(key string) error {
		if key != "root_module" {
			return f.skip()
		}
		return f.configModule("/configuration/root_module", "")
	})
}

func (f *fastDecoder) configModule(ptr, prefix string) error {
	return f.objectMembers(ptr, func(key string) error {
		switch key {
		case "resources":
			ok, err := f.open(ptr+"/resources", '[', "an array")
			if !ok {
				return err
			}
			return f.each(false, func(i int, _ string) error {
				v, err := f.value()
				if err != nil {
					return err
				}
				return f.configResource(fmt.Sprintf("%s/resources/%d", ptr, i), prefix, v)
			})
		case "module_calls":
			return f.objectMembers(ptr+"/module_calls", func(name string) error {
				cptr := ptr + "/module_calls/" + name
				p := "module." + name
				if prefix != "" {
					p = prefix + "." + p
				}
				return f.objectMembers(cptr, func(key string) error {
					if key != "module" {
						return f.skip()
					}
					return f.configModule(cptr+"/module", p)
				})
			})
		default:
			return f.skip()
		}
	})
}

func (f *fastDecoder) configResource(ptr, prefix string, v []byte) error {
	switch v[0] {
	case '{':
	case 'n':
		v = []byte("{}")
	default:
		return f.wrongType(ptr, v[0], "an object")
	}
	var (
		addr, mode, typ, name string
		expr, count, forEach  []byte
		err                   error
	)
	jsonscan.Members(v, func(k []byte, _ bool, m []byte) bool {
		switch string(k) {
		case "address":
			addr, err = f.text(ptr+"/address", m)
		case "mode":
			mode, err = f.word(ptr+"/mode", m)
		case "type":
			typ, err = f.word(ptr+"/type", m)
		case "name":
			name, err = f.text(ptr+"/name", m)
		case "expressions":
			expr = m
		case "count_expression":
			count = m
		case "for_each_expression":
			forEach = m
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if addr == "" {
		addr = typ + "." + name
		if mode == "data" {
			addr = "data." + addr
		}
	}
	full := addr
	if prefix != "" {
		full = prefix + "." + addr
	}
	cr := &ConfigResource{Address: full, Type: typ, Name: name}
	seen := map[string]bool{}
	jsonscan.Members(expr, func(k []byte, esc bool, m []byte) bool {
		var refs []string
		f.references(m, map[string]bool{}, &refs)
		if len(refs) == 0 {
			return true
		}
		key := string(k)
		if esc {
			d, _ := jsonscan.UnescapeKey(nil, k)
			key = string(d)
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
	for _, e := range [][]byte{count, forEach} {
		f.references(e, seen, &cr.References)
	}
	f.p.Config.Declared[full] = cr
	return nil
}

// references gathers every "references" list inside an expressions tree, in document
// order, as collectReferences does.
func (f *fastDecoder) references(v []byte, seen map[string]bool, out *[]string) {
	switch jsonscan.Kind(v) {
	case '{':
		jsonscan.Members(v, func(k []byte, _ bool, m []byte) bool {
			if string(k) == "references" && jsonscan.Kind(m) == '[' {
				strings := true
				jsonscan.Elements(m, func(e []byte) bool {
					if strings && e[0] == '"' {
						s, ok := jsonscan.Unquote(e)
						if ok && !seen[s] {
							seen[s] = true
							*out = append(*out, s)
						}
						return true
					}
					strings = false
					f.references(e, seen, out)
					return true
				})
				return true
			}
			f.references(m, seen, out)
			return true
		})
	case '[':
		jsonscan.Elements(v, func(e []byte) bool {
			f.references(e, seen, out)
			return true
		})
	}
}
