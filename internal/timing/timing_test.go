package timing

import (
	"bytes"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestStageLines(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf)
	r.Stage("load")
	r.Stage("render")
	lines := regexp.MustCompile(`(?m)^hiyari: timing: (\S+) +\d+\.\d{3} s  cpu +\d+\.\d{3} s  \(total +\d+\.\d{3} s, allocated +\d+ MB, heap in use +\d+ MB, GC cycles \d+\)$`).FindAllStringSubmatch(buf.String(), -1)
	if len(lines) != 2 || lines[0][1] != "load" || lines[1][1] != "render" {
		t.Fatalf("want a line for load then render, got:\n%s", buf.String())
	}
}

func TestNilRecorderIsSilent(t *testing.T) {
	var r *Recorder
	r.Stage("load") // must not panic
}

// A stage that keeps a core busy reports the CPU time it used.
func TestStageCPU(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("CPU time is measured on unix only")
	}
	var buf bytes.Buffer
	r := New(&buf)
	deadline := time.Now().Add(50 * time.Millisecond)
	n := 0
	for time.Now().Before(deadline) {
		n++
	}
	r.Stage("busy")
	m := regexp.MustCompile(`cpu +(\d+\.\d{3}) s`).FindStringSubmatch(buf.String())
	if m == nil {
		t.Fatalf("no cpu time in %q", buf.String())
	}
	cpu, err := strconv.ParseFloat(m[1], 64)
	if err != nil || cpu < 0.010 {
		t.Fatalf("a stage that spun for 50 ms of wall time reports %s s of CPU (%d turns), want at least 0.010", m[1], n)
	}
}
