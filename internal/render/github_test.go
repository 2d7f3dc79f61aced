package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestGitHubAnnotations(t *testing.T) {
	rep := &report.Report{
		Verdict: report.Verdict{Reason: "1 finding(s) at or above critical"},
		Findings: []report.Finding{
			{
				Rule: "identity_resource_deleted", Severity: report.Critical, Address: "aws_iam_role.a",
				Message:     "IAM role aws_iam_role.a is deleted: 100%, of it\nsecond line\r::error::injected",
				Remediation: "Do not apply.", DocURL: "https://example.test/rules/identity_resource_deleted.md",
				Location: &report.Location{File: "envs/staging/iam,main:1.tf", Line: 12, EndLine: 20},
			},
			{Rule: "data_resource_deleted", Severity: report.Medium, Address: "aws_s3_bucket.b", Addresses: []string{"aws_s3_bucket.b", "aws_s3_bucket.c"}, Message: "buckets deleted", Location: &report.Location{File: "s3.tf", Line: 3}},
			{Rule: "log_subscription_filter_no_retry", Severity: report.Low, Message: "no retry"},
			{Rule: "mass_deletion", Severity: report.High, Message: "accepted", Acknowledged: true},
		},
	}
	var sb strings.Builder
	if err := GitHub(&sb, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"::error file=envs/staging/iam%2Cmain%3A1.tf,line=12,endLine=20,title=hiyari identity_resource_deleted (critical)::IAM role aws_iam_role.a is deleted: 100%25, of it%0Asecond line%0D::error::injected%0AFix: Do not apply.%0Ahttps://example.test/rules/identity_resource_deleted.md",
		"::warning file=s3.tf,line=3,title=hiyari data_resource_deleted (medium)::buckets deleted (2 addresses)",
		"::notice title=hiyari log_subscription_filter_no_retry (low)::no retry",
		"::notice title=hiyari%3A 1 finding(s) at or above critical::1 acknowledged findings are not annotated. The full review is in the job summary and in `hiyari plan review --format json`.",
	}
	got := strings.Split(strings.TrimSuffix(sb.String(), "\n"), "\n")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
}

func TestGitHubAnnotationsBounded(t *testing.T) {
	rep := &report.Report{}
	for i := range 25 {
		for _, sev := range []report.Severity{report.Critical, report.Medium, report.Info} {
			rep.Findings = append(rep.Findings, report.Finding{Rule: "r", Severity: sev, Message: fmt.Sprintf("%s %d", sev, i)})
		}
	}
	var sb strings.Builder
	if err := GitHub(&sb, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	lines := strings.Split(strings.TrimSuffix(sb.String(), "\n"), "\n")
	for _, l := range lines {
		level, _, _ := strings.Cut(strings.TrimPrefix(l, "::"), " ")
		counts[level]++
	}
	if diff := cmp.Diff(map[string]int{"error": 10, "warning": 10, "notice": 10}, counts); diff != "" {
		t.Errorf("annotations per level (-want +got):\n%s", diff)
	}
	// The first error is the first critical finding, and the summary counts the rest:
	// 15 critical, 15 medium and 16 info findings (one notice slot holds the summary).
	if !strings.HasSuffix(lines[0], "::critical 0") {
		t.Errorf("first annotation %q, want the first critical finding", lines[0])
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "46 more findings are not annotated") {
		t.Errorf("summary %q", last)
	}
}
