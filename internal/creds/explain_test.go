package creds

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// writeHome creates files (paths relative to the home) in a fresh directory.
func writeHome(t *testing.T, files map[string]string) string {
	t.Helper()
	home := t.TempDir()
	for rel, body := range files {
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

func currentContext(t *testing.T, env map[string]string) Context {
	t.Helper()
	c, err := ParseContext("current", ContextOptions{Env: env, Users: SystemUsers{}, SystemUsers: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func shadowedIDs(r ContextReport) []SourceID {
	var out []SourceID
	for _, s := range r.Sources {
		if s.Shadowed {
			out = append(out, s.ID)
		}
	}
	return out
}

func ruleIDs(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	sort.Strings(out)
	return out
}

const (
	credsDefault = "[default]\naws_access_key_id = AKIADEFAULTKEY001234\naws_secret_access_key = default-secret\n"
	configDevKey = "[profile dev]\naws_access_key_id = AKIADEVCONFIGKEY5678\naws_secret_access_key = dev-secret\nregion = eu-west-1\n"
)

// TestExplainAgreesWithSDK runs hiyari's model and the real AWS SDK for Go v2 (in a
// child process with the same environment) over many configurations: they must pick
// the same winner, and the model must say what it shadows and why.
func TestExplainAgreesWithSDK(t *testing.T) {
	tests := []struct {
		name         string
		files        map[string]string
		env          map[string]string
		wantWinner   SourceID
		wantShadowed []SourceID
		wantLoadErr  string
		wantRules    []string
		wantIssue    int // line of the first ignored line in a shared file, 0 for none
	}{
		{
			name:       "nothing configured ends at IMDS",
			wantWinner: SourceIMDS,
			wantRules:  []string{RuleNoCredentials},
		},
		{
			name:       "credentials file default keys",
			files:      map[string]string{".aws/credentials": credsDefault},
			wantWinner: SourceSharedCredentialsFile,
		},
		{
			name:       "config file default keys",
			files:      map[string]string{".aws/config": credsDefault},
			wantWinner: SourceSharedConfigFile,
		},
		{
			name: "credentials file beats config file for the same profile",
			files: map[string]string{
				".aws/credentials": credsDefault,
				".aws/config":      "[default]\naws_access_key_id = AKIACONFIGFILEK9999\naws_secret_access_key = other\n",
			},
			wantWinner:   SourceSharedCredentialsFile,
			wantShadowed: []SourceID{SourceSharedConfigFile},
		},
		{
			name:         "env keys shadow the profile",
			files:        map[string]string{".aws/credentials": credsDefault},
			env:          map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00042", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_PROFILE": "default"},
			wantWinner:   SourceEnv,
			wantShadowed: []SourceID{SourceSharedCredentialsFile},
			wantRules:    []string{RuleEnvKeysShadowProfile},
		},
		{
			name:       "AWS_PROFILE selects a config profile",
			files:      map[string]string{".aws/config": configDevKey, ".aws/credentials": credsDefault},
			env:        map[string]string{"AWS_PROFILE": "dev"},
			wantWinner: SourceSharedConfigFile,
		},
		{
			name:        "AWS_PROFILE naming a missing profile fails the whole load",
			files:       map[string]string{".aws/credentials": credsDefault},
			env:         map[string]string{"AWS_PROFILE": "nope"},
			wantLoadErr: `profile "nope" named by AWS_PROFILE`,
			wantRules:   []string{RuleAWSCLIResolvesDifferently, RuleSDKLoadError},
		},
		{
			name:       "AWS_DEFAULT_PROFILE naming a missing profile is ignored by the Go SDK",
			env:        map[string]string{"AWS_DEFAULT_PROFILE": "nope"},
			wantWinner: SourceIMDS,
			wantRules:  []string{RuleAWSCLIResolvesDifferently, RuleNoCredentials},
		},
		{
			name:        "a non-prefixed section in the config file is not a profile",
			files:       map[string]string{".aws/config": "[dev]\naws_access_key_id = AKIADEVCONFIGKEY5678\naws_secret_access_key = s\n"},
			env:         map[string]string{"AWS_PROFILE": "dev"},
			wantLoadErr: `profile "dev" named by AWS_PROFILE`,
			wantRules:   []string{RuleAWSCLIResolvesDifferently, RuleSDKLoadError},
		},
		{
			name:        "a key line without = leaves partial credentials and fails the load",
			files:       map[string]string{".aws/credentials": "[default]\naws_access_key_id AKIADEFAULTKEY001234\naws_secret_access_key = s\n"},
			wantLoadErr: "aws_secret_access_key without aws_access_key_id",
			wantRules:   []string{RuleAWSCLIResolvesDifferently, RuleSDKLoadError, RuleSharedFileIgnoredLines},
			wantIssue:   2,
		},
		{
			name: "source_profile role wins over the profile's own keys",
			files: map[string]string{
				".aws/credentials": credsDefault + "[ops]\naws_access_key_id = AKIAOPSKEY0000000001\naws_secret_access_key = ops\n",
				".aws/config":      "[default]\nrole_arn = arn:aws:iam::111122223333:role/admin\nsource_profile = ops\n",
			},
			wantWinner:   SourceAssumeRole,
			wantShadowed: []SourceID{SourceSharedCredentialsFile},
		},
		{
			name:       "credential_source Ec2InstanceMetadata assumes a role on the instance role",
			files:      map[string]string{".aws/config": "[default]\nrole_arn = arn:aws:iam::111122223333:role/app\ncredential_source = Ec2InstanceMetadata\n"},
			wantWinner: SourceAssumeRole,
		},
		{
			name:       "role_arn on top of static keys in the same profile",
			files:      map[string]string{".aws/credentials": credsDefault, ".aws/config": "[default]\nrole_arn = arn:aws:iam::111122223333:role/app\n"},
			wantWinner: SourceAssumeRole,
			// the AWS CLI refuses a role_arn without source_profile or credential_source
			wantRules: []string{RuleAWSCLIResolvesDifferently},
		},
		{
			name:       "credential_process",
			files:      map[string]string{".aws/config": "[default]\ncredential_process = /usr/local/bin/vault-aws --role app\n"},
			wantWinner: SourceCredentialProcess,
		},
		{
			name: "static keys beat credential_process in the Go SDK, not in the AWS CLI",
			files: map[string]string{
				".aws/config": "[default]\ncredential_process = /usr/local/bin/vault-aws\naws_access_key_id = AKIACONFIGFILEK9999\naws_secret_access_key = s\n",
			},
			wantWinner:   SourceSharedConfigFile,
			wantShadowed: []SourceID{SourceCredentialProcess},
			wantRules:    []string{RuleAWSCLIResolvesDifferently},
		},
		{
			name:       "legacy SSO without a cached token",
			files:      map[string]string{".aws/config": "[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"},
			wantWinner: SourceSSO,
			wantRules:  []string{RuleWinnerBroken},
		},
		{
			name:       "env web identity",
			files:      map[string]string{"token": "eyJ...", ".aws/credentials": credsDefault},
			env:        map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "$HOME/token", "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/irsa"},
			wantWinner: SourceWebIdentity,
			// the static keys are shadowed
			wantShadowed: []SourceID{SourceSharedCredentialsFile},
		},
		{
			name:        "a credentials path that cannot be read fails the load",
			files:       map[string]string{".aws/credentials/oops": "x"},
			wantLoadErr: "is a directory",
			wantRules:   []string{RuleSDKLoadError},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := writeHome(t, tt.files)
			env := map[string]string{"HOME": home, "AWS_EC2_METADATA_SERVICE_ENDPOINT": credstest.ClosedURL(t)}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "$HOME", home)
			}
			rep := Explain(context.Background(), []Context{currentContext(t, env)}, Options{SDK: sdkChild(), IMDSBudget: 300 * time.Millisecond})
			r := rep.Contexts[0]
			if r.Winner != tt.wantWinner {
				t.Errorf("winner = %q, want %q (load error %q)", r.Winner, tt.wantWinner, r.LoadError)
			}
			if r.SDK == nil || r.SDK.Winner != r.Winner {
				t.Errorf("SDK disagrees: SDK %+v, model %q", r.SDK, r.Winner)
			}
			if tt.wantLoadErr == "" && r.LoadError != "" || !strings.Contains(r.LoadError, tt.wantLoadErr) {
				t.Errorf("load error = %q, want it to contain %q", r.LoadError, tt.wantLoadErr)
			}
			if tt.wantLoadErr != "" && (r.SDK == nil || r.SDK.Error == "") {
				t.Errorf("the SDK loaded fine, but the model predicts a load error %q", r.LoadError)
			}
			if diff := cmp.Diff(tt.wantShadowed, shadowedIDs(r)); diff != "" {
				t.Errorf("shadowed (-want +got):\n%s", diff)
			}
			want := append([]string(nil), tt.wantRules...)
			sort.Strings(want)
			if diff := cmp.Diff(want, ruleIDs(rep.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%+v", diff, rep.Findings)
			}
			gotIssue := 0
			if len(r.FileIssues) > 0 {
				gotIssue = r.FileIssues[0].Line
			}
			if gotIssue != tt.wantIssue {
				t.Errorf("first file issue at line %d, want %d (%+v)", gotIssue, tt.wantIssue, r.FileIssues)
			}
		})
	}
}
