// Package render turns a report into an output format. One file per format, each a
// Renderer registered by name; all of them render from the JSON report's data only.
package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// Options are the settings every renderer receives.
type Options struct {
	// Color enables ANSI colour (text only); decided once by the caller from the TTY,
	// NO_COLOR and CLICOLOR_FORCE.
	Color bool
}

// Renderer writes a report in one format.
type Renderer func(w io.Writer, rep *report.Report, opts Options) error

var renderers = map[string]Renderer{
	"json":     JSON,
	"text":     Text,
	"markdown": Markdown,
	"github":   GitHub,
}

// Formats lists the format names, sorted, for help text.
func Formats() []string {
	names := make([]string, 0, len(renderers))
	for n := range renderers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the renderer for a format name.
func Lookup(name string) (Renderer, error) {
	r, ok := renderers[name]
	if !ok {
		return nil, fmt.Errorf("--format %q: want one of %s", name, strings.Join(Formats(), ", "))
	}
	return r, nil
}

// shorten cuts a value for display, keeping it on one line.
func shorten(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// summaryLine renders the change counts as "2 to create, 1 to delete, …".
func summaryParts(s report.Summary) []string {
	items := []struct {
		n    int
		word string
	}{
		{s.Create, "create"}, {s.Update, "update"}, {s.Delete, "delete"},
		{s.Replace, "replace (delete first)"}, {s.ReplaceCreateFirst, "replace (create first)"},
		{s.Forget, "forget"}, {s.Move, "move"}, {s.Import, "import"}, {s.Read, "read"},
	}
	var parts []string
	for _, it := range items {
		if it.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", it.n, it.word))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no changes")
	}
	return parts
}
