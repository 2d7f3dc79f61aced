package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// markdownBlast writes the blast radius: what else breaks when the plan deletes or
// replaces something. It lists at most maxRows dependents (all when maxRows < 0) and
// returns how many it left out, so a size-bounded comment can say so.
func markdownBlast(w io.Writer, rep *report.Report, maxRows int) (omitted int) {
	if len(rep.BlastRadius) == 0 {
		return 0
	}
	fmt.Fprintf(w, "### Blast radius (%d)\n\n", len(rep.BlastRadius))
	fmt.Fprintln(w, "| deleted or replaced | dependent | via | impact | data loss |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for i, im := range rep.BlastRadius {
		if maxRows >= 0 && i == maxRows {
			omitted = len(rep.BlastRadius) - i
			fmt.Fprintf(w, "\n… and %d more dependents (full list in the JSON report)\n", omitted)
			break
		}
		loss := im.DataLoss
		if im.Window != "" {
			loss += " (" + im.Window + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n",
			cell(code(im.Cause)), cell(code(im.Dependent)), cell(code(im.Via)), mdText(im.Impact), mdText(loss))
	}
	fmt.Fprintln(w)
	return omitted
}

// markdownRunbook writes every recovery step, in order. It is never shortened: a step
// left out is a step an operator misses during an incident.
func markdownRunbook(w io.Writer, rep *report.Report) {
	if len(rep.Runbook) == 0 {
		return
	}
	fmt.Fprintf(w, "### Runbook (%d steps)\n\n", len(rep.Runbook))
	for i, s := range rep.Runbook {
		fmt.Fprintf(w, "%d. **%s**: %s", i+1, mdText(s.Service), mdMarkup(s.Text))
		if len(s.For) > 0 {
			fors := make([]string, len(s.For))
			for j, a := range s.For {
				fors[j] = code(a)
			}
			fmt.Fprintf(w, " — for %s", strings.Join(fors, ", "))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}
