// Package scope maps a plan's resource instance addresses to the configuration blocks
// that declare them (through local module calls) and tells, with the pull request's
// diff against a base revision, whether the change touched a block or anything it
// depends on.
package scope

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

// ErrNoConfig is returned for a directory without Terraform configuration files.
var ErrNoConfig = errors.New("no Terraform configuration files (*.tf, *.tf.json); point --dir at the root module")

// maxDepth bounds module nesting, so a module that calls itself cannot loop.
const maxDepth = 16

// Config is a root module with its local module calls followed.
type Config struct {
	// Dir is the root module directory relative to the repository root.
	Dir string
	// modules by module path: "" for the root, "module.app", "module.app.module.x".
	modules map[string]*tfconfig.Module
	// calls by module path: the module block in the parent that calls it.
	calls map[string]*tfconfig.ModuleCall
}

// LoadConfig reads the root module in dir of t and the modules it calls with local
// sources. Modules from registries or git are not followed.
func LoadConfig(t tfconfig.Tree, dir string) (*Config, error) {
	c := &Config{Dir: dir, modules: map[string]*tfconfig.Module{}, calls: map[string]*tfconfig.ModuleCall{}}
	if len(tfconfig.ModuleFiles(t, dir)) == 0 {
		return nil, fmt.Errorf("%s (%s): %w", dir, t.Name(), ErrNoConfig)
	}
	var walk func(modPath, dir string, depth int) error
	walk = func(modPath, dir string, depth int) error {
		m, err := tfconfig.LoadModule(t, dir)
		if err != nil {
			return err
		}
		c.modules[modPath] = m
		if depth >= maxDepth {
			return nil
		}
		for _, name := range sortedKeys(m.Calls) {
			call := m.Calls[name]
			if call.Dir == "" || len(tfconfig.ModuleFiles(t, call.Dir)) == 0 {
				continue
			}
			child := "module." + name
			if modPath != "" {
				child = modPath + "." + child
			}
			c.calls[child] = call
			if err := walk(child, call.Dir, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk("", dir, 0); err != nil {
		return nil, err
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Locate returns the block that declares a resource instance address and its module
// path, or nil when the configuration does not declare it.
func (c *Config) Locate(addr string) (*tfconfig.Block, string) {
	ca := plan.ConfigAddress(addr)
	mp := plan.ModulePath(ca)
	m, ok := c.modules[mp]
	if !ok {
		return nil, ""
	}
	name := strings.TrimPrefix(strings.TrimPrefix(ca, mp), ".")
	return m.Resources[name], mp
}

// remoteCall returns the module block that calls a module hiyari did not follow (a
// registry or git source) on the way to addr, with the module path it is declared in.
func (c *Config) remoteCall(addr string) (*tfconfig.ModuleCall, string) {
	parts := strings.Split(plan.ModulePath(plan.ConfigAddress(addr)), ".")
	mp := ""
	for i := 0; i+1 < len(parts); i += 2 {
		m := c.modules[mp]
		if m == nil {
			return nil, ""
		}
		call, ok := m.Calls[parts[i+1]]
		if !ok {
			return nil, ""
		}
		next := strings.Join(parts[:i+2], ".")
		if _, followed := c.modules[next]; !followed {
			return call, mp
		}
		mp = next
	}
	return nil, ""
}

// dependencies returns the blocks a resource depends on, itself first: the locals,
// variables, resources, data sources and module calls it references (transitively),
// the module blocks that call its module (with what they reference), and the provider
// configuration.
func (c *Config) dependencies(b *tfconfig.Block, modPath string) []*tfconfig.Block {
	var out []*tfconfig.Block
	seen := map[*tfconfig.Block]bool{}
	var add func(b *tfconfig.Block, modPath string)
	add = func(b *tfconfig.Block, modPath string) {
		if b == nil || seen[b] {
			return
		}
		seen[b] = true
		out = append(out, b)
		m := c.modules[modPath]
		if m == nil {
			return
		}
		for _, ref := range b.Refs {
			kind, name, _ := strings.Cut(ref, ".")
			switch kind {
			case "var":
				add(m.Variables[name], modPath)
			case "local":
				add(m.Locals[name], modPath)
			case "module":
				if call, ok := m.Calls[name]; ok {
					add(&call.Block, modPath)
				}
			default:
				add(m.Resources[ref], modPath)
			}
		}
	}
	add(b, modPath)
	for mp := modPath; mp != ""; mp = parentPath(mp) {
		if call, ok := c.calls[mp]; ok {
			add(&call.Block, parentPath(mp))
		}
	}
	for mp := modPath; ; mp = parentPath(mp) {
		if m := c.modules[mp]; m != nil {
			for _, p := range m.Providers {
				if p.Kind == "required_providers" || p.Name == b.Provider {
					add(p, mp)
				}
			}
		}
		if mp == "" {
			break
		}
	}
	return out
}

// parentPath is the module path of the caller: module.a.module.b → module.a.
func parentPath(mp string) string {
	i := strings.LastIndex(mp, ".module.")
	if i < 0 {
		return ""
	}
	return mp[:i]
}

// Result is the configuration of the reviewed directory and, with a base revision, the
// pull request's diff.
type Result struct {
	// Base is the base revision, empty when only locations are known.
	Base string
	// Root is the repository root (or the directory, outside git).
	Root string
	cur  *Config
	base *Config
	diff map[string]*tfconfig.FileDiff
}

// Load reads the configuration in dir (a filesystem path) and, when base is set, the
// same directory at base and the diff between base and the working tree. env is the
// environment git runs with.
func Load(ctx context.Context, dir, base string, env []string) (*Result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("--dir %s: %w", dir, err)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	res := &Result{Base: base, Root: abs}
	repo, err := tfconfig.OpenRepo(ctx, abs, env)
	if err != nil && base != "" {
		return nil, fmt.Errorf("--base %s: --dir %s is not in a git repository; review from a clone, or drop --base", base, dir)
	}
	if err == nil {
		res.Root = repo.Root
		if r, err := filepath.EvalSymlinks(res.Root); err == nil {
			res.Root = r
		}
	}
	rel, err := filepath.Rel(res.Root, abs)
	if err != nil {
		return nil, fmt.Errorf("--dir %s: %w", dir, err)
	}
	rel = filepath.ToSlash(rel)
	cur, err := tfconfig.NewDirTree(res.Root)
	if err != nil {
		return nil, err
	}
	if res.cur, err = LoadConfig(cur, rel); err != nil {
		return nil, err
	}
	if base == "" {
		return res, nil
	}
	bt, err := repo.Tree(base)
	if err != nil {
		return nil, err
	}
	// The directory may not exist at base (a new root module): everything is new then.
	if len(tfconfig.ModuleFiles(bt, rel)) > 0 {
		if res.base, err = LoadConfig(bt, rel); err != nil {
			return nil, fmt.Errorf("read --dir %s at %s: %w", dir, base, err)
		}
	}
	if res.diff, err = repo.Diff(base); err != nil {
		return nil, err
	}
	return res, nil
}

// NewResult builds a Result from parts already loaded (tests, other callers).
func NewResult(base string, cur, baseCfg *Config, diff map[string]*tfconfig.FileDiff) *Result {
	return &Result{Base: base, cur: cur, base: baseCfg, diff: diff}
}

// HasDiff reports whether a base revision's diff is known, i.e. Touched can answer.
func (r *Result) HasDiff() bool { return r != nil && r.diff != nil }

// Touch says whether the pull request touched what a resource change depends on.
type Touch struct {
	// Touched is true when the diff touched the block or a dependency.
	Touched bool
	// Why names what was touched, or why nothing was.
	Why string
	// Location is the declaring block in the working tree (or at base, when the change
	// removed it), nil when neither declares the address.
	Location *tfconfig.Location
}

// Touched tells whether the diff against the base revision touched addr's block or
// anything it depends on. Call it only when HasDiff.
func (r *Result) Touched(addr string) Touch {
	lock := path.Join(r.cur.Dir, ".terraform.lock.hcl")
	if d, ok := r.diff[lock]; ok && d != nil {
		return Touch{Touched: true, Why: "the provider lock file " + lock + " changed"}
	}
	if b, mp := r.cur.Locate(addr); b != nil {
		loc := b.Location
		for _, dep := range r.cur.dependencies(b, mp) {
			if d, ok := r.diff[dep.Location.File]; ok && d.Touches(dep.Location.Lines) {
				if dep == b {
					return Touch{Touched: true, Why: "its block changed", Location: &loc}
				}
				return Touch{Touched: true, Why: fmt.Sprintf("%s %s (%s) changed", dep.Kind, dep.Name, dep.Location), Location: &loc}
			}
		}
		return Touch{Why: "its block and what it references are unchanged", Location: &loc}
	}
	if call, mp := r.cur.remoteCall(addr); call != nil {
		loc := call.Location
		for _, dep := range r.cur.dependencies(&call.Block, mp) {
			if d, ok := r.diff[dep.Location.File]; ok && d.Touches(dep.Location.Lines) {
				return Touch{Touched: true, Why: fmt.Sprintf("its module call %s (%s, source %s) or what it references changed", call.Name, call.Location, call.Source), Location: &loc}
			}
		}
		return Touch{Why: "its module call " + call.Name + " (source " + call.Source + ", not followed) is unchanged", Location: &loc}
	}
	if r.base != nil {
		if b, mp := r.base.Locate(addr); b != nil {
			loc := b.Location
			for _, dep := range r.base.dependencies(b, mp) {
				if d, ok := r.diff[dep.Location.File]; ok && d.TouchesOld(dep.Location.Lines) {
					return Touch{Touched: true, Why: fmt.Sprintf("the change removed or edited %s %s (%s at %s)", dep.Kind, dep.Name, dep.Location, r.Base), Location: &loc}
				}
			}
			return Touch{Why: "declared at " + r.Base + " but not in the working tree, and the change did not touch its block", Location: &loc}
		}
	}
	return Touch{Why: "not declared in " + r.cur.Dir + " (nor at " + r.Base + ")"}
}

// Locate fills Location for findings whose address maps to a configuration block and
// that have none yet, so annotations can point at the block.
func (r *Result) Locate(findings []report.Finding) {
	if r == nil || r.cur == nil {
		return
	}
	for i := range findings {
		f := &findings[i]
		if f.Location != nil || f.Address == "" {
			continue
		}
		if b, _ := r.cur.Locate(f.Address); b != nil {
			f.Location = &report.Location{File: b.Location.File, Line: b.Location.Lines.Start, EndLine: b.Location.Lines.End}
		}
	}
}
