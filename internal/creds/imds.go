package creds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// IMDSStatus tells apart the ways the instance metadata service can fail to give a role's
// credentials.
type IMDSStatus string

// IMDS probe outcomes.
const (
	// IMDSDisabled: AWS_EC2_METADATA_DISABLED=true; the SDK will not ask.
	IMDSDisabled IMDSStatus = "disabled"
	// IMDSUnreachable: nothing answers at the endpoint (not on EC2, or blocked).
	IMDSUnreachable IMDSStatus = "unreachable"
	// IMDSTokenTimeout: the IMDSv2 token PUT got no answer and neither did IMDSv1 —
	// typical inside a container when the instance's hop limit is 1.
	IMDSTokenTimeout IMDSStatus = "token_timeout"
	// IMDSV1Disabled: no token could be had and IMDSv1 is refused (HttpTokens=required,
	// or AWS_EC2_METADATA_V1_DISABLED).
	IMDSV1Disabled IMDSStatus = "v1_disabled"
	// IMDSNoRole: IMDS answers but no instance profile is attached.
	IMDSNoRole IMDSStatus = "no_role"
	// IMDSError: IMDS answered with an error or something unreadable.
	IMDSError IMDSStatus = "error"
	// IMDSExpired: the role's credentials are past their expiration.
	IMDSExpired IMDSStatus = "expired"
	// IMDSV1Fallback: credentials were fetched, but only over IMDSv1 after the token
	// request failed.
	IMDSV1Fallback IMDSStatus = "v1_fallback"
	// IMDSOK: credentials fetched over IMDSv2.
	IMDSOK IMDSStatus = "ok"
)

// IMDSProbe is what probing the instance metadata service found.
type IMDSProbe struct {
	// Endpoint is the base URL probed.
	Endpoint string
	// EndpointFrom says why that endpoint: "default", or the variable that set it.
	EndpointFrom string
	// Status is the outcome.
	Status IMDSStatus
	// Version is "v2" or "v1": how the credentials were (or would be) fetched.
	Version string
	// Role is the instance role name.
	Role string
	// TokenError is why the IMDSv2 token PUT failed, if it did.
	TokenError string
	// Hint says what to do about a failure.
	Hint string

	secret *Secret
}

const (
	defaultIMDSEndpoint     = "http://169.254.169.254"
	defaultIMDSEndpointIPv6 = "http://[fd00:ec2::254]"
)

type imdsSettings struct {
	endpoint, from string
	disabled       bool
	v1Disabled     bool
}

func imdsSettingsFrom(env map[string]string) imdsSettings {
	s := imdsSettings{endpoint: defaultIMDSEndpoint, from: "default"}
	if strings.EqualFold(env["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"], "IPv6") {
		s.endpoint, s.from = defaultIMDSEndpointIPv6, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"
	}
	if e := env["AWS_EC2_METADATA_SERVICE_ENDPOINT"]; e != "" {
		s.endpoint, s.from = strings.TrimRight(e, "/"), "AWS_EC2_METADATA_SERVICE_ENDPOINT"
	}
	s.disabled = strings.EqualFold(env["AWS_EC2_METADATA_DISABLED"], "true")
	s.v1Disabled = strings.EqualFold(env["AWS_EC2_METADATA_V1_DISABLED"], "true")
	return s
}

func (s imdsSettings) key() string {
	return fmt.Sprintf("%s|%t|%t", s.endpoint, s.disabled, s.v1Disabled)
}

// noProxyClient returns a client that never uses a proxy (IMDS and container endpoints
// are link-local or loopback) and gives up connecting after dial.
func noProxyClient(dial time.Duration) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: dial}).DialContext,
			DisableKeepAlives:   true,
			MaxIdleConnsPerHost: -1,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// ProbeIMDS asks the instance metadata service for the role's credentials the way the
// SDK does (IMDSv2 token first, IMDSv1 fallback unless disabled), within budget overall.
func ProbeIMDS(ctx context.Context, env map[string]string, budget time.Duration, now time.Time) *IMDSProbe {
	s := imdsSettingsFrom(env)
	p := &IMDSProbe{Endpoint: s.endpoint, EndpointFrom: s.from}
	if s.disabled {
		p.Status = IMDSDisabled
		p.Hint = "AWS_EC2_METADATA_DISABLED=true: the SDK will not ask IMDS; unset it to use the instance role"
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	step := budget * 2 / 3
	client := noProxyClient(step)

	slow := slowestAnswer{}
	t0 := time.Now()
	token, tokErr := imdsToken(ctx, client, s.endpoint, step)
	slow.note("the token PUT", time.Since(t0), tokErr == nil)
	p.Version = "v2"
	if tokErr != nil {
		p.TokenError = tokErr.Error()
		p.Version = "v1"
		if isRefused(tokErr) {
			p.Status = IMDSUnreachable
			p.Hint = "nothing listens at " + s.endpoint + ": not an EC2 instance, or the metadata endpoint is blocked"
			return p
		}
		var st statusError
		if errors.As(tokErr, &st) && st.code == http.StatusBadRequest {
			p.Status = IMDSError
			p.Hint = "IMDS rejected the token request (400)"
			return p
		}
		if s.v1Disabled {
			p.Status = IMDSV1Disabled
			p.Hint = "the IMDSv2 token request failed and AWS_EC2_METADATA_V1_DISABLED=true forbids the IMDSv1 fallback"
			if isTimeout(tokErr) {
				p.Status = IMDSTokenTimeout
				p.Hint = hopLimitHint
			}
			return p
		}
	}
	t0 = time.Now()
	roles, code, err := imdsGet(ctx, client, s.endpoint+"/latest/meta-data/iam/security-credentials/", token)
	slow.note("the role list", time.Since(t0), err == nil)
	switch {
	case err != nil && isTimeout(err) && tokErr != nil && isTimeout(tokErr):
		p.Status = IMDSTokenTimeout
		p.Hint = hopLimitHint
		return p
	case err != nil && isTimeout(err):
		p.Status = IMDSUnreachable
		p.Hint = "IMDS at " + s.endpoint + " did not answer in time"
		return p
	case err != nil && isRefused(err):
		p.Status = IMDSUnreachable
		p.Hint = "nothing listens at " + s.endpoint
		return p
	case err != nil:
		p.Status = IMDSError
		p.Hint = "read role list: " + err.Error()
		return p
	case code == http.StatusUnauthorized && token == "":
		p.Status = IMDSV1Disabled
		p.Hint = "the instance requires IMDSv2 (HttpTokens=required) but no token could be had"
		if tokErr != nil && isTimeout(tokErr) {
			p.Status = IMDSTokenTimeout
			p.Hint = hopLimitHint
		}
		return p
	case code == http.StatusNotFound:
		p.Status = IMDSNoRole
		p.Hint = "no instance profile is attached to this instance: attach one (EC2 console: Actions › Security › Modify IAM role)"
		return p
	case code != http.StatusOK:
		p.Status = IMDSError
		p.Hint = fmt.Sprintf("role list answered HTTP %d", code)
		return p
	}
	role := strings.TrimSpace(strings.SplitN(strings.TrimSpace(roles), "\n", 2)[0])
	if role == "" {
		p.Status = IMDSNoRole
		p.Hint = "IMDS returned an empty role list: no instance profile is attached"
		return p
	}
	p.Role = role
	t0 = time.Now()
	body, code, err := imdsGet(ctx, client, s.endpoint+"/latest/meta-data/iam/security-credentials/"+role, token)
	slow.note("the role credentials", time.Since(t0), err == nil)
	if err != nil || code != http.StatusOK {
		p.Status = IMDSError
		switch {
		case err != nil && isTimeout(err):
			p.Hint = fmt.Sprintf("IMDS listed role %s but did not send its credentials within %s (the whole probe's budget, --imds-timeout)", role, budget)
		case err != nil:
			p.Hint = "read role credentials: " + err.Error()
		default:
			p.Hint = fmt.Sprintf("role credentials answered HTTP %d", code)
		}
		return p
	}
	var doc struct {
		Code            string
		Message         string
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      time.Time
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		p.Status = IMDSError
		p.Hint = "role credentials are not valid JSON"
		return p
	}
	if doc.Code != "" && doc.Code != "Success" {
		p.Status = IMDSError
		p.Hint = "IMDS reports " + doc.Code + ": " + doc.Message
		return p
	}
	exp := doc.Expiration.UTC()
	p.secret = &Secret{AccessKeyID: doc.AccessKeyID, SecretAccessKey: doc.SecretAccessKey, SessionToken: doc.Token, Expires: &exp}
	switch {
	case !doc.Expiration.IsZero() && !doc.Expiration.After(now):
		p.Status = IMDSExpired
		p.Hint = "IMDS serves credentials that expired at " + exp.Format(time.RFC3339) + "; check the instance clock (chrony) or wait for the refresh"
	case tokErr != nil:
		p.Status = IMDSV1Fallback
		p.Hint = "fetched over IMDSv1 after the token request failed (" + p.TokenError + "); IMDSv2-only instances will refuse this"
		if isTimeout(tokErr) {
			p.Hint += "; " + hopLimitHint
		}
	default:
		p.Status = IMDSOK
		p.Hint = slow.hint()
	}
	return p
}

// sdkIMDSAnswerTimeout is how long the AWS SDK for Go v2's IMDS client waits for an
// answer's headers (its default ResponseHeaderTimeout); the AWS CLI waits 1s.
const sdkIMDSAnswerTimeout = 500 * time.Millisecond

// slowestAnswer remembers the slowest IMDS answer of a probe.
type slowestAnswer struct {
	what string
	took time.Duration
}

func (s *slowestAnswer) note(what string, took time.Duration, answered bool) {
	if answered && took > s.took {
		s.what, s.took = what, took
	}
}

// hint warns when an answer came later than the SDK waits: this probe, with a longer
// budget, got credentials the SDK itself would not (or only over IMDSv1).
func (s slowestAnswer) hint() string {
	if s.took <= sdkIMDSAnswerTimeout {
		return ""
	}
	return fmt.Sprintf("IMDS answered slowly (%s took %s): the AWS SDK for Go v2 gives up on an IMDS answer after %s (the AWS CLI after 1s), so SDK clients may fail or fall back to IMDSv1 where this probe succeeded",
		s.what, s.took.Round(10*time.Millisecond), sdkIMDSAnswerTimeout)
}

const hopLimitHint = "the IMDSv2 token PUT timed out: inside a container on EC2 the response needs 2 hops; raise the instance's metadata hop limit (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2) or use the container's own credentials"

type statusError struct{ code int }

func (e statusError) Error() string { return fmt.Sprintf("HTTP %d", e.code) }

func imdsToken(ctx context.Context, c *http.Client, endpoint string, step time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, endpoint+"/latest/api/token", nil)
	if err != nil {
		return "", fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "21600")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return "", statusError{resp.StatusCode}
	}
	return strings.TrimSpace(string(b)), nil
}

func imdsGet(ctx context.Context, c *http.Client, url, token string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, fmt.Errorf("build request: %w", err)
	}
	if token != "" {
		req.Header.Set("X-aws-ec2-metadata-token", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	if err != nil {
		return "", 0, err
	}
	return string(b), resp.StatusCode, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

func isRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, os.ErrNotExist)
}
