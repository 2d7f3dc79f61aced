package planfile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

func TestCheckArchive(t *testing.T) {
	zeros := bytes.Repeat([]byte{0}, 32<<20)
	cases := []struct {
		name    string
		entries map[string][]byte
		lim     limits
		want    string // "" means accepted
	}{
		{name: "small entries of one byte", entries: map[string][]byte{"tfplan": zeros[:1<<20]}, lim: defaultLimits()},
		{name: "large entry of one byte", entries: map[string][]byte{"tfplan": zeros}, lim: defaultLimits(), want: `entry "tfplan" inflates`},
		{name: "bomb in another entry", entries: map[string][]byte{"tfplan": []byte("x"), "tfconfig/m-/main.tf": zeros}, lim: defaultLimits(), want: `"tfconfig/m-/main.tf" inflates`},
		{name: "declares more than a planfile holds", entries: map[string][]byte{"tfplan": make([]byte, 2000)}, lim: limits{plan: 1000, entries: 10}, want: "declares 2000 bytes"},
		{name: "too many entries", entries: map[string][]byte{"tfplan": nil, "a": nil, "b": nil}, lim: limits{plan: 1000, entries: 2}, want: "archive has 3 entries"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := zipOf(t, c.entries)
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			err = checkEntries(zr, "tfplan.zip", c.lim)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestCheckArchiveRealPlanfile: a planfile Terraform wrote passes.
func TestCheckArchiveRealPlanfile(t *testing.T) {
	if err := CheckArchive(filepath.Join(repotest.Root(t), "examples", "wrong-state-key", "tfplan")); err != nil {
		t.Fatal(err)
	}
	if err := CheckArchive(filepath.Join(repotest.Root(t), "examples", "wrong-state-key", "plan.json")); err == nil {
		t.Fatal("plan JSON passed as a zip archive")
	}
}

func zipOf(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for name, data := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
