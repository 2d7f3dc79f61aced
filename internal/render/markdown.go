package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// maxMarkdownAddresses bounds addresses listed under one finding in a comment.
const maxMarkdownAddresses = 50

func sevIcon(s report.Severity) string {
	switch s {
	case report.Critical:
		return "🔴"
	case report.High:
		return "🟠"
	case report.Medium:
		return "🟡"
	case report.Low:
		return "🔵"
	default:
		return "⚪"
	}
}

// Markdown writes the whole report for a pull-request comment or a job summary, risk
// first: the verdict, critical findings, the blast radius and the runbook, the other
// findings, then the change list and drift collapsed. MarkdownBounded writes the same
// document within a size budget.
func Markdown(w io.Writer, rep *report.Report, _ Options) error {
	rep.Await()
	bw := bufio.NewWriter(w)
	writeMarkdown(bw, rep, fullLayout(), Bounds{})
	return bw.Flush()
}

// layout says how much of each section a Markdown rendering shows. fullLayout shows
// everything; MarkdownBounded takes detail away, lowest value first, until it fits.
type layout struct {
	// changes and drift are the rows of the change list and the drift list; -1 is all.
	changes, drift int
	// blast is the rows of the blast-radius table; -1 is all.
	blast int
	// addresses bounds the addresses listed under one finding; 0 collapses the list
	// to its count.
	addresses int
	// lowEvidence shows the evidence and address lists of low and info findings;
	// evidence those of medium and high ones; criticalEvidence those of critical ones.
	lowEvidence, evidence, criticalEvidence bool
	// othersBrief shows non-critical findings as one headline each (no detail, no fix);
	// others bounds how many of them are shown at all (-1 is all).
	othersBrief bool
	others      int
	// criticalBrief shows critical findings as headlines; criticals bounds how many
	// are shown (-1 is all), for a plan whose critical headlines alone overflow.
	criticalBrief bool
	criticals     int
	// runbook shows the runbook; it is all or nothing, never cut between steps.
	runbook bool
}

func fullLayout() layout {
	return layout{
		changes: -1, drift: -1, blast: -1, addresses: maxMarkdownAddresses,
		lowEvidence: true, evidence: true, criticalEvidence: true,
		others: -1, criticals: -1, runbook: true,
	}
}

// shown is how many of n items a limit (-1 = all) lets through.
func shown(limit, n int) int {
	if limit < 0 || limit > n {
		return n
	}
	return limit
}

// writeMarkdown renders rep with layout l. The omission note, when l leaves anything
// out, goes right below the verdict, so a reader knows before scrolling.
func writeMarkdown(w io.Writer, rep *report.Report, l layout, b Bounds) {
	v := rep.Verdict
	head := "✅ hiyari: safe to apply"
	if v.Status == "fail" {
		head = "⛔ hiyari: do not apply"
	} else if v.Highest != "" {
		head = "⚠️ hiyari: review the findings"
	}
	fmt.Fprintf(w, "## %s\n\n", head)
	fmt.Fprintf(w, "%s.\n\n", mdText(v.Reason))
	var ctx []string
	ctx = append(ctx, "plan "+code(rep.Input.Source))
	if rep.Input.TerraformVersion != "" {
		ctx = append(ctx, "Terraform "+mdText(rep.Input.TerraformVersion))
	}
	if rep.Context.Env != "" {
		ctx = append(ctx, "expected environment "+code(rep.Context.Env))
	}
	ctx = append(ctx, markdownStateContext(rep)...)
	fmt.Fprintf(w, "%s\n\n", strings.Join(ctx, " · "))
	s := rep.Summary
	fmt.Fprintln(w, "| create | update | delete | replace | read | move | import | forget | drift |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(w, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
		s.Create, s.Update, s.Delete, s.Replace+s.ReplaceCreateFirst, s.Read, s.Move, s.Import, s.Forget, s.Drift)

	var critical, others []report.Finding
	for _, f := range rep.Findings {
		if f.Severity == report.Critical {
			critical = append(critical, f)
		} else {
			others = append(others, f)
		}
	}
	if note := omissionNote(rep, critical, others, l, b); note != "" {
		fmt.Fprint(w, note)
	}

	if len(critical) > 0 {
		fmt.Fprintf(w, "### Critical findings (%d)\n\n", len(critical))
		n := shown(l.criticals, len(critical))
		if l.criticalBrief {
			markdownBriefFindings(w, critical[:n], false)
		} else {
			for _, f := range critical[:n] {
				if stopped(w) {
					return
				}
				markdownFinding(w, f, false, l.criticalEvidence, l.addresses)
			}
		}
		if n < len(critical) {
			fmt.Fprintf(w, "**… and %d more critical findings** that do not fit in a comment: read them in the full report.\n\n", len(critical)-n)
		}
	}

	if l.blast != 0 {
		markdownBlast(w, rep, l.blast)
	}
	if l.runbook {
		markdownRunbook(w, rep)
	}

	if len(others) > 0 {
		title := "Findings"
		if len(critical) > 0 {
			title = "Other findings"
		}
		fmt.Fprintf(w, "### %s (%d)\n\n", title, len(others))
		n := shown(l.others, len(others))
		if l.othersBrief {
			markdownBriefFindings(w, others[:n], true)
		} else {
			for _, f := range others[:n] {
				if stopped(w) {
					return
				}
				detail := l.evidence
				if f.Severity == report.Low || f.Severity == report.Info {
					detail = l.lowEvidence
				}
				markdownFinding(w, f, false, detail, l.addresses)
			}
		}
		if n < len(others) {
			markdownFindingCounts(w, others[n:])
		}
	}

	if total := rep.NumChanges(); total > 0 {
		n := shown(l.changes, total)
		if n > 0 {
			fmt.Fprintf(w, "<details><summary>Changes (%d)</summary>\n\n", total)
			fmt.Fprintln(w, "| action | address | reason |")
			fmt.Fprintln(w, "|---|---|---|")
			shownSoFar, quit := 0, false
			rep.EachChange(func(c report.Change) bool {
				if shownSoFar == n {
					return false
				}
				if stopped(w) {
					quit = true
					return false
				}
				shownSoFar++
				addr := cell(code(c.Address))
				if c.PreviousAddress != "" {
					addr += " ← " + cell(code(c.PreviousAddress))
				}
				action := c.Action
				if c.Importing {
					action += " (import)"
				}
				fmt.Fprintf(w, "| %s | %s | %s |\n", action, addr, mdText(c.ActionReason))
				return true
			})
			if quit {
				return
			}
			if n < total {
				fmt.Fprintf(w, "\n… and %d more changes (full report).\n", total-n)
			}
			fmt.Fprint(w, "\n</details>\n\n")
		}
	}
	if len(rep.Drift) > 0 {
		n := shown(l.drift, len(rep.Drift))
		if n > 0 {
			fmt.Fprintf(w, "<details><summary>Drift outside Terraform (%d)</summary>\n\n", len(rep.Drift))
			for _, c := range rep.Drift[:n] {
				if stopped(w) {
					return
				}
				fmt.Fprintf(w, "- %s %s\n", c.Action, code(c.Address))
			}
			if n < len(rep.Drift) {
				fmt.Fprintf(w, "- … and %d more (full report)\n", len(rep.Drift)-n)
			}
			fmt.Fprint(w, "\n</details>\n\n")
		}
	}
	fmt.Fprintf(w, "<sub>hiyari %s · report schema %s</sub>\n", mdText(rep.Tool.Version), rep.SchemaVersion)
}

// markdownBriefFindings writes findings as headlines grouped by rule, in order of first
// appearance: the rule and its documentation once, each finding's message as one item,
// and the fix once when every finding of the rule shares it (rules word fixes per rule,
// so they usually do). withSeverity marks each item with its severity, for groups of
// mixed severity.
func markdownBriefFindings(w io.Writer, findings []report.Finding, withSeverity bool) {
	var order []string
	groups := map[string][]report.Finding{}
	for _, f := range findings {
		if _, ok := groups[f.Rule]; !ok {
			order = append(order, f.Rule)
		}
		groups[f.Rule] = append(groups[f.Rule], f)
	}
	for _, rule := range order {
		fs := groups[rule]
		if stopped(w) {
			return
		}
		fmt.Fprintf(w, "**[`%s`](%s)** (%d)\n\n", rule, fs[0].DocURL, len(fs))
		for _, f := range fs {
			sev := ""
			if withSeverity {
				sev = sevIcon(f.Severity) + " " + string(f.Severity) + ": "
			}
			count := ""
			if len(f.Addresses) > 1 {
				count = fmt.Sprintf(" (%d addresses)", len(f.Addresses))
			}
			ack := ""
			if f.Acknowledged {
				ack = " — _acknowledged: " + mdText(f.AcknowledgeReason) + "_"
			}
			fmt.Fprintf(w, "- %s%s%s%s\n", sev, mdText(f.Message), count, ack)
		}
		fmt.Fprintln(w)
		if fix, same := sharedFix(fs); same {
			fmt.Fprintf(w, "> **Fix:** %s\n\n", mdMarkup(fix))
		}
	}
}

// sharedFix returns the remediation every finding in fs has, if they all have one.
func sharedFix(fs []report.Finding) (string, bool) {
	for _, f := range fs[1:] {
		if f.Remediation != fs[0].Remediation {
			return "", false
		}
	}
	return fs[0].Remediation, fs[0].Remediation != ""
}

// markdownFindingCounts summarises findings left out of a bounded comment by rule and
// severity, so their number and kind stay visible.
func markdownFindingCounts(w io.Writer, findings []report.Finding) {
	type key struct {
		rule string
		sev  report.Severity
	}
	var order []key
	counts := map[key]int{}
	for _, f := range findings {
		k := key{f.Rule, f.Severity}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	fmt.Fprintf(w, "… and %d more findings, listed in the full report:\n\n", len(findings))
	fmt.Fprintln(w, "| rule | severity | findings |")
	fmt.Fprintln(w, "|---|---|---:|")
	for _, k := range order {
		fmt.Fprintf(w, "| `%s` | %s %s | %d |\n", k.rule, sevIcon(k.sev), k.sev, counts[k])
	}
	fmt.Fprintln(w)
}

// markdownFinding writes one finding. A finding is never cut: brief drops its detail and
// its fix as a whole, detail=false drops the collapsible evidence, and addresses bounds
// the address list (0 shows only the count).
func markdownFinding(w io.Writer, f report.Finding, brief, detail bool, addresses int) {
	ack := ""
	if f.Acknowledged {
		ack = " — _acknowledged: " + mdText(f.AcknowledgeReason) + "_"
	}
	count := ""
	if len(f.Addresses) > 1 && (brief || !detail || addresses == 0) {
		count = fmt.Sprintf(" (%d addresses)", len(f.Addresses))
	}
	fmt.Fprintf(w, "%s **%s** [`%s`](%s): %s%s%s\n", sevIcon(f.Severity), f.Severity, f.Rule, f.DocURL, mdText(f.Message), count, ack)
	if brief {
		fmt.Fprintln(w)
		return
	}
	listAddresses := len(f.Addresses) > 1 && addresses > 0
	if detail && (listAddresses || (len(f.Addresses) <= 1 && len(f.Evidence) > 0)) {
		label := "evidence"
		if listAddresses {
			label = fmt.Sprintf("%d addresses", len(f.Addresses))
		}
		fmt.Fprintf(w, "<details><summary>%s</summary>\n\n", label)
		if listAddresses {
			for i, a := range f.Addresses {
				if i == addresses {
					fmt.Fprintf(w, "- … and %d more (full list in the JSON report)\n", len(f.Addresses)-i)
					break
				}
				fmt.Fprintf(w, "- %s%s\n", code(a), mdEvidenceFor(f, a))
			}
		} else {
			for _, e := range f.Evidence {
				fmt.Fprintf(w, "- %s = %s\n", code(e.Path), code(shorten(e.Value, 160)))
			}
		}
		fmt.Fprint(w, "\n</details>\n\n")
	} else {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "> **Fix:** %s\n\n", mdMarkup(f.Remediation))
}

func mdEvidenceFor(f report.Finding, addr string) string {
	e, ok := f.EvidenceAt(addr)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" — %s = %s", code(e.Path), code(shorten(e.Value, 100)))
}

// code renders s as an inline code span that nothing in s can break out of. Outside a
// table the span shows s as it is; cell escapes its pipes for a table row.
func code(s string) string {
	s = shorten(s, 400)
	if s == "" {
		// `` is no code span: Markdown would pair it with the next double backtick
		// on the line and show what lies between as code.
		return "` `"
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// cell makes rendered Markdown safe inside a table cell: GitHub splits cells at every
// unescaped pipe, even inside code spans.
func cell(md string) string { return strings.ReplaceAll(md, "|", "\\|") }

// mdText escapes prose from the report so that values in it cannot open HTML, mention
// users, break tables or open code spans.
func mdText(s string) string { return strings.ReplaceAll(mdMarkup(s), "`", "\\`") }

// mdMarkup escapes like mdText but keeps backticks, for remediation: rules write it with
// code spans for commands.
func mdMarkup(s string) string {
	if !strings.ContainsAny(s, "\\<>|@\n\r") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString("\\\\")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '|':
			b.WriteString("\\|")
		case '@':
			b.WriteString("@\u200b")
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
