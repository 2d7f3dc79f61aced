package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v74/github"
)

// userAgent names hiyari to GitHub, which asks API clients to identify themselves.
const userAgent = "hiyari (+https://github.com/hiyari-dev/hiyari)"

// perPage is the largest page GitHub serves; fewer round trips on busy PRs.
const perPage = 100

// Client publishes to one pull request. It is safe for sequential use by one
// command; it holds the token only inside its transport.
type Client struct {
	gh        *gh.Client
	retry     *retrier
	owner     string
	repo      string
	pr        int
	serverURL string
	token     redacted
}

// redacted holds a secret that is only ever used to scrub text.
type redacted struct{ s string }

// New checks cfg and returns a Client for its pull request.
func New(cfg Config) (*Client, error) {
	var problems []string
	if cfg.Token == "" {
		problems = append(problems, "no token (set GITHUB_TOKEN or GH_TOKEN)")
	}
	if cfg.Owner == "" || cfg.Repo == "" {
		problems = append(problems, "no repository (--repo OWNER/NAME or GITHUB_REPOSITORY)")
	}
	if cfg.PR <= 0 {
		problems = append(problems, "no pull request number (--pr N or a pull_request event)")
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if err := checkURL(apiURL); err != nil {
		problems = append(problems, fmt.Sprintf("API URL %q: %v", apiURL, err))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("configure GitHub client: %s", strings.Join(problems, "; "))
	}
	base, _ := url.Parse(strings.TrimRight(apiURL, "/") + "/")

	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	transport := httpClient.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	rt := &retrier{
		base:       transport,
		maxRetries: cfg.MaxRetries,
		timeout:    cfg.RequestTimeout,
		sleep:      cfg.Sleep,
		now:        cfg.Now,
		budget:     cfg.MaxWait,
	}
	if rt.maxRetries == 0 {
		rt.maxRetries = DefaultMaxRetries
	}
	if rt.maxRetries < 0 {
		rt.maxRetries = 0
	}
	if rt.timeout <= 0 {
		rt.timeout = DefaultRequestTimeout
	}
	if rt.sleep == nil {
		rt.sleep = sleepCtx
	}
	if rt.now == nil {
		rt.now = time.Now
	}
	if rt.budget <= 0 {
		rt.budget = DefaultMaxWait
	}
	wrapped := *httpClient
	wrapped.Transport = rt

	client := gh.NewClient(&wrapped).WithAuthToken(cfg.Token)
	client.BaseURL = base
	client.UserAgent = userAgent
	// The retrier waits for resets itself, within its budget; go-github's own
	// pre-emptive refusal would turn a short wait into a failure.
	client.DisableRateLimitCheck = true

	serverURL := strings.TrimRight(cfg.ServerURL, "/")
	if serverURL == "" {
		serverURL = DefaultServerURL
	}
	return &Client{
		gh:        client,
		retry:     rt,
		owner:     cfg.Owner,
		repo:      cfg.Repo,
		pr:        cfg.PR,
		serverURL: serverURL,
		token:     redacted{cfg.Token},
	}, nil
}

// PullRequestURL is the web address of the pull request, for messages.
func (c *Client) PullRequestURL() string {
	return fmt.Sprintf("%s/%s/%s/pull/%d", c.serverURL, c.owner, c.repo, c.pr)
}

// Waited reports the total time the Client has spent waiting between retries.
func (c *Client) Waited() time.Duration { return c.retry.Waited() }

// String describes the Client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("github.Client{%s/%s#%d, API: %s}", c.owner, c.repo, c.pr, c.gh.BaseURL)
}

// Format makes every fmt verb print String, so no verb reaches the token.
func (c *Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// neededPermissions is what a workflow grants for hiyari to comment and label.
const neededPermissions = "the token needs pull-requests: write and issues: write (in the workflow: `permissions: {pull-requests: write, issues: write}`; a fine-grained token needs Pull requests and Issues read-and-write on the repository)"

// Error is a failed GitHub API call, described for the person running hiyari:
// what was attempted, on which repository and pull request, what GitHub
// answered, and what to do.
type Error struct {
	// Op is what hiyari was doing, e.g. "list comments".
	Op string
	// Repo is OWNER/NAME and PR the pull request number.
	Repo string
	PR   int
	// StatusCode is GitHub's HTTP status, 0 when no answer came.
	StatusCode int
	// Message is GitHub's message or the transport failure.
	Message string
	// Hint says what to do about it.
	Hint string
	err  error
}

// Error says what failed, on which pull request, what GitHub answered and what to do.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s#%d: ", e.Op, e.Repo, e.PR)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "GitHub answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
		if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
			fmt.Fprintf(&b, " (%s)", e.Message)
		}
	} else {
		b.WriteString(e.Message)
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the go-github or transport error.
func (e *Error) Unwrap() error { return e.err }

// wrap turns a go-github error into an *Error naming the repository, the pull
// request and what to do, with the token scrubbed from every message.
func (c *Client) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Op: op, Repo: c.owner + "/" + c.repo, PR: c.pr, err: err}
	var (
		er *gh.ErrorResponse
		rl *gh.RateLimitError
		al *gh.AbuseRateLimitError
		te *attemptTimeoutError
	)
	switch {
	case errors.As(err, &rl):
		e.StatusCode = rl.Response.StatusCode
		e.Message = rl.Message
		e.Hint = fmt.Sprintf("the API rate limit for this token is used up until %s; waiting for it would exceed the retry budget, so run again after that time", rl.Rate.Reset.UTC().Format(time.RFC3339))
	case errors.As(err, &al):
		e.StatusCode = al.Response.StatusCode
		e.Message = al.Message
		e.Hint = "GitHub's secondary rate limit is in effect (too many writes in a short time, often several jobs commenting at once); "
		if al.RetryAfter != nil {
			e.Hint += fmt.Sprintf("GitHub asks to wait %s, more than the retry budget; ", *al.RetryAfter)
		}
		e.Hint += "run again later or stagger the matrix jobs"
	case errors.As(err, &er):
		e.Message = er.Message
		for _, d := range er.Errors {
			if d.Message != "" {
				e.Message += ": " + d.Message
			} else if d.Code != "" {
				e.Message += fmt.Sprintf(": %s %s %s", d.Resource, d.Field, d.Code)
			}
		}
		if er.Response != nil {
			e.StatusCode = er.Response.StatusCode
		}
		switch e.StatusCode {
		case http.StatusUnauthorized:
			e.Hint = "the token is invalid or expired; in a workflow pass `${{ github.token }}`, otherwise create a new token"
		case http.StatusForbidden:
			e.Hint = "the token is not allowed to do this; " + neededPermissions + "; on pull requests from forks GITHUB_TOKEN is read-only, so comment from a `pull_request_target` or `workflow_run` workflow"
		case http.StatusNotFound:
			e.Hint = fmt.Sprintf("the repository or pull request does not exist, or the token cannot see it; check --repo/GITHUB_REPOSITORY and --pr (%s); %s", c.PullRequestURL(), neededPermissions)
		case http.StatusTooManyRequests:
			e.Hint = "GitHub is rate limiting this token for longer than the retry budget; run again later"
		case http.StatusUnprocessableEntity:
			e.Hint = "GitHub rejected the request body"
		}
		if e.StatusCode >= 500 {
			e.Hint = "GitHub failed on its side and kept failing after retries; run again, and check https://www.githubstatus.com"
		}
	case errors.As(err, &te):
		e.Message = te.Error()
		e.Hint = "GitHub did not answer in time, also after retries; run again, or raise the timeout"
	default:
		e.Message = err.Error()
		e.Hint = "check the network path to " + c.gh.BaseURL.String()
	}
	e.Message = c.scrub(e.Message)
	e.Hint = c.scrub(e.Hint)
	return e
}

// scrub removes the token from text that may have echoed it. GitHub does not
// echo tokens, but a proxy or a misconfigured URL might.
func (c *Client) scrub(s string) string {
	if c.token.s == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token.s, "[redacted]")
}
