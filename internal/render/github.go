package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// AnnotationsPerLevel is how many annotations of one level (error, warning,
// notice) GitHub shows for a step; more are dropped silently.
const AnnotationsPerLevel = 10

// GitHub writes the findings as GitHub Actions workflow commands, which the runner
// turns into annotations on the run and, with a file and line, on the pull request's
// diff: critical and high findings as ::error, medium as ::warning, low and info as
// ::notice. A finding whose resource the review mapped to configuration points at
// its block (file, line, endLine).
//
// GitHub shows at most AnnotationsPerLevel annotations per level and step, so the
// most severe findings are written first, at most that many per level, and a final
// notice says how many were not annotated and where they are. Acknowledged findings
// are not annotated; the summary counts them.
func GitHub(w io.Writer, rep *report.Report, _ Options) error {
	rep.Await()
	bw := bufio.NewWriter(w)
	levels := []string{"error", "warning", "notice"}
	chosen := map[string][]report.Finding{}
	skipped, acknowledged := 0, 0
	for _, f := range rep.Findings {
		if f.Acknowledged {
			acknowledged++
			continue
		}
		level := annotationLevel(f.Severity)
		if len(chosen[level]) == AnnotationsPerLevel {
			skipped++
			continue
		}
		chosen[level] = append(chosen[level], f)
	}
	summary := skipped > 0 || acknowledged > 0
	if summary && len(chosen["notice"]) == AnnotationsPerLevel {
		// The summary is a notice too: make room for it.
		chosen["notice"] = chosen["notice"][:AnnotationsPerLevel-1]
		skipped++
	}
	for _, level := range levels {
		for _, f := range chosen[level] {
			writeAnnotation(bw, level, f)
		}
	}
	if summary {
		var parts []string
		if skipped > 0 {
			parts = append(parts, fmt.Sprintf("%d more findings are not annotated (GitHub shows %d annotations per level in a step)", skipped, AnnotationsPerLevel))
		}
		if acknowledged > 0 {
			parts = append(parts, fmt.Sprintf("%d acknowledged findings are not annotated", acknowledged))
		}
		msg := strings.Join(parts, "; ") + ". The full review is in the job summary and in `hiyari plan review --format json`."
		fmt.Fprintf(bw, "::notice title=%s::%s\n", escapeProperty("hiyari: "+rep.Verdict.Reason), escapeData(msg))
	}
	return bw.Flush()
}

func annotationLevel(s report.Severity) string {
	switch s {
	case report.Critical, report.High:
		return "error"
	case report.Medium:
		return "warning"
	default:
		return "notice"
	}
}

func writeAnnotation(w io.Writer, level string, f report.Finding) {
	var props []string
	if loc := f.Location; loc != nil && loc.File != "" {
		props = append(props, "file="+escapeProperty(loc.File))
		if loc.Line > 0 {
			props = append(props, "line="+strconv.Itoa(loc.Line))
			if loc.EndLine >= loc.Line {
				props = append(props, "endLine="+strconv.Itoa(loc.EndLine))
			}
		}
	}
	props = append(props, "title="+escapeProperty(fmt.Sprintf("hiyari %s (%s)", f.Rule, f.Severity)))
	msg := f.Message
	if len(f.Addresses) > 1 {
		msg += fmt.Sprintf(" (%d addresses)", len(f.Addresses))
	}
	if f.Remediation != "" {
		msg += "\nFix: " + f.Remediation
	}
	if f.DocURL != "" {
		msg += "\n" + f.DocURL
	}
	fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
}

// escapeData escapes a workflow command's message: '%', CR and LF, so a value from
// the plan can neither end the command nor start another one on a new line.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value: as escapeData, plus ':'
// and ',' which separate the properties from each other and from the message.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
