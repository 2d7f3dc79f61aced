// Package githubtest is a loopback fake of the GitHub REST API endpoints hiyari
// uses: issue comments (list with Link-header pagination, create, update,
// delete), repository labels (list, create) and issue labels (list, add,
// remove). It keeps state in memory, answers with the documented response
// shapes, and fails the test on a request GitHub would not accept from a
// well-behaved client: a missing or unsupported Accept, X-GitHub-Api-Version
// or User-Agent header, a body that is not the documented JSON, a route it
// does not know. Tests register expected calls (Expect, checked by Verify and
// at cleanup) and inject faults (Inject) to see retries and idempotency work.
package githubtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults of a new Server.
const (
	DefaultToken = "ghs_githubtestTOKENaaaaaaaaaaaaaaaaaaaa"
	DefaultOwner = "acme"
	DefaultRepo  = "infra"
	DefaultPR    = 42
	// BotLogin is the author of comments the API creates.
	BotLogin = "github-actions[bot]"
)

// supportedVersions are REST API versions GitHub accepts in X-GitHub-Api-Version.
var supportedVersions = []string{"2022-11-28", "2026-03-10"}

// Server is the fake. Its exported methods are safe to call while requests run.
type Server struct {
	// URL is the API root to give a client, like GITHUB_API_URL
	// (http://127.0.0.1:PORT, or http://127.0.0.1:PORT/api/v3 with WithPrefix).
	URL string
	// Token is the one token the fake accepts.
	Token string
	// Owner and Repo name the one repository the fake serves.
	Owner, Repo string

	t      TB
	srv    *httptest.Server
	prefix string
	stop   chan struct{}

	mu       sync.Mutex
	nextID   int64
	clock    time.Time
	issues   map[int]*issue
	labels   []*label
	faults   []*injected
	expects  []*Expectation
	log      []Request
	verified bool
}

type issue struct {
	comments []*comment
	labels   []string // names, in the order added
}

type comment struct {
	id               int64
	body, user       string
	created, updated time.Time
}

type label struct {
	id                int64
	name, color, desc string
}

// Comment is a comment as the fake holds it.
type Comment struct {
	ID        int64
	Body      string
	User      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Label is a repository label as the fake holds it.
type Label struct {
	Name        string
	Color       string
	Description string
}

// Request is one request the fake received.
type Request struct {
	// Method and Path (relative to the API root, still escaped) and the raw query.
	Method, Path, Query string
	// Body is the request body; Status is what the fake answered (0 when the
	// fake never answered, as in ApplyThenHang).
	Body   string
	Status int
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.Token = token } }

// WithPrefix serves the API under a path prefix, as GitHub Enterprise Server
// does under /api/v3.
func WithPrefix(prefix string) Option {
	return func(s *Server) { s.prefix = "/" + strings.Trim(prefix, "/") }
}

// WithRepo sets the repository the fake serves.
func WithRepo(owner, repo string) Option {
	return func(s *Server) { s.Owner, s.Repo = owner, repo }
}

// WithPullRequests adds pull requests that exist (DefaultPR always does).
func WithPullRequests(numbers ...int) Option {
	return func(s *Server) {
		for _, n := range numbers {
			s.issues[n] = &issue{}
		}
	}
}

// TB is the part of testing.TB the fake uses. *testing.T and *testing.B
// satisfy it; so can an adapter for a testscript, whose commands have no
// testing.TB of their own.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a fake on 127.0.0.1 and stops it when the test ends, after
// checking the registered expectations.
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		Token:  DefaultToken,
		Owner:  DefaultOwner,
		Repo:   DefaultRepo,
		t:      t,
		stop:   make(chan struct{}),
		nextID: 1_000_000_000,
		clock:  time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC),
		issues: map[int]*issue{DefaultPR: {}},
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL + s.prefix
	t.Cleanup(func() {
		close(s.stop)
		s.srv.Close()
		s.Verify(t)
	})
	return s
}

// Client returns an *http.Client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AddComment seeds a comment on pull request pr, as if user had posted it.
func (s *Server) AddComment(pr int, user, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issue(pr)
	c := &comment{id: s.id(), body: body, user: user, created: s.tick()}
	c.updated = c.created
	is.comments = append(is.comments, c)
	return c.export()
}

// AddRepoLabel seeds a repository label.
func (s *Server) AddRepoLabel(name, color, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.labels = append(s.labels, &label{id: s.id(), name: name, color: color, desc: description})
}

// AddIssueLabel seeds a label on pull request pr, creating it in the
// repository (colour ededed) when missing, as GitHub does.
func (s *Server) AddIssueLabel(pr int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachLabel(s.issue(pr), name)
}

// RemoveComment deletes comment id, as a person deleting it in the web UI.
func (s *Server) RemoveComment(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pr, i := s.findComment(id); i >= 0 {
		s.issues[pr].comments = slices.Delete(s.issues[pr].comments, i, i+1)
	}
}

// RemoveRepoLabel deletes a repository label, which also takes it off every
// pull request, as deleting it in the web UI does.
func (s *Server) RemoveRepoLabel(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.labels = slices.DeleteFunc(s.labels, func(l *label) bool { return strings.EqualFold(l.name, name) })
	for _, is := range s.issues {
		is.labels = slices.DeleteFunc(is.labels, func(have string) bool { return strings.EqualFold(have, name) })
	}
}

// Comments returns the comments on pull request pr, oldest first.
func (s *Server) Comments(pr int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.issue(pr).comments {
		out = append(out, c.export())
	}
	return out
}

// IssueLabels returns the names of the labels on pull request pr, sorted.
func (s *Server) IssueLabels(pr int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.issue(pr).labels)
	slices.Sort(out)
	return out
}

// RepoLabels returns the repository's labels in creation order.
func (s *Server) RepoLabels() []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Label
	for _, l := range s.labels {
		out = append(out, Label{Name: l.name, Color: l.color, Description: l.desc})
	}
	return out
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Writes returns the requests that were not GETs.
func (s *Server) Writes() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) issue(pr int) *issue {
	is := s.issues[pr]
	if is == nil {
		is = &issue{}
		s.issues[pr] = is
	}
	return is
}

func (s *Server) id() int64 {
	s.nextID++
	return s.nextID
}

// tick advances the fake clock, so creation order is visible in timestamps.
func (s *Server) tick() time.Time {
	s.clock = s.clock.Add(time.Minute)
	return s.clock
}

func (c *comment) export() Comment {
	return Comment{ID: c.id, Body: c.body, User: c.user, CreatedAt: c.created, UpdatedAt: c.updated}
}

func (s *Server) findLabel(name string) *label {
	for _, l := range s.labels {
		if strings.EqualFold(l.name, name) {
			return l
		}
	}
	return nil
}

func (s *Server) attachLabel(is *issue, name string) {
	l := s.findLabel(name)
	if l == nil {
		l = &label{id: s.id(), name: name, color: "ededed"}
		s.labels = append(s.labels, l)
	}
	for _, have := range is.labels {
		if strings.EqualFold(have, l.name) {
			return
		}
	}
	is.labels = append(is.labels, l.name)
}

// serve checks the request like GitHub would, applies any injected fault,
// and routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	rel, ok := strings.CutPrefix(r.URL.EscapedPath(), s.prefix)
	if !ok || (s.prefix != "" && rel != "" && rel[0] != '/') {
		s.t.Errorf("githubtest: %s %s is outside the API root %s", r.Method, r.URL.EscapedPath(), s.prefix)
		rel = r.URL.EscapedPath()
	}
	s.mu.Lock()
	idx := len(s.log)
	s.log = append(s.log, Request{Method: r.Method, Path: rel, Query: r.URL.RawQuery, Body: string(body)})
	for _, e := range s.expects {
		if e.matches(r.Method, rel) {
			e.got++
		}
	}
	fault := s.takeFault(r.Method, rel)
	s.mu.Unlock()

	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.log[idx].Status = rec.status
		s.mu.Unlock()
	}()

	if !s.checkHeaders(rec, r, body) {
		return
	}
	if fault != nil && fault.apply(s, rec, r, rel, body) {
		return
	}
	s.route(rec, r, rel, body)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// checkHeaders answers 401 for a wrong token, and fails the test (answering
// 400, 415 or 403 as GitHub would) for headers a correct client always sends.
func (s *Server) checkHeaders(w http.ResponseWriter, r *http.Request, body []byte) bool {
	auth := r.Header.Get("Authorization")
	if auth != "Bearer "+s.Token && auth != "token "+s.Token {
		writeJSON(w, s.rate(), http.StatusUnauthorized, map[string]string{
			"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401",
		})
		return false
	}
	if r.Header.Get("User-Agent") == "" {
		s.t.Errorf("githubtest: %s %s has no User-Agent; GitHub rejects such requests", r.Method, r.URL.Path)
		writeJSON(w, s.rate(), http.StatusForbidden, map[string]string{"message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"})
		return false
	}
	accept := r.Header.Get("Accept")
	if !acceptable(accept) {
		s.t.Errorf("githubtest: %s %s sends Accept %q; want application/vnd.github+json", r.Method, r.URL.Path, accept)
		writeJSON(w, s.rate(), http.StatusUnsupportedMediaType, map[string]string{"message": "Unsupported 'Accept' header"})
		return false
	}
	if v := r.Header.Get("X-GitHub-Api-Version"); !slices.Contains(supportedVersions, v) {
		s.t.Errorf("githubtest: %s %s sends X-GitHub-Api-Version %q; want one of %v", r.Method, r.URL.Path, v, supportedVersions)
		writeJSON(w, s.rate(), http.StatusBadRequest, map[string]string{"message": "Invalid API version"})
		return false
	}
	if len(body) > 0 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		s.t.Errorf("githubtest: %s %s sends a body with Content-Type %q; want application/json", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		writeJSON(w, s.rate(), http.StatusUnsupportedMediaType, map[string]string{"message": "Unsupported Media Type"})
		return false
	}
	return true
}

func acceptable(accept string) bool {
	for part := range strings.SplitSeq(accept, ",") {
		// GitHub serves JSON for application/json and every
		// application/vnd.github[.version][.param][+json] type, including
		// graduated previews that clients still send.
		mt := strings.TrimSpace(strings.Split(part, ";")[0])
		if mt == "application/json" || mt == "application/vnd.github" ||
			strings.HasPrefix(mt, "application/vnd.github+") || strings.HasPrefix(mt, "application/vnd.github.") {
			return true
		}
	}
	return false
}

// rate is the primary rate-limit header set of a healthy response.
func (s *Server) rate() http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4990")
	h.Set("X-RateLimit-Used", "10")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	return h
}

func writeJSON(w http.ResponseWriter, h http.Header, status int, v any) {
	for k, vs := range h {
		for _, x := range vs {
			w.Header().Add(k, x)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-GitHub-Media-Type", "github.v3; format=json")
	w.Header().Set("X-GitHub-Request-Id", "0000:1111:2222:3333:4444")
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// segments splits an escaped path and unescapes each segment, so a label name
// with "/" (%2F) stays one segment.
func segments(escaped string) []string {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

func (s *Server) notFound(w http.ResponseWriter, docs string) {
	writeJSON(w, s.rate(), http.StatusNotFound, map[string]string{
		"message": "Not Found", "documentation_url": docs, "status": "404",
	})
}

func (s *Server) validation(w http.ResponseWriter, docs, resource, field, code, message string) {
	e := map[string]string{"resource": resource, "field": field, "code": code}
	if message != "" {
		e["message"] = message
	}
	writeJSON(w, s.rate(), http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed", "errors": []map[string]string{e}, "documentation_url": docs, "status": "422",
	})
}

// badBody fails the test: a correct client never sends a body GitHub's
// schema rejects.
func (s *Server) badBody(w http.ResponseWriter, r *http.Request, docs string, err error, body []byte) {
	s.t.Errorf("githubtest: %s %s: body does not match the documented schema: %v\nbody: %s", r.Method, r.URL.Path, err, body)
	writeJSON(w, s.rate(), http.StatusUnprocessableEntity, map[string]string{
		"message": "Invalid request.\n\n" + err.Error(), "documentation_url": docs, "status": "422",
	})
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, rel string, body []byte) {
	seg := segments(rel)
	if len(seg) < 3 || seg[0] != "repos" {
		s.t.Errorf("githubtest: no such endpoint in the fake: %s %s", r.Method, rel)
		s.notFound(w, "https://docs.github.com/rest")
		return
	}
	if seg[1] != s.Owner || seg[2] != s.Repo {
		s.notFound(w, "https://docs.github.com/rest/repos/repos#get-a-repository")
		return
	}
	rest := seg[3:]
	m := r.Method
	switch {
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "comments" && (m == http.MethodGet || m == http.MethodPost):
		n, ok := s.issueNumber(w, rest[1])
		if !ok {
			return
		}
		if m == http.MethodGet {
			s.listComments(w, r, n)
		} else {
			s.createComment(w, r, n, body)
		}
	case len(rest) == 3 && rest[0] == "issues" && rest[1] == "comments" && (m == http.MethodPatch || m == http.MethodDelete):
		id, err := strconv.ParseInt(rest[2], 10, 64)
		if err != nil {
			s.notFound(w, docsComments)
			return
		}
		if m == http.MethodPatch {
			s.editComment(w, r, id, body)
		} else {
			s.deleteComment(w, id)
		}
	case len(rest) == 1 && rest[0] == "labels" && (m == http.MethodGet || m == http.MethodPost):
		if m == http.MethodGet {
			s.listRepoLabels(w, r)
		} else {
			s.createLabel(w, r, body)
		}
	case len(rest) == 3 && rest[0] == "issues" && rest[2] == "labels" && (m == http.MethodGet || m == http.MethodPost):
		n, ok := s.issueNumber(w, rest[1])
		if !ok {
			return
		}
		if m == http.MethodGet {
			s.listIssueLabels(w, r, n)
		} else {
			s.addIssueLabels(w, r, n, body)
		}
	case len(rest) == 4 && rest[0] == "issues" && rest[2] == "labels" && m == http.MethodDelete:
		n, ok := s.issueNumber(w, rest[1])
		if !ok {
			return
		}
		s.removeIssueLabel(w, r, n, rest[3])
	default:
		s.t.Errorf("githubtest: no such endpoint in the fake: %s %s", m, rel)
		s.notFound(w, "https://docs.github.com/rest")
	}
}

const (
	docsComments = "https://docs.github.com/rest/issues/comments"
	docsLabels   = "https://docs.github.com/rest/issues/labels"
)

func (s *Server) issueNumber(w http.ResponseWriter, seg string) (int, bool) {
	n, err := strconv.Atoi(seg)
	s.mu.Lock()
	_, exists := s.issues[n]
	s.mu.Unlock()
	if err != nil || !exists {
		s.notFound(w, docsComments)
		return 0, false
	}
	return n, true
}

// page applies per_page and page like GitHub (per_page 1..100, default 30)
// and sets the Link header with first/prev/next/last.
func (s *Server) page(w http.ResponseWriter, r *http.Request, total int) (lo, hi int, ok bool) {
	q := r.URL.Query()
	per, pg := 30, 1
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.t.Errorf("githubtest: %s %s: per_page %q is not a positive integer", r.Method, r.URL.Path, v)
			return 0, 0, false
		}
		per = min(n, 100)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.t.Errorf("githubtest: %s %s: page %q is not a positive integer", r.Method, r.URL.Path, v)
			return 0, 0, false
		}
		pg = n
	}
	last := max(1, (total+per-1)/per)
	link := func(p int, rel string) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		qq := u.Query()
		qq.Set("per_page", strconv.Itoa(per))
		qq.Set("page", strconv.Itoa(p))
		u.RawQuery = qq.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if pg > 1 {
		links = append(links, link(pg-1, "prev"))
	}
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min((pg-1)*per, total)
	hi = min(lo+per, total)
	return lo, hi, true
}

func (s *Server) apiURL(r *http.Request, path string) string {
	return "http://" + r.Host + s.prefix + path
}

func (s *Server) commentJSON(r *http.Request, pr int, c *comment) map[string]any {
	base := fmt.Sprintf("/repos/%s/%s", s.Owner, s.Repo)
	return map[string]any{
		"id":                 c.id,
		"node_id":            fmt.Sprintf("IC_kwDOfake%d", c.id),
		"url":                s.apiURL(r, fmt.Sprintf("%s/issues/comments/%d", base, c.id)),
		"html_url":           fmt.Sprintf("http://%s/%s/%s/pull/%d#issuecomment-%d", r.Host, s.Owner, s.Repo, pr, c.id),
		"issue_url":          s.apiURL(r, fmt.Sprintf("%s/issues/%d", base, pr)),
		"body":               c.body,
		"user":               map[string]any{"login": c.user, "id": 41898282, "node_id": "MDM6Qm90NDE4OTgyODI=", "type": "Bot", "site_admin": false},
		"created_at":         c.created.Format(time.RFC3339),
		"updated_at":         c.updated.Format(time.RFC3339),
		"author_association": "NONE",
		"reactions":          map[string]any{"total_count": 0},
	}
}

func (s *Server) labelJSON(r *http.Request, l *label) map[string]any {
	var desc any
	if l.desc != "" {
		desc = l.desc
	}
	return map[string]any{
		"id":          l.id,
		"node_id":     fmt.Sprintf("LA_kwDOfake%d", l.id),
		"url":         s.apiURL(r, fmt.Sprintf("/repos/%s/%s/labels/%s", s.Owner, s.Repo, url.PathEscape(l.name))),
		"name":        l.name,
		"color":       l.color,
		"description": desc,
		"default":     false,
	}
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, pr int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.issues[pr].comments
	lo, hi, ok := s.page(w, r, len(cs))
	if !ok {
		writeJSON(w, s.rate(), http.StatusUnprocessableEntity, map[string]string{"message": "Invalid pagination"})
		return
	}
	out := []map[string]any{}
	for _, c := range cs[lo:hi] {
		out = append(out, s.commentJSON(r, pr, c))
	}
	writeJSON(w, s.rate(), http.StatusOK, out)
}

// commentBody decodes {"body": "..."}, the documented create/update shape.
func (s *Server) commentBody(w http.ResponseWriter, r *http.Request, body []byte) (string, bool) {
	var in struct {
		Body *string `json:"body"`
	}
	if err := strictJSON(body, &in); err != nil {
		s.badBody(w, r, docsComments, err, body)
		return "", false
	}
	if in.Body == nil {
		s.badBody(w, r, docsComments, fmt.Errorf("body is required"), body)
		return "", false
	}
	if utf8.RuneCountInString(*in.Body) > 65536 || len(*in.Body) > 262144 {
		s.validation(w, docsComments, "IssueComment", "data", "unprocessable", "Body is too long (maximum is 65536 characters)")
		return "", false
	}
	if strings.TrimSpace(*in.Body) == "" {
		s.validation(w, docsComments, "IssueComment", "body", "missing_field", "")
		return "", false
	}
	return *in.Body, true
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request, pr int, body []byte) {
	text, ok := s.commentBody(w, r, body)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &comment{id: s.id(), body: text, user: BotLogin, created: s.tick()}
	c.updated = c.created
	s.issues[pr].comments = append(s.issues[pr].comments, c)
	h := s.rate()
	h.Set("Location", s.apiURL(r, fmt.Sprintf("/repos/%s/%s/issues/comments/%d", s.Owner, s.Repo, c.id)))
	writeJSON(w, h, http.StatusCreated, s.commentJSON(r, pr, c))
}

func (s *Server) findComment(id int64) (int, int) {
	for pr, is := range s.issues {
		for i, c := range is.comments {
			if c.id == id {
				return pr, i
			}
		}
	}
	return 0, -1
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request, id int64, body []byte) {
	text, ok := s.commentBody(w, r, body)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, i := s.findComment(id)
	if i < 0 {
		s.notFound(w, docsComments+"#update-an-issue-comment")
		return
	}
	c := s.issues[pr].comments[i]
	c.body, c.updated = text, s.tick()
	writeJSON(w, s.rate(), http.StatusOK, s.commentJSON(r, pr, c))
}

func (s *Server) deleteComment(w http.ResponseWriter, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr, i := s.findComment(id)
	if i < 0 {
		s.notFound(w, docsComments+"#delete-an-issue-comment")
		return
	}
	s.issues[pr].comments = slices.Delete(s.issues[pr].comments, i, i+1)
	writeJSON(w, s.rate(), http.StatusNoContent, nil)
}

func (s *Server) listRepoLabels(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lo, hi, ok := s.page(w, r, len(s.labels))
	if !ok {
		writeJSON(w, s.rate(), http.StatusUnprocessableEntity, map[string]string{"message": "Invalid pagination"})
		return
	}
	out := []map[string]any{}
	for _, l := range s.labels[lo:hi] {
		out = append(out, s.labelJSON(r, l))
	}
	writeJSON(w, s.rate(), http.StatusOK, out)
}

func validColor(c string) bool {
	if len(c) != 6 {
		return false
	}
	for _, ch := range strings.ToLower(c) {
		if !strings.ContainsRune("0123456789abcdef", ch) {
			return false
		}
	}
	return true
}

func (s *Server) createLabel(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Name        *string `json:"name"`
		Color       *string `json:"color"`
		Description *string `json:"description"`
	}
	if err := strictJSON(body, &in); err != nil {
		s.badBody(w, r, docsLabels, err, body)
		return
	}
	switch {
	case in.Name == nil || *in.Name == "":
		s.badBody(w, r, docsLabels, fmt.Errorf("name is required"), body)
		return
	case utf8.RuneCountInString(*in.Name) > 50:
		s.validation(w, docsLabels+"#create-a-label", "Label", "name", "invalid", "name is too long (maximum is 50 characters)")
		return
	case in.Color != nil && !validColor(*in.Color):
		s.validation(w, docsLabels+"#create-a-label", "Label", "color", "invalid", "")
		return
	case in.Description != nil && utf8.RuneCountInString(*in.Description) > 100:
		s.validation(w, docsLabels+"#create-a-label", "Label", "description", "invalid", "description is too long (maximum is 100 characters)")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.findLabel(*in.Name) != nil {
		s.validation(w, docsLabels+"#create-a-label", "Label", "name", "already_exists", "")
		return
	}
	l := &label{id: s.id(), name: *in.Name, color: "ededed"}
	if in.Color != nil {
		l.color = strings.ToLower(*in.Color)
	}
	if in.Description != nil {
		l.desc = *in.Description
	}
	s.labels = append(s.labels, l)
	writeJSON(w, s.rate(), http.StatusCreated, s.labelJSON(r, l))
}

func (s *Server) issueLabelsJSON(r *http.Request, is *issue) []map[string]any {
	out := []map[string]any{}
	for _, name := range is.labels {
		if l := s.findLabel(name); l != nil {
			out = append(out, s.labelJSON(r, l))
		}
	}
	return out
}

func (s *Server) listIssueLabels(w http.ResponseWriter, r *http.Request, pr int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.issueLabelsJSON(r, s.issues[pr])
	lo, hi, ok := s.page(w, r, len(all))
	if !ok {
		writeJSON(w, s.rate(), http.StatusUnprocessableEntity, map[string]string{"message": "Invalid pagination"})
		return
	}
	writeJSON(w, s.rate(), http.StatusOK, all[lo:hi])
}

// addIssueLabels accepts the documented shapes: {"labels": [names]} and, as
// GitHub also does, a bare array of names.
func (s *Server) addIssueLabels(w http.ResponseWriter, r *http.Request, pr int, body []byte) {
	var names []string
	var obj struct {
		Labels []string `json:"labels"`
	}
	if err := strictJSON(body, &names); err != nil {
		if err2 := strictJSON(body, &obj); err2 != nil || obj.Labels == nil {
			s.badBody(w, r, docsLabels+"#add-labels-to-an-issue", fmt.Errorf("want {\"labels\": [names]} or [names]: %v", err), body)
			return
		}
		names = obj.Labels
	}
	for _, n := range names {
		if n == "" || utf8.RuneCountInString(n) > 50 {
			s.validation(w, docsLabels+"#add-labels-to-an-issue", "Label", "name", "invalid", "")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[pr]
	for _, n := range names {
		s.attachLabel(is, n)
	}
	writeJSON(w, s.rate(), http.StatusOK, s.issueLabelsJSON(r, is))
}

func (s *Server) removeIssueLabel(w http.ResponseWriter, r *http.Request, pr int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[pr]
	i := slices.IndexFunc(is.labels, func(have string) bool { return strings.EqualFold(have, name) })
	if i < 0 {
		writeJSON(w, s.rate(), http.StatusNotFound, map[string]string{
			"message": "Label does not exist", "documentation_url": docsLabels + "#remove-a-label-from-an-issue", "status": "404",
		})
		return
	}
	is.labels = slices.Delete(is.labels, i, i+1)
	writeJSON(w, s.rate(), http.StatusOK, s.issueLabelsJSON(r, is))
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
