package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v74/github"
)

// noRetryKey marks a request that must not be replayed after an ambiguous
// failure (timeout, connection error, 5xx), because it may have been applied:
// creating a comment. The caller lists again before deciding to create.
// Rate-limit rejections are still retried: GitHub did not process the request.
type noRetryKey struct{}

func withoutReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetryKey{}, true)
}

func replayable(req *http.Request) bool {
	v, _ := req.Context().Value(noRetryKey{}).(bool)
	return !v
}

// backoff is the wait before retry n (0-based) after a 5xx or a network error.
func backoff(n int) time.Duration {
	d := time.Second << n
	if d > 30*time.Second || d <= 0 {
		d = 30 * time.Second
	}
	return d
}

// secondaryDefault is how long GitHub asks a client to wait after a secondary
// rate limit that carries no Retry-After: "at least one minute".
const secondaryDefault = time.Minute

// retrier is an http.RoundTripper that retries what GitHub says is worth
// retrying: 5xx and network errors on replayable requests, and primary and
// secondary rate limits on any request. Retries are bounded per request by
// maxRetries and, over the life of the Client, by a total wait budget.
type retrier struct {
	base       http.RoundTripper
	maxRetries int
	timeout    time.Duration
	sleep      func(context.Context, time.Duration) error
	now        func() time.Time

	mu     sync.Mutex
	waited time.Duration
	budget time.Duration
}

// reserve takes d from the wait budget, or reports false when it would exceed it.
func (t *retrier) reserve(d time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.waited+d > t.budget {
		return false
	}
	t.waited += d
	return true
}

// Waited reports the total time spent waiting between retries.
func (t *retrier) Waited() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.waited
}

func (t *retrier) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replay request body: %w", err)
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.once(req)
		wait, retry := t.classify(req, resp, err, attempt)
		if !retry || attempt >= t.maxRetries || (req.Body != nil && req.GetBody == nil) {
			return resp, err
		}
		if !t.reserve(wait) {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		if serr := t.sleep(req.Context(), wait); serr != nil {
			return nil, serr
		}
	}
}

// once sends one attempt under its own timeout; the timeout keeps running
// until the response body is closed, so reading it is covered too.
func (t *retrier) once(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if req.Context().Err() == nil && ctx.Err() != nil {
			return nil, &attemptTimeoutError{after: t.timeout, err: err}
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// classify says whether to retry and after how long.
func (t *retrier) classify(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if err != nil {
		if req.Context().Err() != nil || !replayable(req) {
			return 0, false
		}
		return backoff(attempt), true
	}
	h := resp.Header
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusTooManyRequests:
		if h.Get("X-Ratelimit-Remaining") == "0" {
			if reset, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); err == nil {
				d := time.Unix(reset, 0).Sub(t.now()) + time.Second
				if d < time.Second {
					d = time.Second
				}
				return d, true
			}
		}
		if d, ok := retryAfter(h); ok {
			return d, true
		}
		if resp.StatusCode == http.StatusTooManyRequests || secondaryLimited(resp) {
			return secondaryDefault, true
		}
		return 0, false
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if !replayable(req) {
			return 0, false
		}
		if d, ok := retryAfter(h); ok {
			return d, true
		}
		return backoff(attempt), true
	}
	return 0, false
}

func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	return 0, false
}

// secondaryLimited reads (and restores) a 403 body to tell a secondary rate
// limit without Retry-After from a permission error.
func secondaryLimited(resp *http.Response) bool {
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return false
	}
	msg := strings.ToLower(string(data))
	return strings.Contains(msg, "secondary rate limit") || strings.Contains(msg, "abuse detection")
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// attemptTimeoutError is one attempt running out of RequestTimeout, as opposed
// to the caller's context ending.
type attemptTimeoutError struct {
	after time.Duration
	err   error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no response from GitHub within %s", e.after)
}

func (e *attemptTimeoutError) Unwrap() error { return e.err }

// Timeout reports true, like net.Error.
func (e *attemptTimeoutError) Timeout() bool { return true }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

var _ http.RoundTripper = (*retrier)(nil)

// isAmbiguous reports whether a failed write may or may not have been
// applied: no HTTP answer at all (timeout, reset connection) or a 5xx.
func isAmbiguous(err error) bool {
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500
	}
	var rl *gh.RateLimitError
	var al *gh.AbuseRateLimitError
	return !errors.As(err, &rl) && !errors.As(err, &al)
}
