package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// TestGoldenWrongStateKey renders the bundled example (a real Terraform plan of the
// staging configuration against dev's state) in every format and compares it with
// golden files a person has read. Run with -update after an intended change, then read
// the diff before committing.
func TestGoldenWrongStateKey(t *testing.T) {
	example := filepath.Join("..", "..", "examples", "wrong-state-key", "plan.json")
	for _, format := range []string{"text", "markdown", "json"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut},
				[]string{"plan", "review", "--env", "staging", "--format", format, "--dir", t.TempDir(), example},
				[]string{"NO_COLOR=1"})
			if code != ExitGate {
				t.Fatalf("exit code %d, want %d (stderr: %s)", code, ExitGate, errOut.String())
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr not empty: %s", errOut.String())
			}
			golden := filepath.Join("testdata", "golden", "wrong-state-key."+format)
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cli -run Golden -update)", err)
			}
			if diff := cmp.Diff(string(want), out.String()); diff != "" {
				t.Errorf("%s output differs from %s (-want +got):\n%s", format, golden, diff)
			}
		})
	}
}
