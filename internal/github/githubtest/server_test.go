package githubtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recorder is a testing.TB that records failures instead of failing, so the
// fake's own checks can be tested.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

type call struct {
	method, path, body string
	header             map[string]string
}

func do(t *testing.T, s *Server, c call) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(c.method, s.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "githubtest")
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		if v == "" && k != "User-Agent" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestFakeRejectsWhatGitHubRejects(t *testing.T) {
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantFail   string // substring of the test failure the fake reports; "" = none
	}{
		{"wrong token is a plain 401", call{method: "GET", path: "/repos/acme/infra/issues/42/comments", header: map[string]string{"Authorization": "Bearer nope"}}, 401, ""},
		{"no API version", call{method: "GET", path: "/repos/acme/infra/issues/42/comments", header: map[string]string{"X-GitHub-Api-Version": ""}}, 400, "X-GitHub-Api-Version"},
		{"unknown API version", call{method: "GET", path: "/repos/acme/infra/issues/42/comments", header: map[string]string{"X-GitHub-Api-Version": "2019-01-01"}}, 400, "X-GitHub-Api-Version"},
		{"HTML Accept", call{method: "GET", path: "/repos/acme/infra/issues/42/comments", header: map[string]string{"Accept": "text/html"}}, 415, "Accept"},
		{"no User-Agent", call{method: "GET", path: "/repos/acme/infra/issues/42/comments", header: map[string]string{"User-Agent": ""}}, 403, "User-Agent"},
		{"unknown field in comment", call{method: "POST", path: "/repos/acme/infra/issues/42/comments", body: `{"body":"x","bdy":"y"}`}, 422, "documented schema"},
		{"comment without body", call{method: "POST", path: "/repos/acme/infra/issues/42/comments", body: `{}`}, 422, "body is required"},
		{"label without name", call{method: "POST", path: "/repos/acme/infra/labels", body: `{"color":"ff0000"}`}, 422, "name is required"},
		{"bad label colour is a validation error", call{method: "POST", path: "/repos/acme/infra/labels", body: `{"name":"x","color":"#ff0000"}`}, 422, ""},
		{"body too long", call{method: "POST", path: "/repos/acme/infra/issues/42/comments", body: fmt.Sprintf(`{"body":%q}`, strings.Repeat("a", 65537))}, 422, ""},
		{"unknown pull request", call{method: "GET", path: "/repos/acme/infra/issues/7/comments"}, 404, ""},
		{"unknown repository", call{method: "GET", path: "/repos/acme/other/issues/42/comments"}, 404, ""},
		{"endpoint the fake does not serve", call{method: "GET", path: "/repos/acme/infra/pulls/42"}, 404, "no such endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			s := NewServer(rec)
			resp, body := do(t, s, tt.call)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d; want %d (body %s)", resp.StatusCode, tt.wantStatus, body)
			}
			var e struct {
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Message == "" {
				t.Errorf("error body %q lacks GitHub's {\"message\": ...} shape", body)
			}
			errs := rec.Errors()
			switch {
			case tt.wantFail == "" && len(errs) > 0:
				t.Errorf("fake failed the test: %q; want no failure", errs)
			case tt.wantFail != "" && (len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), tt.wantFail)):
				t.Errorf("fake failures %q; want one mentioning %q", errs, tt.wantFail)
			}
		})
	}
}

func TestFakePaginatesWithLinkHeader(t *testing.T) {
	s := NewServer(t)
	for i := range 250 {
		s.AddComment(DefaultPR, "u", fmt.Sprintf("c%d", i))
	}
	resp, body := do(t, s, call{method: "GET", path: "/repos/acme/infra/issues/42/comments?per_page=100&page=2"})
	var got []struct {
		Body string `json:"body"`
		User struct {
			Login string `json:"login"`
		} `json:"user"`
		HTMLURL   string `json:"html_url"`
		CreatedAt string `json:"created_at"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || got[0].Body != "c100" || got[99].Body != "c199" || got[0].User.Login != "u" || got[0].CreatedAt == "" {
		t.Errorf("page 2 = %d comments from %+v", len(got), got[0])
	}
	link := resp.Header.Get("Link")
	for _, want := range []string{`page=3&per_page=100>; rel="next"`, `page=3&per_page=100>; rel="last"`, `page=1&per_page=100>; rel="prev"`, `rel="first"`} {
		if !strings.Contains(link, want) {
			t.Errorf("Link %q lacks %q", link, want)
		}
	}
	resp, body = do(t, s, call{method: "GET", path: "/repos/acme/infra/issues/42/comments"})
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got) != 30 {
		t.Errorf("default page size = %d; want 30", len(got))
	}
	if !strings.Contains(resp.Header.Get("Link"), `page=9&per_page=30>; rel="last"`) {
		t.Errorf("Link %q: want last page 9", resp.Header.Get("Link"))
	}
}

func TestFakeLabelRaceAndDuplicates(t *testing.T) {
	s := NewServer(t)
	s.Inject("POST", "/repos/{owner}/{repo}/labels", 1, LabelAlreadyExists())
	resp, body := do(t, s, call{method: "POST", path: "/repos/acme/infra/labels", body: `{"name":"hiyari:destroy","color":"b60205"}`})
	if resp.StatusCode != 422 || !strings.Contains(body, `"code":"already_exists"`) {
		t.Errorf("race: %d %s; want 422 already_exists", resp.StatusCode, body)
	}
	resp, _ = do(t, s, call{method: "POST", path: "/repos/acme/infra/labels", body: `{"name":"HIYARI:DESTROY","color":"b60205"}`})
	if resp.StatusCode != 422 {
		t.Errorf("case-insensitive duplicate: %d; want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([]Label{{Name: "hiyari:destroy", Color: "c5def5", Description: "created by a concurrent job"}}, s.RepoLabels()); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

func TestVerifyFailsOnMissingCall(t *testing.T) {
	rec := &recorder{TB: t}
	s := NewServer(rec)
	s.Expect("POST", "/repos/{owner}/{repo}/issues/{number}/comments")
	s.Expect("GET", "/repos/{owner}/{repo}/issues/{number}/comments").Times(2)
	s.Expect("DELETE", "/repos/{owner}/{repo}/issues/comments/{id}").Times(0)
	do(t, s, call{method: "GET", path: "/repos/acme/infra/issues/42/comments"})
	s.Verify(rec)
	want := []string{
		"githubtest: expected POST /repos/{owner}/{repo}/issues/{number}/comments, but it was never called",
		"githubtest: expected GET /repos/{owner}/{repo}/issues/{number}/comments 2 time(s), got 1",
	}
	if diff := cmp.Diff(want, rec.Errors()); diff != "" {
		t.Errorf("Verify failures (-want +got):\n%s", diff)
	}
}

func TestFakeRemovesLabelWithSlashInName(t *testing.T) {
	s := NewServer(t)
	s.AddIssueLabel(DefaultPR, "envs/prod/hiyari:destroy")
	s.AddIssueLabel(DefaultPR, "keep")
	resp, body := do(t, s, call{method: "DELETE", path: "/repos/acme/infra/issues/42/labels/envs%2Fprod%2Fhiyari:destroy"})
	if resp.StatusCode != 200 || !strings.Contains(body, `"name":"keep"`) {
		t.Errorf("remove: %d %s; want 200 with the remaining labels", resp.StatusCode, body)
	}
	if diff := cmp.Diff([]string{"keep"}, s.IssueLabels(DefaultPR)); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}
