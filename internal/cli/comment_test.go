package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/report"
)

const (
	commentsPath    = "/repos/{owner}/{repo}/issues/{number}/comments"
	commentPath     = "/repos/{owner}/{repo}/issues/comments/{id}"
	repoLabelsPath  = "/repos/{owner}/{repo}/labels"
	issueLabelsPath = "/repos/{owner}/{repo}/issues/{number}/labels"
	testTarget      = "envs/staging"
)

// Plans for the comment tests: the seed incident (deletes IAM roles of another
// environment), a plan that only creates, and one that changes nothing.
const (
	destroyPlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{},
 "resource_changes":[{"address":"aws_iam_role.old","mode":"managed","type":"aws_iam_role","name":"old",
  "provider_name":"registry.terraform.io/hashicorp/aws",
  "change":{"actions":["delete"],"before":{"name":"old","arn":"arn:aws:iam::111111111111:role/old"},"after":null,
  "before_sensitive":{},"after_sensitive":false}}],
 "configuration":{"root_module":{"resources":[{"address":"aws_iam_role.old","mode":"managed","type":"aws_iam_role","name":"old"}]}}}`
	createPlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{},
 "resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
  "change":{"actions":["create"],"before":null,"after":{"name":"q"},"after_unknown":{},"before_sensitive":false,"after_sensitive":{}}}]}`
	noChangePlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{},
 "resource_changes":[{"address":"aws_iam_role.a","mode":"managed","type":"aws_iam_role","name":"a",
  "change":{"actions":["no-op"],"before":{"name":"a"},"after":{"name":"a"}}}],
 "prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_iam_role.a","mode":"managed","type":"aws_iam_role","name":"a","values":{"name":"a"}}]}}}}`
)

// commentEnv is a GitHub Actions environment for the fake's pull request.
type commentEnv struct {
	t       *testing.T
	srv     *githubtest.Server
	dir     string
	env     []string
	summary string
	sleep   *fakeSleep
	plans   map[string]string
	// timeout bounds one request; a hung create costs this much.
	timeout time.Duration
}

type fakeSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *fakeSleep) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *fakeSleep) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

func newCommentEnv(t *testing.T, srv *githubtest.Server) *commentEnv {
	t.Helper()
	dir := t.TempDir()
	event := filepath.Join(dir, "event.json")
	writeFile(t, event, fmt.Sprintf(`{"action":"synchronize","number":%d,"pull_request":{"number":%d}}`, githubtest.DefaultPR, githubtest.DefaultPR))
	summary := filepath.Join(dir, "summary.md")
	ce := &commentEnv{t: t, srv: srv, dir: dir, summary: summary, sleep: &fakeSleep{}, plans: map[string]string{}, timeout: 300 * time.Millisecond}
	ce.env = []string{
		"NO_COLOR=1",
		"GITHUB_ACTIONS=true",
		"GITHUB_TOKEN=" + srv.Token,
		"GITHUB_REPOSITORY=" + srv.Owner + "/" + srv.Repo,
		"GITHUB_API_URL=" + srv.URL,
		"GITHUB_SERVER_URL=https://github.com",
		"GITHUB_EVENT_NAME=pull_request",
		"GITHUB_EVENT_PATH=" + event,
		"GITHUB_STEP_SUMMARY=" + summary,
		"GITHUB_RUN_ID=9001",
	}
	for name, doc := range map[string]string{"destroy": destroyPlan, "create": createPlan, "nochange": noChangePlan} {
		p := filepath.Join(dir, name+".json")
		writeFile(t, p, doc)
		ce.plans[name] = p
	}
	return ce
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

type commentRun struct {
	code           int
	stdout, stderr string
}

// run executes plan comment with args against the fake, without real waits.
func (ce *commentEnv) run(args ...string) commentRun {
	ce.t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Ctx: context.Background(), IO: IO{In: &bytes.Buffer{}, Out: &out, Err: &errOut}, Env: NewEnv(ce.env)}
	cmd := newPlanCommentCmdWith(app, commentHooks{
		httpClient:     ce.srv.Client(),
		sleep:          ce.sleep.Sleep,
		requestTimeout: ce.timeout,
	})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetArgs(append([]string{"--dir", ce.dir}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	return commentRun{code: exitCode(&errOut, err), stdout: out.String(), stderr: errOut.String()}
}

// hiyariComments returns the comments carrying target's marker.
func hiyariComments(srv *githubtest.Server, target string) []githubtest.Comment {
	var out []githubtest.Comment
	for _, c := range srv.Comments(githubtest.DefaultPR) {
		if strings.HasPrefix(c.Body, github.Marker(target)+"\n") {
			out = append(out, c)
		}
	}
	return out
}

// wantLabels are the labels each plan must leave on the pull request.
var wantLabels = map[string][]string{
	"destroy":  {"hiyari:destroy", "hiyari:high"},
	"create":   {"hiyari:add-or-update"},
	"nochange": {"hiyari:no-changes"},
}

// wantCode is the exit code of each plan with --fail-on high.
var wantCode = map[string]int{"destroy": ExitGate, "create": ExitOK, "nochange": ExitOK}

// checkState asserts one hiyari comment holding plan's review and plan's labels.
func (ce *commentEnv) checkState(plan string) {
	ce.t.Helper()
	cs := hiyariComments(ce.srv, testTarget)
	if len(cs) != 1 {
		ce.t.Fatalf("%d hiyari comments for %s, want exactly 1", len(cs), testTarget)
	}
	marker := map[string]string{"destroy": "aws_iam_role.old", "create": "| 1 | 0 | 0 |", "nochange": "| 0 | 0 | 0 |"}[plan]
	if !strings.Contains(cs[0].Body, marker) {
		ce.t.Errorf("comment does not show the %s plan (no %q):\n%s", plan, marker, cs[0].Body)
	}
	if diff := cmp.Diff(wantLabels[plan], ce.srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
		ce.t.Errorf("labels after the %s plan (-want +got):\n%s", plan, diff)
	}
}

func TestPlanCommentTwiceIsOneComment(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddComment(githubtest.DefaultPR, "octocat", "LGTM, but please check the plan")
	srv.AddIssueLabel(githubtest.DefaultPR, "needs-review")
	ce := newCommentEnv(t, srv)

	r := ce.run("--target", testTarget, "--fail-on", "high", ce.plans["destroy"])
	if r.code != ExitGate {
		t.Fatalf("first run: exit %d, want %d (gate after posting); stderr: %s", r.code, ExitGate, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "comment created for envs/staging: http://") || !strings.Contains(r.stdout, "labels added: hiyari:destroy, hiyari:high") {
		t.Errorf("first run result line: %q", r.stdout)
	}
	cs := hiyariComments(srv, testTarget)
	if len(cs) != 1 {
		t.Fatalf("after the first run: %d hiyari comments, want 1", len(cs))
	}
	if diff := cmp.Diff([]string{"hiyari:destroy", "hiyari:high", "needs-review"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}

	// The same review again: nothing is written.
	writes := len(srv.Writes())
	r = ce.run("--target", testTarget, "--fail-on", "high", ce.plans["destroy"])
	if r.code != ExitGate || !strings.HasPrefix(r.stdout, "comment unchanged") || !strings.Contains(r.stdout, "labels unchanged") {
		t.Errorf("second run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := srv.Writes()[writes:]; len(got) != 0 {
		t.Errorf("an unchanged review wrote to GitHub: %+v", got)
	}

	// A new push that only creates: the same comment is edited, labels follow.
	r = ce.run("--target", testTarget, "--fail-on", "high", ce.plans["create"])
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "comment updated") {
		t.Errorf("third run: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := hiyariComments(srv, testTarget); len(got) != 1 || got[0].ID != cs[0].ID {
		t.Errorf("after the update: comments %+v, want only comment %d", got, cs[0].ID)
	}
	if diff := cmp.Diff([]string{"hiyari:add-or-update", "needs-review"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
		t.Errorf("labels after the update (-want +got):\n%s", diff)
	}
	if n := len(srv.Comments(githubtest.DefaultPR)); n != 2 {
		t.Errorf("%d comments on the pull request, want 2 (the reviewer's and hiyari's)", n)
	}

	// The job summary got the full report once per run, with the run link in the comment.
	summary, err := os.ReadFile(ce.summary)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^## `).FindAllIndex(summary, -1)); n != 3 {
		t.Errorf("job summary has %d reports, want 3", n)
	}
}

func TestPlanCommentFaults(t *testing.T) {
	tests := []struct {
		name   string
		inject func(srv *githubtest.Server)
		waits  []time.Duration // waits that must be among the recorded ones
	}{
		{"500 on list", func(srv *githubtest.Server) { srv.Inject(http.MethodGet, commentsPath, 1, githubtest.Status(500)) }, []time.Duration{time.Second}},
		{"502 on create", func(srv *githubtest.Server) { srv.Inject(http.MethodPost, commentsPath, 1, githubtest.Status(502)) }, nil},
		{"502 on update", func(srv *githubtest.Server) { srv.Inject(http.MethodPatch, commentPath, 1, githubtest.Status(502)) }, []time.Duration{time.Second}},
		{"secondary rate limit with Retry-After", func(srv *githubtest.Server) {
			srv.Inject(http.MethodPost, commentsPath, 1, githubtest.SecondaryRateLimit(7*time.Second))
			srv.Inject(http.MethodPatch, commentPath, 1, githubtest.SecondaryRateLimit(7*time.Second))
			srv.Inject(http.MethodPost, repoLabelsPath, 1, githubtest.SecondaryRateLimit(7*time.Second))
		}, []time.Duration{7 * time.Second}},
		{"create times out after being applied", func(srv *githubtest.Server) {
			srv.Inject(http.MethodPost, commentsPath, 1, githubtest.ApplyThenHang())
		}, nil},
		{"422 label race", func(srv *githubtest.Server) {
			srv.Inject(http.MethodPost, repoLabelsPath, 3, githubtest.LabelAlreadyExists())
		}, nil},
		{"everything at once", func(srv *githubtest.Server) {
			srv.Inject(http.MethodGet, commentsPath, 1, githubtest.Status(502))
			srv.Inject(http.MethodPost, commentsPath, 1, githubtest.ApplyThenHang())
			srv.Inject(http.MethodPatch, commentPath, 1, githubtest.Status(500))
			srv.Inject(http.MethodPost, repoLabelsPath, 1, githubtest.LabelAlreadyExists())
			srv.Inject(http.MethodPost, issueLabelsPath, 1, githubtest.SecondaryRateLimit(3*time.Second))
		}, []time.Duration{3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			ce := newCommentEnv(t, srv)
			tt.inject(srv)
			for _, plan := range []string{"destroy", "create"} {
				r := ce.run("--target", testTarget, "--fail-on", "high", ce.plans[plan])
				if r.code != wantCode[plan] {
					t.Fatalf("%s plan: exit %d, want %d; stderr: %s", plan, r.code, wantCode[plan], r.stderr)
				}
				ce.checkState(plan)
			}
			waits := ce.sleep.Waits()
			for _, w := range tt.waits {
				if !slices.Contains(waits, w) {
					t.Errorf("waits %v do not include %v", waits, w)
				}
			}
		})
	}
}

// TestPlanCommentSoak runs plan comment many times on one pull request with random
// faults (seeded, so a failure reproduces) and checks after every run that there is
// exactly one hiyari comment, showing the latest plan, and the right labels.
func TestPlanCommentSoak(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 40
	}
	srv := githubtest.NewServer(t)
	ce := newCommentEnv(t, srv)
	ce.timeout = 100 * time.Millisecond
	rng := rand.New(rand.NewSource(5))
	faults := []struct {
		method, path string
		fault        func() githubtest.Fault
	}{
		{http.MethodGet, commentsPath, func() githubtest.Fault { return githubtest.Status(500) }},
		{http.MethodGet, commentsPath, func() githubtest.Fault { return githubtest.Status(502) }},
		{http.MethodPost, commentsPath, func() githubtest.Fault { return githubtest.Status(502) }},
		{http.MethodPost, commentsPath, func() githubtest.Fault { return githubtest.ApplyThenHang() }},
		{http.MethodPost, commentsPath, func() githubtest.Fault { return githubtest.SecondaryRateLimit(2 * time.Second) }},
		{http.MethodPatch, commentPath, func() githubtest.Fault { return githubtest.Status(500) }},
		{http.MethodPatch, commentPath, func() githubtest.Fault { return githubtest.SecondaryRateLimit(time.Second) }},
		{http.MethodGet, issueLabelsPath, func() githubtest.Fault { return githubtest.Status(502) }},
		{http.MethodPost, repoLabelsPath, func() githubtest.Fault { return githubtest.LabelAlreadyExists() }},
		{http.MethodPost, issueLabelsPath, func() githubtest.Fault { return githubtest.TooManyRequests(time.Second) }},
	}
	plans := []string{"destroy", "create", "nochange"}
	start := time.Now()
	for i := range runs {
		plan := plans[rng.Intn(len(plans))]
		// Now and then someone deletes the comment or the labels, so creates
		// (and their faults) happen again, not only on the first run.
		if rng.Intn(4) == 0 {
			for _, c := range hiyariComments(srv, testTarget) {
				srv.RemoveComment(c.ID)
			}
		}
		if rng.Intn(4) == 0 {
			for _, l := range srv.RepoLabels() {
				srv.RemoveRepoLabel(l.Name)
			}
		}
		for range rng.Intn(3) {
			f := faults[rng.Intn(len(faults))]
			srv.Inject(f.method, f.path, 1, f.fault())
		}
		r := ce.run("--target", testTarget, "--fail-on", "high", ce.plans[plan])
		if r.code != wantCode[plan] {
			t.Fatalf("run %d (%s plan): exit %d, want %d; stderr: %s", i, plan, r.code, wantCode[plan], r.stderr)
		}
		ce.checkState(plan)
		if t.Failed() {
			t.Fatalf("run %d (%s plan) left the pull request wrong", i, plan)
		}
	}
	statuses := map[int]int{}
	for _, r := range srv.Requests() {
		if r.Status >= 400 || r.Status == 0 {
			statuses[r.Status]++
		}
	}
	t.Logf("%d runs in %s, %d requests, faulted answers by status (0 = never answered): %v",
		runs, time.Since(start).Round(time.Millisecond), len(srv.Requests()), statuses)
	if statuses[0] == 0 || statuses[403] == 0 || statuses[500]+statuses[502] == 0 {
		t.Errorf("the seeded faults did not cover hangs, rate limits and 5xx: %v", statuses)
	}
}

func TestPlanCommentPermissionErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		inject func(srv *githubtest.Server)
		want   []string
	}{
		{"403 on create", nil, func(srv *githubtest.Server) {
			srv.Inject(http.MethodPost, commentsPath, 1, githubtest.Forbidden())
		}, []string{"create comment on acme/infra#42", "403", "pull-requests: write", "issues: write"}},
		{"404: no such pull request", []string{"--pr", "99"}, nil,
			[]string{"list comments on acme/infra#99", "404", "does not exist", "pull-requests: write", "issues: write"}},
		{"401: bad token", nil, func(srv *githubtest.Server) {
			srv.Inject(http.MethodGet, commentsPath, 1, githubtest.Status(401))
		}, []string{"acme/infra#42", "401", "token is invalid or expired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			ce := newCommentEnv(t, srv)
			if tt.inject != nil {
				tt.inject(srv)
			}
			out := filepath.Join(ce.dir, "report.json")
			args := append([]string{"--target", testTarget, "--out", out}, tt.args...)
			r := ce.run(append(args, ce.plans["destroy"])...)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, ExitError, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			assertNoToken(t, srv, r, ce.summary, out)
		})
	}
}

// assertNoToken fails when the token is in anything hiyari wrote or sent, other
// than the Authorization header.
func assertNoToken(t *testing.T, srv *githubtest.Server, r commentRun, files ...string) {
	t.Helper()
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		texts[f] = string(data)
	}
	for _, req := range srv.Requests() {
		texts[req.Method+" "+req.Path] += req.Path + "?" + req.Query + "\n" + req.Body
	}
	for _, c := range srv.Comments(githubtest.DefaultPR) {
		texts["comment"] += c.Body
	}
	for where, text := range texts {
		if strings.Contains(text, srv.Token) {
			t.Errorf("the token appears in %s", where)
		}
	}
}

func TestPlanCommentTokenNeverShown(t *testing.T) {
	srv := githubtest.NewServer(t)
	ce := newCommentEnv(t, srv)
	out := filepath.Join(ce.dir, "report.json")
	r := ce.run("--target", testTarget, "--out", out, "--format", "json", ce.plans["destroy"])
	if r.code != ExitGate && r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"schema_version"`) || !strings.HasPrefix(r.stderr, "comment created") {
		t.Errorf("with --format the report goes to stdout and the result line to stderr; stdout %.200q, stderr %q", r.stdout, r.stderr)
	}
	assertNoToken(t, srv, r, ce.summary, out)
}

func TestPlanCommentFailsBeforePosting(t *testing.T) {
	tests := []struct {
		name string
		env  func(ce *commentEnv)
		args func(ce *commentEnv) []string
		want string
	}{
		{"missing plan", nil, func(ce *commentEnv) []string { return []string{filepath.Join(ce.dir, "absent.json")} }, "absent.json"},
		{"no token", func(ce *commentEnv) {
			ce.env = slices.DeleteFunc(ce.env, func(kv string) bool { return strings.HasPrefix(kv, "GITHUB_TOKEN=") })
		}, func(ce *commentEnv) []string { return []string{ce.plans["destroy"]} }, "no GitHub token: set GITHUB_TOKEN"},
		{"bad format", nil, func(ce *commentEnv) []string { return []string{"--format", "yaml", ce.plans["destroy"]} }, `--format "yaml"`},
		{"label name too long", func(ce *commentEnv) {
			writeFile(ce.t, filepath.Join(ce.dir, ".hiyari.yaml"), "github:\n  labels:\n    destroy: "+strings.Repeat("x", 60)+"\n")
		}, func(ce *commentEnv) []string { return []string{ce.plans["destroy"]} }, "longer than GitHub's 50 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			ce := newCommentEnv(t, srv)
			if tt.env != nil {
				tt.env(ce)
			}
			r := ce.run(append([]string{"--target", testTarget}, tt.args(ce)...)...)
			if r.code != ExitError || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, tt.want)
			}
			if reqs := srv.Requests(); len(reqs) != 0 {
				t.Errorf("an error before posting still called GitHub: %+v", reqs)
			}
		})
	}
}

func TestPlanCommentDryRun(t *testing.T) {
	srv := githubtest.NewServer(t)
	ce := newCommentEnv(t, srv)
	r := ce.run("--dry-run", ce.plans["destroy"])
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "<!-- hiyari:target=") || !strings.Contains(r.stdout, "aws_iam_role.old") {
		t.Errorf("dry run stdout is not the comment:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "dry run: comment for") || !strings.Contains(r.stderr, "labels: hiyari:destroy, hiyari:high") {
		t.Errorf("dry run stderr: %q", r.stderr)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("dry run called GitHub: %+v", reqs)
	}
}

func TestPlanCommentLabelSettings(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   []string
	}{
		{"prefix", "github:\n  labels:\n    prefix: \"terraform/\"\n", []string{"terraform/destroy", "terraform/high"}},
		{"renamed and off", "github:\n  labels:\n    destroy: \"plan: destroy\"\n    high: \"-\"\n", []string{"plan: destroy"}},
		{"target prefix", "github:\n  labels:\n    target_prefix: true\n", []string{"envs/staging/hiyari:destroy", "envs/staging/hiyari:high"}},
		{"disabled", "github:\n  labels:\n    disable: true\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			ce := newCommentEnv(t, srv)
			writeFile(t, filepath.Join(ce.dir, ".hiyari.yaml"), tt.config)
			r := ce.run("--target", testTarget, ce.plans["destroy"])
			if r.code != ExitOK {
				t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
			}
			if diff := cmp.Diff(tt.want, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultTarget(t *testing.T) {
	ws := t.TempDir()
	dir := filepath.Join(ws, "envs", "staging")
	if err := os.MkdirAll(filepath.Join(dir, ".terraform"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := defaultTarget(Env{"GITHUB_WORKSPACE": ws}, dir); got != "envs/staging" {
		t.Errorf("default workspace: %q, want envs/staging", got)
	}
	writeFile(t, filepath.Join(dir, ".terraform", "environment"), "blue")
	if got := defaultTarget(Env{"GITHUB_WORKSPACE": ws}, dir); got != "envs/staging (workspace: blue)" {
		t.Errorf("selected workspace: %q", got)
	}
	if got := defaultTarget(Env{"GITHUB_WORKSPACE": ws, "TF_WORKSPACE": "green"}, dir); got != "envs/staging (workspace: green)" {
		t.Errorf("TF_WORKSPACE: %q", got)
	}
}

// mdEscaped is a finding message as the Markdown renderer escapes prose.
func mdEscaped(s string) string {
	return strings.NewReplacer("\\", "\\\\", "<", "&lt;", ">", "&gt;", "|", "\\|", "@", "@\u200b", "\n", " ", "\r", " ", "`", "\\`").Replace(s)
}

// TestPlanCommentLargePlan posts the review of a 20,000-change plan (the
// wrong-state incident at scale, from plangen) and checks the comment is within
// GitHub's limit and carries every critical finding.
func TestPlanCommentLargePlan(t *testing.T) {
	srv := githubtest.NewServer(t)
	ce := newCommentEnv(t, srv)
	planPath := filepath.Join(ce.dir, "plan-20k.json")
	f, err := os.Create(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := plangen.Write(f, plangen.Options{Resources: 20000, Scenario: plangen.ScenarioWrongState, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(ce.dir, "report.json")
	start := time.Now()
	r := ce.run("--target", testTarget, "--env", "staging", "--out", out, planPath)
	if r.code != ExitGate {
		t.Fatalf("exit %d, want %d; stderr: %s", r.code, ExitGate, r.stderr)
	}
	t.Logf("plan comment on 20,000 changes: %s", time.Since(start).Round(time.Millisecond))
	cs := hiyariComments(srv, testTarget)
	if len(cs) != 1 {
		t.Fatalf("%d hiyari comments, want 1", len(cs))
	}
	body := cs[0].Body
	if n := github.CountGitHubChars(body); n > github.CommentLimit {
		t.Fatalf("comment is %d characters, over %d", n, github.CommentLimit)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) < 15000 {
		t.Fatalf("the report has %d changes; the generated plan should have about 20,000", len(rep.Changes))
	}
	critical := 0
	for _, f := range rep.Findings {
		if f.Severity != report.Critical {
			continue
		}
		critical++
		if !strings.Contains(body, mdEscaped(f.Message)) {
			t.Errorf("critical finding missing from the comment: %s", f.Message)
		}
	}
	if critical < 100 {
		t.Errorf("only %d critical findings; the test needs a plan with many", critical)
	}
	for _, want := range []string{"Shortened to fit GitHub's 65,536-character comment limit", "changes", "https://github.com/acme/infra/actions/runs/9001", "`" + out + "`"} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q", want)
		}
	}
	summary, err := os.ReadFile(ce.summary)
	if err != nil {
		t.Fatal(err)
	}
	if len(summary) > github.StepSummaryLimit {
		t.Errorf("job summary is %d bytes, over GitHub's %d", len(summary), github.StepSummaryLimit)
	}
	t.Logf("comment %d characters with %d critical findings; job summary %d bytes; report: %d changes, %d findings",
		github.CountGitHubChars(body), critical, len(summary), len(rep.Changes), len(rep.Findings))
}

// TestPlanCommentConvergesDuplicates: two comments for the target (left by runs
// that raced) become one, the newest, edited.
func TestPlanCommentConvergesDuplicates(t *testing.T) {
	srv := githubtest.NewServer(t)
	ce := newCommentEnv(t, srv)
	srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, github.Marker(testTarget)+"\nold run A")
	newest := srv.AddComment(githubtest.DefaultPR, githubtest.BotLogin, github.Marker(testTarget)+"\nold run B")
	r := ce.run("--target", testTarget, "--fail-on", "high", ce.plans["create"])
	if r.code != ExitOK || !strings.Contains(r.stdout, "comment updated") || !strings.Contains(r.stdout, "1 duplicate comments from concurrent runs deleted") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	cs := hiyariComments(srv, testTarget)
	if len(cs) != 1 || cs[0].ID != newest.ID {
		t.Errorf("comments %+v, want only the newest (%d)", cs, newest.ID)
	}
	ce.checkState("create")
}
