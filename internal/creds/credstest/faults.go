package credstest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Fault is what a FaultProxy does with one request instead of passing it on as is.
type Fault struct {
	// Delay holds the request this long first (then the fault below, or the target).
	Delay time.Duration
	// Hang accepts the request and never answers, until the client gives up.
	Hang bool
	// Status answers with this status, Body and ContentType instead of the target.
	Status      int
	Body        string
	ContentType string
}

// FaultProxy is a reverse proxy on 127.0.0.1 in front of a real server (the IMDS
// emulator, the loopback STS) that injects faults chosen per request by a rule.
type FaultProxy struct {
	// URL is the proxy's base URL, to use in place of the target's.
	URL string

	mu      sync.Mutex
	faulted int
	seen    int
}

// Faulted returns how many requests got a fault.
func (p *FaultProxy) Faulted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faulted
}

// Seen returns how many requests reached the proxy.
func (p *FaultProxy) Seen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen
}

// StartFaultProxy starts a proxy to target; rule returns the fault for a request, or
// nil to pass it on untouched. It stops when the test ends (hung requests are let go).
func StartFaultProxy(t testing.TB, target string, rule func(r *http.Request) *Fault) *FaultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("fault proxy target %q: %v", target, err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	stop := make(chan struct{})
	p := &FaultProxy{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := rule(r)
		p.mu.Lock()
		p.seen++
		if f != nil {
			p.faulted++
		}
		p.mu.Unlock()
		if f == nil {
			rp.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
		switch {
		case f.Hang:
			select {
			case <-r.Context().Done():
			case <-stop:
			}
		case f.Status != 0:
			if f.ContentType != "" {
				w.Header().Set("Content-Type", f.ContentType)
			}
			w.WriteHeader(f.Status)
			fmt.Fprint(w, f.Body)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(func() {
		close(stop)
		srv.Close()
	})
	p.URL = srv.URL
	return p
}

// STSError is an answer shaped like the STS Query API's documented error response
// (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html): an
// ErrorResponse with Error/Type, Code and Message, and a RequestId, as text/xml.
func STSError(status int, typ, code, message string) *Fault {
	return &Fault{Status: status, ContentType: "text/xml", Body: fmt.Sprintf(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>%s</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>8f0b6a21-3c4d-4e5f-9a0b-1c2d3e4f5a6b</RequestId>
</ErrorResponse>
`, typ, code, message)}
}
