package backendcheck

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// SchemaVersion is the version of the backend check's JSON report; it follows the same
// rules as report.SchemaVersion.
const SchemaVersion = "1.0"

// Report is the JSON result of `hiyari backend check`.
type Report struct {
	SchemaVersion string      `json:"schema_version"`
	Kind          string      `json:"kind"`
	Tool          report.Tool `json:"tool"`
	// Base is the revision compared against, empty without --base.
	Base string `json:"base,omitempty"`
	// Roots are the root modules found, with their backends and changes.
	Roots    []*Root          `json:"roots"`
	Findings []report.Finding `json:"findings"`
	Verdict  report.Verdict   `json:"verdict"`
	Notes    []string         `json:"notes"`
}

// Formats are the output formats of the backend check.
func Formats() []string { return []string{"text", "json", "markdown"} }

// NewReport acknowledges findings, orders them by severity and decides the gate.
func NewReport(res *Result, base string, cfg config.Config, failOn report.Severity, tool report.Tool, docURL func(string) string) *Report {
	rep := &Report{SchemaVersion: SchemaVersion, Kind: "backend_check", Tool: tool, Base: base, Roots: res.Roots, Findings: res.Findings, Notes: res.Notes}
	if rep.Roots == nil {
		rep.Roots = []*Root{}
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.DocURL = docURL(f.Rule)
		addrs := f.Addresses
		if len(addrs) == 0 {
			addrs = []string{f.Address}
		}
		acked, reason := true, ""
		for _, a := range addrs {
			ack, ok := cfg.Acknowledged(f.Rule, a)
			if !ok {
				acked = false
				break
			}
			reason = ack.Reason
		}
		f.Acknowledged, f.AcknowledgeReason = acked, reason
		if !acked {
			f.AcknowledgeReason = ""
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		return rep.Findings[i].Severity.Rank() > rep.Findings[j].Severity.Rank()
	})
	v := report.Verdict{Status: "pass", FailOn: string(failOn), Counts: map[report.Severity]int{}}
	if failOn == "" {
		v.FailOn = "never"
	}
	for _, s := range report.Severities {
		v.Counts[s] = 0
	}
	gating := 0
	for _, f := range rep.Findings {
		if f.Acknowledged {
			v.Acknowledged++
			continue
		}
		v.Counts[f.Severity]++
		if f.Severity.Rank() > v.Highest.Rank() {
			v.Highest = f.Severity
		}
		if failOn != "" && f.Severity.AtLeast(failOn) {
			gating++
		}
	}
	switch {
	case gating > 0:
		v.Status = "fail"
		v.Reason = fmt.Sprintf("%d finding(s) at or above %s: do not plan or apply these directories until they are resolved or acknowledged", gating, failOn)
	case v.Highest != "":
		v.Reason = fmt.Sprintf("highest finding is %s, below the %s threshold", v.Highest, v.FailOn)
	case v.Acknowledged > 0:
		v.Reason = fmt.Sprintf("every finding (%d) is acknowledged in configuration", v.Acknowledged)
	default:
		v.Reason = fmt.Sprintf("%d root module(s) checked, no backend findings", len(rep.Roots))
	}
	rep.Verdict = v
	return rep
}

// Render writes rep in format (text, json or markdown).
func Render(w io.Writer, rep *Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	case "text":
		return renderText(w, rep)
	case "markdown", "md":
		return renderMarkdown(w, rep)
	}
	return fmt.Errorf("--format %q: want one of %s", format, strings.Join(Formats(), ", "))
}

func rootByDir(rep *Report, dir string) *Root {
	for _, r := range rep.Roots {
		if r.Dir == dir {
			return r
		}
	}
	return nil
}

// diffLines renders a backend block's diff: unchanged settings as context, changed
// ones as -/+ lines.
func diffLines(r *Root) []string {
	if r == nil || r.Backend == nil || len(r.Changes) == 0 {
		return nil
	}
	changed := map[string]SettingChange{}
	width := 0
	for _, c := range r.Changes {
		changed[c.Setting] = c
		width = max(width, len(c.Setting))
	}
	names := r.Backend.Names()
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, c := range r.Changes {
		if _, ok := r.Backend.Settings[c.Setting]; !ok && c.Setting != "type" {
			names = append(names, c.Setting)
		}
	}
	sort.Strings(names)
	typ := r.Backend.Type
	var out []string
	if c, ok := changed["type"]; ok {
		out = append(out, fmt.Sprintf("- backend %q {", c.Before), fmt.Sprintf("+ backend %q {", c.After))
	} else {
		out = append(out, fmt.Sprintf("  backend %q {", typ))
	}
	for _, n := range names {
		c, isChanged := changed[n]
		if !isChanged {
			out = append(out, fmt.Sprintf("      %-*s = %s", width, n, quote(r.Backend.Settings[n].Text)))
			continue
		}
		if c.BeforeSet {
			out = append(out, fmt.Sprintf("-     %-*s = %s", width, n, quote(c.Before)))
		}
		if c.AfterSet {
			out = append(out, fmt.Sprintf("+     %-*s = %s", width, n, quote(c.After)))
		}
	}
	return append(out, "  }")
}

func quote(s string) string {
	switch {
	case s == "true", s == "false", strings.HasPrefix(s, "["), strings.HasPrefix(s, "("):
		return s
	}
	if _, err := fmt.Sscanf(s, "%g", new(float64)); err == nil && !strings.ContainsAny(s, "/:") {
		return s
	}
	return fmt.Sprintf("%q", s)
}

func renderText(w io.Writer, rep *Report) error {
	var b strings.Builder
	base := ""
	if rep.Base != "" {
		base = ", compared with " + rep.Base
	}
	fmt.Fprintf(&b, "hiyari backend check: %d root module(s)%s\n\n", len(rep.Roots), base)
	for _, r := range rep.Roots {
		state := r.State
		switch {
		case r.Backend == nil:
			state = "local state (no backend block)"
		case state == "":
			state = r.Backend.Type + ": state object not known"
		}
		fmt.Fprintf(&b, "  %-28s %s\n", r.Dir, state)
	}
	if len(rep.Findings) > 0 {
		b.WriteString("\nFindings\n")
	}
	for _, f := range rep.Findings {
		ack := ""
		if f.Acknowledged {
			ack = " (acknowledged: " + f.AcknowledgeReason + ")"
		}
		loc := ""
		if f.Location != nil {
			loc = fmt.Sprintf("  %s:%d", f.Location.File, f.Location.Line)
		}
		fmt.Fprintf(&b, "\n  %s  %s%s%s\n", strings.ToUpper(string(f.Severity)), f.Rule, loc, ack)
		fmt.Fprintf(&b, "    %s\n", f.Message)
		if f.Rule == BackendChanged {
			if lines := diffLines(rootByDir(rep, f.Address)); len(lines) > 0 {
				b.WriteString("\n")
				for _, l := range lines {
					fmt.Fprintf(&b, "      %s\n", l)
				}
				b.WriteString("\n")
			}
		} else {
			for _, e := range f.Evidence {
				if e.Address != "" {
					fmt.Fprintf(&b, "      %s  %s: %s\n", e.Address, e.Path, e.Value)
				} else {
					fmt.Fprintf(&b, "      %s: %s\n", e.Path, e.Value)
				}
			}
		}
		fmt.Fprintf(&b, "    fix: %s\n    doc: %s\n", f.Remediation, f.DocURL)
	}
	if len(rep.Notes) > 0 {
		b.WriteString("\nNotes\n")
		for _, n := range rep.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	fmt.Fprintf(&b, "\nVerdict: %s (fail-on %s): %s\n", strings.ToUpper(rep.Verdict.Status), rep.Verdict.FailOn, rep.Verdict.Reason)
	_, err := io.WriteString(w, b.String())
	return err
}

func renderMarkdown(w io.Writer, rep *Report) error {
	var b strings.Builder
	icon := "✅"
	if rep.Verdict.Status == "fail" {
		icon = "🛑"
	}
	fmt.Fprintf(&b, "### %s hiyari backend check: %s\n\n%s\n\n", icon, rep.Verdict.Status, rep.Verdict.Reason)
	if len(rep.Findings) > 0 {
		b.WriteString("| severity | rule | where | finding |\n|---|---|---|---|\n")
		for _, f := range rep.Findings {
			where := "`" + f.Address + "`"
			if f.Location != nil {
				where = fmt.Sprintf("`%s:%d`", f.Location.File, f.Location.Line)
			}
			sev := string(f.Severity)
			if f.Acknowledged {
				sev += " (acknowledged)"
			}
			fmt.Fprintf(&b, "| %s | [`%s`](%s) | %s | %s |\n", sev, f.Rule, f.DocURL, where, strings.ReplaceAll(f.Message, "|", "\\|"))
		}
		b.WriteString("\n")
		for _, f := range rep.Findings {
			if f.Rule != BackendChanged {
				continue
			}
			if lines := diffLines(rootByDir(rep, f.Address)); len(lines) > 0 {
				fmt.Fprintf(&b, "**%s** against `%s`:\n\n```diff\n%s\n```\n\n", f.Address, rep.Base, strings.Join(lines, "\n"))
			}
		}
	}
	b.WriteString("<details><summary>Root modules</summary>\n\n| directory | state |\n|---|---|\n")
	for _, r := range rep.Roots {
		state := r.State
		if r.Backend == nil {
			state = "local state"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` |\n", r.Dir, state)
	}
	b.WriteString("\n</details>\n")
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "\n> %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
