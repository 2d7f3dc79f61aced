package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
)

// fakeNow is the clock newClient gives the Client.
var fakeNow = time.Unix(1_700_000_000, 0)

// TestUpsertCommentUnderFaults runs the sticky comment twice under each fault
// and checks the acceptance criterion: exactly one hiyari comment, updated,
// with the waits GitHub asked for.
func TestUpsertCommentUnderFaults(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		path      string
		times     int
		fault     githubtest.Fault
		wantWaits []time.Duration
	}{
		{"500 on list", http.MethodGet, commentsPath, 2, githubtest.Status(500), []time.Duration{time.Second, 2 * time.Second}},
		{"502 on list", http.MethodGet, commentsPath, 1, githubtest.Status(502), []time.Duration{time.Second}},
		{"500 on create: listed again, then created once", http.MethodPost, commentsPath, 1, githubtest.Status(500), []time.Duration{time.Second}},
		{"502 on update", http.MethodPatch, commentPath, 1, githubtest.Status(502), []time.Duration{time.Second}},
		{"secondary rate limit with Retry-After on create", http.MethodPost, commentsPath, 1, githubtest.SecondaryRateLimit(7 * time.Second), []time.Duration{7 * time.Second}},
		{"secondary rate limit without Retry-After", http.MethodPatch, commentPath, 1, githubtest.SecondaryRateLimit(0), []time.Duration{time.Minute}},
		{"429 with Retry-After on list", http.MethodGet, commentsPath, 1, githubtest.TooManyRequests(3 * time.Second), []time.Duration{3 * time.Second}},
		{"429 without Retry-After", http.MethodGet, commentsPath, 1, githubtest.TooManyRequests(0), []time.Duration{time.Minute}},
		{"primary rate limit until reset", http.MethodGet, commentsPath, 1, githubtest.PrimaryRateLimit(fakeNow.Add(20 * time.Second)), []time.Duration{21 * time.Second}},
		{"create applied but response lost", http.MethodPost, commentsPath, 1, githubtest.ApplyThenHang(), []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			srv.Inject(tt.method, tt.path, tt.times, tt.fault)
			c, sl := newClient(t, srv)
			const target = "envs/staging:default"
			ctx := context.Background()

			if _, err := c.UpsertComment(ctx, target, "run 1"); err != nil {
				t.Fatalf("run 1: %v", err)
			}
			if diff := cmp.Diff([]string{wantBody(target, "run 1")}, hiyariComments(srv, target)); diff != "" {
				t.Errorf("hiyari comments after run 1 (-want +got):\n%s", diff)
			}
			// Run 2 meets the same fault again.
			srv.Inject(tt.method, tt.path, tt.times, tt.fault)
			if _, err := c.UpsertComment(ctx, target, "run 2"); err != nil {
				t.Fatalf("run 2: %v", err)
			}

			if diff := cmp.Diff([]string{wantBody(target, "run 2")}, hiyariComments(srv, target)); diff != "" {
				t.Errorf("hiyari comments after two runs (-want +got):\n%s", diff)
			}
			if len(sl.Waits()) == 0 {
				t.Fatalf("no retry wait recorded; the fault was not met")
			}
			if diff := cmp.Diff(tt.wantWaits, sl.Waits()[:len(tt.wantWaits)]); diff != "" {
				t.Errorf("first waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRetriesAreBoundedInCount(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.Inject(http.MethodGet, commentsPath, 100, githubtest.Status(502))
	c, sl := newClient(t, srv, func(cfg *github.Config) { cfg.MaxRetries = 3 })

	_, err := c.UpsertComment(context.Background(), "prod", "body")
	var apiErr *github.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway {
		t.Fatalf("err = %v; want *github.Error with status 502", err)
	}
	if got := len(srv.Requests()); got != 4 {
		t.Errorf("%d requests; want 4 (1 + MaxRetries 3)", got)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, sl.Waits()); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "kept failing after retries") {
		t.Errorf("error %q does not say retries were exhausted", err)
	}
}

func TestRetriesAreBoundedInTotalWait(t *testing.T) {
	srv := githubtest.NewServer(t)
	// The reset is an hour away; the budget is a minute: fail now, say when.
	srv.Inject(http.MethodGet, commentsPath, 1, githubtest.PrimaryRateLimit(fakeNow.Add(time.Hour)))
	c, sl := newClient(t, srv, func(cfg *github.Config) { cfg.MaxWait = time.Minute })

	_, err := c.UpsertComment(context.Background(), "prod", "body")
	if err == nil {
		t.Fatal("UpsertComment succeeded; want a rate-limit error")
	}
	if len(sl.Waits()) != 0 {
		t.Errorf("waited %v beyond the budget", sl.Waits())
	}
	for _, want := range []string{"rate limit", "2023-11-14T23:13:20Z", "acme/infra#42"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestSecondaryRateLimitBeyondBudget(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.Inject(http.MethodPost, commentsPath, 1, githubtest.SecondaryRateLimit(10*time.Minute))
	c, _ := newClient(t, srv, func(cfg *github.Config) { cfg.MaxWait = time.Minute })
	_, err := c.UpsertComment(context.Background(), "prod", "body")
	if err == nil || !strings.Contains(err.Error(), "secondary rate limit") {
		t.Fatalf("err = %v; want one naming the secondary rate limit", err)
	}
	if n := len(srv.Comments(githubtest.DefaultPR)); n != 0 {
		t.Errorf("%d comments; a rate-limited create must not be applied", n)
	}
}

func TestAccessErrorsNameRepoPRAndPermissions(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*githubtest.Server)
		edit       func(*github.Config)
		wantStatus int
		want       []string
	}{
		{
			name:       "404 pull request",
			edit:       func(c *github.Config) { c.PR = 9999 },
			wantStatus: 404,
			want:       []string{"acme/infra#9999", "does not exist", "pull-requests: write", "issues: write", "https://github.com/acme/infra/pull/9999"},
		},
		{
			name:       "404 repository",
			edit:       func(c *github.Config) { c.Repo = "missing" },
			wantStatus: 404,
			want:       []string{"acme/missing#42", "pull-requests: write"},
		},
		{
			name:       "403 token without permissions",
			setup:      func(s *githubtest.Server) { s.Inject(http.MethodPost, commentsPath, 1, githubtest.Forbidden()) },
			wantStatus: 403,
			want:       []string{"create comment on acme/infra#42", "Resource not accessible by integration", "pull-requests: write", "issues: write", "fork"},
		},
		{
			name:       "401 bad token",
			edit:       func(c *github.Config) { c.Token = "ghp_wrongwrongwrongwrongwrongwrongwrong1" },
			wantStatus: 401,
			want:       []string{"Bad credentials", "invalid or expired"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			var edits []func(*github.Config)
			if tt.edit != nil {
				edits = append(edits, tt.edit)
			}
			c, sl := newClient(t, srv, edits...)
			_, err := c.UpsertComment(context.Background(), "prod", "body")
			var apiErr *github.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v; want *github.Error", err)
			}
			if apiErr.StatusCode != tt.wantStatus {
				t.Errorf("StatusCode = %d; want %d", apiErr.StatusCode, tt.wantStatus)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if len(sl.Waits()) != 0 {
				t.Errorf("retried a %d: waits %v", tt.wantStatus, sl.Waits())
			}
		})
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.Inject(http.MethodGet, commentsPath, 100, githubtest.Status(500))
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newClient(t, srv, func(cfg *github.Config) {
		cfg.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	})
	_, err := c.UpsertComment(ctx, "prod", "body")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests after cancel; want 1", n)
	}
}

func TestEnterpriseServerBaseURL(t *testing.T) {
	srv := githubtest.NewServer(t, githubtest.WithPrefix("/api/v3"))
	srv.Expect(http.MethodGet, commentsPath)
	srv.Expect(http.MethodPost, commentsPath)
	cfg, err := github.ConfigFromEnv(map[string]string{
		"GITHUB_TOKEN":      srv.Token,
		"GITHUB_REPOSITORY": "acme/infra",
		"GITHUB_API_URL":    srv.URL,
		"GITHUB_SERVER_URL": "https://ghe.example",
	}, github.FlagOverrides{PR: githubtest.DefaultPR})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(cfg.APIURL, "/api/v3") {
		t.Fatalf("APIURL = %q", cfg.APIURL)
	}
	cfg.HTTPClient = srv.Client()
	c, err := github.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpsertComment(context.Background(), "prod", "on GHES"); err != nil {
		t.Fatal(err)
	}
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Path, "/repos/acme/infra/") {
			t.Errorf("request path %q is not under the API root", r.Path)
		}
	}
	if got, want := c.PullRequestURL(), "https://ghe.example/acme/infra/pull/42"; got != want {
		t.Errorf("PullRequestURL = %q; want %q", got, want)
	}
}

// TestTokenNeverAppears gathers every error and printed form this package
// produces across faults and checks none contains the token.
func TestTokenNeverAppears(t *testing.T) {
	const token = "ghs_s3cretTOKENvalue0123456789abcdefXYZ"
	var captured []string
	faults := []githubtest.Fault{
		githubtest.Status(500), githubtest.Status(502), githubtest.Status(404), githubtest.Forbidden(),
		githubtest.SecondaryRateLimit(time.Hour), githubtest.TooManyRequests(time.Hour),
		githubtest.PrimaryRateLimit(fakeNow.Add(time.Hour)), githubtest.ApplyThenHang(),
	}
	for _, f := range faults {
		srv := githubtest.NewServer(t, githubtest.WithToken(token))
		srv.Inject(http.MethodGet, commentsPath, 100, f)
		srv.Inject(http.MethodGet, "/repos/{owner}/{repo}/issues/{number}/labels", 100, f)
		c, _ := newClient(t, srv, func(cfg *github.Config) { cfg.MaxWait = time.Minute; cfg.MaxRetries = 1 })
		if _, err := c.UpsertComment(context.Background(), "prod", "body"); err != nil {
			captured = append(captured, err.Error(), fmtAll(err))
		} else {
			t.Errorf("fault %v: no error", f)
		}
		if _, err := c.SyncLabels(context.Background(), nil, nil); err != nil {
			captured = append(captured, err.Error())
		}
		captured = append(captured, fmtAll(c))
		for _, r := range srv.Requests() {
			captured = append(captured, r.Path, r.Query, r.Body)
		}
	}
	// Wrong token and a bad URL.
	srv := githubtest.NewServer(t)
	c, _ := newClient(t, srv, func(cfg *github.Config) { cfg.Token = token })
	_, err := c.UpsertComment(context.Background(), "prod", "body")
	captured = append(captured, err.Error())
	c, _ = newClient(t, srv, func(cfg *github.Config) { cfg.Token = token; cfg.APIURL = "http://127.0.0.1:1/" })
	_, err = c.UpsertComment(context.Background(), "prod", "body")
	captured = append(captured, err.Error())
	cfg := github.Config{Token: token, Owner: "acme", Repo: "infra", PR: 1}
	captured = append(captured, fmtAll(cfg), fmtAll(&cfg))
	_, err = github.ConfigFromEnv(map[string]string{"GITHUB_TOKEN": token}, github.FlagOverrides{})
	captured = append(captured, err.Error())

	if len(captured) < 20 {
		t.Fatalf("only %d captured outputs; the test is not exercising the faults", len(captured))
	}
	for _, s := range captured {
		if strings.Contains(s, token) || strings.Contains(s, token[4:20]) {
			t.Errorf("token found in output: %q", s)
		}
	}
}

func fmtAll(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		b.WriteString(fmt.Sprintf(verb, v))
		b.WriteString("\n")
	}
	return b.String()
}

// TestCreateAppliedReportsCreated: when the create was applied but its answer
// lost, the comment found on the next listing is ours: the result says created.
func TestCreateAppliedReportsCreated(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.Inject(http.MethodPost, commentsPath, 1, githubtest.ApplyThenHang())
	c, _ := newClient(t, srv)
	res, err := c.UpsertComment(context.Background(), "envs/staging", "body")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != github.CommentCreated || res.ID == 0 {
		t.Errorf("result %+v, want action created with the comment's id", res)
	}
	if n := len(hiyariComments(srv, "envs/staging")); n != 1 {
		t.Errorf("%d comments, want 1", n)
	}
}
