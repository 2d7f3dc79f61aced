package githubtest

// Expectation is a call the test requires the code under test to make.
type Expectation struct {
	method, pattern string
	times           int // -1: at least once
	got             int
}

// Expect registers that a request matching method and pattern (see Inject for
// the pattern syntax) must be made at least once. Verify, and the cleanup of
// NewServer, fail the test otherwise.
func (s *Server) Expect(method, pattern string) *Expectation {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &Expectation{method: method, pattern: pattern, times: -1}
	s.expects = append(s.expects, e)
	return e
}

// Times requires exactly n matching requests; Times(0) forbids the call.
func (e *Expectation) Times(n int) *Expectation {
	e.times = n
	return e
}

func (e *Expectation) matches(method, path string) bool {
	return e.method == method && matchPath(e.pattern, path)
}

// Verify fails t for every expectation not met so far. It runs once; later
// calls (including the one at cleanup) do nothing.
func (s *Server) Verify(t TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verified {
		return
	}
	s.verified = true
	for _, e := range s.expects {
		switch {
		case e.times < 0 && e.got == 0:
			t.Errorf("githubtest: expected %s %s, but it was never called", e.method, e.pattern)
		case e.times >= 0 && e.got != e.times:
			t.Errorf("githubtest: expected %s %s %d time(s), got %d", e.method, e.pattern, e.times, e.got)
		}
	}
}
