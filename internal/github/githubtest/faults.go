package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Fault is a misbehaviour the fake shows on a matching request. Build one
// with the constructors below and register it with Server.Inject.
type Fault struct {
	kind       faultKind
	status     int
	retryAfter time.Duration
	reset      time.Time
}

type faultKind int

const (
	faultStatus faultKind = iota
	faultSecondary
	faultPrimary
	faultTooMany
	faultForbidden
	faultApplyThenHang
	faultLabelRace
)

// Status answers with code and GitHub's error body for it (500 and 502 as
// GitHub's front end does, 404 as "Not Found").
func Status(code int) Fault { return Fault{kind: faultStatus, status: code} }

// SecondaryRateLimit answers 403 with the secondary-rate-limit message and,
// when retryAfter > 0, a Retry-After header in seconds.
func SecondaryRateLimit(retryAfter time.Duration) Fault {
	return Fault{kind: faultSecondary, retryAfter: retryAfter}
}

// PrimaryRateLimit answers 403 with x-ratelimit-remaining 0 and
// x-ratelimit-reset at reset.
func PrimaryRateLimit(reset time.Time) Fault { return Fault{kind: faultPrimary, reset: reset} }

// TooManyRequests answers 429, with Retry-After when retryAfter > 0.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{kind: faultTooMany, retryAfter: retryAfter}
}

// Forbidden answers 403 "Resource not accessible by integration", what a
// GITHUB_TOKEN without the needed permissions gets.
func Forbidden() Fault { return Fault{kind: faultForbidden} }

// ApplyThenHang applies the request to the fake's state and then never
// answers, until the client gives up: a create that succeeded but whose
// response was lost.
func ApplyThenHang() Fault { return Fault{kind: faultApplyThenHang} }

// LabelAlreadyExists makes a concurrent job create the label named in a
// POST /labels body just before this request is handled, so GitHub answers
// 422 already_exists.
func LabelAlreadyExists() Fault { return Fault{kind: faultLabelRace} }

type injected struct {
	method, pattern string
	left            int
	fault           Fault
}

// Inject makes the next times requests matching method and pattern (a path
// relative to the API root, where a {name} segment matches any one segment,
// e.g. "/repos/{owner}/{repo}/issues/{number}/comments") show f. Faults for
// the same request fire in the order injected.
func (s *Server) Inject(method, pattern string, times int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &injected{method: method, pattern: pattern, left: times, fault: f})
}

// takeFault returns the first pending fault for the request; s.mu is held.
func (s *Server) takeFault(method, path string) *Fault {
	for _, f := range s.faults {
		if f.left > 0 && f.method == method && matchPath(f.pattern, path) {
			f.left--
			fault := f.fault
			return &fault
		}
	}
	return nil
}

// apply shows the fault; it returns false when the request should then be
// handled normally.
func (f *Fault) apply(s *Server, w http.ResponseWriter, r *http.Request, rel string, body []byte) bool {
	switch f.kind {
	case faultStatus:
		msg := http.StatusText(f.status)
		if f.status == http.StatusNotFound {
			msg = "Not Found"
		}
		if f.status >= 500 {
			msg = "Server Error"
		}
		writeJSON(w, s.rate(), f.status, map[string]string{"message": msg, "status": strconv.Itoa(f.status)})
	case faultSecondary:
		h := s.rate()
		if f.retryAfter > 0 {
			h.Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
		}
		writeJSON(w, h, http.StatusForbidden, map[string]string{
			"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			"status":            "403",
		})
	case faultPrimary:
		h := s.rate()
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", "5000")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(f.reset.Unix(), 10))
		writeJSON(w, h, http.StatusForbidden, map[string]string{
			"message":           "API rate limit exceeded for installation ID 1234567.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits",
			"status":            "403",
		})
	case faultTooMany:
		h := s.rate()
		if f.retryAfter > 0 {
			h.Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
		}
		writeJSON(w, h, http.StatusTooManyRequests, map[string]string{"message": "Too Many Requests", "status": "429"})
	case faultForbidden:
		writeJSON(w, s.rate(), http.StatusForbidden, map[string]string{
			"message":           "Resource not accessible by integration",
			"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
			"status":            "403",
		})
	case faultApplyThenHang:
		s.route(httptest.NewRecorder(), r, rel, body)
		select {
		case <-r.Context().Done():
		case <-s.stop:
		case <-time.After(time.Minute):
			s.t.Errorf("githubtest: %s %s: the client waited a minute for a response that never comes; it needs a request timeout", r.Method, rel)
		}
	case faultLabelRace:
		var in struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(body, &in); err == nil && in.Name != "" {
			s.mu.Lock()
			if s.findLabel(in.Name) == nil {
				s.labels = append(s.labels, &label{id: s.id(), name: in.Name, color: "c5def5", desc: "created by a concurrent job"})
			}
			s.mu.Unlock()
		}
		return false
	default:
		panic(fmt.Sprintf("githubtest: unknown fault kind %d", f.kind))
	}
	return true
}

// matchPath matches an escaped request path against a pattern whose {name}
// segments match any single segment.
func matchPath(pattern, path string) bool {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := segments(path)
	if len(ps) != len(xs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return true
}
