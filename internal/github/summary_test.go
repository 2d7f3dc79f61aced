package github_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hiyari-dev/hiyari/internal/github"
)

func TestWriteStepSummary(t *testing.T) {
	big := func(n int, line string) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(line)
		}
		return b.String()
	}
	tests := []struct {
		name        string
		existing    int // bytes already in the file
		body        string
		wantOmitted bool
		wantNote    bool
		wantFence   bool
	}{
		{name: "small body appended whole", body: "## hiyari\n\nno changes\n"},
		{name: "exactly the limit", body: big(github.StepSummaryLimit, "x")[:github.StepSummaryLimit]},
		{name: "2 MiB body truncated with a note", body: big(2<<20, "| aws_iam_role.app | delete |\n"), wantOmitted: true, wantNote: true},
		{name: "multibyte lines are not split", body: big(2<<20, "削除: aws_iam_role.ロール\n"), wantOmitted: true, wantNote: true},
		{name: "an open code fence is closed", body: "```hcl\n" + big(2<<20, "resource \"x\" \"y\" {}\n"), wantOmitted: true, wantNote: true, wantFence: true},
		{name: "earlier steps' content counts", existing: github.StepSummaryLimit - 1000, body: big(5000, "line\n"), wantOmitted: true, wantNote: true},
		{name: "file already full: nothing appended", existing: github.StepSummaryLimit - 5, body: "## hiyari\n", wantOmitted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "step_summary")
			prior := strings.Repeat("p", tt.existing)
			if err := os.WriteFile(path, []byte(prior), 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := github.WriteStepSummary(path, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := string(data)
			if len(got) > github.StepSummaryLimit {
				t.Errorf("file is %d bytes; over the %d-byte limit", len(got), github.StepSummaryLimit)
			}
			if !strings.HasPrefix(got, prior) {
				t.Errorf("earlier content was changed")
			}
			added := got[len(prior):]
			if res.Written != len(added) {
				t.Errorf("Written = %d; %d bytes were appended", res.Written, len(added))
			}
			if (res.Omitted > 0) != tt.wantOmitted {
				t.Errorf("Omitted = %d; want omitted=%v", res.Omitted, tt.wantOmitted)
			}
			if !tt.wantOmitted && added != tt.body {
				t.Errorf("body was not appended whole")
			}
			if hasNote := strings.Contains(added, "hiyari truncated this summary"); hasNote != tt.wantNote {
				t.Errorf("note present = %v; want %v", hasNote, tt.wantNote)
			}
			if tt.wantNote {
				kept, _, _ := strings.Cut(added, "\n\n> [!WARNING]")
				if tt.wantFence {
					kept = strings.TrimSuffix(kept, "```\n")
				}
				if !strings.HasPrefix(tt.body, kept) {
					t.Errorf("kept part is not a prefix of the body")
				}
				if res.Omitted != len(tt.body)-len(kept) {
					t.Errorf("Omitted = %d; %d bytes were cut", res.Omitted, len(tt.body)-len(kept))
				}
				if !strings.HasSuffix(kept, "\n") {
					t.Errorf("cut is not at a line boundary: ...%q", kept[max(0, len(kept)-40):])
				}
			}
			if !utf8.ValidString(added) {
				t.Errorf("appended text is not valid UTF-8")
			}
			if tt.wantFence && strings.Count(added, "```")%2 != 0 {
				t.Errorf("code fence left open")
			}
		})
	}
}

func TestWriteStepSummaryOutsideActions(t *testing.T) {
	res, err := github.WriteStepSummary("", "## hiyari")
	if err != nil || res != (github.StepSummary{}) {
		t.Errorf("empty path: %+v, %v; want nothing written and no error", res, err)
	}
	_, err = github.WriteStepSummary(filepath.Join(t.TempDir(), "no", "such", "dir", "f"), "x")
	if err == nil || !strings.Contains(err.Error(), "write step summary") {
		t.Errorf("unwritable path: err = %v; want a write step summary error", err)
	}
}
