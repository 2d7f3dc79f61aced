package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiGreen = "\x1b[32m"
	ansiDim   = "\x1b[2m"
)

// maxTextAddresses bounds the addresses listed under one aggregated finding in text.
const maxTextAddresses = 20

// Text writes the report for a terminal: verdict first, then findings, the blast
// radius and runbook, then changes.
func Text(w io.Writer, rep *report.Report, opts Options) error {
	rep.Await()
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	sevColor := func(s report.Severity) string {
		switch s {
		case report.Critical, report.High:
			return ansiRed
		case report.Medium:
			return ansiYel
		}
		return ansiDim
	}
	v := rep.Verdict
	status := paint(ansiGreen+ansiBold, "PASS")
	if v.Status == "fail" {
		status = paint(ansiRed+ansiBold, "FAIL")
	}
	fmt.Fprintf(bw, "hiyari %s  %s\n", status, printable(v.Reason))
	fmt.Fprintf(bw, "plan:     %s", printable(rep.Input.Source))
	if rep.Input.TerraformVersion != "" {
		fmt.Fprintf(bw, " (Terraform %s)", printable(rep.Input.TerraformVersion))
	}
	fmt.Fprintln(bw)
	if rep.Context.Env != "" {
		fmt.Fprintf(bw, "expected: environment %s (%s)\n", printable(rep.Context.Env), rep.Context.EnvSource)
	}
	writeTextStateContext(bw, rep)
	fmt.Fprintf(bw, "changes:  %s", strings.Join(summaryParts(rep.Summary), ", "))
	if rep.Summary.Drift > 0 {
		fmt.Fprintf(bw, "; %d drifted outside Terraform", rep.Summary.Drift)
	}
	fmt.Fprintln(bw)
	if len(rep.Findings) == 0 {
		fmt.Fprintln(bw, "\nNo findings.")
	} else {
		fmt.Fprintf(bw, "\nFindings (%d):\n", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		sev := fmt.Sprintf("%-8s", strings.ToUpper(string(f.Severity)))
		ack := ""
		if f.Acknowledged {
			ack = paint(ansiDim, " [acknowledged: "+printable(f.AcknowledgeReason)+"]")
		}
		fmt.Fprintf(bw, "\n  %s %s%s\n", paint(sevColor(f.Severity)+ansiBold, sev), paint(ansiBold, f.Rule), ack)
		fmt.Fprintf(bw, "           %s\n", printable(f.Message))
		if len(f.Addresses) > 1 {
			for i, a := range f.Addresses {
				if i == maxTextAddresses {
					fmt.Fprintf(bw, "           … and %d more (see --format json)\n", len(f.Addresses)-i)
					break
				}
				fmt.Fprintf(bw, "           - %s%s\n", printable(a), evidenceFor(f, a))
			}
		} else {
			for _, e := range f.Evidence {
				fmt.Fprintf(bw, "           %s = %s\n", printable(e.Path), printable(shorten(e.Value, 120)))
			}
		}
		fmt.Fprintf(bw, "           fix: %s\n", printable(f.Remediation))
		fmt.Fprintf(bw, "           %s\n", paint(ansiDim, f.DocURL))
	}
	textBlast(bw, rep, paint)
	if n := rep.NumChanges(); n > 0 {
		fmt.Fprintf(bw, "\nChanges (%d):\n", n)
		rep.EachChange(func(c report.Change) bool {
			line := fmt.Sprintf("  %-24s %s", c.Action, printable(c.Address))
			if c.PreviousAddress != "" {
				line += " (moved from " + printable(c.PreviousAddress) + ")"
			}
			if c.Importing {
				line += " (import)"
			}
			if c.ActionReason != "" {
				line += paint(ansiDim, "  ["+printable(c.ActionReason)+"]")
			}
			fmt.Fprintln(bw, line)
			return true
		})
	}
	return bw.Flush()
}

// evidenceFor returns " (path = value)" for an address in an aggregated finding.
func evidenceFor(f report.Finding, addr string) string {
	e, ok := f.EvidenceAt(addr)
	if !ok {
		return ""
	}
	return fmt.Sprintf("  (%s = %s)", printable(e.Path), printable(shorten(e.Value, 80)))
}

// printable replaces control characters in text from the plan: an escape sequence in a
// tag or name must not drive the terminal, and a newline must not forge a line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return '\uFFFD'
		}
		return r
	}, s)
}
