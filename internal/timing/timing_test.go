package timing

import (
	"bytes"
	"regexp"
	"testing"
)

func TestStageLines(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf)
	r.Stage("load")
	r.Stage("render")
	lines := regexp.MustCompile(`(?m)^hiyari: timing: (\S+) +\d+\.\d{3} s  \(total +\d+\.\d{3} s, allocated +\d+ MB, heap in use +\d+ MB, GC cycles \d+\)$`).FindAllStringSubmatch(buf.String(), -1)
	if len(lines) != 2 || lines[0][1] != "load" || lines[1][1] != "render" {
		t.Fatalf("want a line for load then render, got:\n%s", buf.String())
	}
}

func TestNilRecorderIsSilent(t *testing.T) {
	var r *Recorder
	r.Stage("load") // must not panic
}
