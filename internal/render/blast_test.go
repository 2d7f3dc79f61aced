package render

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/state"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files from the current output")

// seedReport is the blast radius of the seed fixture (scripts/fixtures/seed-roles.sh):
// staging roles deleted, their consumers in another state.
func seedReport(t *testing.T, planFile string) *report.Report {
	t.Helper()
	kb, err := knowledge.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "blast", "testdata", "seed")
	f, err := os.Open(filepath.Join(dir, planFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keep := blast.RetainUnchanged(kb)
	p, err := plan.DecodeRetaining(f, planFile, plan.Retain{After: keep, Unchanged: keep})
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Load(filepath.Join(dir, "consumers.tfstate.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.Source = "consumers.tfstate.json"
	res := blast.Analyze(p, []*state.State{st}, kb, blast.Options{})
	return &report.Report{BlastRadius: res.Impacts, Runbook: res.Runbook, BlastSummary: &res.Summary}
}

// TestBlastMarkdownGolden renders the seed's blast radius — Mermaid graph, table and
// runbook — as the PR comment shows it (golden: testdata/seed-roles.*.md; -update
// rewrites them, read the diff before committing).
func TestBlastMarkdownGolden(t *testing.T) {
	for _, tt := range []struct{ plan, golden string }{
		{"plan-delete.json", "seed-roles-deleted.md"},
		{"plan-replace.json", "seed-roles-replaced.md"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			rep := seedReport(t, tt.plan)
			var b bytes.Buffer
			if omitted := markdownBlast(&b, rep, -1); omitted != 0 {
				t.Errorf("omitted %d rows with no limit", omitted)
			}
			markdownRunbook(&b, rep)
			// Unique ids differ between runs of the fixture script.
			got := regexp.MustCompile(`AROA[A-Z0-9]{17}`).ReplaceAllString(b.String(), "AROA…")
			golden := filepath.Join("testdata", tt.golden)
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/render -run BlastMarkdownGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("Markdown differs from %s (-want +got):\n%s", golden, diff)
			}
			for _, must := range []string{"```mermaid", "classDef lost", ":::cause", "### Runbook"} {
				if !strings.Contains(got, must) {
					t.Errorf("Markdown lacks %q", must)
				}
			}
		})
	}
}

// Addresses carry quotes, brackets, backticks and worse: the graph must stay one
// well-formed node per line, with generated ids, and never close the code fence.
func TestBlastGraphHostileAddresses(t *testing.T) {
	rep := &report.Report{BlastRadius: []report.Impact{
		{Cause: `aws_iam_role.r["a\"]--> x"]`, CauseType: "aws_iam_role", CauseAction: "deleted", Root: `aws_iam_role.r["a\"]--> x"]`, Depth: 1,
			Dependent: "aws_lambda_function.f[\"```\n## injected\"]", Type: "aws_lambda_function", Source: "plan", Via: `role"]`, DataLoss: "retried", Impact: "x"},
		{Cause: "aws_iam_role.r2", CauseType: "aws_iam_role", CauseAction: "replaced", Root: "aws_iam_role.r2", Depth: 1,
			Dependent: "aws_x.<script>#amp;", Type: "aws_x", Source: "s.tfstate", Via: "a", DataLoss: "lost", Impact: "y"},
	}}
	var b bytes.Buffer
	markdownBlastGraph(&b, rep, maxGraphNodes)
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "```mermaid" || lines[len(lines)-2] != "```" {
		t.Fatalf("graph is not one fenced block:\n%s", out)
	}
	node := regexp.MustCompile(`^  n\d+\["[^"<>` + "`" + `]*(<br/>[^"<>` + "`" + `]*)*"\]:::(cause|lost|retried|availability|none)$`)
	edge := regexp.MustCompile(`^  n\d+ -->(\|"[^"]*"\|)? n\d+$`)
	classDef := regexp.MustCompile(`^  classDef [a-z]+ [a-z0-9:#,]+$`)
	for _, l := range lines[2 : len(lines)-2] {
		if !node.MatchString(l) && !edge.MatchString(l) && !classDef.MatchString(l) {
			t.Errorf("unsafe or malformed line %q", l)
		}
	}
	if strings.Count(out, "```") != 2 {
		t.Errorf("an address opened or closed a code fence:\n%s", out)
	}
}

// A blast radius larger than the graph's bound is drawn grouped by type, with counts.
func TestBlastGraphGrouped(t *testing.T) {
	rep := &report.Report{}
	for i := range 120 {
		rep.BlastRadius = append(rep.BlastRadius, report.Impact{
			Cause: fmt.Sprintf("aws_iam_role.r[%d]", i%30), CauseType: "aws_iam_role", CauseAction: "deleted", Depth: 1,
			Dependent: fmt.Sprintf("aws_lambda_function.f[%d]", i), Type: "aws_lambda_function", Source: "plan", Via: "role", DataLoss: "retried",
		})
	}
	var b bytes.Buffer
	markdownBlastGraph(&b, rep, maxGraphNodes)
	out := b.String()
	for _, want := range []string{`["aws_iam_role deleted ×30"]:::cause`, `["aws_lambda_function ×120"]:::retried`, `-->|"120"|`, "150 resources, drawn grouped"} {
		if !strings.Contains(out, want) {
			t.Errorf("grouped graph lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\"]:::"); n > maxGraphNodes {
		t.Errorf("%d nodes, bound %d", n, maxGraphNodes)
	}
}

// The text report lists each dependent under its deleted resource, and the runbook.
func TestBlastText(t *testing.T) {
	rep := seedReport(t, "plan-delete.json")
	rep.Verdict.Status = "pass"
	var b bytes.Buffer
	if err := Text(&b, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Blast radius (8): 6 dependent resources of 6 deleted or replaced resources",
		`aws_iam_role.this["cwlogs_to_firehose"] (deleted)`,
		"LOST         aws_cloudwatch_log_subscription_filter.api_to_firehose  [state consumers.tfstate.json]",
		"(through aws_kinesis_firehose_delivery_stream.api_logs)",
		"replace hazard new-unique-id",
		"Runbook (12 steps):",
		"1. [IAM] iam-recreate-role",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}
