package render

import (
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// stateContext is the plan's state identity in one line: backend, workspace, prior
// state lineage and the pin it was checked against; "" when none is known.
func stateContext(rep *report.Report) string {
	c := rep.Context
	var parts []string
	if b := c.Backend; b != nil {
		loc := b.StateKey
		if b.Bucket != "" {
			loc = b.Bucket + "/" + loc
		}
		s := b.Type + " " + loc
		if b.Region != "" {
			s += ", region " + b.Region
		}
		s += ", workspace " + b.Workspace + " (" + b.Source + ")"
		parts = append(parts, s)
	}
	if st := c.State; st != nil {
		s := "state lineage " + st.Lineage
		if st.Serial > 0 {
			s += fmt.Sprintf(" serial %d", st.Serial)
		}
		parts = append(parts, s+" ("+st.Source+")")
	}
	if p := c.Pin; p != nil {
		if p.Pinned {
			parts = append(parts, "pinned for "+p.Dir)
		} else {
			parts = append(parts, "no pin for "+p.Dir+" in "+p.File)
		}
	}
	for _, cand := range c.EnvCandidates {
		if cand.Env != c.Env {
			parts = append(parts, fmt.Sprintf("the %s names %s, not %s", strings.ReplaceAll(cand.Source, "-", " "), cand.Env, c.Env))
		}
	}
	return strings.Join(parts, " · ")
}

// writeTextStateContext writes the text report's backend line, when there is one.
func writeTextStateContext(w interface{ WriteString(string) (int, error) }, rep *report.Report) {
	if s := stateContext(rep); s != "" {
		_, _ = w.WriteString("backend:  " + printable(s) + "\n")
	}
}

// markdownStateContext is the Markdown header's backend item, if any.
func markdownStateContext(rep *report.Report) []string {
	if s := stateContext(rep); s != "" {
		return []string{"backend " + code(s)}
	}
	return nil
}
