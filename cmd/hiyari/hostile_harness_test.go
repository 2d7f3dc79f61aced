package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// Bounds every hostile run is held to. hiyari runs in CI on untrusted pull
// requests: whatever the input, it answers within seconds and small memory.
const (
	// hostileWall is the wall time after which a run counts as a hang and is
	// killed. Generous because CI machines are shared; a real run takes well under
	// a second.
	hostileWall = 20 * time.Second
	// hostileRSS is the peak resident set size allowed to any run, in KiB.
	hostileRSS = 300 << 10
)

// hostile is the built binary and the places its runs may write to, shared by the
// rows of TestHostile.
type hostile struct {
	// bin is the hiyari binary, built once.
	bin string
	// root is a world-readable directory holding the binary and the fixtures, so
	// that a run as an unprivileged user can reach them.
	root string
	// home is HOME for every run: an empty directory.
	home string
	// tmp holds each run's own TMPDIR, which must be empty when the run ends.
	tmp string

	mu    sync.Mutex
	stats map[string]*classStats
}

// classStats is the worst seen over the runs of one row class.
type classStats struct {
	runs   int
	wall   time.Duration
	maxRSS int64 // KiB
}

// newHostile builds hiyari into a fresh world-readable directory.
func newHostile(t *testing.T) *hostile {
	t.Helper()
	root, err := os.MkdirTemp("", "hiyari-hostile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Fixtures made unreadable or read-only on purpose get their rights back
		// first, so that the removal never fails.
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode()&os.ModeSymlink == 0 {
				_ = os.Chmod(p, 0o755)
			}
			return nil
		})
		_ = os.RemoveAll(root)
	})
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	h := &hostile{root: root, stats: map[string]*classStats{}}
	h.bin = filepath.Join(root, "hiyari")
	build := exec.Command("go", "build", "-o", h.bin, ".")
	build.Dir = filepath.Join(repotest.Root(t), "cmd", "hiyari")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	h.home = h.mkdir(t, "home")
	h.tmp = h.mkdir(t, "tmp")
	return h
}

// mkdir makes a world-readable directory under the root.
func (h *hostile) mkdir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(h.root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// write puts a fixture under the root, world-readable, and returns its path.
func (h *hostile) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(h.root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// run is one invocation of the binary.
type run struct {
	// class groups runs for the time and memory table.
	class string
	args  []string
	// stdin is the child's standard input; nil means an empty one.
	stdin io.Reader
	// env is added to the base environment (KEY=VALUE).
	env []string
	// dir is the working directory; "" means the root.
	dir string
	// asNobody runs the child as uid/gid 65534 when the test runs as root, so
	// that file permissions apply.
	asNobody bool
	// maxRSS overrides hostileRSS (KiB) for a row that documents a larger cost.
	maxRSS int64
}

// result is what a run did.
type result struct {
	code           int
	stdout, stderr string
	wall           time.Duration
	maxRSS         int64 // KiB
}

// String shows a result in a failure message.
func (r result) String() string {
	return fmt.Sprintf("exit %d after %v, peak RSS %d MiB\nstdout (%d bytes): %s\nstderr: %s",
		r.code, r.wall.Round(time.Millisecond), r.maxRSS>>10, len(r.stdout), clip(r.stdout, 600), clip(r.stderr, 2000))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("… (%d more bytes)", len(s)-n)
}

// baseEnv is the whole environment of a run: nothing of the test's own
// environment leaks in (no GitHub token, no AWS settings), and no network.
func (h *hostile) baseEnv(tmp string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + h.home,
		"TMPDIR=" + tmp,
		"NO_COLOR=1",
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// exec runs the binary and checks the bounds every run is held to: it ends
// within hostileWall, stays under hostileRSS, never panics, and leaves TMPDIR
// empty.
func (h *hostile) exec(t *testing.T, r run) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileWall)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, r.args...)
	// Each run has its own TMPDIR, which must be empty when it ends.
	tmp, err := os.MkdirTemp(h.tmp, "run-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(h.baseEnv(tmp), r.env...)
	cmd.Dir = r.dir
	if cmd.Dir == "" {
		cmd.Dir = h.root
	}
	cmd.Stdin = r.stdin
	if r.stdin == nil {
		cmd.Stdin = strings.NewReader("")
	}
	// A child that hangs is killed; its stdin writer then sees a closed pipe.
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &stdout, left: 8 << 20}
	cmd.Stderr = &limitedWriter{w: &stderr, left: 1 << 20}
	if r.asNobody && os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	start := time.Now()
	err = cmd.Run()
	res := result{wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), code: -1}
	if cmd.ProcessState != nil {
		res.code = cmd.ProcessState.ExitCode()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.maxRSS = ru.Maxrss
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("hiyari %s: still running after %v, killed (a hang)\n%s", strings.Join(r.args, " "), hostileWall, res)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("hiyari %s: %v", strings.Join(r.args, " "), err)
	}
	h.record(r.class, res)
	if strings.Contains(res.stderr, "panic:") || strings.Contains(res.stderr, "goroutine ") ||
		strings.Contains(res.stdout, "panic:") || strings.Contains(res.stdout, "goroutine ") {
		t.Errorf("hiyari %s: panicked\n%s", strings.Join(r.args, " "), res)
	}
	limit := int64(hostileRSS)
	if r.maxRSS > 0 {
		limit = r.maxRSS
	}
	if res.maxRSS > limit {
		t.Errorf("hiyari %s: peak RSS %d MiB, want under %d MiB\n%s", strings.Join(r.args, " "), res.maxRSS>>10, limit>>10, res)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("hiyari %s: left %d files in TMPDIR (first: %s)", strings.Join(r.args, " "), len(left), left[0].Name())
	}
	_ = os.RemoveAll(tmp)
	return res
}

// limitedWriter keeps the first bytes written to it and discards the rest, so
// that a child flooding its output cannot exhaust the test's memory.
type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.left > 0 {
		n := min(len(p), l.left)
		_, _ = l.w.Write(p[:n])
		l.left -= n
	}
	return len(p), nil
}

func (h *hostile) record(class string, res result) {
	if class == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.stats[class]
	if s == nil {
		s = &classStats{}
		h.stats[class] = s
	}
	s.runs++
	s.wall = max(s.wall, res.wall)
	s.maxRSS = max(s.maxRSS, res.maxRSS)
}

// report logs the worst wall time and peak RSS per class (go test -v shows it;
// docs/reliability.md quotes it).
func (h *hostile) report(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	classes := make([]string, 0, len(h.stats))
	for c := range h.stats {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %6s %10s %10s\n", "class", "runs", "max wall", "max RSS")
	for _, c := range classes {
		s := h.stats[c]
		fmt.Fprintf(&b, "%-28s %6d %10s %7d MiB\n", c, s.runs, s.wall.Round(time.Millisecond), s.maxRSS>>10)
	}
	t.Logf("hostile input runs, worst per class:\n%s", b.String())
}

// fails asserts a fatal input error: exit 1, nothing on stdout, and a message on
// stderr that names the input and matches problem.
func fails(t *testing.T, res result, input string, problem *regexp.Regexp) {
	t.Helper()
	if res.code != 1 {
		t.Errorf("exit %d, want 1\n%s", res.code, res)
		return
	}
	if res.stdout != "" {
		t.Errorf("stdout not empty on a fatal input error\n%s", res)
	}
	if !strings.Contains(res.stderr, input) {
		t.Errorf("stderr does not name the input %q\n%s", input, res)
	}
	if problem != nil && !problem.MatchString(res.stderr) {
		t.Errorf("stderr does not say the problem (want /%s/)\n%s", problem, res)
	}
}

// succeeds asserts a review that ran: exit 0 (the rows run with --fail-on never)
// and a report on stdout.
func succeeds(t *testing.T, res result) {
	t.Helper()
	if res.code != 0 || res.stdout == "" {
		t.Errorf("want exit 0 and a report\n%s", res)
	}
}

// mkfifo makes a named pipe at path.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
