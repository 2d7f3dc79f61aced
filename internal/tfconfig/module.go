// Package tfconfig reads Terraform configuration without evaluating it: the backend and
// cloud blocks (with literal values only), and where resources, data sources, module
// calls, variables, locals and providers are declared, with their line ranges and the
// names they reference. It reads files from a Tree (the working tree or a git
// revision), finds root modules, and never keeps a backend secret.
package tfconfig

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Location is a block's place in a file.
type Location struct {
	// File is a slash path relative to the repository root.
	File string `json:"file"`
	// Lines is the block's line range (for JSON files, only its first line is known).
	Lines LineRange `json:"lines"`
}

// String is file:line.
func (l Location) String() string { return fmt.Sprintf("%s:%d", l.File, l.Lines.Start) }

// Block is a declaration in a module: a resource, data source, module call, variable,
// local value, provider configuration or output.
type Block struct {
	// Kind is resource, data, module, variable, local, provider, output or
	// required_providers.
	Kind string `json:"kind"`
	// Name is the block's name: "aws_iam_role.task" for resources, "data.aws_x.y" for
	// data sources, the label for others, the local's name for locals.
	Name string `json:"name"`
	// Location is where the block is declared.
	Location Location `json:"location"`
	// Refs are the names referenced in the block, as "var.x", "local.y", "module.m",
	// "aws_iam_role.r", "data.aws_x.y" (JSON files: not collected).
	Refs []string `json:"refs,omitempty"`
	// Provider is the provider this resource uses: the provider meta-argument's name,
	// else the type's prefix.
	Provider string `json:"provider,omitempty"`
}

// ModuleCall is a module block.
type ModuleCall struct {
	Block
	// Source is the source argument as written.
	Source string `json:"source"`
	// Dir is the called module's directory for a local source ("./x", "../x"), slash
	// path relative to the repository root; empty otherwise.
	Dir string `json:"dir,omitempty"`
}

// Module is one directory's configuration.
type Module struct {
	// Dir is the directory, a slash path relative to the repository root ("." for the root).
	Dir string `json:"dir"`
	// Backend is the backend or cloud block, nil when there is none.
	Backend *Backend `json:"backend,omitempty"`
	// Resources holds resource and data blocks by Name.
	Resources map[string]*Block `json:"-"`
	// Calls holds module calls by name.
	Calls map[string]*ModuleCall `json:"-"`
	// Variables, Locals, Outputs hold those declarations by name.
	Variables map[string]*Block `json:"-"`
	Locals    map[string]*Block `json:"-"`
	Outputs   map[string]*Block `json:"-"`
	// Providers are provider blocks and required_providers blocks.
	Providers []*Block `json:"-"`
	// HasTerraformBlock is set when any file has a terraform block.
	HasTerraformBlock bool `json:"-"`
	// Files are the configuration files read, sorted.
	Files []string `json:"-"`
}

// IsConfigFile reports whether a file name is a Terraform configuration file.
func IsConfigFile(name string) bool {
	base := path.Base(name)
	if strings.HasSuffix(base, "_override.tf") || base == "override.tf" ||
		strings.HasSuffix(base, "_override.tf.json") || base == "override.tf.json" {
		return true
	}
	return strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json")
}

// ModuleFiles returns the configuration files directly in dir.
func ModuleFiles(t Tree, dir string) []string {
	var out []string
	for _, f := range t.Files() {
		if path.Dir(f) == dir && IsConfigFile(f) {
			out = append(out, f)
		}
	}
	return out
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
}}

var terraformSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "backend", LabelNames: []string{"type"}},
	{Type: "cloud"},
	{Type: "required_providers"},
}}

// LoadModule parses the configuration files directly in dir of t. A syntax error is an
// error naming the file and line.
func LoadModule(t Tree, dir string) (*Module, error) {
	m := &Module{
		Dir: dir, Resources: map[string]*Block{}, Calls: map[string]*ModuleCall{},
		Variables: map[string]*Block{}, Locals: map[string]*Block{}, Outputs: map[string]*Block{},
	}
	p := hclparse.NewParser()
	for _, name := range ModuleFiles(t, dir) {
		src, err := t.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s (%s): %w", name, t.Name(), err)
		}
		if err := checkSource(src, name); err != nil {
			return nil, fmt.Errorf("parse %s (%s): %w", name, t.Name(), err)
		}
		var f *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(name, ".json") {
			f, diags = p.ParseJSON(src, name)
		} else {
			f, diags = p.ParseHCL(src, name)
		}
		if diags.HasErrors() {
			return nil, fmt.Errorf("parse %s (%s): %s", name, t.Name(), firstError(diags))
		}
		m.Files = append(m.Files, name)
		if err := m.addFile(f, name, src); err != nil {
			return nil, err
		}
	}
	sort.Strings(m.Files)
	return m, nil
}

func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			if d.Subject != nil {
				return fmt.Sprintf("line %d: %s: %s", d.Subject.Start.Line, d.Summary, d.Detail)
			}
			return d.Summary + ": " + d.Detail
		}
	}
	return diags.Error()
}

func (m *Module) addFile(f *hcl.File, name string, src []byte) error {
	content, _, diags := f.Body.PartialContent(fileSchema)
	if diags.HasErrors() {
		return fmt.Errorf("parse %s: %s", name, firstError(diags))
	}
	for _, b := range content.Blocks {
		loc := blockLocation(b, name)
		switch b.Type {
		case "terraform":
			m.HasTerraformBlock = true
			tc, _, diags := b.Body.PartialContent(terraformSchema)
			if diags.HasErrors() {
				return fmt.Errorf("parse %s: %s", name, firstError(diags))
			}
			for _, inner := range tc.Blocks {
				switch inner.Type {
				case "backend", "cloud":
					typ := "cloud"
					if inner.Type == "backend" {
						typ = inner.Labels[0]
					}
					if m.Backend != nil {
						return fmt.Errorf("%s: %s declares a second backend or cloud block (the first is at %s); Terraform allows one", m.Dir, blockLocation(inner, name), m.Backend.Location)
					}
					m.Backend = &Backend{Type: typ, Location: blockLocation(inner, name), Settings: map[string]Value{}}
					m.Backend.readBody(inner.Body, src, name)
				case "required_providers":
					m.Providers = append(m.Providers, &Block{Kind: "required_providers", Name: "required_providers", Location: blockLocation(inner, name)})
				}
			}
		case "resource", "data":
			blk := &Block{Kind: b.Type, Name: b.Labels[0] + "." + b.Labels[1], Location: loc, Refs: references(b.Body)}
			if b.Type == "data" {
				blk.Name = "data." + blk.Name
			}
			blk.Provider = providerOf(b)
			m.Resources[blk.Name] = blk
		case "module":
			call := &ModuleCall{Block: Block{Kind: "module", Name: b.Labels[0], Location: loc, Refs: references(b.Body)}}
			if attrs, _ := b.Body.JustAttributes(); attrs != nil {
				if a, ok := attrs["source"]; ok {
					if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
						call.Source = v.AsString()
					}
				}
			}
			if strings.HasPrefix(call.Source, "./") || strings.HasPrefix(call.Source, "../") {
				call.Dir = path.Clean(path.Join(m.Dir, call.Source))
			}
			m.Calls[call.Name] = call
		case "variable":
			m.Variables[b.Labels[0]] = &Block{Kind: "variable", Name: b.Labels[0], Location: loc}
		case "output":
			m.Outputs[b.Labels[0]] = &Block{Kind: "output", Name: b.Labels[0], Location: loc, Refs: references(b.Body)}
		case "provider":
			m.Providers = append(m.Providers, &Block{Kind: "provider", Name: b.Labels[0], Location: loc, Refs: references(b.Body)})
		case "locals":
			attrs, _ := b.Body.JustAttributes()
			for n, a := range attrs {
				l := Location{File: name, Lines: LineRange{Start: a.Range.Start.Line, End: a.Range.End.Line}}
				m.Locals[n] = &Block{Kind: "local", Name: n, Location: l, Refs: exprRefs(a.Expr)}
			}
		}
	}
	return nil
}

func blockLocation(b *hcl.Block, file string) Location {
	l := Location{File: file, Lines: LineRange{Start: b.DefRange.Start.Line, End: b.DefRange.End.Line}}
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		l.Lines.End = sb.SrcRange.End.Line
	}
	return l
}

// providerOf is the provider a resource uses: its provider meta-argument (aws.west →
// aws), else the resource type's prefix.
func providerOf(b *hcl.Block) string {
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		if a, ok := sb.Attributes["provider"]; ok {
			for _, tr := range a.Expr.Variables() {
				return tr.RootName()
			}
		}
	}
	typ, _, _ := strings.Cut(b.Labels[0], "_")
	return typ
}

// references collects what a native-syntax body refers to, nested blocks included.
func references(body hcl.Body) []string {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	var walk func(*hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			for _, r := range exprRefs(a.Expr) {
				seen[r] = true
			}
		}
		for _, nb := range b.Blocks {
			walk(nb.Body)
		}
	}
	walk(sb)
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// exprRefs names what one expression refers to, at the granularity of a declaration.
func exprRefs(e hcl.Expression) []string {
	var out []string
	for _, tr := range e.Variables() {
		parts := traversalNames(tr)
		if len(parts) == 0 {
			continue
		}
		switch parts[0] {
		case "var", "local", "module":
			if len(parts) >= 2 {
				out = append(out, parts[0]+"."+parts[1])
			}
		case "data":
			if len(parts) >= 3 {
				out = append(out, "data."+parts[1]+"."+parts[2])
			}
		case "each", "count", "self", "path", "terraform":
		default:
			// Resource types have an underscore; dynamic block iterators and provider
			// aliases usually do not.
			if len(parts) >= 2 && strings.Contains(parts[0], "_") {
				out = append(out, parts[0]+"."+parts[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

func traversalNames(tr hcl.Traversal) []string {
	var out []string
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		default:
			return out
		}
	}
	return out
}
