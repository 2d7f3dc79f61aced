package render

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// Values a hostile or careless plan can carry into a report.
const (
	script   = "<script>alert(1)</script>"
	mention  = "@octocat"
	pipe     = "a|b"
	ticks    = "x`y``z"
	newline  = "first\n## injected heading"
	backPipe = `c\|d`
	escape   = "\x1b[2J\x1b]0;owned\x07"
)

// hostileReport is a report whose every value-bearing field holds something that could
// break out of its place in Markdown or a terminal.
func hostileReport() *report.Report {
	f := true
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "hiyari", Version: "v1.2.3 " + mention},
		Input:         report.Input{Source: "plans/" + ticks + ".json", FormatVersion: "1.2", TerraformVersion: "1.11.4", Timestamp: "2025-01-01T00:00:00Z", Complete: &f},
		Context:       report.Context{Env: "staging", EnvSource: "flag", Accounts: []string{"111111111111"}},
		Summary:       report.Summary{Create: 1, Update: 2, Delete: 3, Replace: 1, ReplaceCreateFirst: 1, Read: 1, NoOp: 4, Forget: 1, Move: 1, Import: 1, Drift: 1, PriorResources: 9, OutputChanges: 1},
		Verdict: report.Verdict{Status: "fail", FailOn: "critical", Highest: report.Critical,
			Counts: map[report.Severity]int{report.Critical: 1, report.High: 1, report.Medium: 0, report.Low: 0, report.Info: 0}, Acknowledged: 1,
			Reason: "1 finding(s) at or above critical " + script},
		Findings: []report.Finding{
			{
				Rule: "environment_mismatch", Severity: report.Critical, Address: `aws_iam_role.a["` + pipe + `"]`,
				Addresses: []string{`aws_iam_role.a["` + pipe + `"]`, "aws_iam_role." + ticks},
				Message:   "role `ba lanced` " + script + " owned by " + mention + " " + pipe + " " + ticks + " " + newline + " " + backPipe + " " + escape,
				Evidence: []report.Evidence{
					{Address: `aws_iam_role.a["` + pipe + `"]`, Path: "tags.Environment", Value: script},
					{Address: "aws_iam_role." + ticks, Path: "name", Value: ticks + mention},
				},
				Remediation: "Run `terraform plan` again; never apply " + script + " " + mention + escape,
				DocURL:      "https://github.com/hiyari-dev/hiyari/blob/main/docs/rules/environment_mismatch.md",
			},
			{
				Rule: "data_resource_deleted", Severity: report.High, Address: "aws_s3_bucket.b",
				Message: "bucket deleted",
				Evidence: []report.Evidence{
					{Path: "bucket", Value: pipe + " " + mention},
					{Path: "policy", Value: ticks},
					{Path: "note", Value: script + escape},
					{Path: "multi", Value: newline},
				},
				Remediation: "stop", DocURL: "https://github.com/hiyari-dev/hiyari/blob/main/docs/rules/data_resource_deleted.md",
				Acknowledged: true, AcknowledgeReason: "reviewed by " + mention + " " + script + escape,
			},
		},
		BlastRadius: []report.Impact{},
		Runbook:     []report.Step{},
		Changes: []report.Change{
			{Address: `aws_iam_role.a["` + pipe + `"]`, Type: "aws_iam_role", Action: "delete", Actions: "delete", ActionReason: "because " + pipe + " " + backPipe + " " + mention + " " + script + escape},
			{Address: "aws_sqs_queue.new", Type: "aws_sqs_queue", Action: "no-op", Actions: "no-op", PreviousAddress: "aws_sqs_queue." + ticks, Importing: true},
		},
		Drift:   []report.Change{{Address: "aws_s3_bucket.b" + escape, Type: "aws_s3_bucket", Action: "update", Actions: "update"}},
		Outputs: []report.Output{{Name: "secret", Action: "update", Sensitive: true}},
		Labels:  []string{"hiyari:destroy", "hiyari:critical"},
	}
}

func render(t *testing.T, format string, rep *report.Report, opts Options) string {
	t.Helper()
	r, err := Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r(&buf, rep, opts); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return buf.String()
}

// splitCode returns a line's text outside code spans and the spans' contents. A
// backslash-escaped backtick outside a span is literal and opens nothing.
func splitCode(line string) (outside string, spans []string) {
	var out strings.Builder
	for i := 0; i < len(line); {
		if line[i] == '\\' && i+1 < len(line) {
			out.WriteString(line[i : i+2])
			i += 2
			continue
		}
		if line[i] != '`' {
			out.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		// find the closing run of exactly n backticks
		j := i + n
		closeAt := -1
		for j < len(line) {
			k := strings.Index(line[j:], fence)
			if k < 0 {
				break
			}
			start := j + k
			end := start + n
			if (end == len(line) || line[end] != '`') && line[start-1] != '`' {
				closeAt = start
				break
			}
			for end < len(line) && line[end] == '`' {
				end++
			}
			j = end
		}
		if closeAt < 0 {
			// no closing run: the backticks are literal
			out.WriteString(fence)
			i += n
			continue
		}
		c := line[i+n : closeAt]
		if len(c) >= 2 && c[0] == ' ' && c[len(c)-1] == ' ' && strings.Trim(c, " ") != "" {
			c = c[1 : len(c)-1]
		}
		spans = append(spans, c)
		out.WriteString("CODE")
		i = closeAt + n
	}
	return out.String(), spans
}

// unescapedPipes counts the pipes GitHub splits a table row at: those not right after a
// backslash (cmark-gfm's table scanner), inside code spans or not.
func unescapedPipes(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			n++
		}
	}
	return n
}

var allowedTags = regexp.MustCompile(`^</?(details|summary|sub)>`)

func TestMarkdownEscapesValues(t *testing.T) {
	md := render(t, "markdown", hostileReport(), Options{})
	var allSpans []string
	for i, line := range strings.Split(md, "\n") {
		outside, spans := splitCode(line)
		allSpans = append(allSpans, spans...)
		for j := strings.Index(outside, "<"); j >= 0; j = strings.Index(outside, "<") {
			if !allowedTags.MatchString(outside[j:]) {
				t.Errorf("line %d opens raw HTML outside code: %q", i+1, line)
				break
			}
			outside = outside[j+1:]
		}
		o, _ := splitCode(line)
		if strings.Contains(o, mention) {
			t.Errorf("line %d mentions a user: %q", i+1, line)
		}
		if strings.HasPrefix(line, "## injected") {
			t.Errorf("line %d: a value started a heading: %q", i+1, line)
		}
		if strings.HasPrefix(line, "| ") {
			if got := unescapedPipes(line); got != 4 && got != 10 {
				t.Errorf("line %d: table row has %d cell separators: %q", i+1, got, line)
			}
		}
		if strings.Contains(o, "role ") && strings.Contains(o, "owned by") {
			// the message line: its planted backticks must be literal, not code
			for _, s := range spans {
				if strings.Contains(s, "ba lanced") || strings.Contains(s, "y") && strings.Contains(s, "z") {
					t.Errorf("line %d: backticks in the message opened a code span %q: %q", i+1, s, line)
				}
			}
		}
	}
	// Evidence values, addresses and the source appear whole, each as one code span.
	for _, want := range []string{script, pipe + " " + mention, ticks, ticks + mention, `aws_iam_role.` + ticks, "plans/" + ticks + ".json"} {
		found := false
		for _, s := range allSpans {
			if s == want || strings.ReplaceAll(s, `\|`, "|") == want {
				found = true
			}
		}
		if !found {
			t.Errorf("value %q is not rendered as one code span; spans: %q", want, allSpans)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "@\u200boctocat", "⛔", "Critical findings (1)", "Other findings (1)", "_acknowledged: reviewed by", "<details><summary>2 addresses</summary>", "Changes (2)",
		"> **Fix:** Run `terraform plan` again"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestMarkdownHeadline(t *testing.T) {
	for _, tc := range []struct {
		status  string
		highest report.Severity
		want    string
	}{
		{"fail", report.Critical, "## ⛔ hiyari: do not apply"},
		{"pass", report.Medium, "## ⚠️ hiyari: review the findings"},
		{"pass", "", "## ✅ hiyari: safe to apply"},
	} {
		rep := &report.Report{Verdict: report.Verdict{Status: tc.status, Highest: tc.highest, Reason: "r"}}
		if md := render(t, "markdown", rep, Options{}); !strings.HasPrefix(md, tc.want+"\n") {
			t.Errorf("%s/%s: headline %q, want %q", tc.status, tc.highest, strings.SplitN(md, "\n", 2)[0], tc.want)
		}
	}
}

func TestMarkdownCapsLongAddressLists(t *testing.T) {
	rep := hostileReport()
	rep.Findings = rep.Findings[:1]
	rep.Findings[0].Addresses = nil
	for i := 0; i < 120; i++ {
		rep.Findings[0].Addresses = append(rep.Findings[0].Addresses, "aws_sqs_queue.q"+string(rune('a'+i%26))+strings.Repeat("x", i))
	}
	md := render(t, "markdown", rep, Options{})
	if !strings.Contains(md, "… and 70 more (full list in the JSON report)") {
		t.Error("a long address list is not cut with a pointer to the JSON report")
	}
}

func TestText(t *testing.T) {
	rep := hostileReport()
	plain := render(t, "text", rep, Options{Color: false})
	if strings.ContainsRune(plain, '\x1b') {
		t.Errorf("text without colour has escape sequences:\n%q", plain)
	}
	for _, r := range plain {
		if r < 0x20 && r != '\n' || r == 0x7f {
			t.Errorf("text has control character %U", r)
			break
		}
	}
	for _, line := range strings.Split(plain, "\n") {
		if strings.HasPrefix(line, "## injected") {
			t.Errorf("a newline in a value forged a line: %q", line)
		}
	}
	color := render(t, "text", rep, Options{Color: true})
	for _, code := range []string{ansiRed, ansiBold, ansiReset} {
		if !strings.Contains(color, code) {
			t.Errorf("coloured text lacks %q", code)
		}
	}
	// Colour only adds escape sequences: stripped, both are the same text.
	sgr := regexp.MustCompile("\x1b\\[[0-9;]*m")
	if diff := cmp.Diff(plain, sgr.ReplaceAllString(color, "")); diff != "" {
		t.Errorf("coloured text differs from plain beyond colour (-plain +stripped):\n%s", diff)
	}
	for _, want := range []string{"hiyari FAIL", "Findings (2):", "CRITICAL", "environment_mismatch", "[acknowledged: reviewed by", "Changes (2):", "(moved from aws_sqs_queue.", "(import)", "1 drifted outside Terraform"} {
		if !strings.Contains(plain, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestTextNoFindings(t *testing.T) {
	rep := &report.Report{Verdict: report.Verdict{Status: "pass", Reason: "no changes"}, Input: report.Input{Source: "plan.json"}}
	got := render(t, "text", rep, Options{})
	for _, want := range []string{"hiyari PASS  no changes", "changes:  no changes", "No findings."} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q:\n%s", want, got)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	rep := hostileReport()
	out := render(t, "json", rep, Options{})
	if !strings.HasSuffix(out, "}\n") {
		t.Error("JSON report does not end with a newline")
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var back report.Report
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("JSON does not decode strictly into report.Report: %v", err)
	}
	if dec.More() {
		t.Error("more than one JSON value")
	}
	if diff := cmp.Diff(*rep, back, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(report.Report{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	// The documented contract: these keys are always present, lists never null.
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "summary", "findings", "blast_radius", "labels", "verdict"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	f := raw["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "severity", "address", "message", "evidence", "remediation", "doc_url", "acknowledged"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	empty := &report.Report{SchemaVersion: report.SchemaVersion}
	var m map[string]any
	if err := json.Unmarshal([]byte(render(t, "json", empty, Options{})), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"findings", "blast_radius", "labels", "changes"} {
		if l, ok := m[k].([]any); !ok || len(l) != 0 {
			t.Errorf("%s = %#v in an empty report, want []", k, m[k])
		}
	}
}

func TestLookup(t *testing.T) {
	if diff := cmp.Diff([]string{"github", "json", "markdown", "text"}, Formats()); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
	_, err := Lookup("sarif")
	if err == nil || !strings.Contains(err.Error(), `--format "sarif"`) || !strings.Contains(err.Error(), "github, json, markdown, text") {
		t.Errorf("Lookup(sarif) = %v", err)
	}
}
