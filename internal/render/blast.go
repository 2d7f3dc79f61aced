package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// maxGraphNodes bounds the Mermaid blast-radius graph. A larger blast radius is drawn
// with one node per resource type and data-loss class, labelled with counts.
const maxGraphNodes = 40

// maxStepDependents bounds the dependents named under one runbook step in Markdown
// and text; the JSON report names them all.
const maxStepDependents = 10

// classOrder lists the data-loss classes worst first.
var classOrder = []string{"lost", "retried", "availability", "none"}

var classIcon = map[string]string{"lost": "🔴", "retried": "🟠", "availability": "🟡", "none": "⚪"}

// markdownBlast writes the blast radius: what else breaks when the plan deletes or
// replaces something, as a Mermaid graph and a table. It lists at most maxRows
// dependents (all when maxRows < 0) and returns how many it left out, so a
// size-bounded comment can say so.
func markdownBlast(w io.Writer, rep *report.Report, maxRows int) (omitted int) {
	if len(rep.BlastRadius) == 0 {
		return 0
	}
	fmt.Fprintf(w, "### Blast radius (%d)\n\n", len(rep.BlastRadius))
	fmt.Fprintf(w, "%s.\n\n", mdText(blastHeadline(rep)))
	markdownBlastGraph(w, rep, maxGraphNodes)
	fmt.Fprintln(w, "| deleted or replaced | dependent | via | impact | data loss |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for i, im := range rep.BlastRadius {
		if maxRows >= 0 && i == maxRows {
			omitted = len(rep.BlastRadius) - i
			fmt.Fprintf(w, "\n… and %d more dependents (full list in the JSON report)\n", omitted)
			break
		}
		cause := cell(code(im.Cause)) + " " + causeWord(im)
		dep := cell(code(im.Dependent))
		if im.Source != "" && im.Source != "plan" {
			dep += " (state " + cell(code(filepath.Base(im.Source))) + ")"
		}
		via := cell(code(im.Via))
		if im.Identifier != "" {
			via += " = " + cell(code(shorten(im.Identifier, 100)))
		}
		impact := mdText(im.Impact)
		if im.Hazard != "" {
			impact = "**replace hazard " + mdText(im.Hazard) + "**: " + impact
		}
		loss := classIcon[im.DataLoss] + " " + mdText(im.DataLoss)
		if im.Window != "" {
			loss += " (" + mdText(im.Window) + ")"
		}
		if im.Detail != "" {
			loss += "<br>" + mdText(im.Detail)
		}
		if len(im.Recovery) > 0 {
			loss += "<br>steps: " + mdText(strings.Join(im.Recovery, ", "))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", cause, dep, via, impact, loss)
	}
	fmt.Fprintln(w)
	return omitted
}

// causeWord says what happens to the cause of an impact, in a table cell.
func causeWord(im report.Impact) string {
	switch {
	case im.Depth > 1 && im.Root != "":
		return "(broken: depends on " + cell(code(im.Root)) + ")"
	case im.CauseAction != "":
		return "(" + mdText(im.CauseAction) + ")"
	}
	return ""
}

// blastHeadline is one sentence counting the blast radius by data-loss class.
func blastHeadline(rep *report.Report) string {
	byClass := map[string]int{}
	roots := map[string]bool{}
	deps := map[string]bool{}
	for _, im := range rep.BlastRadius {
		byClass[im.DataLoss]++
		root := im.Root
		if root == "" {
			root = im.Cause
		}
		roots[root] = true
		deps[im.Source+"\x00"+im.Dependent] = true
	}
	var parts []string
	for _, c := range classOrder {
		if n := byClass[c]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c, n))
		}
	}
	s := fmt.Sprintf("%d dependent %s of %d deleted or replaced %s; data loss: %s",
		len(deps), plural(len(deps), "resource", "resources"), len(roots), plural(len(roots), "resource", "resources"), strings.Join(parts, ", "))
	if rep.BlastSummary != nil && len(rep.BlastSummary.States) > 0 {
		names := make([]string, len(rep.BlastSummary.States))
		for i, st := range rep.BlastSummary.States {
			names[i] = filepath.Base(st)
		}
		s += "; extra states searched: " + strings.Join(names, ", ")
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// graphNode is one node of the blast-radius graph.
type graphNode struct {
	id    string
	label string
	class string
}

// markdownBlastGraph writes the blast radius as a Mermaid flowchart: deleted and
// replaced resources on the left, arrows to their dependents, dependents coloured by
// their worst data-loss class. With more than maxNodes resources, nodes are grouped by
// resource type (and data-loss class for dependents) and labelled with counts. Node
// ids are generated (n0, n1, …) and labels escaped, so nothing in an address can end a
// label or the diagram.
func markdownBlastGraph(w io.Writer, rep *report.Report, maxNodes int) {
	if len(rep.BlastRadius) == 0 {
		return
	}
	type edgeKey struct{ from, to string }
	nodes := map[string]*graphNode{}
	var order []string
	node := func(key, label, class string) *graphNode {
		n, ok := nodes[key]
		if !ok {
			n = &graphNode{id: fmt.Sprintf("n%d", len(order)), label: label}
			nodes[key] = n
			order = append(order, key)
		}
		if class != "" && (n.class == "" || classRank(class) < classRank(n.class)) {
			n.class = class
		}
		return n
	}
	edges := map[edgeKey]int{}
	var edgeOrder []edgeKey
	edgeVia := map[edgeKey]string{}
	addEdge := func(from, to *graphNode, via string) {
		k := edgeKey{from.id, to.id}
		if _, ok := edges[k]; !ok {
			edgeOrder = append(edgeOrder, k)
			edgeVia[k] = via
		} else if edgeVia[k] != via {
			edgeVia[k] = ""
		}
		edges[k]++
	}

	// Count distinct resources first to choose between the detailed and the grouped graph.
	distinct := map[string]bool{}
	for _, im := range rep.BlastRadius {
		distinct["c\x00"+im.Cause] = true
		distinct["d\x00"+im.Source+"\x00"+im.Dependent] = true
	}
	grouped := len(distinct) > maxNodes
	// depKey finds the node of a dependent that is the cause of a deeper impact.
	depKey := map[string]string{}
	counts := map[string]map[string]bool{}
	count := func(key, member string) {
		if counts[key] == nil {
			counts[key] = map[string]bool{}
		}
		counts[key][member] = true
	}
	for _, im := range rep.BlastRadius {
		causeClass := "cause"
		if im.Depth > 1 {
			causeClass = ""
		}
		var from, to *graphNode
		if grouped {
			ck := "cause\x00" + im.CauseType + "\x00" + im.CauseAction
			if im.Depth > 1 {
				ck = "dep\x00" + im.CauseType
			}
			from = node(ck, im.CauseType+" "+im.CauseAction, causeClass)
			count(ck, im.Cause)
			dk := "dep\x00" + im.Type
			to = node(dk, im.Type, im.DataLoss)
			count(dk, im.Source+"\x00"+im.Dependent)
		} else {
			label := im.Cause
			if im.Depth <= 1 {
				label += "\n" + im.CauseAction
			}
			ck, ok := depKey[im.Cause]
			if !ok || im.Depth <= 1 {
				ck = im.Cause
			}
			from = node(ck, label, causeClass)
			dlabel, dk := im.Dependent, im.Dependent
			if im.Source != "" && im.Source != "plan" {
				dlabel += "\nstate " + filepath.Base(im.Source)
				dk = im.Source + "\x00" + im.Dependent
			}
			depKey[im.Dependent] = dk
			to = node(dk, dlabel, im.DataLoss)
		}
		addEdge(from, to, im.Via)
	}

	fmt.Fprintln(w, "```mermaid")
	fmt.Fprintln(w, "flowchart LR")
	shownNodes := order
	if len(shownNodes) > maxNodes {
		shownNodes = shownNodes[:maxNodes]
	}
	shown := map[string]bool{}
	for _, key := range shownNodes {
		n := nodes[key]
		shown[n.id] = true
		label := n.label
		if grouped {
			label = fmt.Sprintf("%s ×%d", label, len(counts[key]))
		}
		class := n.class
		if class == "" {
			class = "none"
		}
		fmt.Fprintf(w, "  %s[\"%s\"]:::%s\n", n.id, mermaidText(label), class)
	}
	for _, k := range edgeOrder {
		if !shown[k.from] || !shown[k.to] {
			continue
		}
		label := edgeVia[k]
		if grouped {
			label = fmt.Sprintf("%d", edges[k])
		}
		if label == "" {
			fmt.Fprintf(w, "  %s --> %s\n", k.from, k.to)
		} else {
			fmt.Fprintf(w, "  %s -->|\"%s\"| %s\n", k.from, mermaidText(label), k.to)
		}
	}
	if hidden := len(order) - len(shownNodes); hidden > 0 {
		fmt.Fprintf(w, "  more[\"… %d more groups: see the table and the JSON report\"]:::none\n", hidden)
	}
	fmt.Fprintln(w, "  classDef cause fill:#24292f,stroke:#24292f,color:#ffffff")
	fmt.Fprintln(w, "  classDef lost fill:#cf222e,stroke:#82071e,color:#ffffff")
	fmt.Fprintln(w, "  classDef retried fill:#fb8f44,stroke:#bc4c00,color:#000000")
	fmt.Fprintln(w, "  classDef availability fill:#eac54f,stroke:#9a6700,color:#000000")
	fmt.Fprintln(w, "  classDef none fill:#eaeef2,stroke:#6e7781,color:#000000")
	fmt.Fprintln(w, "```")
	fmt.Fprintln(w)
	if grouped {
		fmt.Fprintf(w, "_%d resources, drawn grouped by resource type; the table lists each._\n\n", len(distinct))
	}
}

// classRank orders data-loss classes worst first; unknown classes last.
func classRank(c string) int {
	for i, x := range classOrder {
		if x == c {
			return i
		}
	}
	return len(classOrder)
}

// mermaidText makes text safe inside a quoted Mermaid label: quotes, angle brackets,
// backticks and the entity marker become Mermaid entity codes, line breaks <br/>, and
// other control characters disappear, so an address cannot end the label, the node
// or the code fence.
func mermaidText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = mermaidLine(shorten(l, 120))
	}
	return strings.Join(lines, "<br/>")
}

func mermaidLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString("#quot;")
		case r == '#':
			b.WriteString("#35;")
		case r == '<':
			b.WriteString("#lt;")
		case r == '>':
			b.WriteString("#gt;")
		case r == '`':
			b.WriteString("#96;")
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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
			fmt.Fprintf(w, " — for %s", stepDependents(s.For, code))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// stepDependents lists the dependents a step is for, at most maxStepDependents.
func stepDependents(addrs []string, quote func(string) string) string {
	n := min(len(addrs), maxStepDependents)
	out := make([]string, n)
	for i, a := range addrs[:n] {
		out[i] = quote(a)
	}
	s := strings.Join(out, ", ")
	if rest := len(addrs) - n; rest > 0 {
		s += fmt.Sprintf(" and %d more", rest)
	}
	return s
}

// textBlast writes the blast radius and the runbook for a terminal.
func textBlast(w io.Writer, rep *report.Report, paint func(code, s string) string) {
	if len(rep.BlastRadius) == 0 {
		return
	}
	fmt.Fprintf(w, "\nBlast radius (%d): %s\n", len(rep.BlastRadius), printable(blastHeadline(rep)))
	lastRoot := ""
	for i, im := range rep.BlastRadius {
		if i == maxTextImpacts {
			fmt.Fprintf(w, "\n  … and %d more (see --format json)\n", len(rep.BlastRadius)-i)
			break
		}
		root := im.Root
		if root == "" {
			root = im.Cause
		}
		if root != lastRoot {
			lastRoot = root
			action := im.CauseAction
			if im.Depth > 1 {
				action = ""
			}
			fmt.Fprintf(w, "\n  %s", paint(ansiBold, printable(root)))
			if action != "" {
				fmt.Fprintf(w, " (%s)", action)
			}
			fmt.Fprintln(w)
		}
		loss := strings.ToUpper(im.DataLoss)
		color := ansiDim
		switch im.DataLoss {
		case "lost":
			color = ansiRed
		case "retried", "availability":
			color = ansiYel
		}
		dep := printable(im.Dependent)
		if im.Source != "" && im.Source != "plan" {
			dep += "  [state " + printable(filepath.Base(im.Source)) + "]"
		}
		if im.Depth > 1 {
			dep += "  (through " + printable(im.Cause) + ")"
		}
		fmt.Fprintf(w, "    %s %s\n", paint(color+ansiBold, fmt.Sprintf("%-12s", loss)), dep)
		via := printable(im.Via)
		if im.Identifier != "" {
			via += " = " + printable(shorten(im.Identifier, 100))
		}
		fmt.Fprintf(w, "                 via %s (%s)\n", via, im.FoundBy)
		impact := printable(im.Impact)
		if im.Hazard != "" {
			impact = "replace hazard " + printable(im.Hazard) + ": " + impact
		}
		fmt.Fprintf(w, "                 %s\n", impact)
		if im.Window != "" || im.Detail != "" {
			fmt.Fprintf(w, "                 data loss: %s", im.DataLoss)
			if im.Window != "" {
				fmt.Fprintf(w, " (%s)", printable(im.Window))
			}
			if im.Detail != "" {
				fmt.Fprintf(w, ": %s", printable(im.Detail))
			}
			fmt.Fprintln(w)
		}
		if len(im.Recovery) > 0 {
			fmt.Fprintf(w, "                 steps: %s\n", printable(strings.Join(im.Recovery, ", ")))
		}
	}
	if len(rep.Runbook) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRunbook (%d steps):\n", len(rep.Runbook))
	for i, s := range rep.Runbook {
		fmt.Fprintf(w, "\n  %d. [%s] %s\n", i+1, printable(s.Service), paint(ansiBold, s.ID))
		fmt.Fprintf(w, "     %s\n", printable(s.Text))
		if len(s.For) > 0 {
			fmt.Fprintf(w, "     for: %s\n", printable(stepDependents(s.For, func(a string) string { return a })))
		}
	}
}

// maxTextImpacts bounds the blast-radius entries listed in text.
const maxTextImpacts = 50
