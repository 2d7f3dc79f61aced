package github

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

// StepSummaryLimit is the most a step's GITHUB_STEP_SUMMARY file may hold, in
// bytes. Above it the runner drops the whole summary ("$GITHUB_STEP_SUMMARY
// upload aborted, supports content up to a size of 1024k"), so hiyari
// truncates instead.
const StepSummaryLimit = 1 << 20

// StepSummary reports what WriteStepSummary appended.
type StepSummary struct {
	// Written is the number of bytes appended, note included.
	Written int
	// Omitted is the number of bytes of body left out; 0 when it all fit.
	Omitted int
}

// WriteStepSummary appends body to the step summary file at path (the value
// of GITHUB_STEP_SUMMARY), keeping the file within StepSummaryLimit. A body
// that does not fit is cut at a line boundary, an open code fence is closed,
// and a note says how much was left out and where the full report is. When
// the file is already too full for even the note, nothing is appended and
// Omitted says so. An empty path (not running in GitHub Actions) writes nothing.
func WriteStepSummary(path, body string) (StepSummary, error) {
	if path == "" {
		return StepSummary{}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return StepSummary{}, fmt.Errorf("write step summary: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return StepSummary{}, fmt.Errorf("write step summary: %w", err)
	}
	room := StepSummaryLimit - int(info.Size())
	text, kept := fitSummary(body, room)
	if _, err := f.WriteString(text); err != nil {
		return StepSummary{}, fmt.Errorf("write step summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return StepSummary{}, fmt.Errorf("write step summary %s: %w", path, err)
	}
	return StepSummary{Written: len(text), Omitted: len(body) - kept}, nil
}

// summaryNote is appended to a truncated summary; %d is the bytes omitted.
const summaryNote = "\n\n> [!WARNING]\n> hiyari truncated this summary at GitHub's 1 MiB step-summary limit: %d bytes omitted. " +
	"The full report is in the file given to `--out` (upload it as a workflow artifact) and in `hiyari plan review --format json`.\n"

// fitSummary returns body, or the longest prefix of it that ends at a line
// boundary plus a note, that fits in room bytes; "" when not even the note
// fits. kept is how many bytes of body the text carries.
func fitSummary(body string, room int) (text string, kept int) {
	if len(body) <= room {
		return body, len(body)
	}
	// The note's own length depends on the digits of the omitted count; size
	// it for the largest possible count.
	reserve := len(fmt.Sprintf(summaryNote, len(body))) + len("\n```\n")
	cut := room - reserve
	if cut <= 0 {
		return "", 0
	}
	prefix := body[:cut]
	if i := strings.LastIndexByte(prefix, '\n'); i > 0 {
		prefix = prefix[:i+1]
	}
	for !utf8.ValidString(prefix) && len(prefix) > 0 {
		prefix = prefix[:len(prefix)-1]
	}
	kept = len(prefix)
	if openFence(prefix) {
		if !strings.HasSuffix(prefix, "\n") {
			prefix += "\n"
		}
		prefix += "```\n"
	}
	return prefix + fmt.Sprintf(summaryNote, len(body)-kept), kept
}

// openFence reports whether s ends inside a ``` or ~~~ code fence.
func openFence(s string) bool {
	open := false
	for line := range strings.SplitSeq(s, "\n") {
		t := strings.TrimLeft(line, " ")
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			open = !open
		}
	}
	return open
}

// StepSummaryRoom is how many bytes can still be appended to the step summary
// file at path before it reaches StepSummaryLimit: earlier commands of the
// same step may have written to it. An empty path or a missing file has the
// whole limit.
func StepSummaryRoom(path string) (int, error) {
	if path == "" {
		return StepSummaryLimit, nil
	}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return StepSummaryLimit, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read step summary: %w", err)
	}
	return max(0, StepSummaryLimit-int(info.Size())), nil
}
