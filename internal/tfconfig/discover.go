package tfconfig

import (
	"path"
	"sort"
	"strings"
)

// Root is a root module found by Discover.
type Root struct {
	*Module
	// Why says which part of the heuristic made it a root module.
	Why string `json:"why"`
}

// Discover finds the root modules under dirs (slash paths relative to the tree root;
// "." is the whole tree). A directory with configuration files is a root module when
//
//   - it has a backend or cloud block (only root modules may), or
//   - no module call anywhere in the tree uses it as a local source, and it has a
//     provider or terraform block (a shared module without either is a library).
//
// Every configuration directory of the tree is parsed to learn which are called as
// modules; a syntax error is an error only for a directory under dirs.
func Discover(t Tree, dirs []string) ([]*Root, error) {
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	configDirs := map[string]bool{}
	for _, f := range t.Files() {
		if IsConfigFile(f) {
			configDirs[path.Dir(f)] = true
		}
	}
	sorted := make([]string, 0, len(configDirs))
	for d := range configDirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)

	modules := map[string]*Module{}
	called := map[string]bool{}
	for _, d := range sorted {
		m, err := LoadModule(t, d)
		if err != nil {
			if under(d, dirs) {
				return nil, err
			}
			continue
		}
		modules[d] = m
		for _, c := range m.Calls {
			if c.Dir != "" {
				called[c.Dir] = true
			}
		}
	}
	var roots []*Root
	for _, d := range sorted {
		m, ok := modules[d]
		if !ok || !under(d, dirs) {
			continue
		}
		switch {
		case m.Backend != nil:
			roots = append(roots, &Root{Module: m, Why: "has a " + m.Backend.Type + " backend block"})
			if m.Backend.Type == "cloud" {
				roots[len(roots)-1].Why = "has a cloud block"
			}
		case called[d]:
		case len(m.Providers) > 0 || m.HasTerraformBlock:
			roots = append(roots, &Root{Module: m, Why: "no module call uses it, and it configures terraform or a provider (local state)"})
		}
	}
	return roots, nil
}

// under reports whether dir is one of dirs or below one.
func under(dir string, dirs []string) bool {
	for _, d := range dirs {
		d = path.Clean(d)
		if d == "." || dir == d || strings.HasPrefix(dir, d+"/") {
			return true
		}
	}
	return false
}
