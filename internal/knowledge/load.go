package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// fileData is the shape of one data file.
type fileData struct {
	Service string              `yaml:"service"`
	Types   map[string]typeData `yaml:"types"`
	Steps   []stepData          `yaml:"steps"`
}

type typeData struct {
	Identifiers    []identifierData `yaml:"identifiers"`
	Stateful       bool             `yaml:"stateful"`
	Protections    []protectionData `yaml:"protections"`
	References     []referenceData  `yaml:"references"`
	ReplaceHazards []hazardData     `yaml:"replace_hazards"`
}

type identifierData struct {
	Attribute string `yaml:"attribute"`
	Kind      string `yaml:"kind"`
}

type protectionData struct {
	Path      string `yaml:"path"`
	Protected string `yaml:"protected"`
	Meaning   string `yaml:"meaning"`
}

type referenceData struct {
	Path     string       `yaml:"path"`
	JSON     bool         `yaml:"json"`
	JSONPath string       `yaml:"json_path"`
	Targets  []string     `yaml:"targets"`
	Via      []string     `yaml:"via"`
	Impact   string       `yaml:"impact"`
	DataLoss dataLossData `yaml:"data_loss"`
	Recovery []string     `yaml:"recovery"`
}

type dataLossData struct {
	Class  string `yaml:"class"`
	Window string `yaml:"window"`
	Detail string `yaml:"detail"`
}

type hazardData struct {
	ID       string   `yaml:"id"`
	Text     string   `yaml:"text"`
	Recovery []string `yaml:"recovery"`
}

type stepData struct {
	ID       string   `yaml:"id"`
	Priority int      `yaml:"priority"`
	Text     string   `yaml:"text"`
	When     []string `yaml:"when"`
}

var (
	typeName    = regexp.MustCompile(`^aws_[a-z0-9_]+$`)
	stepID      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	yamlUnknown = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)
)

// load reads every *.yaml file in dir of fsys, builds the base and validates
// it. All problems are reported together, each naming its file and key.
func load(fsys fs.FS, dir string) (*Base, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load knowledge data: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("load knowledge data: no *.yaml files in %s", dir)
	}
	sort.Strings(names)

	b := &Base{types: map[string]*Type{}, steps: map[string]*Step{}}
	var errs []error
	files := map[string]fileData{}
	for _, name := range names {
		file := path.Base(name)
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		fd, err := decodeFile(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		files[file] = fd
		if strings.TrimSpace(fd.Service) == "" {
			errs = append(errs, fmt.Errorf("%s: key service: missing", file))
		}
		for i, sd := range fd.Steps {
			s, serr := buildStep(fd.Service, sd)
			if serr != nil {
				errs = append(errs, fmt.Errorf("%s: steps[%d]: %w", file, i, serr))
				continue
			}
			if prev, dup := b.steps[s.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: steps[%d]: step id %q already defined (service %s)", file, i, s.ID, prev.Service))
				continue
			}
			b.steps[s.ID] = s
		}
	}

	// Types second, so that references can be checked against all types and
	// steps whatever file they live in.
	owner := map[string]string{}
	for _, file := range sortedFileNames(files) {
		fd := files[file]
		for _, name := range sortedTypeNames(fd.Types) {
			if prev, dup := owner[name]; dup {
				errs = append(errs, fmt.Errorf("%s: types.%s: already defined in %s", file, name, prev))
				continue
			}
			owner[name] = file
			if !typeName.MatchString(name) {
				errs = append(errs, fmt.Errorf("%s: types.%s: not a Terraform AWS resource type name", file, name))
			}
			b.types[name] = &Type{Name: name, Service: fd.Service, File: file}
		}
	}
	// Identifiers before references: a reference is checked against its
	// targets' identifier kinds.
	for _, fill := range []func(*Type, typeData) error{fillIdentifiers, b.fillType} {
		for _, file := range sortedFileNames(files) {
			fd := files[file]
			for _, name := range sortedTypeNames(fd.Types) {
				if owner[name] != file {
					continue
				}
				if terr := fill(b.types[name], fd.Types[name]); terr != nil {
					errs = append(errs, fmt.Errorf("%s: types.%s: %w", file, name, terr))
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load knowledge data: %w", errors.Join(errs...))
	}
	for name := range b.types {
		b.names = append(b.names, name)
	}
	sort.Strings(b.names)
	return b, nil
}

// decodeFile decodes one data file, rejecting unknown keys with a message
// that names the key and its line.
func decodeFile(raw []byte) (fileData, error) {
	var fd fileData
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&fd); err != nil {
		if errors.Is(err, io.EOF) {
			return fd, fmt.Errorf("empty file")
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs := make([]string, len(te.Errors))
			for i, m := range te.Errors {
				msgs[i] = yamlUnknown.ReplaceAllString(m, `line $1: unknown key "$2"`)
			}
			return fd, errors.New(strings.Join(msgs, "; "))
		}
		return fd, err
	}
	return fd, nil
}

func buildStep(service string, sd stepData) (*Step, error) {
	s := &Step{ID: sd.ID, Service: service, Priority: sd.Priority, Text: strings.TrimSpace(sd.Text)}
	var errs []error
	if !stepID.MatchString(sd.ID) {
		errs = append(errs, fmt.Errorf("key id: %q is not a lowercase-hyphenated step id", sd.ID))
	}
	if sd.Priority <= 0 {
		errs = append(errs, fmt.Errorf("step %s: key priority: must be a positive number", sd.ID))
	}
	if s.Text == "" {
		errs = append(errs, fmt.Errorf("step %s: key text: missing", sd.ID))
	}
	for _, w := range sd.When {
		c := Condition(w)
		if !c.valid() {
			errs = append(errs, fmt.Errorf("step %s: key when: %q is not one of deleted, replaced", sd.ID, w))
		}
		s.When = append(s.When, c)
	}
	return s, errors.Join(errs...)
}

// fillIdentifiers sets t's identifiers from td.
func fillIdentifiers(t *Type, td typeData) error {
	var errs []error
	if len(td.Identifiers) == 0 {
		errs = append(errs, fmt.Errorf("key identifiers: missing"))
	}
	for i, id := range td.Identifiers {
		k := IdentifierKind(id.Kind)
		if id.Attribute == "" {
			errs = append(errs, fmt.Errorf("identifiers[%d]: key attribute: missing", i))
		}
		if !k.Valid() {
			errs = append(errs, fmt.Errorf("identifiers[%d]: key kind: %q is not one of arn, name, id, unique_id", i, id.Kind))
		}
		t.Identifiers = append(t.Identifiers, Identifier{Attribute: id.Attribute, Kind: k})
	}
	return errors.Join(errs...)
}

// fillType sets everything but the identifiers of t from td.
func (b *Base) fillType(t *Type, td typeData) error {
	var errs []error
	t.Stateful = td.Stateful
	for i, pd := range td.Protections {
		segs, err := ParsePath(pd.Path)
		if err != nil {
			errs = append(errs, fmt.Errorf("protections[%d]: key path: %w", i, err))
		}
		if pd.Protected == "" {
			errs = append(errs, fmt.Errorf("protections[%d] %s: key protected: missing", i, pd.Path))
		}
		if strings.TrimSpace(pd.Meaning) == "" {
			errs = append(errs, fmt.Errorf("protections[%d] %s: key meaning: missing", i, pd.Path))
		}
		t.Protections = append(t.Protections, Protection{Path: pd.Path, Segments: segs, Protected: pd.Protected, Meaning: strings.TrimSpace(pd.Meaning)})
	}
	for i, rd := range td.References {
		r, err := b.buildReference(rd)
		if err != nil {
			errs = append(errs, fmt.Errorf("references[%d] %s: %w", i, rd.Path, err))
		}
		t.References = append(t.References, r)
	}
	for i, hd := range td.ReplaceHazards {
		if !stepID.MatchString(hd.ID) {
			errs = append(errs, fmt.Errorf("replace_hazards[%d]: key id: %q is not a lowercase-hyphenated id", i, hd.ID))
		}
		if strings.TrimSpace(hd.Text) == "" {
			errs = append(errs, fmt.Errorf("replace_hazards[%d] %s: key text: missing", i, hd.ID))
		}
		for _, id := range hd.Recovery {
			if _, ok := b.steps[id]; !ok {
				errs = append(errs, fmt.Errorf("replace_hazards[%d] %s: key recovery: unknown step %q", i, hd.ID, id))
			}
		}
		t.ReplaceHazards = append(t.ReplaceHazards, Hazard{ID: hd.ID, Text: strings.TrimSpace(hd.Text), Recovery: hd.Recovery})
	}
	return errors.Join(errs...)
}

func (b *Base) buildReference(rd referenceData) (Reference, error) {
	var errs []error
	r := Reference{
		Path:     rd.Path,
		Targets:  rd.Targets,
		JSON:     rd.JSON,
		JSONPath: rd.JSONPath,
		Impact:   strings.TrimSpace(rd.Impact),
		DataLoss: DataLoss{
			Class:  DataLossClass(rd.DataLoss.Class),
			Window: strings.TrimSpace(rd.DataLoss.Window),
			Detail: strings.TrimSpace(rd.DataLoss.Detail),
		},
		Recovery: rd.Recovery,
	}
	segs, err := ParsePath(rd.Path)
	if err != nil {
		errs = append(errs, fmt.Errorf("key path: %w", err))
	}
	r.Segments = segs
	if rd.JSONPath != "" {
		if !rd.JSON {
			errs = append(errs, fmt.Errorf("key json_path: only allowed with json: true"))
		}
		if r.JSONSegments, err = ParsePath(rd.JSONPath); err != nil {
			errs = append(errs, fmt.Errorf("key json_path: %w", err))
		}
	}
	if len(rd.Targets) == 0 {
		errs = append(errs, fmt.Errorf("key targets: missing"))
	}
	if len(rd.Via) == 0 {
		errs = append(errs, fmt.Errorf("key via: missing"))
	}
	for _, v := range rd.Via {
		k := IdentifierKind(v)
		if !k.Valid() {
			errs = append(errs, fmt.Errorf("key via: %q is not one of arn, name, id, unique_id", v))
		}
		r.Via = append(r.Via, k)
	}
	for _, tn := range rd.Targets {
		tt, ok := b.types[tn]
		if !ok {
			errs = append(errs, fmt.Errorf("key targets: unknown type %q", tn))
			continue
		}
		matched := false
		for _, k := range r.Via {
			if len(tt.IdentifiersOf(k)) > 0 {
				matched = true
			}
		}
		if !matched && len(r.Via) > 0 {
			errs = append(errs, fmt.Errorf("key via: target %s has no identifier of kind %v", tn, rd.Via))
		}
	}
	if r.Impact == "" {
		errs = append(errs, fmt.Errorf("key impact: missing"))
	}
	if !r.DataLoss.Class.Valid() {
		errs = append(errs, fmt.Errorf("key data_loss.class: %q is not one of none, availability, retried, lost", rd.DataLoss.Class))
	}
	if r.DataLoss.Class == LossRetried && r.DataLoss.Window == "" {
		errs = append(errs, fmt.Errorf("key data_loss.window: required for class retried"))
	}
	for _, id := range rd.Recovery {
		if _, ok := b.steps[id]; !ok {
			errs = append(errs, fmt.Errorf("key recovery: unknown step %q", id))
		}
	}
	return r, errors.Join(errs...)
}

func sortedFileNames(m map[string]fileData) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedTypeNames(m map[string]typeData) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Valid reports whether k is one of the identifier kinds.
func (k IdentifierKind) Valid() bool {
	switch k {
	case KindARN, KindName, KindID, KindUniqueID:
		return true
	}
	return false
}

// Valid reports whether c is one of the data-loss classes.
func (c DataLossClass) Valid() bool {
	switch c {
	case LossNone, LossAvailability, LossRetried, LossLost:
		return true
	}
	return false
}

func (c Condition) valid() bool { return c == WhenDeleted || c == WhenReplaced }
