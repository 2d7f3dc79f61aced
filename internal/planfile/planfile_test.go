package planfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// TestReadExample reads the planfile Terraform 1.11.4 wrote for the bundled
// wrong-state-key example: staging's configuration planned with dev's backend key.
// The expected lineage is dev's, as recorded in the example's manifest.
func TestReadExample(t *testing.T) {
	dir := filepath.Join(repotest.Root(t), "examples", "wrong-state-key")
	manifest, err := os.ReadFile(filepath.Join(dir, "manifest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`dev state key\s+envs/dev/terraform.tfstate \(lineage ([0-9a-f-]+)\)`).FindSubmatch(manifest)
	if m == nil {
		t.Fatal("manifest.txt has no dev lineage; regenerate the example with scripts/incident/run.sh")
	}
	pf, err := Read(filepath.Join(dir, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Planfile{
		TerraformVersion: "1.11.4",
		Backend: &Backend{
			Type: "s3", Bucket: "acme-tfstate-nonprod", Key: "envs/dev/terraform.tfstate",
			Region: "ap-northeast-1", Workspace: "default", Source: "planfile",
		},
		Prior: &State{Lineage: string(m[1]), Serial: pf.Prior.Serial, TerraformVersion: "1.11.4", Source: "planfile"},
	}
	if diff := cmp.Diff(want, pf); diff != "" {
		t.Errorf("planfile (-want +got):\n%s", diff)
	}
	if pf.Prior.Serial == 0 {
		t.Errorf("prior serial is 0; an applied state has a serial ≥ 1")
	}
}

// --- builders for synthetic planfiles ---

func pbVarint(x uint64) []byte { return binary.AppendUvarint(nil, x) }

func pbField(num uint64, data []byte) []byte {
	b := pbVarint(num<<3 | wireBytes)
	b = append(b, pbVarint(uint64(len(data)))...)
	return append(b, data...)
}

func pbUint(num, v uint64) []byte { return append(pbVarint(num<<3|wireVarint), pbVarint(v)...) }

func mpStr(s string) []byte {
	if len(s) < 32 {
		return append([]byte{0xa0 | byte(len(s))}, s...)
	}
	return append([]byte{0xd9, byte(len(s))}, s...)
}

// mpMap encodes pairs (key, already-encoded value) as a fixmap.
func mpMap(kv ...any) []byte {
	b := []byte{0x80 | byte(len(kv)/2)}
	for i := 0; i < len(kv); i += 2 {
		b = append(b, mpStr(kv[i].(string))...)
		b = append(b, kv[i+1].([]byte)...)
	}
	return b
}

func backendMsg(typ, workspace string, config []byte) []byte {
	var b []byte
	b = append(b, pbField(backendType, []byte(typ))...)
	if config != nil {
		b = append(b, pbField(backendConfig, pbField(dynamicMsgpack, config))...)
	}
	b = append(b, pbField(backendWorkspace, []byte(workspace))...)
	return b
}

func tfplan(version uint64, backend []byte, filler int) []byte {
	var b []byte
	b = append(b, pbUint(planVersion, version)...)
	// resource changes and other fields hiyari skips, before the backend as Terraform writes them
	for i := 0; i < filler; i++ {
		b = append(b, pbField(3, bytes.Repeat([]byte{'x'}, 100))...)
		b = append(b, 0x29) // field 5, fixed64
		b = append(b, make([]byte, 8)...)
		b = append(b, 0x35) // field 6, fixed32
		b = append(b, make([]byte, 4)...)
		b = append(b, pbUint(17, 2)...)
	}
	if backend != nil {
		b = append(b, pbField(planBackend, backend)...)
	}
	b = append(b, pbField(planTerraformVersion, []byte("1.11.4"))...)
	return b
}

const sampleState = `{"version": 4, "terraform_version": "1.11.4", "serial": 7,
  "lineage": "11111111-2222-3333-4444-555555555555", "outputs": {"x": {"value": [1, {"a": null}]}},
  "resources": []}`

func writeZip(t *testing.T, entries map[string][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
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
	path := filepath.Join(t.TempDir(), "tfplan")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// secretValues appear in configurations below and must never come out.
var secretValues = []string{"AKIASECRETACCESSKEY1", "wJalrXUtnFEMI/SECRET/KEY", "session-token-SECRET", "sse-customer-key-SECRET", "hunter2"}

func s3Config() []byte {
	return mpMap(
		"access_key", mpStr(secretValues[0]),
		"assume_role", []byte{0xc0},
		"bucket", mpStr("acme-tfstate"),
		"encrypt", []byte{0xc3},
		"endpoints", mpMap("s3", mpStr("http://127.0.0.1:9000"), "sts", []byte{0xc0}),
		"key", mpStr("envs/prod/terraform.tfstate"),
		"max_retries", []byte{0xcd, 0x01, 0x00},
		"region", mpStr("eu-west-1"),
		"secret_key", mpStr(secretValues[1]),
		"shared_config_files", []byte{0x92, 0xa1, 'a', 0xa1, 'b'},
		"sse_customer_key", mpStr(secretValues[3]),
		"token", mpStr(secretValues[2]),
		"unknown_thing", []byte{0xd4, 0x00, 0x00},
		"workspace_key_prefix", mpStr("ws"),
	)
}

func TestRead(t *testing.T) {
	tests := []struct {
		name    string
		entries map[string][]byte
		lim     limits
		want    *Planfile
		wantErr string
	}{
		{
			name:    "s3 backend with credentials in its configuration",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "blue", s3Config()), 50), "tfstate": []byte(sampleState)},
			want: &Planfile{
				TerraformVersion: "1.11.4",
				Backend: &Backend{Type: "s3", Bucket: "acme-tfstate", Key: "envs/prod/terraform.tfstate", Region: "eu-west-1",
					WorkspaceKeyPrefix: "ws", Workspace: "blue", Source: "planfile"},
				Prior: &State{Lineage: "11111111-2222-3333-4444-555555555555", Serial: 7, TerraformVersion: "1.11.4", Source: "planfile"},
			},
		},
		{
			name: "remote backend with a workspaces block",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("remote", "default", mpMap(
				"hostname", mpStr("app.terraform.io"), "organization", mpStr("acme"), "token", mpStr(secretValues[2]),
				"workspaces", mpMap("name", mpStr("api-prod"), "prefix", []byte{0xc0}))), 0)},
			want: &Planfile{TerraformVersion: "1.11.4", Backend: &Backend{Type: "remote", Bucket: "acme", Key: "api-prod", Workspace: "default", Source: "planfile"}},
		},
		{
			name: "http backend address loses its credentials",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("http", "default", mpMap(
				"address", mpStr("https://ci:"+secretValues[4]+"@state.example.com/tf/api?token="+secretValues[2]),
				"password", mpStr(secretValues[4]))), 0)},
			want: &Planfile{TerraformVersion: "1.11.4", Backend: &Backend{Type: "http", Key: "https://state.example.com/tf/api", Workspace: "default", Source: "planfile"}},
		},
		{
			name:    "no backend (local state)",
			entries: map[string][]byte{"tfplan": tfplan(3, nil, 3), "tfstate": []byte(`{"version":4,"serial":0,"lineage":"","terraform_version":"1.11.4"}`)},
			want:    &Planfile{TerraformVersion: "1.11.4", Prior: &State{TerraformVersion: "1.11.4", Source: "planfile"}},
		},
		{
			name:    "unknown format version",
			entries: map[string][]byte{"tfplan": tfplan(4, backendMsg("s3", "default", s3Config()), 0)},
			wantErr: "planfile format version 4 (Terraform 1.11.4); hiyari reads version 3",
		},
		{
			name:    "no tfplan entry",
			entries: map[string][]byte{"tfstate": []byte(sampleState)},
			wantErr: "zip archive without a tfplan entry",
		},
		{
			name:    "truncated tfplan",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "default", s3Config()), 2)[:150]},
			wantErr: "truncated protocol buffer",
		},
		{
			name:    "malformed msgpack",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "default", []byte{0x83, 0xa1, 'k', 0xc1}), 0)},
			wantErr: "malformed msgpack",
		},
		{
			name:    "configuration that is not a map",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "default", mpStr("x")), 0)},
			wantErr: "backend configuration is not a map",
		},
		{
			name:    "tfplan inflating beyond its bound",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "default", s3Config()), 1000)},
			lim:     limits{plan: 4096, state: 1 << 20, backend: 1 << 20, entries: 10},
			wantErr: "more than the 4096 allowed",
		},
		{
			name:    "backend larger than allowed",
			entries: map[string][]byte{"tfplan": tfplan(3, backendMsg("s3", "default", s3Config()), 0)},
			lim:     limits{plan: 1 << 20, state: 1 << 20, backend: 64, entries: 10},
			wantErr: "larger than the 64 bytes allowed",
		},
		{
			name:    "tfstate that is not JSON",
			entries: map[string][]byte{"tfplan": tfplan(3, nil, 0), "tfstate": []byte("PK\x03\x04")},
			wantErr: "tfstate: read state JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.lim
			if lim.plan == 0 {
				lim = defaultLimits()
			}
			path := writeZip(t, tt.entries)
			got, err := read(path, lim)
			if tt.wantErr != "" {
				var re *ReadError
				if err == nil || !errors.As(err, &re) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want a ReadError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			dump := fmt.Sprintf("%#v %#v %#v", got, got.Backend, got.Prior)
			for _, s := range secretValues {
				if strings.Contains(dump, s) {
					t.Errorf("secret %q read from the backend configuration: %s", s, dump)
				}
			}
		})
	}
}

func TestReadNotAZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(path, []byte(`{"format_version":"1.2"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path)
	if err == nil || !strings.Contains(err.Error(), "not a readable zip archive") {
		t.Fatalf("error = %v, want 'not a readable zip archive'", err)
	}
}

func TestStateKey(t *testing.T) {
	tests := []struct {
		b    Backend
		want string
	}{
		{Backend{Type: "s3", Key: "a/terraform.tfstate", Workspace: "default"}, "a/terraform.tfstate"},
		{Backend{Type: "s3", Key: "a/terraform.tfstate", Workspace: "blue"}, "env:/blue/a/terraform.tfstate"},
		{Backend{Type: "s3", Key: "a/terraform.tfstate", Workspace: "blue", WorkspaceKeyPrefix: "ws"}, "ws/blue/a/terraform.tfstate"},
		{Backend{Type: "gcs", Key: "a", Workspace: "blue"}, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.b.StateKey(); got != tt.want {
				t.Errorf("StateKey() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadWorkdir(t *testing.T) {
	const initState = `{"version": 3, "terraform_version": "1.11.4", "backend": {"type": "s3", "config": {
  "access_key": "AKIASECRETACCESSKEY1", "secret_key": "wJalrXUtnFEMI/SECRET/KEY", "token": null,
  "bucket": "acme-tfstate", "key": "envs/staging/terraform.tfstate", "region": "ap-northeast-1",
  "endpoints": {"s3": "http://127.0.0.1:1"}, "workspace_key_prefix": null, "encrypt": true}, "hash": 1}}`
	tests := []struct {
		name        string
		state       string
		environment string
		tfWorkspace string
		want        *Backend
		wantErr     string
	}{
		{name: "default workspace", state: initState,
			want: &Backend{Type: "s3", Bucket: "acme-tfstate", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1", Workspace: "default", Source: WorkdirStateFile}},
		{name: "selected workspace", state: initState, environment: "blue\n",
			want: &Backend{Type: "s3", Bucket: "acme-tfstate", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1", Workspace: "blue", Source: WorkdirStateFile}},
		{name: "TF_WORKSPACE wins", state: initState, environment: "blue", tfWorkspace: "green",
			want: &Backend{Type: "s3", Bucket: "acme-tfstate", Key: "envs/staging/terraform.tfstate", Region: "ap-northeast-1", Workspace: "green", Source: WorkdirStateFile}},
		{name: "gcs", state: `{"backend": {"type": "gcs", "config": {"bucket": "b", "prefix": "p", "credentials": "{\"private_key\": \"hunter2\"}"}}}`,
			want: &Backend{Type: "gcs", Bucket: "b", Key: "p", Workspace: "default", Source: WorkdirStateFile}},
		{name: "never initialized", wantErr: "no backend configuration (run terraform init"},
		{name: "no backend recorded", state: `{"version": 3}`, wantErr: "no backend configuration"},
		{name: "not JSON", state: `backend "s3" {}`, wantErr: "not the JSON terraform init writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.state != "" {
				if err := os.MkdirAll(filepath.Join(dir, ".terraform"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, WorkdirStateFile), []byte(tt.state), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.environment != "" {
				if err := os.WriteFile(filepath.Join(dir, WorkdirEnvironmentFile), []byte(tt.environment), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ReadWorkdir(dir, tt.tfWorkspace)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			dump := fmt.Sprintf("%#v", got)
			for _, s := range secretValues {
				if strings.Contains(dump, s) {
					t.Errorf("secret %q kept: %s", s, dump)
				}
			}
		})
	}
}
