package creds

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// seedHost reproduces seed 001: root's home holds stale long-term keys, the instance
// has a role in IMDS, and ssm-user's home is empty.
type seedHost struct {
	rootHome, ssmHome, passwd, imds string
	role                            credstest.IMDSRole
}

const staleKeyID = "AKIASTALEROOTKEY1234"

func newSeedHost(t *testing.T) seedHost {
	t.Helper()
	dir := t.TempDir()
	h := seedHost{rootHome: filepath.Join(dir, "root"), ssmHome: filepath.Join(dir, "home", "ssm-user"), role: credstest.DefaultRole()}
	for _, d := range []string{filepath.Join(h.rootHome, ".aws"), h.ssmHome} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(h.rootHome, ".aws", "credentials"),
		[]byte("[default]\naws_access_key_id = "+staleKeyID+"\naws_secret_access_key = stale-root-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.passwd = filepath.Join(dir, "passwd")
	pw := fmt.Sprintf("root:x:0:0:root:%s:/bin/bash\nssm-user:x:1001:1001::%s:/bin/bash\n", h.rootHome, h.ssmHome)
	if err := os.WriteFile(h.passwd, []byte(pw), 0o644); err != nil {
		t.Fatal(err)
	}
	h.imds = credstest.StartIMDS(t, credstest.IMDSOptions{Role: h.role})
	return h
}

func (h seedHost) contexts(t *testing.T, env map[string]string, specs ...string) []Context {
	t.Helper()
	o := ContextOptions{Env: env, Users: PasswdFile{Path: h.passwd, UID: os.Getuid()}}
	var out []Context
	for _, s := range specs {
		c, err := ParseContext(s, o)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestSeed001 is the incident: under Run Command root's stale credentials file wins and
// shadows the instance role; in a Session Manager shell the role wins.
func TestSeed001(t *testing.T) {
	h := newSeedHost(t)
	env := map[string]string{
		"PATH": "/usr/bin:/bin", "HOME": "/home/operator", "AWS_PROFILE": "operator-only",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT": h.imds,
	}
	ctxs := h.contexts(t, env, "ssm-run-command", "ssm-session")
	// A generous budget: this test is about which source wins, not about IMDS latency.
	rep := Explain(context.Background(), ctxs, Options{SDK: sdkChild(), IMDSBudget: 5 * time.Second})

	run, sess := rep.Contexts[0], rep.Contexts[1]
	type summary struct {
		Winner, SDK, CLI SourceID
		Shadowed         []SourceID
		Home, KeyID      string
	}
	got := []summary{}
	for _, r := range rep.Contexts {
		got = append(got, summary{Winner: r.Winner, SDK: r.SDK.Winner, CLI: r.CLIWinner, Shadowed: shadowedIDs(r), Home: r.Context.Home, KeyID: r.Source(r.Winner).KeyID})
	}
	want := []summary{
		{Winner: SourceSharedCredentialsFile, SDK: SourceSharedCredentialsFile, CLI: SourceSharedCredentialsFile, Shadowed: []SourceID{SourceIMDS}, Home: h.rootHome, KeyID: MaskKeyID(staleKeyID)},
		{Winner: SourceIMDS, SDK: SourceIMDS, CLI: SourceIMDS, Home: h.ssmHome, KeyID: MaskKeyID(h.role.AccessKeyID)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contexts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AWS_PROFILE"}, run.Context.Dropped); diff != "" {
		t.Errorf("dropped (-want +got):\n%s", diff)
	}
	if !strings.Contains(run.Source(SourceSharedCredentialsFile).Location, filepath.Join(h.rootHome, ".aws", "credentials")+":2") {
		t.Errorf("location %q does not name root's credentials file and line", run.Source(SourceSharedCredentialsFile).Location)
	}
	if diff := cmp.Diff([]string{RuleContextsDisagree, RuleCredentialsFileShadowsInstanceRole}, ruleIDs(rep.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if sess.Source(SourceIMDS).IMDS.Role != h.role.Name {
		t.Errorf("session role = %q", sess.Source(SourceIMDS).IMDS.Role)
	}

	// A second opinion: the real AWS CLI v2 in the same contexts names the same source.
	for _, r := range rep.Contexts {
		t.Run("aws configure list/"+r.Context.Name, func(t *testing.T) {
			if got := awsConfigureList(t, r.Context); got != r.Winner {
				t.Errorf("aws configure list says %q, hiyari says %q", got, r.Winner)
			}
		})
	}
}

// awsConfigureList runs /usr/bin/aws configure list in the context's environment and
// maps the access_key Type column to a source id. The CLI resolves a missing HOME from
// the real password database, so the context's home is passed as HOME; it also wants a
// trailing slash on the IMDS endpoint.
func awsConfigureList(t *testing.T, c Context) SourceID {
	t.Helper()
	env := sdkEnv(c)
	env["HOME"] = c.Home
	if e := env["AWS_EC2_METADATA_SERVICE_ENDPOINT"]; e != "" && !strings.HasSuffix(e, "/") {
		env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = e + "/"
	}
	cmd := exec.Command(credstest.AWSCLI(t), "configure", "list")
	cmd.Env = envPairs(env)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws configure list: %v\n%s", err, errb.String())
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[0] == "access_key" {
			switch f[2] {
			case "shared-credentials-file":
				return SourceSharedCredentialsFile
			case "config-file":
				return SourceSharedConfigFile
			case "iam-role":
				return SourceIMDS
			case "env":
				return SourceEnv
			case "container-role":
				return SourceContainer
			case "assume-role":
				return SourceAssumeRole
			case "assume-role-with-web-identity":
				return SourceWebIdentity
			case "sso":
				return SourceSSO
			case "custom-process":
				return SourceCredentialProcess
			}
			return SourceID("aws-cli:" + f[2])
		}
	}
	t.Fatalf("aws configure list printed no access_key row:\n%s", out.String())
	return ""
}

// TestSeed001Verify: sts:GetCallerIdentity tells the stale root keys from the role.
func TestSeed001Verify(t *testing.T) {
	h := newSeedHost(t)
	sts := credstest.StartSTS(t, map[string]credstest.Identity{
		h.role.AccessKeyID: {SecretAccessKey: h.role.SecretAccessKey, SessionToken: h.role.Token,
			Account: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/" + h.role.Name + "/i-0123456789abcdef0"},
	})
	env := map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": h.imds, "AWS_ENDPOINT_URL_STS": sts.URL}
	rep := Explain(context.Background(), h.contexts(t, env, "ssm-run-command", "ssm-session"), Options{SDK: sdkChild(), Verify: true, IMDSBudget: 2 * time.Second})
	run, sess := rep.Contexts[0], rep.Contexts[1]

	if v := run.Source(SourceSharedCredentialsFile).Verify; v == nil || v.ErrorCode != "InvalidClientTokenId" {
		t.Errorf("stale keys verify = %+v, want InvalidClientTokenId", v)
	}
	if v := run.WinnerVerify; v == nil || v.ErrorCode != "InvalidClientTokenId" {
		t.Errorf("SDK chain verify under Run Command = %+v, want InvalidClientTokenId", v)
	}
	wantARN := "arn:aws:sts::111122223333:assumed-role/seed-instance-role/i-0123456789abcdef0"
	if v := run.Source(SourceIMDS).Verify; !v.OK() || v.ARN != wantARN {
		t.Errorf("shadowed role verify = %+v, want %s", v, wantARN)
	}
	if v := sess.WinnerVerify; !v.OK() || v.Account != "111122223333" {
		t.Errorf("SDK chain verify in the session = %+v", v)
	}
	if !contains(ruleIDs(rep.Findings), RuleVerifyFailed) {
		t.Errorf("no %s finding in %v", RuleVerifyFailed, ruleIDs(rep.Findings))
	}
}
