package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
)

const (
	commentsPath = "/repos/{owner}/{repo}/issues/{number}/comments"
	commentPath  = "/repos/{owner}/{repo}/issues/comments/{id}"
)

// sleeper records the waits a Client asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeper) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newClient builds a Client for the fake's default pull request with a fake
// sleep, a short per-attempt timeout and a fixed clock.
func newClient(t *testing.T, srv *githubtest.Server, edit ...func(*github.Config)) (*github.Client, *sleeper) {
	t.Helper()
	sl := &sleeper{}
	cfg := github.Config{
		Token:          srv.Token,
		APIURL:         srv.URL,
		ServerURL:      "https://github.com",
		Owner:          srv.Owner,
		Repo:           srv.Repo,
		PR:             githubtest.DefaultPR,
		HTTPClient:     srv.Client(),
		RequestTimeout: 300 * time.Millisecond,
		Sleep:          sl.Sleep,
		Now:            func() time.Time { return time.Unix(1_700_000_000, 0) },
	}
	for _, e := range edit {
		e(&cfg)
	}
	c, err := github.New(cfg)
	if err != nil {
		t.Fatalf("github.New: %v", err)
	}
	return c, sl
}

// hiyariComments returns the bodies of the comments carrying target's marker.
func hiyariComments(srv *githubtest.Server, target string) []string {
	var out []string
	for _, c := range srv.Comments(githubtest.DefaultPR) {
		if strings.Contains(c.Body, github.Marker(target)) {
			out = append(out, c.Body)
		}
	}
	return out
}

func wantBody(target, body string) string { return github.Marker(target) + "\n" + body + "\n" }

func TestUpsertCommentTwiceLeavesOneUpdatedComment(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddComment(githubtest.DefaultPR, "sre-alice", "LGTM once the plan is clean")
	srv.Expect(http.MethodPost, commentsPath).Times(1)
	srv.Expect(http.MethodPatch, commentPath).Times(1)
	srv.Expect(http.MethodDelete, commentPath).Times(0)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	const target = "envs/staging:default"

	first, err := c.UpsertComment(ctx, target, "## hiyari: 3 to delete")
	if err != nil {
		t.Fatalf("first UpsertComment: %v", err)
	}
	second, err := c.UpsertComment(ctx, target, "## hiyari: 0 to delete")
	if err != nil {
		t.Fatalf("second UpsertComment: %v", err)
	}

	if first.Action != github.CommentCreated || second.Action != github.CommentUpdated {
		t.Errorf("actions = %s, %s; want created, updated", first.Action, second.Action)
	}
	if first.ID != second.ID {
		t.Errorf("second run changed comment %d into %d; want the same comment edited in place", first.ID, second.ID)
	}
	if diff := cmp.Diff([]string{wantBody(target, "## hiyari: 0 to delete")}, hiyariComments(srv, target)); diff != "" {
		t.Errorf("hiyari comments on the PR (-want +got):\n%s", diff)
	}
	if n := len(srv.Comments(githubtest.DefaultPR)); n != 2 {
		t.Errorf("PR has %d comments; want 2 (the reviewer's and hiyari's)", n)
	}
	wantURL := fmt.Sprintf("pull/%d#issuecomment-%d", githubtest.DefaultPR, first.ID)
	if !strings.HasSuffix(first.URL, wantURL) {
		t.Errorf("URL = %q; want it to end in %q", first.URL, wantURL)
	}
}

func TestUpsertCommentUnchangedBodyMakesNoWrite(t *testing.T) {
	srv := githubtest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.UpsertComment(ctx, "prod", "no changes"); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Writes())
	srv.Expect(http.MethodPatch, commentPath).Times(0)
	res, err := c.UpsertComment(ctx, "prod", "no changes\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != github.CommentUnchanged {
		t.Errorf("Action = %s; want unchanged", res.Action)
	}
	if got := srv.Writes()[before:]; len(got) != 0 {
		t.Errorf("second run with the same body wrote %d time(s): %+v; want none", len(got), got)
	}
}

func TestUpsertCommentPaginatesOverManyComments(t *testing.T) {
	srv := githubtest.NewServer(t)
	const target = "envs/prod:default"
	for i := range 250 {
		if i == 230 {
			srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, wantBody(target, "old review"))
			continue
		}
		srv.AddComment(githubtest.DefaultPR, "reviewer", fmt.Sprintf("comment %d", i))
	}
	srv.Expect(http.MethodPost, commentsPath).Times(0)
	srv.Expect(http.MethodPatch, commentPath).Times(1)
	c, _ := newClient(t, srv)

	res, err := c.UpsertComment(context.Background(), target, "new review")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != github.CommentUpdated {
		t.Errorf("Action = %s; want updated (the marker is on page 3)", res.Action)
	}
	var pages []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodGet {
			pages = append(pages, r.Query)
		}
	}
	want := []string{"per_page=100", "page=2&per_page=100", "page=3&per_page=100"}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("list requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{wantBody(target, "new review")}, hiyariComments(srv, target)); diff != "" {
		t.Errorf("hiyari comments (-want +got):\n%s", diff)
	}
	if n := len(srv.Comments(githubtest.DefaultPR)); n != 250 {
		t.Errorf("PR has %d comments; want 250", n)
	}
}

func TestUpsertCommentKeepsNewestDuplicateAndDeletesOthers(t *testing.T) {
	srv := githubtest.NewServer(t)
	const target = "envs/staging:default"
	older := srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, wantBody(target, "run 1"))
	srv.AddComment(githubtest.DefaultPR, "sre-bob", "why two?")
	newest := srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, wantBody(target, "run 2"))
	other := srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, wantBody("envs/prod:default", "prod"))
	c, _ := newClient(t, srv)

	res, err := c.UpsertComment(context.Background(), target, "run 3")
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != newest.ID || res.Action != github.CommentUpdated {
		t.Errorf("result = %+v; want comment %d updated", res, newest.ID)
	}
	if diff := cmp.Diff([]int64{older.ID}, res.Deleted); diff != "" {
		t.Errorf("Deleted (-want +got):\n%s", diff)
	}
	var ids []int64
	for _, cm := range srv.Comments(githubtest.DefaultPR) {
		ids = append(ids, cm.ID)
	}
	if diff := cmp.Diff([]int64{older.ID + 1, newest.ID, other.ID}, ids); diff != "" {
		t.Errorf("remaining comments (-want +got):\n%s", diff)
	}
}

func TestUpsertCommentOneCommentPerTarget(t *testing.T) {
	srv := githubtest.NewServer(t)
	c, _ := newClient(t, srv)
	ctx := context.Background()
	// "envs/a" must not find the comment of "envs/ab", nor the other way round.
	for _, target := range []string{"envs/ab", "envs/a", "envs/a b", "envs/a%20b", "envs/ab", "envs/a"} {
		if _, err := c.UpsertComment(ctx, target, "review of "+target); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
	}
	if n := len(srv.Comments(githubtest.DefaultPR)); n != 4 {
		t.Errorf("PR has %d comments; want 4, one per distinct target", n)
	}
	for _, target := range []string{"envs/ab", "envs/a", "envs/a b", "envs/a%20b"} {
		if got := hiyariComments(srv, target); len(got) != 1 || !strings.Contains(got[0], "review of "+target+"\n") {
			t.Errorf("target %q: comments %q; want exactly its own", target, got)
		}
	}
}

func TestUpsertCommentIgnoresQuotedMarker(t *testing.T) {
	srv := githubtest.NewServer(t)
	const target = "prod"
	srv.AddComment(githubtest.DefaultPR, "sre-bob", "> "+github.Marker(target)+"\nwhy is this here?")
	c, _ := newClient(t, srv)
	res, err := c.UpsertComment(context.Background(), target, "review")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != github.CommentCreated {
		t.Errorf("Action = %s; a quoted marker in someone's comment is not hiyari's comment", res.Action)
	}
	if got := srv.Comments(githubtest.DefaultPR)[0].Body; !strings.HasPrefix(got, "> ") {
		t.Errorf("the reviewer's comment was changed to %q", got)
	}
}

func TestUpsertCommentRejectsTooLongBodyBeforeCallingGitHub(t *testing.T) {
	srv := githubtest.NewServer(t)
	c, _ := newClient(t, srv)
	const target = "envs/prod:default"
	fits := strings.Repeat("é", github.BodyBudget(target))
	if _, err := c.UpsertComment(context.Background(), target, fits); err != nil {
		t.Fatalf("a body of BodyBudget characters: %v", err)
	}
	if got := github.CountGitHubChars(srv.Comments(githubtest.DefaultPR)[0].Body); got != github.CommentLimit {
		t.Errorf("stored comment is %d characters; want exactly the limit", got)
	}
	before := len(srv.Requests())
	_, err := c.UpsertComment(context.Background(), target, fits+"x")
	var tooLong *github.TooLongError
	if !errors.As(err, &tooLong) {
		t.Fatalf("err = %v; want *TooLongError", err)
	}
	if tooLong.Chars != github.CommentLimit+1 {
		t.Errorf("Chars = %d; want %d", tooLong.Chars, github.CommentLimit+1)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("%d request(s) made for a body known to be too long; want 0", n)
	}
}

func TestMarker(t *testing.T) {
	tests := []struct {
		target string
		want   string
	}{
		{"envs/staging:default", "<!-- hiyari:target=envs/staging:default -->"},
		{"us-east-1/app", "<!-- hiyari:target=us-east-1/app -->"},
		{"a--b", "<!-- hiyari:target=a%2D%2Db -->"},
		{"x-->y", "<!-- hiyari:target=x%2D%2D%3Ey -->"},
		{"two\nlines", "<!-- hiyari:target=two%0Alines -->"},
		{"with space", "<!-- hiyari:target=with%20space -->"},
		{"100%", "<!-- hiyari:target=100%25 -->"},
		{"日本", "<!-- hiyari:target=%E6%97%A5%E6%9C%AC -->"},
		{"", "<!-- hiyari:target=%00 -->"},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			got := github.Marker(tt.target)
			if got != tt.want {
				t.Errorf("Marker(%q) = %q; want %q", tt.target, got, tt.want)
			}
			inner := strings.TrimSuffix(strings.TrimPrefix(got, "<!--"), "-->")
			if strings.Contains(inner, "--") || strings.ContainsAny(inner, "<>\n\r") {
				t.Errorf("Marker(%q) = %q could end the HTML comment early or span lines", tt.target, got)
			}
			if prev, ok := seen[got]; ok {
				t.Errorf("targets %q and %q share marker %q", prev, tt.target, got)
			}
			seen[got] = tt.target
		})
	}
}

func TestCountGitHubChars(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"ascii", "plan: 3 to destroy", 18},
		{"accented", "déjà", 4},
		{"cjk", "削除", 2},
		{"astral emoji counts once", "🔴🔴", 2},
		{"flag is two code points", "🇯🇵", 2},
		{"invalid byte counts once", "a\xffb", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := github.CountGitHubChars(tt.in); got != tt.want {
				t.Errorf("CountGitHubChars(%q) = %d; want %d", tt.in, got, tt.want)
			}
		})
	}
	// The unit is chosen so the limit in characters also holds in bytes.
	if got := len(strings.Repeat("🔴", github.CommentLimit)); got > 262144 {
		t.Errorf("CommentLimit astral characters are %d bytes; over the 262,144-byte storage limit", got)
	}
}
