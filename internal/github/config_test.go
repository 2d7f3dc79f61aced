package github_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hiyari-dev/hiyari/internal/github"
)

func event(name string) string { return filepath.Join("testdata", "events", name+".json") }

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{
		"GITHUB_TOKEN":      "ghs_tokentokentokentokentokentoken01",
		"GITHUB_REPOSITORY": "acme/infra",
		"GITHUB_EVENT_NAME": "pull_request",
		"GITHUB_EVENT_PATH": event("pull_request"),
	}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(env, kv[i])
			} else {
				env[kv[i]] = kv[i+1]
			}
		}
		return env
	}
	want := func(edit func(*github.Config)) github.Config {
		c := github.Config{
			Token: "ghs_tokentokentokentokentokentoken01", APIURL: "https://api.github.com", ServerURL: "https://github.com",
			Owner: "acme", Repo: "infra", PR: 128,
		}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	tests := []struct {
		name  string
		env   map[string]string
		flags github.FlagOverrides
		want  github.Config
	}{
		{"pull_request event", base, github.FlagOverrides{}, want(nil)},
		{"pull_request_target event", with("GITHUB_EVENT_NAME", "pull_request_target", "GITHUB_EVENT_PATH", event("pull_request_target")), github.FlagOverrides{},
			want(func(c *github.Config) { c.PR = 77 })},
		{"issue_comment on a pull request", with("GITHUB_EVENT_NAME", "issue_comment", "GITHUB_EVENT_PATH", event("issue_comment_pr")), github.FlagOverrides{},
			want(func(c *github.Config) { c.PR = 131 })},
		{"GH_TOKEN when GITHUB_TOKEN is unset", with("GITHUB_TOKEN", "", "GH_TOKEN", "gho_fromghcli"), github.FlagOverrides{},
			want(func(c *github.Config) { c.Token = "gho_fromghcli" })},
		{"flags win", base, github.FlagOverrides{Repo: "other/repo", PR: 5, Target: "envs/prod"},
			want(func(c *github.Config) { c.Owner, c.Repo, c.PR, c.Target = "other", "repo", 5, "envs/prod" })},
		{"flags alone, outside Actions", map[string]string{"GH_TOKEN": "t"}, github.FlagOverrides{Repo: "acme/infra", PR: 3},
			want(func(c *github.Config) { c.Token, c.PR = "t", 3 })},
		{"GitHub Enterprise Server", with("GITHUB_API_URL", "https://ghe.example/api/v3/", "GITHUB_SERVER_URL", "https://ghe.example"), github.FlagOverrides{},
			want(func(c *github.Config) { c.APIURL, c.ServerURL = "https://ghe.example/api/v3", "https://ghe.example" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := github.ConfigFromEnv(tt.env, tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(github.Config{}, "Sleep", "Now")); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		flags github.FlagOverrides
		want  []string
	}{
		{"nothing set", map[string]string{}, github.FlagOverrides{},
			[]string{"no GitHub token", "GITHUB_TOKEN", "GH_TOKEN", "no repository", "--repo OWNER/NAME", "GITHUB_EVENT_PATH is not set", "--pr N"}},
		{"push event", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": event("push")}, github.FlagOverrides{},
			[]string{`the "push" event payload`, "names no pull request", "--pr N"}},
		{"issue_comment on an issue", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_NAME": "issue_comment", "GITHUB_EVENT_PATH": event("issue_comment_issue")}, github.FlagOverrides{},
			[]string{"issue #9", "not a pull request"}},
		{"missing event file", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_PATH": "testdata/events/nope.json"}, github.FlagOverrides{},
			[]string{"read event payload", "nope.json"}},
		{"bad repo flag", map[string]string{"GITHUB_TOKEN": "t"}, github.FlagOverrides{Repo: "acme", PR: 1},
			[]string{`--repo "acme"`, "OWNER/NAME"}},
		{"bad GITHUB_REPOSITORY", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/in/fra"}, github.FlagOverrides{PR: 1},
			[]string{`GITHUB_REPOSITORY "acme/in/fra"`}},
		{"negative PR", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/infra"}, github.FlagOverrides{PR: -3},
			[]string{"--pr -3"}},
		{"API URL without scheme", map[string]string{"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_API_URL": "ghe.example/api/v3"}, github.FlagOverrides{PR: 1},
			[]string{"GITHUB_API_URL", "https://HOST/api/v3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := github.ConfigFromEnv(tt.env, tt.flags)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestConfigNeverPrintsToken(t *testing.T) {
	const token = "ghp_NeverPrintMe0123456789abcdefghijkl"
	cfg := github.Config{Token: token, Owner: "acme", Repo: "infra", PR: 7, APIURL: "https://api.github.com"}
	type holder struct {
		Cfg  github.Config
		Ptr  *github.Config
		List []github.Config
	}
	h := holder{Cfg: cfg, Ptr: &cfg, List: []github.Config{cfg}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, v := range []any{cfg, &cfg, h, &h} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, token) || strings.Contains(out, fmt.Sprintf("%x", token)) {
				t.Errorf("fmt %s of %T shows the token: %s", verb, v, out)
			}
		}
	}
	if got := cfg.String(); !strings.Contains(got, "acme/infra") || !strings.Contains(got, "redacted") {
		t.Errorf("String() = %q; want the repository and a redaction note", got)
	}
}
