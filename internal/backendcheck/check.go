// Package backendcheck compares the backends of a repository's root modules with each
// other, with the repository's key convention, and with a base revision:
// backend_changed, state_key_shared and state_key_convention.
package backendcheck

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

// Check describes one of the backend checks, for rule listings.
type Check struct {
	ID       string
	Severity report.Severity
	Summary  string
}

// Rule ids.
const (
	BackendChanged     = "backend_changed"
	StateKeyShared     = "state_key_shared"
	StateKeyConvention = "state_key_convention"
)

// Checks lists the checks `hiyari backend check` runs, in order.
func Checks() []Check {
	return []Check{
		{BackendChanged, report.Critical, "A root module's backend type, bucket or state key differs from the base revision"},
		{StateKeyShared, report.Critical, "Two root modules resolve to the same backend state object"},
		{StateKeyConvention, report.Critical, "A state key breaks the repository's key convention (another environment's key)"},
	}
}

// Options are the check's inputs besides the trees.
type Options struct {
	// Config is .hiyari.yaml; Config.Backend holds the partial configuration and the
	// key convention.
	Config config.Config
	// ConfigDir is the directory of .hiyari.yaml relative to the repository root ("."),
	// which backend.config_files keys are relative to.
	ConfigDir string
	// Dirs limits discovery (slash paths relative to the repository root).
	Dirs []string
}

// Root is one root module in the result.
type Root struct {
	Dir string `json:"dir"`
	// Why says why it counts as a root module.
	Why string `json:"why"`
	// Backend is the merged backend configuration, secrets redacted; nil for local state
	// without a backend block.
	Backend *tfconfig.Backend `json:"backend,omitempty"`
	// State is the state object the default workspace uses, empty when not known.
	State string `json:"state,omitempty"`
	// Changes is the backend's diff against the base revision.
	Changes []SettingChange `json:"changes,omitempty"`
}

// SettingChange is one backend setting that differs from the base revision.
type SettingChange struct {
	Setting string `json:"setting"`
	// Before and After are the values; "" with BeforeSet/AfterSet false when unset.
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	BeforeSet bool   `json:"before_set"`
	AfterSet  bool   `json:"after_set"`
}

// Result is what the checks found.
type Result struct {
	Roots    []*Root          `json:"roots"`
	Findings []report.Finding `json:"findings"`
	// Notes say what could not be checked and why.
	Notes []string `json:"notes"`
}

// Run discovers root modules in cur and base (nil: no comparison) and runs the checks.
func Run(cur, base tfconfig.Tree, opts Options) (*Result, error) {
	curRoots, curAll, err := loadAll(cur, opts)
	if err != nil {
		return nil, err
	}
	res := &Result{Findings: []report.Finding{}, Notes: []string{}}
	for _, r := range curRoots {
		res.Roots = append(res.Roots, r)
		if r.Backend != nil && r.State == "" {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: the %s backend's state object is not known from configuration (a setting is missing or not a literal); name its -backend-config files under backend.config_files in .hiyari.yaml", r.Dir, r.Backend.Type))
		}
	}
	if base != nil {
		baseRoots, baseAll, err := loadAll(base, opts)
		if err != nil {
			return nil, fmt.Errorf("read base revision %s: %w", base.Name(), err)
		}
		res.Findings = append(res.Findings, changed(curRoots, baseRoots, baseAll, base.Name())...)
	}
	// Keys are shared across the whole repository, so every root module takes part;
	// only findings that involve a selected directory are kept.
	selected := map[string]bool{}
	for _, r := range curRoots {
		selected[r.Dir] = true
	}
	for _, f := range shared(curAll) {
		for _, a := range f.Addresses {
			if selected[a] {
				res.Findings = append(res.Findings, f)
				break
			}
		}
	}
	conv, notes := convention(curRoots, opts.Config)
	res.Findings = append(res.Findings, conv...)
	res.Notes = append(res.Notes, notes...)
	return res, nil
}

// loadAll returns the root modules under opts.Dirs and those of the whole tree (the
// same when the whole tree is asked for, or when another directory does not parse).
func loadAll(t tfconfig.Tree, opts Options) (selected, all []*Root, err error) {
	selected, err = load(t, opts)
	if err != nil {
		return nil, nil, err
	}
	whole := len(opts.Dirs) == 0
	for _, d := range opts.Dirs {
		whole = whole || path.Clean(d) == "."
	}
	if whole {
		return selected, selected, nil
	}
	everything := opts
	everything.Dirs = nil
	if all, err = load(t, everything); err != nil {
		return selected, selected, nil
	}
	// The selected roots carry the diff (Changes); keep those objects.
	byDir := map[string]*Root{}
	for _, r := range selected {
		byDir[r.Dir] = r
	}
	for i, r := range all {
		if s, ok := byDir[r.Dir]; ok {
			all[i] = s
		}
	}
	return selected, all, nil
}

// load discovers root modules and merges their -backend-config files.
func load(t tfconfig.Tree, opts Options) ([]*Root, error) {
	found, err := tfconfig.Discover(t, opts.Dirs)
	if err != nil {
		return nil, err
	}
	var out []*Root
	for _, f := range found {
		r := &Root{Dir: f.Dir, Why: f.Why, Backend: f.Backend}
		if r.Backend != nil {
			for _, file := range configFiles(opts, f.Dir) {
				if err := r.Backend.MergeConfigFile(t, file); err != nil {
					return nil, fmt.Errorf("%w (named in backend.config_files of %s)", err, opts.Config.Path)
				}
			}
			r.State, _ = r.Backend.StateID(r.Dir, "")
		}
		out = append(out, r)
	}
	return out, nil
}

// configFiles returns the -backend-config files configured for dir, as repository paths.
func configFiles(opts Options, dir string) []string {
	cfgDir := opts.ConfigDir
	if cfgDir == "" {
		cfgDir = "."
	}
	keys := make([]string, 0, len(opts.Config.Backend.ConfigFiles))
	for k := range opts.Config.Backend.ConfigFiles {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		pattern := path.Join(cfgDir, k)
		if ok, _ := path.Match(pattern, dir); !ok {
			continue
		}
		for _, f := range opts.Config.Backend.ConfigFiles[k] {
			out = append(out, path.Join(dir, f))
		}
	}
	return out
}

// changed is backend_changed: per directory present at both revisions.
func changed(cur, base, baseAll []*Root, baseName string) []report.Finding {
	baseByDir := map[string]*Root{}
	baseByState := map[string]string{}
	for _, b := range base {
		baseByDir[b.Dir] = b
	}
	for _, b := range baseAll {
		if b.State != "" {
			baseByState[b.State] = b.Dir
		}
	}
	var out []report.Finding
	for _, c := range cur {
		b, ok := baseByDir[c.Dir]
		if !ok {
			continue
		}
		f, ok := compare(c, b, baseName, baseByState)
		if ok {
			out = append(out, f)
		}
	}
	return out
}

func compare(c, b *Root, baseName string, baseByState map[string]string) (report.Finding, bool) {
	f := report.Finding{Rule: BackendChanged, Address: c.Dir}
	switch {
	case c.Backend == nil && b.Backend == nil:
		return f, false
	case c.Backend == nil:
		f.Severity = report.High
		f.Message = fmt.Sprintf("%s: the %s backend block at %s was removed: Terraform falls back to local state (terraform.tfstate in the directory) and plans against an empty or stale state", c.Dir, b.Backend.Type, baseName)
		f.Remediation = "Restore the backend block, or migrate the state deliberately (terraform init -migrate-state) in a change of its own."
		f.Location = location(b.Backend.Location)
		f.Evidence = []report.Evidence{{Path: "backend", Value: b.Backend.Type + " → (none)"}}
		return f, true
	case b.Backend == nil:
		f.Severity = report.High
		f.Message = fmt.Sprintf("%s: a %s backend block was added (none at %s): terraform init will offer to migrate local state; a wrong key here points the directory at another state", c.Dir, c.Backend.Type, baseName)
		f.Remediation = "Check that the new key is this directory's own (hiyari backend check reports a key shared with another directory), and migrate with terraform init -migrate-state."
		f.Location = location(c.Backend.Location)
		f.Evidence = []report.Evidence{{Path: "backend", Value: "(none) → " + c.Backend.Type}}
		return f, true
	}
	weight := 0
	if c.Backend.Type != b.Backend.Type {
		weight = 2
		c.Changes = append(c.Changes, SettingChange{Setting: "type", Before: b.Backend.Type, After: c.Backend.Type, BeforeSet: true, AfterSet: true})
	}
	names := map[string]bool{}
	for n := range c.Backend.Settings {
		names[n] = true
	}
	for n := range b.Backend.Settings {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var what []string
	for _, n := range sorted {
		bv, bok := b.Backend.Settings[n]
		cv, cok := c.Backend.Settings[n]
		if bok == cok && bv.Text == cv.Text {
			continue
		}
		c.Changes = append(c.Changes, SettingChange{Setting: n, Before: bv.Text, After: cv.Text, BeforeSet: bok, AfterSet: cok})
		w := tfconfig.SettingWeight(c.Backend.Type, n)
		if c.Backend.Type != b.Backend.Type {
			w = 2
		}
		weight = max(weight, w)
		if w == 2 {
			what = append(what, n)
		}
	}
	if len(c.Changes) == 0 {
		return f, false
	}
	for _, ch := range c.Changes {
		f.Evidence = append(f.Evidence, report.Evidence{Path: "backend." + ch.Setting, Value: shown(ch.Before, ch.BeforeSet) + " → " + shown(ch.After, ch.AfterSet)})
	}
	f.Location = location(c.Backend.Location)
	switch weight {
	case 2:
		f.Severity = report.Critical
		subject := "backend type"
		if c.Backend.Type == b.Backend.Type {
			subject = strings.Join(what, " and ")
		}
		f.Message = fmt.Sprintf("%s: the %s backend's %s changed against %s: this directory now reads and writes another state object", c.Dir, c.Backend.Type, subject, baseName)
		if c.State != "" {
			f.Message += " (" + c.State + ")"
			if owner, ok := baseByState[c.State]; ok && owner != c.Dir {
				f.Message += ", which is " + owner + "'s state at " + baseName
			}
		}
		f.Remediation = "If the move is not intended, restore the backend settings from " + baseName + ". If it is, move the state first (terraform state pull/push or init -migrate-state) in a change of its own, run a plan against the new state before merging, and acknowledge this finding for " + c.Dir + "."
	case 1:
		f.Severity = report.High
		f.Message = fmt.Sprintf("%s: the %s backend's workspace prefix, region or endpoint changed against %s: named workspaces or the whole state may now resolve elsewhere", c.Dir, c.Backend.Type, baseName)
		f.Remediation = "Check that every workspace's state exists at the new location (terraform workspace list after init) before applying."
	default:
		f.Severity = report.Medium
		f.Message = fmt.Sprintf("%s: the %s backend's settings changed against %s (locking, encryption or access)", c.Dir, c.Backend.Type, baseName)
		f.Remediation = "Check that locking and encryption still hold (e.g. use_lockfile or dynamodb_table is still set) before applying."
	}
	return f, true
}

func shown(v string, set bool) string {
	if !set {
		return "(unset)"
	}
	return v
}

func location(l tfconfig.Location) *report.Location {
	return &report.Location{File: l.File, Line: l.Lines.Start, EndLine: l.Lines.End}
}

// shared is state_key_shared: root modules whose default workspace resolves to one
// state object.
func shared(roots []*Root) []report.Finding {
	byState := map[string][]*Root{}
	var states []string
	for _, r := range roots {
		if r.State == "" {
			continue
		}
		if len(byState[r.State]) == 0 {
			states = append(states, r.State)
		}
		byState[r.State] = append(byState[r.State], r)
	}
	var out []report.Finding
	for _, s := range states {
		rs := byState[s]
		if len(rs) < 2 {
			continue
		}
		var dirs []string
		for _, r := range rs {
			dirs = append(dirs, r.Dir)
		}
		f := report.Finding{
			Rule: StateKeyShared, Severity: report.Critical, Address: dirs[0], Addresses: dirs,
			Message: fmt.Sprintf("%d root modules use the same state %s: %s; each plan sees the other's resources as ones to delete",
				len(rs), s, strings.Join(dirs, ", ")),
			Remediation: "Give each root module its own key (e.g. <directory>/terraform.tfstate). Move the resources that belong to the other directory with terraform state mv or removed/import blocks before changing the key.",
			Location:    location(rs[1].Backend.Location),
		}
		wsShared := true
		for _, r := range rs {
			f.Evidence = append(f.Evidence, report.Evidence{Address: r.Dir, Path: r.Backend.Location.String(), Value: r.State})
			if ws, _ := r.Backend.StateID(r.Dir, "ws"); ws != mustState(rs[0], "ws") {
				wsShared = false
			}
		}
		if wsShared {
			f.Message += " (every workspace's state is shared too)"
		} else {
			f.Message += " (the default workspace; named workspaces differ by workspace_key_prefix)"
		}
		out = append(out, f)
	}
	return out
}

func mustState(r *Root, ws string) string {
	s, _ := r.Backend.StateID(r.Dir, ws)
	return s
}
