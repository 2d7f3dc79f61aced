package render

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// fuzzInput turns fuzz bytes into report content: counts, choices and strings are
// taken from the front as needed, and an exhausted input gives zeros and empty strings.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) byte() int {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return int(c)
}

// str takes a string of up to 255 bytes, or, for a length byte over 250, up to a few
// thousand bytes: messages and values of any size reach the renderer.
func (in *fuzzInput) str() string {
	n := in.byte()
	if n > 250 {
		n = (n - 250) * 700
	}
	n = min(n, len(in.b))
	s := string(in.b[:n])
	in.b = in.b[n:]
	// Reports are decoded from JSON, so their strings are UTF-8; the markers that
	// delimit findings and steps below are kept out of the content.
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer("⟦", "", "⟧", "").Replace(s)
}

func (in *fuzzInput) pick(options ...string) string { return options[in.byte()%len(options)] }

// Rules, their documentation and fixes, the actions, the data-loss classes and the
// runbook's steps are hiyari's own text, never the plan's: they come from fixed sets.
var (
	fuzzRules = []string{"mass_deletion", "iam_role_deleted", "environment_mismatch", "data_resource_deleted"}
	fuzzFixes = []string{
		"Recreate the role with `terraform apply` and reattach its policies.",
		"Run `terraform plan -out=tfplan` against the right backend (`terraform init -reconfigure`).",
		"",
		"Check the change; acknowledge it in `.hiyari.yaml` when it is intended.",
	}
	fuzzActions  = []string{"create", "update", "delete", "replace", "read", "no-op"}
	fuzzClasses  = []string{"lost", "retried", "availability", "none", ""}
	fuzzSeverity = []report.Severity{report.Critical, report.High, report.Medium, report.Low, report.Info}
	fuzzSteps    = []string{
		"Assign another role to the function, deploy, then assign the original role again.",
		"Redeploy the service (`aws ecs update-service --force-new-deployment`).",
		"Re-create the subscription filter; logs written meanwhile are lost.",
	}
)

// fuzzReport builds a report from fuzz bytes: findings of every severity with
// evidence, address lists and acknowledgements, changes and drift (thousands of rows
// from one fuzzed address), blast-radius rows and runbook steps. Every finding's
// message and every step's text is wrapped in numbered markers, so that a cut one can
// be told from one left out.
func fuzzReport(data []byte) *report.Report {
	in := &fuzzInput{b: data}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "hiyari", Version: in.str()},
		Input:         report.Input{Source: in.str(), TerraformVersion: in.str()},
		Verdict:       report.Verdict{Status: in.pick("fail", "pass"), FailOn: "critical", Highest: fuzzSeverity[in.byte()%5], Reason: in.str()},
	}
	rep.Context.Env = in.str()
	for i := range in.byte() % 48 {
		f := report.Finding{
			Rule:     fuzzRules[in.byte()%len(fuzzRules)],
			Severity: fuzzSeverity[in.byte()%len(fuzzSeverity)],
			Address:  in.str(),
			Message:  fmt.Sprintf("⟦f%d⟧%s⟦/f%d⟧", i, in.str(), i),
		}
		f.DocURL = "https://github.com/hiyari-dev/hiyari/blob/main/docs/rules/" + f.Rule + ".md"
		f.Remediation = fuzzFixes[in.byte()%len(fuzzFixes)]
		for range in.byte() % 4 {
			f.Evidence = append(f.Evidence, report.Evidence{Address: f.Address, Path: in.str(), Value: in.str()})
		}
		if n := in.byte(); n > 200 {
			base := in.str()
			for j := range (n - 200) * 3 {
				f.Addresses = append(f.Addresses, fmt.Sprintf("%s[%d]", base, j))
			}
		}
		if in.byte()%5 == 0 {
			f.Acknowledged, f.AcknowledgeReason = true, in.str()
		}
		rep.Findings = append(rep.Findings, f)
	}
	base := in.str()
	for i := range in.byte() * 12 {
		rep.Changes = append(rep.Changes, report.Change{Address: fmt.Sprintf("%s[%d]", base, i), Action: fuzzActions[i%len(fuzzActions)], ActionReason: base})
	}
	for i := range in.byte() {
		rep.Drift = append(rep.Drift, report.Change{Address: fmt.Sprintf("%s.drift[%d]", base, i), Action: "update"})
	}
	for range in.byte() % 64 {
		rep.BlastRadius = append(rep.BlastRadius, report.Impact{
			Cause: in.str(), CauseType: in.str(), CauseAction: in.pick("delete", "replace"), Depth: 1 + in.byte()%3, Root: in.str(),
			Dependent: in.str(), Type: in.str(), Source: in.pick("plan", "", "states/consumers.tfstate.json"), Via: in.str(),
			Identifier: in.str(), Impact: in.str(), DataLoss: fuzzClasses[in.byte()%len(fuzzClasses)], Window: in.str(), Detail: in.str(),
		})
	}
	for i := range in.byte() % 10 {
		step := report.Step{ID: fmt.Sprintf("s%d", i), Service: in.str(), Text: fmt.Sprintf("⟦s%d⟧%s⟦/s%d⟧", i, fuzzSteps[in.byte()%len(fuzzSteps)], i)}
		for range in.byte() % 14 {
			step.For = append(step.For, in.str())
		}
		rep.Runbook = append(rep.Runbook, step)
	}
	rep.Summary.Update, rep.Summary.Drift = len(rep.Changes), len(rep.Drift)
	return rep
}

// FuzzMarkdownBounded renders fuzzed reports within fuzzed budgets, counted in
// characters or bytes. What MarkdownBounded promises must hold for every one: the
// Markdown measures at most the budget (and Fit.Size); it is valid UTF-8 and a whole
// rendering, footer included; a finding or runbook step is shown whole or not at all,
// and the runbook all or nothing; tables keep their columns, and code spans, code
// fences and HTML blocks are balanced; a report that fits is written as Markdown
// writes it; a budget too small gives a *BudgetError and writes nothing.
func FuzzMarkdownBounded(f *testing.F) {
	f.Add([]byte("v1\x05plan.json\x00\x00\x02ok\x00\x03"), uint32(65536), false)
	f.Add([]byte(strings.Repeat("\x30\x00\x01\x10module.a.aws_iam_role.r\xfbmessage with | pipes and `ticks` <b>@team</b>\n\x01\x02\x03\x04path\x05value\xff\x04base\x01", 12)+"\xff\xff\x20"), uint32(20000), false)
	f.Add([]byte(strings.Repeat("\x08\xc8\xff\xfe\x20\x07\x09", 40)), uint32(9000), true)
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x40\x05cause\x04type\x00\x02\x04root\x03dep\x04typ2\x01\x03via\x02id\x06impact\x00\x06window\x06detail\x09\x03svc\x00\x0c\x01a\x01b"), uint32(4000), false)
	f.Add([]byte{}, uint32(100), false)
	f.Add([]byte("\xff\xff\xff\xff"), uint32(0), true)
	f.Fuzz(func(t *testing.T, data []byte, budget uint32, bytesMeasure bool) {
		rep := fuzzReport(data)
		b := Bounds{Budget: int(budget % 120000), LimitName: "the limit", FullReportURL: "https://github.com/acme/infra/actions/runs/1", FullReportFile: "report.json"}
		measure := utf8.RuneCountInString
		if bytesMeasure {
			measure = func(s string) int { return len(s) }
			b.Measure = measure
		}
		var sb strings.Builder
		fit, err := MarkdownBounded(&sb, rep, b)
		md := sb.String()
		if err != nil {
			var be *BudgetError
			if !errors.As(err, &be) || be.Smallest <= b.Budget || md != "" {
				t.Fatalf("error %v (budget %d) with %d bytes written", err, b.Budget, len(md))
			}
			return
		}
		if n := measure(md); n != fit.Size || (b.Budget > 0 && n > b.Budget) {
			t.Fatalf("measures %d, Fit.Size %d, budget %d", n, fit.Size, b.Budget)
		}
		if fit.Shortened != (len(fit.Omitted) > 0) || fit.Shortened != strings.Contains(md, "Shortened to fit the limit") {
			t.Fatalf("Shortened %v, omitted %q, note in the Markdown: %v", fit.Shortened, fit.Omitted, strings.Contains(md, "Shortened to fit"))
		}
		if !fit.Shortened {
			var full strings.Builder
			if err := Markdown(&full, rep, Options{}); err != nil {
				t.Fatal(err)
			}
			if full.String() != md {
				t.Fatalf("a report that fits is not written as Markdown writes it")
			}
		}
		if err := checkMarkdown(md, rep); err != nil {
			t.Fatalf("%v\n--- markdown:\n%s", err, md)
		}
	})
}

// checkMarkdown checks the structure of a rendering of rep.
func checkMarkdown(md string, rep *report.Report) error {
	if !utf8.ValidString(md) {
		return errors.New("not valid UTF-8")
	}
	if !strings.HasSuffix(md, " · report schema "+rep.SchemaVersion+"</sub>\n") {
		return errors.New("the rendering does not end with its footer: it was cut")
	}
	for i, fd := range rep.Findings {
		open, shut := fmt.Sprintf("⟦f%d⟧", i), fmt.Sprintf("⟦/f%d⟧", i)
		if n := strings.Count(md, open); n > 1 || n != strings.Count(md, shut) || (n == 1 && !strings.Contains(md, mdText(fd.Message))) {
			return fmt.Errorf("finding %d is cut or repeated", i)
		}
	}
	steps := 0
	for i, s := range rep.Runbook {
		open, shut := fmt.Sprintf("⟦s%d⟧", i), fmt.Sprintf("⟦/s%d⟧", i)
		n := strings.Count(md, open)
		if n > 1 || n != strings.Count(md, shut) || (n == 1 && !strings.Contains(md, mdMarkup(s.Text))) {
			return fmt.Errorf("runbook step %d is cut or repeated", i)
		}
		steps += n
	}
	if steps != 0 && steps != len(rep.Runbook) {
		return fmt.Errorf("%d of %d runbook steps shown", steps, len(rep.Runbook))
	}
	return checkBlocks(md)
}

// checkBlocks checks that code fences pair up, that outside them every backtick
// opens or closes a code span (or is escaped), that HTML tags the renderer writes are
// balanced, and that every row of a table has its header's number of cells (counted
// as GitHub splits them, by unescapedPipes).
func checkBlocks(md string) error {
	lines := strings.Split(md, "\n")
	inFence, tags := false, map[string]int{}
	columns := -1
	for n, line := range lines {
		if strings.HasPrefix(line, "```") {
			if inFence && line != "```" {
				return fmt.Errorf("line %d: a fence opens inside a fence: %q", n+1, line)
			}
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		text, err := outsideCode(line)
		if err != nil {
			return fmt.Errorf("line %d: %v: %q", n+1, err, line)
		}
		for _, tag := range []string{"details", "summary", "sub"} {
			tags[tag] += strings.Count(text, "<"+tag+">") - strings.Count(text, "</"+tag+">")
			if tags[tag] < 0 {
				return fmt.Errorf("line %d: </%s> before <%s>", n+1, tag, tag)
			}
		}
		if !strings.HasPrefix(line, "|") {
			columns = -1
			continue
		}
		cells := unescapedPipes(line)
		if columns < 0 {
			columns = cells
		} else if cells != columns {
			return fmt.Errorf("line %d: a table row with %d cell separators, its header has %d: %q", n+1, cells, columns, line)
		}
	}
	if inFence {
		return errors.New("a code fence is never closed")
	}
	for tag, open := range tags {
		if open != 0 {
			return fmt.Errorf("<%s> opened %d times more than closed", tag, open)
		}
	}
	return nil
}

// outsideCode returns a line without its code spans, or an error when a backtick run
// that is not escaped has no closing run of the same length.
func outsideCode(line string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == '\\' && i+1 < len(line):
			out.WriteString(line[i : i+2])
			i += 2
		case c == '`':
			n := 0
			for i+n < len(line) && line[i+n] == '`' {
				n++
			}
			end := closingRun(line[i+n:], n)
			if end < 0 {
				return "", fmt.Errorf("a run of %d backticks at byte %d is never closed", n, i)
			}
			i += n + end + n
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), nil
}

// closingRun is the offset in s of the first run of exactly n backticks, -1 if none.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		k := 0
		for i+k < len(s) && s[i+k] == '`' {
			k++
		}
		if k == n {
			return i
		}
		i += k
	}
	return -1
}
