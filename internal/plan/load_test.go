package plan

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const minimalPlan = `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[
 {"address":"aws_iam_role.a","mode":"managed","type":"aws_iam_role","name":"a","change":{"actions":["delete"],"before":{"name":"a"}}}]}`

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipWith builds a zip archive holding the named entries.
func zipWith(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadInputErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		path  func(t *testing.T) string
		opts  LoadOptions
		input string // the name the error must start with; "" means the path
		is    error
		wants []string
	}{
		{name: "missing file", path: func(t *testing.T) string { return filepath.Join(dir, "nope.json") }, wants: []string{"no such file"}},
		{name: "directory", path: func(t *testing.T) string { return dir }, wants: []string{"is a directory", "--dir"}},
		{name: "empty file", path: func(t *testing.T) string { return writeFile(t, "empty.json", nil) }, wants: []string{"the input is empty"}},
		{name: "zip that is not a planfile", path: func(t *testing.T) string {
			return writeFile(t, "archive.zip", zipWith(t, map[string]string{"README.txt": "hello", "tfstate": "{}"}))
		}, is: ErrNotAPlan, wants: []string{"zip archive but not a Terraform planfile"}},
		{name: "corrupt zip", path: func(t *testing.T) string { return writeFile(t, "broken.zip", []byte("PK\x03\x04 not really a zip")) },
			wants: []string{"looks like a zip archive but cannot be read"}},
		{name: "planfile named like JSON is still a planfile", path: func(t *testing.T) string {
			return writeFile(t, "plan.json", zipWith(t, map[string]string{"tfplan": "x"}))
		}, opts: LoadOptions{TerraformBin: "hiyari-test-no-such-terraform"}, wants: []string{"saved planfile", "--terraform-bin"}},
		{name: "planfile with no terraform binary on PATH", path: func(t *testing.T) string {
			return writeFile(t, "tfplan", zipWith(t, map[string]string{"tfplan": "x", "tfstate": "{}"}))
		}, opts: LoadOptions{TerraformBin: "hiyari-test-no-such-terraform"}, wants: []string{`"hiyari-test-no-such-terraform", which was not found`, "--terraform-bin", "HIYARI_TERRAFORM_BIN"}},
		{name: "planfile with a terraform path that does not exist", path: func(t *testing.T) string {
			return writeFile(t, "tfplan", zipWith(t, map[string]string{"tfplan": "x"}))
		}, opts: LoadOptions{TerraformBin: filepath.Join(dir, "bin", "terraform")}, wants: []string{"--terraform-bin"}},
		{name: "stdin missing", path: func(*testing.T) string { return "-" }, input: "stdin", wants: []string{"no standard input"}},
		{name: "stdin empty", path: func(*testing.T) string { return "-" }, opts: LoadOptions{Stdin: strings.NewReader("")}, input: "stdin", wants: []string{"the input is empty"}},
		// Root reads any file whatever its mode bits, so an unreadable file cannot be made
		// here with chmod; a reader that fails stands in for it.
		{name: "stdin read error", path: func(*testing.T) string { return "-" }, opts: LoadOptions{Stdin: &failingReader{err: errors.New("input/output error")}},
			input: "stdin", wants: []string{"input/output error"}},
		{name: "stdin read error after the first bytes", path: func(*testing.T) string { return "-" },
			opts: LoadOptions{Stdin: &failingReader{data: `{"format_version":"1.2",`, err: errors.New("connection reset")}}, input: "stdin", wants: []string{"connection reset"}},
		{name: "stdin state", path: func(*testing.T) string { return "-" },
			opts: LoadOptions{Stdin: strings.NewReader(`{"version":4,"serial":1,"lineage":"x","resources":[]}`)}, input: "stdin", is: ErrNotAPlan,
			wants: []string{"this is a Terraform state, not a plan"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			p, err := Load(context.Background(), path, tc.opts)
			if err == nil {
				t.Fatalf("Load accepted it: %+v", p)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v is not an *InputError", err, err)
			}
			input := tc.input
			if input == "" {
				input = path
			}
			if !strings.HasPrefix(err.Error(), input+": ") {
				t.Errorf("message does not start with %q: %q", input, err)
			}
			if ie.Fix == "" {
				t.Errorf("no fix suggested: %v", err)
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

func TestLoadJSON(t *testing.T) {
	path := writeFile(t, "plan.json", []byte(minimalPlan))
	for _, tc := range []struct {
		name, path, source string
		opts               LoadOptions
	}{
		{"file", path, path, LoadOptions{}},
		{"stdin", "-", "stdin", LoadOptions{Stdin: strings.NewReader(minimalPlan)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load(context.Background(), tc.path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != tc.source || len(p.Changes) != 1 || p.Changes[0].Address != "aws_iam_role.a" {
				t.Errorf("got source %q, changes %+v", p.Source, p.Changes)
			}
		})
	}
}

func TestIsPlanfile(t *testing.T) {
	yes := writeFile(t, "a", zipWith(t, map[string]string{"tfplan": "x", "tfconfig/m.tf": ""}))
	no := writeFile(t, "b", zipWith(t, map[string]string{"other": "x"}))
	notZip := writeFile(t, "c", []byte(minimalPlan))
	if ok, err := IsPlanfile(yes); !ok || err != nil {
		t.Errorf("IsPlanfile(planfile) = %v, %v", ok, err)
	}
	if ok, err := IsPlanfile(no); ok || err != nil {
		t.Errorf("IsPlanfile(other zip) = %v, %v", ok, err)
	}
	if _, err := IsPlanfile(notZip); err == nil {
		t.Error("IsPlanfile(JSON) gave no error")
	}
}

// realPlanfile makes a saved plan with real Terraform and only the built-in
// terraform_data resource, so no provider is downloaded.
func realPlanfile(t *testing.T, bin string) (dir string, env []string) {
	t.Helper()
	dir = t.TempDir()
	rc := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	main := `
resource "terraform_data" "role_marker" {
  input = "hiyari"
}

output "marker" {
  value     = terraform_data.role_marker.output
  sensitive = true
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1")
	for _, args := range [][]string{
		{"init", "-input=false", "-no-color"},
		{"plan", "-input=false", "-no-color", "-out=tfplan"},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
		}
	}
	return dir, env
}

func TestLoadRealPlanfile(t *testing.T) {
	bin := repotest.TerraformBin(t)
	dir, env := realPlanfile(t, bin)
	planfile := filepath.Join(dir, "tfplan")
	data, err := os.ReadFile(planfile)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, source string
		stdin              []byte
	}{
		{"path", planfile, planfile, nil},
		{"stdin", "-", "stdin", data},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := LoadOptions{Dir: dir, TerraformBin: bin, Env: env}
			tmp := t.TempDir()
			if tc.stdin != nil {
				opts.Stdin = bytes.NewReader(tc.stdin)
				// a planfile on stdin is spooled to a temporary file, which must not stay
				t.Setenv("TMPDIR", tmp)
				defer func() {
					if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
						t.Errorf("temporary files left behind: %v", left)
					}
				}()
			}
			p, err := Load(context.Background(), tc.path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != tc.source {
				t.Errorf("Source = %q, want %q", p.Source, tc.source)
			}
			if p.FormatVersion == "" || !strings.HasPrefix(p.TerraformVersion, "1.") && !strings.HasPrefix(p.TerraformVersion, "2.") {
				t.Errorf("versions not read: format %q terraform %q", p.FormatVersion, p.TerraformVersion)
			}
			if len(p.Changes) != 1 || p.Changes[0].Address != "terraform_data.role_marker" || p.Changes[0].Actions.Kind() != KindCreate {
				t.Fatalf("changes = %+v", p.Changes)
			}
			if len(p.Outputs) != 1 || !p.Outputs[0].Sensitive {
				t.Errorf("outputs = %+v, want one sensitive output", p.Outputs)
			}
			if !p.Config.Declares("terraform_data.role_marker") {
				t.Errorf("configuration does not declare the resource: %+v", p.Config)
			}
		})
	}
}

// TestLoadPlanfileShowFails: a planfile Terraform cannot read brings Terraform's own
// stderr into the error, named after the input.
func TestLoadPlanfileShowFails(t *testing.T) {
	bin := repotest.TerraformBin(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "tfplan")
	if err := os.WriteFile(path, zipWith(t, map[string]string{"tfplan": "not a protobuf plan"}), 0o644); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(rc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1")
	_, err := Load(context.Background(), path, LoadOptions{Dir: dir, TerraformBin: bin, Env: env})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("got %T %v, want *InputError", err, err)
	}
	msg := err.Error()
	for _, w := range []string{path + ": ", "show -json` failed", "--dir"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	t.Log(msg)
	if len(msg) > maxStderr+2000 {
		t.Errorf("message is %d bytes: stderr should be bounded", len(msg))
	}
}
