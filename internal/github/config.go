package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Defaults used when Config leaves a field zero.
const (
	// DefaultAPIURL is the REST API root of github.com.
	DefaultAPIURL = "https://api.github.com"
	// DefaultServerURL is the web root of github.com, used for links.
	DefaultServerURL = "https://github.com"
	// DefaultMaxRetries bounds how many times one API call is retried.
	DefaultMaxRetries = 5
	// DefaultMaxWait bounds the total time a Client spends waiting between
	// retries, over all its calls. A rate-limit reset further away than what is
	// left of it is not waited for: the call fails and says when to try again.
	DefaultMaxWait = 3 * time.Minute
	// DefaultRequestTimeout bounds one HTTP attempt.
	DefaultRequestTimeout = 30 * time.Second
)

// Config says which pull request to publish on and how to reach GitHub.
// Build it with ConfigFromEnv in a workflow; zero optional fields take the
// defaults above. Printing a Config with any fmt verb never shows the token.
type Config struct {
	// Token authenticates every call (GITHUB_TOKEN or GH_TOKEN).
	Token string
	// APIURL is the REST API root: https://api.github.com, or
	// https://HOST/api/v3 on GitHub Enterprise Server (GITHUB_API_URL).
	APIURL string
	// ServerURL is the web root used for links (GITHUB_SERVER_URL).
	ServerURL string
	// Owner and Repo name the repository (GITHUB_REPOSITORY=owner/repo).
	Owner, Repo string
	// PR is the pull request number.
	PR int
	// Target overrides the target named in the comment marker and labels
	// (--target); empty means the caller derives it (directory and workspace).
	Target string
	// HTTPClient carries the requests; nil means a new client with the default
	// transport. Its Transport is wrapped, never modified.
	HTTPClient *http.Client
	// MaxRetries bounds retries per call; 0 means DefaultMaxRetries, a negative
	// value disables retries.
	MaxRetries int
	// MaxWait bounds the total wait between retries over the Client's life;
	// 0 means DefaultMaxWait.
	MaxWait time.Duration
	// RequestTimeout bounds one HTTP attempt; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Sleep waits between retries; nil means a timer that stops when ctx ends.
	// Tests inject a fake so they do not wait for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time, for x-ratelimit-reset; nil means time.Now.
	Now func() time.Time
}

// FlagOverrides are the command-line values that take precedence over the
// environment. Zero values mean "not given".
type FlagOverrides struct {
	// Repo is --repo OWNER/NAME.
	Repo string
	// PR is --pr N.
	PR int
	// Target is --target NAME.
	Target string
}

// ConfigFromEnv builds a Config from a GitHub Actions environment, with flags
// taking precedence. It reads the event payload at GITHUB_EVENT_PATH for the
// pull request number (pull_request, pull_request_target, issue_comment on a
// pull request, pull_request_review and pull_request_review_comment events).
// The error lists everything missing at once, each with how to provide it.
func ConfigFromEnv(env map[string]string, flags FlagOverrides) (Config, error) {
	cfg := Config{
		APIURL:    DefaultAPIURL,
		ServerURL: DefaultServerURL,
		Target:    flags.Target,
	}
	var problems []string

	cfg.Token = env["GITHUB_TOKEN"]
	if cfg.Token == "" {
		cfg.Token = env["GH_TOKEN"]
	}
	if cfg.Token == "" {
		problems = append(problems, "no GitHub token: set GITHUB_TOKEN (in a workflow step: `env: GITHUB_TOKEN: ${{ github.token }}`) or GH_TOKEN")
	}

	if v := env["GITHUB_API_URL"]; v != "" {
		if err := checkURL(v); err != nil {
			problems = append(problems, fmt.Sprintf("GITHUB_API_URL %q is not usable: %v; set it to the REST API root, e.g. https://api.github.com or https://HOST/api/v3 for GitHub Enterprise Server", v, err))
		} else {
			cfg.APIURL = strings.TrimRight(v, "/")
		}
	}
	if v := env["GITHUB_SERVER_URL"]; v != "" {
		if err := checkURL(v); err != nil {
			problems = append(problems, fmt.Sprintf("GITHUB_SERVER_URL %q is not usable: %v; set it to the web root, e.g. https://github.com", v, err))
		} else {
			cfg.ServerURL = strings.TrimRight(v, "/")
		}
	}

	repo, repoFrom := flags.Repo, "--repo"
	if repo == "" {
		repo, repoFrom = env["GITHUB_REPOSITORY"], "GITHUB_REPOSITORY"
	}
	switch owner, name, err := splitRepo(repo); {
	case repo == "":
		problems = append(problems, "no repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY")
	case err != nil:
		problems = append(problems, fmt.Sprintf("%s %q: %v; give it as OWNER/NAME", repoFrom, repo, err))
	default:
		cfg.Owner, cfg.Repo = owner, name
	}

	switch {
	case flags.PR < 0:
		problems = append(problems, fmt.Sprintf("--pr %d: a pull request number is positive", flags.PR))
	case flags.PR > 0:
		cfg.PR = flags.PR
	default:
		n, err := prFromEvent(env["GITHUB_EVENT_NAME"], env["GITHUB_EVENT_PATH"])
		if err != nil {
			problems = append(problems, err.Error())
		}
		cfg.PR = n
	}

	if len(problems) > 0 {
		return Config{}, fmt.Errorf("configure GitHub pull request: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return errors.New("scheme must be https or http")
	}
	if u.Host == "" {
		return errors.New("no host")
	}
	if u.User != nil {
		return errors.New("credentials in the URL are not accepted")
	}
	return nil
}

func splitRepo(s string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", errors.New("not OWNER/NAME")
	}
	for _, part := range []string{owner, name} {
		if strings.ContainsAny(part, " \t\r\n?#%") || part == "." || part == ".." {
			return "", "", fmt.Errorf("%q is not a valid owner or repository name", part)
		}
	}
	return owner, name, nil
}

// event is the part of a workflow event payload that names a pull request.
type event struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
	} `json:"pull_request"`
	Issue *struct {
		Number      int             `json:"number"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
}

func prFromEvent(name, path string) (int, error) {
	const how = "pass --pr N, or run on a pull_request event"
	if path == "" {
		return 0, fmt.Errorf("no pull request number: GITHUB_EVENT_PATH is not set; %s", how)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("no pull request number: read event payload GITHUB_EVENT_PATH=%s: %v; %s", path, err, how)
	}
	var ev event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return 0, fmt.Errorf("no pull request number: event payload %s is not JSON: %v; %s", path, err, how)
	}
	switch {
	case ev.PullRequest != nil && ev.PullRequest.Number > 0:
		return ev.PullRequest.Number, nil
	case ev.Issue != nil && ev.Issue.Number > 0:
		if len(ev.Issue.PullRequest) == 0 || string(ev.Issue.PullRequest) == "null" {
			return 0, fmt.Errorf("no pull request number: the %s event is for issue #%d, which is not a pull request; %s", orUnknown(name), ev.Issue.Number, how)
		}
		return ev.Issue.Number, nil
	case ev.Number > 0 && strings.HasPrefix(name, "pull_request"):
		return ev.Number, nil
	}
	return 0, fmt.Errorf("no pull request number: the %s event payload at %s names no pull request; %s", orUnknown(name), path, how)
}

func orUnknown(name string) string {
	if name == "" {
		return "workflow"
	}
	return strconv.Quote(name)
}

// String describes the Config without its token.
func (c Config) String() string {
	token := "unset"
	if c.Token != "" {
		token = "set (redacted)"
	}
	return fmt.Sprintf("github.Config{Repo: %s/%s, PR: %d, Target: %q, APIURL: %s, ServerURL: %s, Token: %s}",
		c.Owner, c.Repo, c.PR, c.Target, c.APIURL, c.ServerURL, token)
}

// GoString is String, so %#v does not show the token either.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, …) print String.
func (c Config) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}
