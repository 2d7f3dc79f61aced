package render

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// Bounds limits the size of a Markdown report and says where the full one is.
type Bounds struct {
	// Budget is the most the Markdown may measure; 0 or less means no limit.
	Budget int
	// Measure measures text in the unit of Budget; nil counts Unicode code points,
	// as GitHub counts a comment. A byte-limited target (the job summary) passes
	// a byte count. It must be additive: the measure of a concatenation is the
	// sum of the measures of its parts.
	Measure func(string) int
	// LimitName names the limit in the note, e.g. "GitHub's 65,536-character
	// comment limit"; empty says "the size limit".
	LimitName string
	// FullReportURL is where the whole report can be read (the run's job summary),
	// linked from the note when something is left out. Only http(s) URLs are used.
	FullReportURL string
	// FullReportFile is the JSON report file (--out), named in the note.
	FullReportFile string
}

// Fit reports what MarkdownBounded wrote.
type Fit struct {
	// Size is the written Markdown as Bounds.Measure counts it.
	Size int
	// Shortened is true when something was left out to stay within the budget.
	Shortened bool
	// Omitted says what was left out, one item per kind of detail, in the order it
	// was dropped.
	Omitted []string
}

// BudgetError means not even the smallest rendering fits: the verdict, the
// omission note and the footer alone exceed the budget.
type BudgetError struct {
	// Budget is the budget asked for; Smallest the size of the smallest rendering.
	Budget, Smallest int
}

// Error names both sizes.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("render bounded Markdown: the smallest rendering measures %d, over the budget of %d", e.Smallest, e.Budget)
}

// blastKeep is how many blast-radius rows survive until the findings' own detail
// has been reduced: the first rows are the most direct dependents.
const blastKeep = 10

// MarkdownBounded writes the report as Markdown (as Markdown does) that measures at
// most b.Budget. When the whole report does not fit it leaves out the lowest-value
// detail first, in this order, each only as far as needed:
//
//  1. rows of the change list, then of the drift list;
//  2. the evidence of low and info findings;
//  3. blast-radius rows beyond the first 10;
//  4. address lists inside findings (to 10 each, then to their count);
//  5. the evidence of medium and high findings; the remaining blast-radius rows;
//  6. the detail and fix of non-critical findings (headlines stay), then those headlines;
//  7. the evidence and the fix of critical findings (headlines stay);
//  8. the runbook, as a whole: a runbook is never cut between steps;
//  9. critical headlines, from the last: the absurd case of a plan whose critical
//     headlines alone overflow the budget, which the note then says plainly.
//
// A finding or a runbook step is never cut in the middle. Whatever is left out is
// listed in a note under the verdict, with where the full report is. The Markdown
// written is always one that was measured to fit.
func MarkdownBounded(w io.Writer, rep *report.Report, b Bounds) (Fit, error) {
	rep.Await()
	measure := b.Measure
	if measure == nil {
		measure = utf8.RuneCountInString
	}
	render := func(l layout) (string, int) {
		var sb strings.Builder
		writeMarkdown(&sb, rep, l, b)
		s := sb.String()
		return s, measure(s)
	}
	l := fullLayout()
	if b.Budget <= 0 {
		s, n := render(l)
		_, err := io.WriteString(w, s)
		return Fit{Size: n}, err
	}
	// A trial rendering stops as soon as it is over the budget: most trials of a
	// large plan are, and rendering the rest of them would be wasted.
	fits := func(l layout) (string, int, bool) {
		lw := &limitWriter{budget: b.Budget, measure: measure}
		writeMarkdown(lw, rep, l, b)
		if lw.over {
			return "", lw.n, false
		}
		return lw.sb.String(), lw.n, true
	}
	done := func(s string, n int, l layout) (Fit, error) {
		fit := Fit{Size: n}
		fit.Omitted = omissions(rep, l)
		fit.Shortened = len(fit.Omitted) > 0
		_, err := io.WriteString(w, s)
		return fit, err
	}
	if s, n, ok := fits(l); ok {
		return done(s, n, l)
	}

	// shrink finds the largest value in [lo, hi] of one row count that fits, with
	// everything else as it is now. When even lo does not fit, it sets lo and the
	// next kind of detail goes.
	shrink := func(set func(*layout, int), lo, hi int) (string, int, bool) {
		cand := l
		set(&cand, lo)
		best, bestN, ok := fits(cand)
		if !ok {
			set(&l, lo)
			return "", 0, false
		}
		bestK := lo
		for a, z := lo+1, hi; a <= z; {
			m := a + (z-a)/2
			cand := l
			set(&cand, m)
			if s, n, ok := fits(cand); ok {
				best, bestN, bestK = s, n, m
				a = m + 1
			} else {
				z = m - 1
			}
		}
		set(&l, bestK)
		return best, bestN, true
	}
	// toggle applies one change of layout and reports whether it now fits.
	toggle := func(change func(*layout)) (string, int, bool) {
		change(&l)
		return fits(l)
	}

	critical, others := splitCritical(rep.Findings)
	steps := []func() (string, int, bool){
		func() (string, int, bool) {
			return shrink(func(l *layout, k int) { l.changes = k }, 0, rep.NumChanges())
		},
		func() (string, int, bool) { return shrink(func(l *layout, k int) { l.drift = k }, 0, len(rep.Drift)) },
		func() (string, int, bool) { return toggle(func(l *layout) { l.lowEvidence = false }) },
		func() (string, int, bool) {
			n := len(rep.BlastRadius)
			return shrink(func(l *layout, k int) { l.blast = k }, min(blastKeep, n), n)
		},
		func() (string, int, bool) { return toggle(func(l *layout) { l.addresses = 10 }) },
		func() (string, int, bool) { return toggle(func(l *layout) { l.addresses = 0 }) },
		func() (string, int, bool) { return toggle(func(l *layout) { l.evidence = false }) },
		func() (string, int, bool) {
			return shrink(func(l *layout, k int) { l.blast = k }, 0, min(blastKeep, len(rep.BlastRadius)))
		},
		func() (string, int, bool) { return toggle(func(l *layout) { l.othersBrief = true }) },
		func() (string, int, bool) {
			// The blast radius comes before other findings: its first rows are
			// back before any non-critical headline is kept.
			saved := l.blast
			l.blast = min(blastKeep, len(rep.BlastRadius))
			if s, n, ok := shrink(func(l *layout, k int) { l.others = k }, 0, len(others)); ok {
				return s, n, true
			}
			l.blast = saved
			return "", 0, false
		},
		func() (string, int, bool) { return toggle(func(l *layout) { l.criticalEvidence = false }) },
		func() (string, int, bool) { return toggle(func(l *layout) { l.criticalBrief = true }) },
		func() (string, int, bool) { return toggle(func(l *layout) { l.runbook = false }) },
		func() (string, int, bool) {
			return shrink(func(l *layout, k int) { l.criticals = k }, 0, len(critical))
		},
	}
	// Once a step fits, the budget it leaves goes back to rows dropped earlier,
	// most valuable first: the first blast-radius rows, finding headlines, the
	// other blast-radius rows, changes, drift.
	refill := []struct {
		set func(*layout, int)
		get func(layout) int
		n   int
	}{
		{func(l *layout, k int) { l.blast = k }, func(l layout) int { return l.blast }, min(blastKeep, len(rep.BlastRadius))},
		{func(l *layout, k int) { l.others = k }, func(l layout) int { return l.others }, len(others)},
		{func(l *layout, k int) { l.blast = k }, func(l layout) int { return l.blast }, len(rep.BlastRadius)},
		{func(l *layout, k int) { l.changes = k }, func(l layout) int { return l.changes }, rep.NumChanges()},
		{func(l *layout, k int) { l.drift = k }, func(l layout) int { return l.drift }, len(rep.Drift)},
	}
	for _, step := range steps {
		s, n, ok := step()
		if !ok {
			continue
		}
		for i, r := range refill {
			// Change and drift rows only come back when every finding is shown.
			if i >= 3 && (shown(l.others, len(others)) < len(others) || shown(l.criticals, len(critical)) < len(critical)) {
				break
			}
			if cur := shown(r.get(l), r.n); cur < r.n {
				if s2, n2, ok := shrink(r.set, cur, r.n); ok {
					s, n = s2, n2
				}
			}
		}
		return done(s, n, l)
	}
	_, n := render(l)
	return Fit{}, &BudgetError{Budget: b.Budget, Smallest: n}
}

// limitWriter keeps what is written until it measures more than budget, then
// only notes that it is over. Measure must be additive over concatenation, as
// counting runes or bytes is.
type limitWriter struct {
	sb      strings.Builder
	n       int
	budget  int
	measure func(string) int
	over    bool
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.over {
		return len(p), nil
	}
	w.n += w.measure(string(p))
	if w.n > w.budget {
		w.over = true
		return len(p), nil
	}
	w.sb.Write(p)
	return len(p), nil
}

// stopped reports whether w is a limitWriter already over its budget, so long
// loops can end early.
func stopped(w io.Writer) bool {
	lw, ok := w.(*limitWriter)
	return ok && lw.over
}

func splitCritical(findings []report.Finding) (critical, others []report.Finding) {
	for _, f := range findings {
		if f.Severity == report.Critical {
			critical = append(critical, f)
		} else {
			others = append(others, f)
		}
	}
	return critical, others
}

// omissions lists what layout l leaves out of rep, in the order MarkdownBounded drops it.
func omissions(rep *report.Report, l layout) []string {
	critical, others := splitCritical(rep.Findings)
	var out []string
	partial := func(limit, n int, what string) {
		if k := shown(limit, n); k < n {
			out = append(out, fmt.Sprintf("%s of %s %s", thousands(n-k), thousands(n), what))
		}
	}
	partial(l.changes, rep.NumChanges(), "changes")
	partial(l.drift, len(rep.Drift), "drift entries")
	count := func(fs []report.Finding, keep func(report.Finding) bool) int {
		n := 0
		for _, f := range fs {
			if keep(f) {
				n++
			}
		}
		return n
	}
	hasDetail := func(f report.Finding) bool { return len(f.Evidence) > 0 || len(f.Addresses) > 1 }
	low := func(f report.Finding) bool { return f.Severity == report.Low || f.Severity == report.Info }
	shownOthers := others[:shown(l.others, len(others))]
	if !l.othersBrief {
		if n := count(shownOthers, func(f report.Finding) bool { return low(f) && hasDetail(f) }); !l.lowEvidence && n > 0 {
			out = append(out, fmt.Sprintf("the evidence of %s low and info findings", thousands(n)))
		}
	}
	partial(l.blast, len(rep.BlastRadius), "blast-radius rows")
	if l.addresses < maxMarkdownAddresses {
		if n := count(rep.Findings, func(f report.Finding) bool { return len(f.Addresses) > max(l.addresses, 1) }); n > 0 {
			if l.addresses == 0 {
				out = append(out, fmt.Sprintf("the address lists of %s findings (their counts are shown)", thousands(n)))
			} else {
				out = append(out, fmt.Sprintf("addresses beyond the first %d in %s findings", l.addresses, thousands(n)))
			}
		}
	}
	if !l.othersBrief {
		if n := count(shownOthers, func(f report.Finding) bool { return !low(f) && hasDetail(f) }); !l.evidence && n > 0 {
			out = append(out, fmt.Sprintf("the evidence of %s high and medium findings", thousands(n)))
		}
	} else if len(shownOthers) > 0 {
		out = append(out, fmt.Sprintf("the evidence of %s non-critical findings (their headlines are grouped by rule)", thousands(len(shownOthers))))
	}
	partial(l.others, len(others), "non-critical findings (counted by rule)")
	shownCritical := critical[:shown(l.criticals, len(critical))]
	if l.criticalBrief && len(shownCritical) > 0 {
		out = append(out, fmt.Sprintf("the evidence of %s critical findings (their headlines are grouped by rule, with the rule's fix)", thousands(len(shownCritical))))
	} else if n := count(shownCritical, hasDetail); !l.criticalEvidence && n > 0 {
		out = append(out, fmt.Sprintf("the evidence of %s critical findings", thousands(n)))
	}
	if !l.runbook && len(rep.Runbook) > 0 {
		out = append(out, fmt.Sprintf("the runbook (%d steps)", len(rep.Runbook)))
	}
	partial(l.criticals, len(critical), "critical findings")
	return out
}

// omissionNote is the note under the verdict saying what l leaves out and where the
// full report is; "" when l leaves nothing out.
func omissionNote(rep *report.Report, critical, _ []report.Finding, l layout, b Bounds) string {
	items := omissions(rep, l)
	if len(items) == 0 {
		return ""
	}
	limit := b.LimitName
	if limit == "" {
		limit = "the size limit"
	}
	var sb strings.Builder
	kind := "NOTE"
	if shown(l.criticals, len(critical)) < len(critical) || !l.runbook {
		kind = "WARNING"
	}
	fmt.Fprintf(&sb, "> [!%s]\n", kind)
	fmt.Fprintf(&sb, "> **Shortened to fit %s.** Left out: %s.", mdText(limit), mdText(strings.Join(items, "; ")))
	if n := shown(l.criticals, len(critical)); n < len(critical) {
		fmt.Fprintf(&sb, " **Not every critical finding fits:** %s of %s are listed here as headlines; read all of them in the full report before applying.", thousands(n), thousands(len(critical)))
	} else {
		sb.WriteString(" No finding and no runbook step is cut in the middle.")
	}
	var where []string
	if u := b.FullReportURL; safeURL(u) {
		where = append(where, fmt.Sprintf("[the job summary of this run](%s)", u))
	}
	if b.FullReportFile != "" {
		where = append(where, "the JSON report "+code(b.FullReportFile)+" (`--out`)")
	}
	if len(where) > 0 {
		fmt.Fprintf(&sb, " The full report is in %s.", strings.Join(where, " and in "))
	} else {
		sb.WriteString(" For the full report run `hiyari plan review --format json`, or pass `--out FILE`.")
	}
	sb.WriteString("\n\n")
	return sb.String()
}

// safeURL accepts an absolute http(s) URL that cannot break out of a Markdown link.
func safeURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " ()<>\"'`\\\n\r\t[]") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// thousands writes n with comma separators: 20,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
