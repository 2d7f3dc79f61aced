package statepin

import (
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/planfile"
)

// Mismatch is one way a plan's state identity differs from its directory's pin.
type Mismatch struct {
	// Field is type, bucket, key, region, workspace_key_prefix, workspace or lineage.
	Field string
	// Pinned is the pinned value (for workspace: the pinned workspaces, comma-separated).
	Pinned string
	// Actual is the plan's value.
	Actual string
}

// Identity reports whether the mismatch is in what names the state (type, bucket,
// key): a plan with one of these wrong reads and writes another state object.
func (m Mismatch) Identity() bool {
	return m.Field == "type" || m.Field == "bucket" || m.Field == "key"
}

// Check compares a plan's backend (nil when unknown) and prior state (nil when
// unknown) with the pin. Fields the plan does not tell are not compared; neither is a
// region that either side leaves to the environment.
func (p *Pin) Check(b *planfile.Backend, st *planfile.State) []Mismatch {
	var out []Mismatch
	workspace := p.workspaceFor(b)
	if b != nil {
		cmp := func(field, pinned, actual string) {
			if pinned != actual {
				out = append(out, Mismatch{Field: field, Pinned: pinned, Actual: actual})
			}
		}
		cmp("type", p.Backend.Type, b.Type)
		cmp("bucket", p.Backend.Bucket, b.Bucket)
		cmp("key", p.Backend.Key, b.Key)
		if p.Backend.Region != "" && b.Region != "" {
			cmp("region", p.Backend.Region, b.Region)
		}
		cmp("workspace_key_prefix", p.Backend.WorkspaceKeyPrefix, b.WorkspaceKeyPrefix)
		if _, ok := p.Workspaces[workspace]; !ok && len(p.Workspaces) > 0 {
			out = append(out, Mismatch{Field: "workspace", Pinned: strings.Join(p.WorkspaceNames(), ", "), Actual: workspace})
		}
	}
	if st != nil && st.Lineage != "" {
		if w, ok := p.Workspaces[workspace]; ok && w.Lineage != "" && w.Lineage != st.Lineage {
			out = append(out, Mismatch{Field: "lineage", Pinned: w.Lineage, Actual: st.Lineage})
		}
	}
	return out
}

// workspaceFor is the workspace whose lineage applies: the backend's, else the only
// pinned one, else "default".
func (p *Pin) workspaceFor(b *planfile.Backend) string {
	if b != nil && b.Workspace != "" {
		return b.Workspace
	}
	if len(p.Workspaces) == 1 {
		for w := range p.Workspaces {
			return w
		}
	}
	return "default"
}

// WorkspaceNames returns the pinned workspaces, sorted.
func (p *Pin) WorkspaceNames() []string {
	out := make([]string, 0, len(p.Workspaces))
	for w := range p.Workspaces {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}
