package render

import (
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// TestCodeSpansStayClosed: values that are empty (or only spaces) and values holding
// backticks each make one closed code span, whatever stands next to them on the line.
// FuzzMarkdownBounded found that an empty value wrote two backticks, no code span, which
// Markdown paired with the next double backtick on the line.
func TestCodeSpansStayClosed(t *testing.T) {
	for _, values := range [][]string{
		{"", "`"},
		{"  ", "a`b", ""},
		{"`", "", "``", "x"},
	} {
		var spans []string
		for _, v := range values {
			spans = append(spans, code(v))
		}
		line := strings.Join(spans, " · ")
		rest, err := outsideCode(line)
		if err != nil {
			t.Errorf("%q: %v", line, err)
			continue
		}
		if want := strings.Repeat(" · ", len(values)-1); rest != want {
			t.Errorf("%q: outside the code spans %q, want %q", line, rest, want)
		}
	}
}

// TestMarkdownEscapesTerraformVersion: the plan's terraform_version is the plan's text,
// not hiyari's: it cannot open HTML, mention a team or open a code span in a comment.
func TestMarkdownEscapesTerraformVersion(t *testing.T) {
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Input: report.Input{Source: "plan.json", TerraformVersion: "1.11.4 <img src=x> @acme/sre `x"}}
	var sb strings.Builder
	if err := Markdown(&sb, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	line := strings.Split(sb.String(), "\n")[4]
	if want := "plan `plan.json` · Terraform 1.11.4 &lt;img src=x&gt; @\u200bacme/sre \\`x"; line != want {
		t.Errorf("header line\n got %q\nwant %q", line, want)
	}
}
