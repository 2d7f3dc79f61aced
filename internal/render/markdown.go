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

var sevIcon = map[report.Severity]string{
	report.Critical: "🔴", report.High: "🟠", report.Medium: "🟡", report.Low: "🔵", report.Info: "⚪",
}

// Markdown writes the report for a pull-request comment: the verdict and the findings
// first, the change list collapsed below.
func Markdown(w io.Writer, rep *report.Report, _ Options) error {
	bw := bufio.NewWriter(w)
	v := rep.Verdict
	head := "✅ hiyari: safe to apply"
	if v.Status == "fail" {
		head = "⛔ hiyari: do not apply"
	} else if v.Highest != "" {
		head = "⚠️ hiyari: review the findings"
	}
	fmt.Fprintf(bw, "## %s\n\n", head)
	fmt.Fprintf(bw, "%s.\n\n", mdText(v.Reason))
	var ctx []string
	ctx = append(ctx, "plan "+code(rep.Input.Source))
	if rep.Input.TerraformVersion != "" {
		ctx = append(ctx, "Terraform "+rep.Input.TerraformVersion)
	}
	if rep.Context.Env != "" {
		ctx = append(ctx, "expected environment "+code(rep.Context.Env))
	}
	fmt.Fprintf(bw, "%s\n\n", strings.Join(ctx, " · "))
	s := rep.Summary
	fmt.Fprintln(bw, "| create | update | delete | replace | read | move | import | forget | drift |")
	fmt.Fprintln(bw, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(bw, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
		s.Create, s.Update, s.Delete, s.Replace+s.ReplaceCreateFirst, s.Read, s.Move, s.Import, s.Forget, s.Drift)

	if len(rep.Findings) > 0 {
		fmt.Fprintf(bw, "### Findings (%d)\n\n", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		ack := ""
		if f.Acknowledged {
			ack = " — _acknowledged: " + mdText(f.AcknowledgeReason) + "_"
		}
		fmt.Fprintf(bw, "%s **%s** [`%s`](%s): %s%s\n", sevIcon[f.Severity], f.Severity, f.Rule, f.DocURL, mdText(f.Message), ack)
		if len(f.Addresses) > 1 || len(f.Evidence) > 0 {
			label := "evidence"
			if len(f.Addresses) > 1 {
				label = fmt.Sprintf("%d addresses", len(f.Addresses))
			}
			fmt.Fprintf(bw, "<details><summary>%s</summary>\n\n", label)
			if len(f.Addresses) > 1 {
				for i, a := range f.Addresses {
					if i == maxMarkdownAddresses {
						fmt.Fprintf(bw, "- … and %d more (full list in the JSON report)\n", len(f.Addresses)-i)
						break
					}
					fmt.Fprintf(bw, "- %s%s\n", code(a), mdEvidenceFor(f, a))
				}
			} else {
				for _, e := range f.Evidence {
					fmt.Fprintf(bw, "- %s = %s\n", code(e.Path), code(shorten(e.Value, 160)))
				}
			}
			fmt.Fprint(bw, "\n</details>\n\n")
		} else {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "> **Fix:** %s\n\n", mdMarkup(f.Remediation))
	}

	markdownBlast(bw, rep, -1)
	markdownRunbook(bw, rep)

	if len(rep.Changes) > 0 {
		fmt.Fprintf(bw, "<details><summary>Changes (%d)</summary>\n\n", len(rep.Changes))
		fmt.Fprintln(bw, "| action | address | reason |")
		fmt.Fprintln(bw, "|---|---|---|")
		for _, c := range rep.Changes {
			addr := cell(code(c.Address))
			if c.PreviousAddress != "" {
				addr += " ← " + cell(code(c.PreviousAddress))
			}
			action := c.Action
			if c.Importing {
				action += " (import)"
			}
			fmt.Fprintf(bw, "| %s | %s | %s |\n", action, addr, mdText(c.ActionReason))
		}
		fmt.Fprint(bw, "\n</details>\n\n")
	}
	if len(rep.Drift) > 0 {
		fmt.Fprintf(bw, "<details><summary>Drift outside Terraform (%d)</summary>\n\n", len(rep.Drift))
		for _, c := range rep.Drift {
			fmt.Fprintf(bw, "- %s %s\n", c.Action, code(c.Address))
		}
		fmt.Fprint(bw, "\n</details>\n\n")
	}
	fmt.Fprintf(bw, "<sub>hiyari %s · report schema %s</sub>\n", mdText(rep.Tool.Version), rep.SchemaVersion)
	return bw.Flush()
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
	r := strings.NewReplacer(
		"\\", "\\\\", "<", "&lt;", ">", "&gt;", "|", "\\|", "@", "@\u200b", "\n", " ", "\r", " ",
	)
	return r.Replace(s)
}
