package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// TestPlanInputRefused: plan inputs that would hang hiyari, make Terraform inflate a
// zip bomb, or are in an encoding hiyari does not read are refused up front with a
// message that names the input and says what to do.
func TestPlanInputRefused(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile(filepath.Join(repotest.Root(t), "examples", "wrong-state-key", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	utf16le := append([]byte{0xff, 0xfe}, utf16Bytes(example)...)
	cases := []struct {
		name  string
		path  string
		stdin []byte
		want  []string
	}{
		{name: "fifo without a writer", path: fifo, want: []string{fifo + ": is a named pipe (FIFO), not a regular file", "hiyari plan review -"}},
		{name: "device", path: os.DevNull, want: []string{os.DevNull + ": is a device, not a regular file"}},
		{name: "utf-16 with bom", path: write("utf16.json", utf16le), want: []string{"utf16.json: is UTF-16 text", "Out-File -Encoding utf8NoBOM"}},
		{name: "utf-16 without bom", path: write("utf16nobom.json", utf16Bytes(example)), want: []string{"utf16nobom.json: is UTF-16 text (every other byte is zero)"}},
		{name: "utf-16 on stdin", path: "-", stdin: utf16le, want: []string{"stdin: is UTF-16 text"}},
		{name: "utf-8 bom", path: write("bom.json", append([]byte("\xef\xbb\xbf"), example...)), want: []string{"bom.json: starts with a UTF-8 byte order mark"}},
		{name: "utf-8 bom on stdin", path: "-", stdin: append([]byte("\xef\xbb\xbf"), example...), want: []string{"stdin: starts with a UTF-8 byte order mark"}},
		{name: "nul bytes", path: write("nul.json", make([]byte, 100)), want: []string{"nul.json: starts with NUL bytes"}},
		{name: "zip bomb", path: write("bomb.tfplan", zipBomb(t, 64<<20)), want: []string{`bomb.tfplan: is not a planfile hiyari hands to Terraform: entry "tfplan" inflates`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runWithin(t, 10*time.Second, c.stdin, "plan", "review", c.path)
			if code != ExitError || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 1 and nothing on stdout", code, stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestPlanInputStdinStillRead: the look at stdin's first bytes leaves them for the
// review.
func TestPlanInputStdinStillRead(t *testing.T) {
	example, err := os.ReadFile(filepath.Join(repotest.Root(t), "examples", "wrong-state-key", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runWithin(t, 30*time.Second, example, "plan", "review", "--fail-on", "never", "--format", "json", "-")
	if code != ExitOK || !strings.Contains(stdout, `"aws_iam_role.developer_sandbox"`) {
		t.Errorf("exit %d; want a review of stdin\nstderr: %s", code, stderr)
	}
}

func TestEncodingError(t *testing.T) {
	cases := []struct {
		head string
		want string // "" means no error
	}{
		{head: `{"fo`},
		{head: " \n{\""},
		{head: "PK\x03\x04"},
		{head: ""},
		{head: "\xef\xbb\xbf{", want: "UTF-8 byte order mark"},
		{head: "\xff\xfe{\x00", want: "UTF-16"},
		{head: "\xfe\xff\x00{", want: "UTF-16"},
		{head: "{\x00\"\x00", want: "every other byte"},
		{head: "\x00{\x00\"", want: "every other byte"},
		{head: "\xff\xfe\x00\x00", want: "UTF-32"},
		{head: "\x00\x00\xfe\xff", want: "UTF-32"},
		{head: "\x00\x00\x00\x00", want: "NUL"},
	}
	for _, c := range cases {
		err := encodingError("in", []byte(c.head))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v, want no error", c.head, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: %v, want an error containing %q", c.head, err, c.want)
		}
	}
}

// runWithin runs hiyari in process and fails the test if it has not returned within d.
func runWithin(t *testing.T, d time.Duration, stdin []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(context.Background(), IO{In: bytes.NewReader(stdin), Out: &out, Err: &errOut}, args, []string{"NO_COLOR=1"})
	}()
	select {
	case code = <-done:
	case <-time.After(d):
		t.Fatalf("hiyari %s: still running after %v", strings.Join(args, " "), d)
	}
	return out.String(), errOut.String(), code
}

func utf16Bytes(s []byte) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(string(s))) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// zipBomb is an archive whose tfplan entry inflates to size bytes of zeros.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "tfplan", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
