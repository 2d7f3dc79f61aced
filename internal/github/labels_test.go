package github_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
)

const (
	repoLabelsPath  = "/repos/{owner}/{repo}/labels"
	issueLabelsPath = "/repos/{owner}/{repo}/issues/{number}/labels"
	issueLabelPath  = "/repos/{owner}/{repo}/issues/{number}/labels/{name}"
)

func names(ls []github.Label) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func TestOutcomeLabels(t *testing.T) {
	tests := []struct {
		name  string
		o     github.Outcome
		names github.LabelNames
		want  []string
	}{
		{"no changes", github.Outcome{}, github.LabelNames{}, []string{"hiyari:no-changes"}},
		{"changes only", github.Outcome{Changes: true}, github.LabelNames{}, []string{"hiyari:add-or-update"}},
		{"destroy wins over changes", github.Outcome{Destroy: true, Changes: true}, github.LabelNames{}, []string{"hiyari:destroy"}},
		{
			"seed incident: wrong state deleting IAM roles",
			github.Outcome{Destroy: true, Changes: true, Highest: "critical", WrongState: true, Backend: true},
			github.LabelNames{},
			[]string{"hiyari:destroy", "hiyari:critical", "hiyari:wrong-state", "hiyari:backend-changed"},
		},
		{"every risk", github.Outcome{Destroy: true, Highest: "high", WrongState: true, DataLoss: true, Backend: true}, github.LabelNames{},
			[]string{"hiyari:destroy", "hiyari:high", "hiyari:wrong-state", "hiyari:data-loss", "hiyari:backend-changed"}},
		{"medium", github.Outcome{Changes: true, Highest: "medium"}, github.LabelNames{}, []string{"hiyari:add-or-update", "hiyari:medium"}},
		{"info", github.Outcome{Highest: "info"}, github.LabelNames{}, []string{"hiyari:no-changes", "hiyari:info"}},
		{"renamed and one turned off", github.Outcome{Destroy: true, Highest: "high"}, github.LabelNames{Destroy: "terraform:destroy", High: "-"}, []string{"terraform:destroy"}},
		{"target prefix", github.Outcome{Target: "envs/prod", Destroy: true}, github.LabelNames{TargetPrefix: true}, []string{"envs/prod/hiyari:destroy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := github.OutcomeLabels(tt.o, tt.names)
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			for _, l := range got {
				if len(l.Color) != 6 || l.Description == "" || utf8.RuneCountInString(l.Description) > 100 {
					t.Errorf("label %+v: want a 6-digit colour and a description of at most 100 characters", l)
				}
			}
		})
	}
}

func TestPrefixedLabelNamesFitGitHubsLimit(t *testing.T) {
	long1 := "accounts/platform-shared-services/regions/ap-northeast-1/envs/staging:default"
	long2 := "accounts/platform-shared-services/regions/eu-west-1/envs/staging:default"
	n := github.LabelNames{TargetPrefix: true}
	a := github.OutcomeLabels(github.Outcome{Target: long1, Destroy: true, WrongState: true}, n)
	b := github.OutcomeLabels(github.Outcome{Target: long2, Destroy: true, WrongState: true}, n)
	for _, l := range append(a, b...) {
		if c := utf8.RuneCountInString(l.Name); c > github.LabelNameLimit {
			t.Errorf("label %q is %d characters; GitHub's limit is %d", l.Name, c, github.LabelNameLimit)
		}
		if !strings.HasSuffix(l.Name, "/hiyari:destroy") && !strings.HasSuffix(l.Name, "/hiyari:wrong-state") {
			t.Errorf("label %q lost its name", l.Name)
		}
	}
	if a[0].Name == b[0].Name {
		t.Errorf("two long targets share label %q", a[0].Name)
	}
}

func TestManagedLabels(t *testing.T) {
	plain := github.ManagedLabels("envs/prod", github.LabelNames{})
	prefixed := github.ManagedLabels("envs/prod", github.LabelNames{TargetPrefix: true})
	tests := []struct {
		label           string
		plain, byTarget bool
	}{
		{"hiyari:destroy", true, false},
		{"HIYARI:Destroy", true, false},
		{"hiyari:wrong-state", true, false},
		{"envs/prod/hiyari:destroy", false, true},
		{"envs/dev/hiyari:destroy", false, false},
		{"hiyari:acknowledged", false, false},
		{"bug", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			if got := plain(tt.label); got != tt.plain {
				t.Errorf("plain managed(%q) = %v; want %v", tt.label, got, tt.plain)
			}
			if got := prefixed(tt.label); got != tt.byTarget {
				t.Errorf("prefixed managed(%q) = %v; want %v", tt.label, got, tt.byTarget)
			}
		})
	}
}

func TestSyncLabels(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddRepoLabel("hiyari:critical", "123456", "customised by the team")
	srv.AddIssueLabel(githubtest.DefaultPR, "hiyari:no-changes") // stale, managed
	srv.AddIssueLabel(githubtest.DefaultPR, "needs-review")      // someone else's
	c, _ := newClient(t, srv)
	n := github.LabelNames{}
	want := github.OutcomeLabels(github.Outcome{Destroy: true, Highest: "critical", WrongState: true}, n)

	res, err := c.SyncLabels(context.Background(), want, github.ManagedLabels("", n))
	if err != nil {
		t.Fatal(err)
	}
	wantRes := github.LabelResult{
		Created: []string{"hiyari:destroy", "hiyari:wrong-state"},
		Added:   []string{"hiyari:destroy", "hiyari:critical", "hiyari:wrong-state"},
		Removed: []string{"hiyari:no-changes"},
	}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"hiyari:critical", "hiyari:destroy", "hiyari:wrong-state", "needs-review"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
		t.Errorf("PR labels (-want +got):\n%s", diff)
	}
	wantRepo := []githubtest.Label{
		{Name: "hiyari:critical", Color: "123456", Description: "customised by the team"},
		{Name: "hiyari:no-changes", Color: "ededed"},
		{Name: "needs-review", Color: "ededed"},
		{Name: "hiyari:destroy", Color: "b60205", Description: "The Terraform plan deletes or replaces resources"},
		{Name: "hiyari:wrong-state", Color: "e11d21", Description: "The plan looks like it runs against another environment's state"},
	}
	if diff := cmp.Diff(wantRepo, srv.RepoLabels()); diff != "" {
		t.Errorf("repository labels (-want +got):\n%s", diff)
	}

	// The second run with the same outcome only reads.
	before := len(srv.Writes())
	res, err = c.SyncLabels(context.Background(), want, github.ManagedLabels("", n))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(github.LabelResult{}, res, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("second run result (-want +got):\n%s", diff)
	}
	if w := srv.Writes()[before:]; len(w) != 0 {
		t.Errorf("second run wrote %+v; want no writes", w)
	}
}

func TestSyncLabelsPrefixedLeavesOtherTargetsAlone(t *testing.T) {
	srv := githubtest.NewServer(t)
	srv.AddIssueLabel(githubtest.DefaultPR, "envs/dev/hiyari:destroy")
	srv.AddIssueLabel(githubtest.DefaultPR, "envs/prod/hiyari:add-or-update")
	srv.Expect(http.MethodDelete, issueLabelPath).Times(1)
	c, _ := newClient(t, srv)
	n := github.LabelNames{TargetPrefix: true}
	want := github.OutcomeLabels(github.Outcome{Target: "envs/prod", Destroy: true}, n)
	res, err := c.SyncLabels(context.Background(), want, github.ManagedLabels("envs/prod", n))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"envs/prod/hiyari:add-or-update"}, res.Removed); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"envs/dev/hiyari:destroy", "envs/prod/hiyari:destroy"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
		t.Errorf("PR labels (-want +got):\n%s", diff)
	}
}

func TestSyncLabelsUnderFaults(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		fault  githubtest.Fault
	}{
		{"label created concurrently (422 already_exists)", http.MethodPost, repoLabelsPath, githubtest.LabelAlreadyExists()},
		{"500 on label create", http.MethodPost, repoLabelsPath, githubtest.Status(500)},
		{"502 on add", http.MethodPost, issueLabelsPath, githubtest.Status(502)},
		{"secondary rate limit on add", http.MethodPost, issueLabelsPath, githubtest.SecondaryRateLimit(2 * time.Second)},
		{"429 on remove", http.MethodDelete, issueLabelPath, githubtest.TooManyRequests(time.Second)},
		{"label already removed (404 on remove)", http.MethodDelete, issueLabelPath, githubtest.Status(404)},
		{"500 on listing PR labels", http.MethodGet, issueLabelsPath, githubtest.Status(500)},
		{"primary rate limit on listing repo labels", http.MethodGet, repoLabelsPath, githubtest.PrimaryRateLimit(fakeNow.Add(5 * time.Second))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			srv.AddIssueLabel(githubtest.DefaultPR, "hiyari:add-or-update")
			srv.Inject(tt.method, tt.path, 1, tt.fault)
			srv.Expect(tt.method, tt.path)
			c, _ := newClient(t, srv)
			n := github.LabelNames{}
			want := github.OutcomeLabels(github.Outcome{Destroy: true}, n)
			for run := 1; run <= 2; run++ {
				if _, err := c.SyncLabels(context.Background(), want, github.ManagedLabels("", n)); err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
			}
			if diff := cmp.Diff([]string{"hiyari:destroy"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
				t.Errorf("PR labels (-want +got):\n%s", diff)
			}
			count := 0
			for _, l := range srv.RepoLabels() {
				if strings.EqualFold(l.Name, "hiyari:destroy") {
					count++
				}
			}
			if count != 1 {
				t.Errorf("repository has %d hiyari:destroy labels; want 1", count)
			}
			if tt.fault == githubtest.LabelAlreadyExists() {
				if got := srv.RepoLabels(); got[len(got)-1].Description != "created by a concurrent job" {
					t.Errorf("the concurrent create did not happen: %+v", got)
				}
			}
		})
	}
}

func TestSyncLabelsPaginatesRepositoryLabels(t *testing.T) {
	srv := githubtest.NewServer(t)
	for i := range 230 {
		srv.AddRepoLabel("team-"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26), "ededed", "")
	}
	srv.AddRepoLabel("hiyari:destroy", "000000", "")
	srv.Expect(http.MethodPost, repoLabelsPath).Times(0)
	c, _ := newClient(t, srv)
	want := github.OutcomeLabels(github.Outcome{Destroy: true}, github.LabelNames{})
	res, err := c.SyncLabels(context.Background(), want, github.ManagedLabels("", github.LabelNames{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 {
		t.Errorf("created %v although the label exists on page 3", res.Created)
	}
}

func TestSyncLabelsRemovesNamesNeedingEscapes(t *testing.T) {
	for _, target := range []string{"envs/prod east", "envs/a?b#c", "envs/100%"} {
		t.Run(target, func(t *testing.T) {
			srv := githubtest.NewServer(t)
			n := github.LabelNames{TargetPrefix: true}
			stale := github.OutcomeLabels(github.Outcome{Target: target}, n)[0].Name
			srv.AddIssueLabel(githubtest.DefaultPR, stale)
			srv.Expect(http.MethodDelete, issueLabelPath).Times(1)
			c, _ := newClient(t, srv)
			want := github.OutcomeLabels(github.Outcome{Target: target, Changes: true}, n)
			if _, err := c.SyncLabels(context.Background(), want, github.ManagedLabels(target, n)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{target + "/hiyari:add-or-update"}, srv.IssueLabels(githubtest.DefaultPR)); diff != "" {
				t.Errorf("PR labels (-want +got):\n%s", diff)
			}
		})
	}
}
