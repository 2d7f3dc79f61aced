package creds

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seedReport is the seed 001 explanation built by hand, so the golden files hold no
// temporary paths, ports or clock readings.
func seedReport() *Report {
	exp := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	absent := func(ids ...SourceID) []Source {
		var out []Source
		for _, id := range ids {
			out = append(out, Source{ID: id, State: StateAbsent})
		}
		return out
	}
	probe := &IMDSProbe{Endpoint: "http://169.254.169.254", EndpointFrom: "default", Status: IMDSOK, Version: "v2", Role: "app-role"}
	imds := Source{ID: SourceIMDS, State: StateUsable, Location: "http://169.254.169.254", KeyID: "ASIA…7777", KeyType: KeyTemporary,
		ExpiresAt: &exp, Detail: "instance role app-role (IMDSv2)", IMDS: probe}
	runSources := append(absent(SourceEnv, SourceWebIdentity),
		Source{ID: SourceSharedCredentialsFile, State: StateUsable, Location: "/root/.aws/credentials:2 [default]", KeyID: "AKIA…1234", KeyType: KeyLongTerm},
		Source{ID: SourceSharedConfigFile, State: StateAbsent, Location: "/root/.aws/config (not found)"})
	runSources = append(runSources, absent(SourceAssumeRole, SourceProfileWebIdentity, SourceSSO, SourceLogin, SourceCredentialProcess, SourceContainer)...)
	shadowedIMDS := imds
	shadowedIMDS.Shadowed = true
	runSources = append(runSources, shadowedIMDS)
	sessSources := append(absent(SourceEnv, SourceWebIdentity),
		Source{ID: SourceSharedCredentialsFile, State: StateAbsent, Location: "/home/ssm-user/.aws/credentials (not found)"},
		Source{ID: SourceSharedConfigFile, State: StateAbsent, Location: "/home/ssm-user/.aws/config (not found)"})
	sessSources = append(sessSources, absent(SourceAssumeRole, SourceProfileWebIdentity, SourceSSO, SourceLogin, SourceCredentialProcess, SourceContainer)...)
	sessSources = append(sessSources, imds)
	rep := &Report{Contexts: []ContextReport{
		{
			Context: Context{Name: "ssm-run-command", Description: "SSM Run Command: root, the agent's environment, HOME unset", User: "root",
				Home: "/root", HomeFrom: "password database entry of root (HOME unset)", Dropped: []string{"AWS_PROFILE"}, Env: map[string]string{}},
			Profile: "default", ProfileFrom: "default", ConfigFile: "/root/.aws/config", CredentialsFile: "/root/.aws/credentials",
			Sources: runSources, Winner: SourceSharedCredentialsFile, CLIWinner: SourceSharedCredentialsFile,
			SDK: &SDKResult{ProviderSources: []string{"Profile"}, Winner: SourceSharedCredentialsFile},
		},
		{
			Context: Context{Name: "ssm-session", Description: "Session Manager shell as ssm-user", User: "ssm-user",
				Home: "/home/ssm-user", HomeFrom: "HOME set by Session Manager", Env: map[string]string{}},
			Profile: "default", ProfileFrom: "default", ConfigFile: "/home/ssm-user/.aws/config", CredentialsFile: "/home/ssm-user/.aws/credentials",
			Sources: sessSources, Winner: SourceIMDS, CLIWinner: SourceIMDS,
			SDK: &SDKResult{ProviderSources: []string{"IMDS"}, Winner: SourceIMDS},
		},
	}}
	rep.Findings = findings(rep)
	return rep
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		file   string
		render func(*bytes.Buffer, *Report) error
	}{
		{"seed001.txt", func(b *bytes.Buffer, r *Report) error { return RenderText(b, r) }},
		{"seed001.json", func(b *bytes.Buffer, r *Report) error { return RenderJSON(b, r) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b, seedReport()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/creds -run TestRenderGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
