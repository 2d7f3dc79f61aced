package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// buildHiyari builds the real binary: the SDK cross-check re-executes it, and exec's
// child reads its credentials through it.
func buildHiyari(t *testing.T) string {
	t.Helper()
	root, err := credstest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "hiyari")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/hiyari")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hiyari: %v\n%s", err, out)
	}
	return bin
}

type result struct {
	stdout, stderr string
	code           int
}

func runHiyari(t *testing.T, bin string, env map[string]string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run hiyari: %v", err)
	}
	return result{out.String(), errb.String(), code}
}

// seed writes seed 001's host: root's stale keys, an empty ssm-user home, a password
// database for both, and the instance role in the IMDS emulator.
type seed struct {
	dir, rootHome, ssmHome, passwd, imds string
	role                                 credstest.IMDSRole
}

const (
	staleKey    = "AKIASTALEROOTKEY1234"
	staleSecret = "stale-root-secret-value"
)

func newSeed(t *testing.T) seed {
	t.Helper()
	dir := t.TempDir()
	s := seed{dir: dir, rootHome: filepath.Join(dir, "root"), ssmHome: filepath.Join(dir, "home", "ssm-user"), role: credstest.DefaultRole()}
	must(t, os.MkdirAll(filepath.Join(s.rootHome, ".aws"), 0o755))
	must(t, os.MkdirAll(s.ssmHome, 0o755))
	must(t, os.WriteFile(filepath.Join(s.rootHome, ".aws", "credentials"),
		[]byte(fmt.Sprintf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", staleKey, staleSecret)), 0o600))
	s.passwd = filepath.Join(dir, "passwd")
	must(t, os.WriteFile(s.passwd, []byte(fmt.Sprintf("root:x:0:0:root:%s:/bin/bash\nssm-user:x:1001:1001::%s:/bin/bash\n", s.rootHome, s.ssmHome)), 0o644))
	s.imds = credstest.StartIMDS(t, credstest.IMDSOptions{Role: s.role})
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertNoSecrets(t *testing.T, s seed, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		for _, secret := range []string{staleSecret, s.role.SecretAccessKey, s.role.Token} {
			if strings.Contains(o, secret) {
				t.Errorf("output leaks a secret (%d chars)", len(secret))
			}
		}
	}
}

// TestCredsExplainSeed is the acceptance check: on the seed host, Run Command and
// Session Manager get different winners and the shadowing is reported.
func TestCredsExplainSeed(t *testing.T) {
	bin := buildHiyari(t)
	s := newSeed(t)
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": s.dir, "AWS_EC2_METADATA_SERVICE_ENDPOINT": s.imds}
	r := runHiyari(t, bin, env, "creds", "explain", "--passwd", s.passwd,
		"--context", "ssm-run-command", "--context", "ssm-session", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertNoSecrets(t, s, r.stdout, r.stderr)
	var rep struct {
		SchemaVersion string `json:"schema_version"`
		Contexts      []struct {
			Name   string `json:"name"`
			Winner string `json:"winner"`
			AWSCLI string `json:"aws_cli_winner"`
			SDK    struct {
				Winner string
				Agrees bool
			}
			Sources []struct {
				ID       string `json:"id"`
				State    string `json:"state"`
				KeyID    string `json:"key_id"`
				KeyType  string `json:"key_type"`
				Shadowed bool   `json:"shadowed"`
			} `json:"sources"`
		} `json:"contexts"`
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("parse json: %v\n%s", err, r.stdout)
	}
	type ctxSummary struct {
		Name, Winner, SDK, AWSCLI string
		Agrees                    bool
		Shadowed, WinnerKey       string
	}
	var got []ctxSummary
	for _, c := range rep.Contexts {
		cs := ctxSummary{Name: c.Name, Winner: c.Winner, SDK: c.SDK.Winner, Agrees: c.SDK.Agrees, AWSCLI: c.AWSCLI}
		for _, src := range c.Sources {
			if src.Shadowed {
				cs.Shadowed += src.ID
			}
			if src.ID == c.Winner {
				cs.WinnerKey = src.KeyID + " " + src.KeyType
			}
		}
		got = append(got, cs)
	}
	want := []ctxSummary{
		{Name: "ssm-run-command", Winner: "shared_credentials_file", SDK: "shared_credentials_file", Agrees: true, AWSCLI: "shared_credentials_file", Shadowed: "imds", WinnerKey: "AKIA…1234 long-term"},
		{Name: "ssm-session", Winner: "imds", SDK: "imds", Agrees: true, AWSCLI: "imds", WinnerKey: "ASIA…7777 temporary"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contexts (-want +got):\n%s", diff)
	}
	var rules []string
	for _, f := range rep.Findings {
		rules = append(rules, f.Rule)
	}
	sort.Strings(rules)
	if diff := cmp.Diff([]string{"contexts_disagree", "credentials_file_shadows_instance_role"}, rules); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if rep.SchemaVersion != "1" {
		t.Errorf("schema_version = %q", rep.SchemaVersion)
	}
}

// TestCredsExecPinsInstanceRole: with stale keys in the home and in the environment,
// the child still gets the instance role, through the SDK's own chain.
func TestCredsExecPinsInstanceRole(t *testing.T) {
	bin := buildHiyari(t)
	s := newSeed(t)
	env := map[string]string{
		"PATH": "/usr/bin:/bin", "HOME": s.rootHome, "AWS_PROFILE": "default",
		"AWS_ACCESS_KEY_ID": staleKey, "AWS_SECRET_ACCESS_KEY": staleSecret,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": s.imds,
	}
	r := runHiyari(t, bin, env, "creds", "exec", "--source", "imds", "--", bin, "creds", "sdk-resolve", "--retrieve")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var child struct {
		ProviderSources []string `json:"provider_sources"`
		KeyID           string   `json:"key_id"`
		RetrieveError   string   `json:"retrieve_error"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &child); err != nil {
		t.Fatalf("parse child output: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff([]string{"HTTP"}, child.ProviderSources); diff != "" || child.KeyID != "ASIA…7777" {
		t.Errorf("child got %+v, want the instance role ASIA…7777 over HTTP (diff %s)", child, diff)
	}
	assertNoSecrets(t, s, r.stdout, r.stderr)
	for _, want := range []string{"removed from the child's environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE", "reads /dev/null instead"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// The AWS CLI as the child agrees: the role, through the container endpoint.
	cli := runHiyari(t, bin, env, "creds", "exec", "--source", "imds", "--", credstest.AWSCLI(t), "configure", "list")
	if !regexpLine(cli.stdout, "access_key", "****************7777", "container-role") {
		t.Errorf("aws configure list under exec:\n%s%s", cli.stdout, cli.stderr)
	}
}

func regexpLine(out string, fields ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= len(fields) && cmp.Equal(f[:len(fields)], fields) {
			return true
		}
	}
	return false
}

func TestCredsExecExitCodeAndSignals(t *testing.T) {
	bin := buildHiyari(t)
	s := newSeed(t)
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": s.ssmHome, "AWS_EC2_METADATA_SERVICE_ENDPOINT": s.imds}

	t.Run("exit code", func(t *testing.T) {
		if r := runHiyari(t, bin, env, "creds", "exec", "--source", "imds", "--", "sh", "-c", "exit 7"); r.code != 7 {
			t.Errorf("exit %d, want 7 (%s)", r.code, r.stderr)
		}
	})
	t.Run("command not found", func(t *testing.T) {
		if r := runHiyari(t, bin, env, "creds", "exec", "--source", "imds", "--", "no-such-command-here"); r.code != 127 {
			t.Errorf("exit %d, want 127 (%s)", r.code, r.stderr)
		}
	})
	t.Run("SIGTERM is forwarded", func(t *testing.T) {
		cmd := exec.Command(bin, "creds", "exec", "--source", "imds", "--", "sh", "-c", `trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done`)
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		stdout, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		buf := make([]byte, 6)
		if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
			t.Fatalf("child did not start: %q %v", buf, err)
		}
		must(t, cmd.Process.Signal(syscall.SIGTERM))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 42 {
				t.Errorf("hiyari ended with %v, want exit 42 from the child's TERM trap", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("the child never got SIGTERM")
		}
	})
}

func TestCredsExport(t *testing.T) {
	bin := buildHiyari(t)
	s := newSeed(t)
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": s.rootHome, "AWS_EC2_METADATA_SERVICE_ENDPOINT": s.imds}
	exp := s.role.Expiration.Format(time.RFC3339)
	tests := []struct {
		format string
		want   string
	}{
		{"env", fmt.Sprintf("export AWS_ACCESS_KEY_ID=%s\nexport AWS_CREDENTIAL_EXPIRATION=%s\nexport AWS_DEFAULT_REGION=us-east-1\nexport AWS_REGION=us-east-1\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\n",
			s.role.AccessKeyID, exp, s.role.SecretAccessKey, s.role.Token)},
		{"dotenv", fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_CREDENTIAL_EXPIRATION=%s\nAWS_DEFAULT_REGION=us-east-1\nAWS_REGION=us-east-1\nAWS_SECRET_ACCESS_KEY=%s\nAWS_SESSION_TOKEN=%s\n",
			s.role.AccessKeyID, exp, s.role.SecretAccessKey, s.role.Token)},
		{"process", fmt.Sprintf("{\n  \"AccessKeyId\": %q,\n  \"Expiration\": %q,\n  \"SecretAccessKey\": %q,\n  \"SessionToken\": %q,\n  \"Version\": 1\n}\n",
			s.role.AccessKeyID, exp, s.role.SecretAccessKey, s.role.Token)},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			r := runHiyari(t, bin, env, "creds", "export", "--source", "imds", "--format", tt.format)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if diff := cmp.Diff(tt.want, r.stdout); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			assertNoSecrets(t, s, r.stderr)
		})
	}
}

func TestCredsBadInput(t *testing.T) {
	bin := buildHiyari(t)
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": t.TempDir(), "AWS_EC2_METADATA_SERVICE_ENDPOINT": credstest.ClosedURL(t)}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown format", []string{"creds", "explain", "--format", "xml"}, `parse --format "xml": want text or json`},
		{"unknown context", []string{"creds", "explain", "--context", "lambda"}, `parse context "lambda": unknown context; use one of current, user:NAME`},
		{"relative home", []string{"creds", "explain", "--context", "home:tmp"}, "home: needs an absolute directory"},
		{"unknown user", []string{"creds", "explain", "--context", "user:no-such-user-xyz"}, `no such user`},
		{"unknown source", []string{"creds", "export", "--source", "lambda"}, `parse --source "lambda": use one of imds, env, profile:NAME, container, web-identity`},
		{"missing source", []string{"creds", "export"}, "--source is required"},
		{"env source without keys", []string{"creds", "export", "--source", "env"}, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"},
		{"exec without --", []string{"creds", "exec", "--source", "env", "true"}, "put the command after --"},
		{"missing profile", []string{"creds", "export", "--source", "profile:nope"}, `load profile "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runHiyari(t, bin, env, tt.args...)
			if r.code != ExitError || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, ExitError, tt.want)
			}
		})
	}
}

// TestCredsExplainBlackHoledIMDS: the whole command finishes within its IMDS budget
// when IMDS accepts connections and never answers.
func TestCredsExplainBlackHoledIMDS(t *testing.T) {
	bin := buildHiyari(t)
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": t.TempDir(), "AWS_EC2_METADATA_SERVICE_ENDPOINT": credstest.BlackHole(t)}
	start := time.Now()
	r := runHiyari(t, bin, env, "creds", "explain", "--context", "current", "--context", "no-home", "--format", "json")
	t.Logf("explain with a black-holed IMDS took %s", time.Since(start).Round(time.Millisecond))
	if r.code != 0 || !strings.Contains(r.stdout, `"status": "token_timeout"`) {
		t.Errorf("exit %d; stdout lacks token_timeout:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
