package render

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// bigReport builds a report with the given numbers of findings per severity (each with
// evidence and, every third one, an address list), changes, drift entries, blast-radius
// rows and runbook steps. Messages carry multi-byte text so characters and bytes differ.
func bigReport(findings map[report.Severity]int, changes, drift, blast, steps int) *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "hiyari", Version: "v0.0.0-test"},
		Input:         report.Input{Source: "plan.json", TerraformVersion: "1.11.4"},
		Verdict:       report.Verdict{Status: "fail", FailOn: "critical", Highest: report.Critical, Reason: "findings at or above critical"},
	}
	n := 0
	for _, sev := range []report.Severity{report.Critical, report.High, report.Medium, report.Low, report.Info} {
		for i := range findings[sev] {
			n++
			addr := fmt.Sprintf("module.svc_%04d.aws_iam_role.task[%d]", n, i)
			f := report.Finding{
				Rule: "rule_" + string(sev), Severity: sev, Address: addr,
				Message:     fmt.Sprintf("%s: IAM role %s is deleted — 役割が削除される (#%d)", sev, addr, n),
				Evidence:    []report.Evidence{{Path: "arn", Value: "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 60)}, {Path: "name", Value: addr}},
				Remediation: "Recreate the role with `terraform apply` and reattach its policies.",
				DocURL:      "https://github.com/hiyari-dev/hiyari/blob/main/docs/rules/rule.md",
			}
			if n%3 == 0 {
				for j := range 120 {
					f.Addresses = append(f.Addresses, fmt.Sprintf("%s.dependent[%d]", addr, j))
				}
			}
			rep.Findings = append(rep.Findings, f)
		}
	}
	for i := range changes {
		rep.Changes = append(rep.Changes, report.Change{Address: fmt.Sprintf("module.svc_%04d.aws_lambda_function.fn[%d]", i/10, i), Action: "update", ActionReason: ""})
	}
	for i := range drift {
		rep.Drift = append(rep.Drift, report.Change{Address: fmt.Sprintf("aws_security_group.sg[%d]", i), Action: "update"})
	}
	for i := range blast {
		rep.BlastRadius = append(rep.BlastRadius, report.Impact{
			Cause: fmt.Sprintf("aws_iam_role.task[%d]", i), Dependent: fmt.Sprintf("aws_ecs_service.api[%d]", i), Via: "task_role_arn",
			Impact: "tasks fail to start", DataLoss: "logs", Window: "until the role is back",
		})
	}
	for i := range steps {
		rep.Runbook = append(rep.Runbook, report.Step{ID: fmt.Sprintf("s%d", i), Service: "Lambda", Text: fmt.Sprintf("step %d: assign another role, deploy, assign the original role again", i)})
	}
	rep.Summary.Update = changes
	rep.Summary.Drift = drift
	return rep
}

// present reports which findings of rep appear in md with their whole message.
func present(md string, fs []report.Finding) (in, out int) {
	for _, f := range fs {
		if strings.Contains(md, mdText(f.Message)) {
			in++
		} else {
			out++
		}
	}
	return in, out
}

func bySeverity(rep *report.Report, sev report.Severity) []report.Finding {
	var out []report.Finding
	for _, f := range rep.Findings {
		if f.Severity == sev {
			out = append(out, f)
		}
	}
	return out
}

func TestMarkdownBoundedFitsAndKeepsCriticals(t *testing.T) {
	tests := []struct {
		name    string
		rep     *report.Report
		budget  int
		measure func(string) int
		// allCritical: every critical finding's message must be in the comment.
		allCritical bool
		// wantNote: text the omission note must have ("" = no note expected).
		wantNote string
	}{
		{"fits whole", bigReport(map[report.Severity]int{report.Critical: 2, report.High: 3}, 10, 2, 3, 2), 65536, nil, true, ""},
		{"20,000 changes", bigReport(map[report.Severity]int{report.Critical: 20, report.High: 50, report.Medium: 100, report.Low: 20}, 20000, 300, 200, 8), 65536, nil, true, "of 20,000 changes"},
		{"thousands of non-critical findings", bigReport(map[report.Severity]int{report.Critical: 300, report.High: 3000, report.Medium: 3000, report.Info: 1000}, 5000, 0, 40, 6), 65536, nil, true, "non-critical findings (counted by rule)"},
		{"absurd: critical headlines alone overflow", bigReport(map[report.Severity]int{report.Critical: 3000, report.High: 100}, 100, 0, 10, 6), 65536, nil, false, "Not every critical finding fits"},
		{"job summary in bytes", bigReport(map[report.Severity]int{report.Critical: 100, report.High: 2000}, 50000, 1000, 500, 8), 1 << 20, func(s string) int { return len(s) }, true, "of 50,000 changes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			fit, err := MarkdownBounded(&sb, tt.rep, Bounds{Budget: tt.budget, Measure: tt.measure, LimitName: "the limit", FullReportURL: "https://github.com/acme/infra/actions/runs/1", FullReportFile: "report.json"})
			if err != nil {
				t.Fatal(err)
			}
			md := sb.String()
			measure := tt.measure
			if measure == nil {
				measure = utf8.RuneCountInString
			}
			if got := measure(md); got > tt.budget || got != fit.Size {
				t.Fatalf("size %d (Fit.Size %d), budget %d", got, fit.Size, tt.budget)
			}
			crit := bySeverity(tt.rep, report.Critical)
			in, out := present(md, crit)
			if tt.allCritical && out > 0 {
				t.Errorf("%d of %d critical findings are missing", out, len(crit))
			}
			if !tt.allCritical && in == 0 {
				t.Errorf("no critical finding kept at all")
			}
			if tt.wantNote == "" {
				if fit.Shortened || strings.Contains(md, "Shortened to fit") {
					t.Errorf("shortened although it fits: %v", fit.Omitted)
				}
				return
			}
			if !fit.Shortened || !strings.Contains(md, tt.wantNote) {
				t.Errorf("note lacks %q; omitted: %v", tt.wantNote, fit.Omitted)
			}
			for _, where := range []string{"(https://github.com/acme/infra/actions/runs/1)", "`report.json`"} {
				if !strings.Contains(md, where) {
					t.Errorf("the note does not say where the full report is (%s)", where)
				}
			}
			// Risk first: the critical section comes before the change list.
			if c, ch := strings.Index(md, "### Critical findings"), strings.Index(md, "<summary>Changes"); ch >= 0 && (c < 0 || ch < c) {
				t.Errorf("the change list comes before the critical findings")
			}
			t.Logf("%d of %d measured; omitted: %s", fit.Size, tt.budget, strings.Join(fit.Omitted, "; "))
		})
	}
}

// TestMarkdownBoundedNeverCuts checks, over random reports and budgets, that the
// output fits, that every finding shown is shown with its whole message, that the
// runbook is all there or not at all, and that rows are dropped before findings.
func TestMarkdownBoundedNeverCuts(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for i := range 30 {
		counts := map[report.Severity]int{
			report.Critical: rng.Intn(40), report.High: rng.Intn(300), report.Medium: rng.Intn(300), report.Low: rng.Intn(50), report.Info: rng.Intn(20),
		}
		rep := bigReport(counts, rng.Intn(5000), rng.Intn(200), rng.Intn(100), 1+rng.Intn(8))
		budget := 8000 + rng.Intn(70000)
		var sb strings.Builder
		fit, err := MarkdownBounded(&sb, rep, Bounds{Budget: budget})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		md := sb.String()
		if n := utf8.RuneCountInString(md); n > budget {
			t.Fatalf("case %d: %d characters over the budget %d", i, n, budget)
		}
		// Every line that starts a finding carries its whole message.
		for _, f := range rep.Findings {
			prefix := strings.SplitN(mdText(f.Message), " is deleted", 2)[0]
			if strings.Contains(md, prefix+" ") && !strings.Contains(md, mdText(f.Message)) {
				t.Fatalf("case %d: finding %q is cut", i, f.Message)
			}
		}
		steps := 0
		for _, s := range rep.Runbook {
			if strings.Contains(md, mdMarkup(s.Text)) {
				steps++
			}
		}
		if steps != 0 && steps != len(rep.Runbook) {
			t.Fatalf("case %d: %d of %d runbook steps shown", i, steps, len(rep.Runbook))
		}
		// The change list only shrinks once nothing else is left out... and findings
		// only go once every change row is gone.
		if _, out := present(md, rep.Findings); out > 0 && strings.Contains(md, "<summary>Changes") {
			t.Fatalf("case %d: findings left out while change rows remain; omitted %v", i, fit.Omitted)
		}
	}
}

func TestMarkdownBoundedBudgetTooSmall(t *testing.T) {
	rep := bigReport(map[report.Severity]int{report.Critical: 5}, 10, 0, 0, 2)
	var sb strings.Builder
	_, err := MarkdownBounded(&sb, rep, Bounds{Budget: 100})
	if _, ok := err.(*BudgetError); !ok {
		t.Fatalf("err = %v, want a *BudgetError", err)
	}
	if sb.Len() != 0 {
		t.Errorf("wrote %d bytes although nothing fits", sb.Len())
	}
}

func TestMarkdownBoundedUnsafeURL(t *testing.T) {
	rep := bigReport(map[report.Severity]int{report.High: 1}, 3000, 0, 0, 0)
	var sb strings.Builder
	if _, err := MarkdownBounded(&sb, rep, Bounds{Budget: 20000, FullReportURL: "https://x/y)[evil](https://evil"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sb.String(), "evil") {
		t.Errorf("an unsafe URL went into the note")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 65536: "65,536", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
