package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadRefusesWhatNeverEnds: a .hiyari.yaml that is a symlink to a device, a named
// pipe, a directory or a huge file is refused at once, naming the file.
func TestLoadRefusesWhatNeverEnds(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("env: "+strings.Repeat("a", MaxFileSize)), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, want string }{
		{link, "read " + link + ": is not a regular file"},
		{fifo, "read " + fifo + ": is not a regular file"},
		{dir, "read " + dir + ": is a directory"},
		{big, "read " + big + ": is larger than 1024 KiB"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := Load(c.path)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("got %v, want an error containing %q", err, c.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Load(%s) still running after 10s", c.path)
			}
		})
	}
}
