package main

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/github/githubtest"
)

// scriptFakes holds the GitHub fake of each running script: testscript
// commands share nothing else between calls.
type scriptFakes struct {
	mu    sync.Mutex
	fakes map[*testscript.TestScript]*scriptFake
}

// scriptFake is one script's fake and the test errors it reported, which the
// next githubstate call turns into a script failure.
type scriptFake struct {
	srv *githubtest.Server
	ts  *testscript.TestScript

	mu     sync.Mutex
	errs   []string
	marked int
}

// Helper, Errorf and Cleanup make scriptFake the githubtest.TB of its server.
func (f *scriptFake) Helper() {}

func (f *scriptFake) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// Cleanup stops the server when the script ends.
func (f *scriptFake) Cleanup(fn func()) { f.ts.Defer(fn) }

func newScriptFakes() *scriptFakes {
	return &scriptFakes{fakes: map[*testscript.TestScript]*scriptFake{}}
}

func (s *scriptFakes) get(ts *testscript.TestScript) *scriptFake {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fakes[ts]
	if f == nil {
		ts.Fatalf("no GitHub fake: run 'githubfake start' first")
	}
	return f
}

// githubfake start | githubfake fault METHOD PATTERN TIMES KIND
//
// start runs the GitHub REST fake on 127.0.0.1 for this script and exports
// GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_SERVER_URL.
// fault makes the next TIMES requests matching METHOD and PATTERN (see
// githubtest.Server.Inject) fail with KIND: 500, 502, 401, 403, 404,
// secondary:SECONDS, ratelimit:SECONDS (429 with Retry-After), hang (applied,
// then no answer), label-race (a concurrent job creates the label first).
func (s *scriptFakes) githubfake(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: githubfake start | githubfake fault METHOD PATTERN TIMES KIND")
	}
	switch args[0] {
	case "start":
		f := &scriptFake{ts: ts}
		f.srv = githubtest.NewServer(f)
		s.mu.Lock()
		s.fakes[ts] = f
		s.mu.Unlock()
		ts.Defer(func() {
			s.mu.Lock()
			delete(s.fakes, ts)
			s.mu.Unlock()
		})
		ts.Setenv("GITHUB_API_URL", f.srv.URL)
		ts.Setenv("GITHUB_TOKEN", f.srv.Token)
		ts.Setenv("GITHUB_REPOSITORY", f.srv.Owner+"/"+f.srv.Repo)
		ts.Setenv("GITHUB_SERVER_URL", "https://github.com")
	case "fault":
		if len(args) != 5 {
			ts.Fatalf("usage: githubfake fault METHOD PATTERN TIMES KIND")
		}
		times, err := strconv.Atoi(args[3])
		if err != nil {
			ts.Fatalf("githubfake fault: TIMES %q: %v", args[3], err)
		}
		s.get(ts).srv.Inject(args[1], args[2], times, parseFault(ts, args[4]))
	default:
		ts.Fatalf("githubfake: unknown subcommand %q", args[0])
	}
}

func parseFault(ts *testscript.TestScript, kind string) githubtest.Fault {
	name, arg, _ := strings.Cut(kind, ":")
	secs := func() time.Duration {
		n, err := strconv.Atoi(arg)
		if err != nil {
			ts.Fatalf("githubfake fault %s: want %s:SECONDS", kind, name)
		}
		return time.Duration(n) * time.Second
	}
	switch name {
	case "401", "404", "500", "502", "503":
		code, _ := strconv.Atoi(name)
		return githubtest.Status(code)
	case "403":
		return githubtest.Forbidden()
	case "secondary":
		return githubtest.SecondaryRateLimit(secs())
	case "ratelimit":
		return githubtest.TooManyRequests(secs())
	case "hang":
		return githubtest.ApplyThenHang()
	case "label-race":
		return githubtest.LabelAlreadyExists()
	}
	ts.Fatalf("githubfake fault: unknown kind %q", kind)
	return githubtest.Fault{}
}

// githubstate checks what the fake holds for pull request 42:
//
//	githubstate comments TARGET N   exactly N comments carry TARGET's marker
//	githubstate body TARGET         prints that comment's body (for stdout checks)
//	githubstate labels [NAME...]    the pull request has exactly these labels
//	githubstate mark                remembers the number of requests so far
//	githubstate writes N            N write requests since the last mark
//	githubstate notoken [FILE...]   the token is in no file, request body or comment
//
// Every call first fails the script if the fake saw a request GitHub would refuse.
func (s *scriptFakes) githubstate(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: githubstate comments|body|labels|mark|writes|notoken ...")
	}
	f := s.get(ts)
	f.mu.Lock()
	errs := slices.Clone(f.errs)
	f.mu.Unlock()
	if len(errs) > 0 {
		ts.Fatalf("the GitHub fake saw bad requests:\n%s", strings.Join(errs, "\n"))
	}
	srv := f.srv
	marked := func(target string) []githubtest.Comment {
		var out []githubtest.Comment
		for _, c := range srv.Comments(githubtest.DefaultPR) {
			if strings.HasPrefix(c.Body, github.Marker(target)+"\n") {
				out = append(out, c)
			}
		}
		return out
	}
	switch args[0] {
	case "comments":
		if len(args) != 3 {
			ts.Fatalf("usage: githubstate comments TARGET N")
		}
		want, err := strconv.Atoi(args[2])
		if err != nil {
			ts.Fatalf("githubstate comments: N %q: %v", args[2], err)
		}
		if got := len(marked(args[1])); got != want {
			ts.Fatalf("%d comments for target %q, want %d", got, args[1], want)
		}
	case "body":
		if len(args) != 2 {
			ts.Fatalf("usage: githubstate body TARGET")
		}
		cs := marked(args[1])
		if len(cs) != 1 {
			ts.Fatalf("%d comments for target %q, want 1", len(cs), args[1])
		}
		fmt.Fprint(ts.Stdout(), cs[0].Body)
	case "labels":
		got := srv.IssueLabels(githubtest.DefaultPR)
		want := slices.Clone(args[1:])
		slices.Sort(want)
		if !slices.Equal(got, want) {
			ts.Fatalf("labels %q, want %q", got, want)
		}
	case "mark":
		f.mu.Lock()
		f.marked = len(srv.Requests())
		f.mu.Unlock()
	case "writes":
		want, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("githubstate writes: N %q: %v", args[1], err)
		}
		f.mu.Lock()
		since := f.marked
		f.mu.Unlock()
		var writes []string
		for _, r := range srv.Requests()[since:] {
			if r.Method != http.MethodGet {
				writes = append(writes, r.Method+" "+r.Path)
			}
		}
		if len(writes) != want {
			ts.Fatalf("%d writes since the mark, want %d: %q", len(writes), want, writes)
		}
	case "notoken":
		texts := map[string]string{}
		for _, name := range args[1:] {
			data, err := os.ReadFile(ts.MkAbs(name))
			if err != nil {
				ts.Fatalf("githubstate notoken: %v", err)
			}
			texts[name] = string(data)
		}
		for i, r := range srv.Requests() {
			texts[fmt.Sprintf("request %d (%s %s)", i, r.Method, r.Path)] = r.Path + "?" + r.Query + "\n" + r.Body
		}
		for _, c := range srv.Comments(githubtest.DefaultPR) {
			texts[fmt.Sprintf("comment %d", c.ID)] = c.Body
		}
		for where, text := range texts {
			if strings.Contains(text, srv.Token) {
				ts.Fatalf("the token appears in %s", where)
			}
		}
	default:
		ts.Fatalf("githubstate: unknown subcommand %q", args[0])
	}
}
