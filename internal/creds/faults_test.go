package creds

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// Fault rules for a FaultProxy in front of the IMDS emulator.
func onToken(f *credstest.Fault) func(*http.Request) *credstest.Fault {
	return func(r *http.Request) *credstest.Fault {
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			return f
		}
		return nil
	}
}

func onRoleList(f *credstest.Fault) func(*http.Request) *credstest.Fault {
	return func(r *http.Request) *credstest.Fault {
		if r.Method == http.MethodGet && r.URL.Path == "/latest/meta-data/iam/security-credentials/" {
			return f
		}
		return nil
	}
}

func onRoleCredentials(f *credstest.Fault) func(*http.Request) *credstest.Fault {
	return func(r *http.Request) *credstest.Fault {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/latest/meta-data/iam/security-credentials/") &&
			!strings.HasSuffix(r.URL.Path, "/") {
			return f
		}
		return nil
	}
}

func always(f *credstest.Fault) func(*http.Request) *credstest.Fault {
	return func(*http.Request) *credstest.Fault { return f }
}

// TestIMDSFaults puts a fault-injecting proxy in front of the real IMDS emulator
// (amazon-ec2-metadata-mock) and checks that the probe tells each fault apart, says
// what to do, and gives up within its budget; then that export's provider (what creds
// export and exec use) fails with the same words.
func TestIMDSFaults(t *testing.T) {
	role := credstest.DefaultRole()
	both := credstest.StartIMDS(t, credstest.IMDSOptions{Role: role})
	v2only := credstest.StartIMDS(t, credstest.IMDSOptions{Role: role, V2Only: true})
	expiredRole := role
	expiredRole.Expiration = time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	stale := credstest.StartIMDS(t, credstest.IMDSOptions{Role: expiredRole})
	slow := 3 * time.Second
	const budget = 1500 * time.Millisecond

	tests := []struct {
		name     string
		target   string
		rule     func(*http.Request) *credstest.Fault
		status   IMDSStatus
		version  string
		hint     []string
		fetchErr []string // what export's provider says; nil when it gets credentials
	}{
		{name: "token PUT slower than the budget (hop limit)", target: both, rule: onToken(&credstest.Fault{Delay: slow}),
			status: IMDSV1Fallback, version: "v1", hint: []string{"fetched over IMDSv1", "hop limit"}},
		{name: "token PUT slower than the budget, IMDSv1 off", target: v2only, rule: onToken(&credstest.Fault{Delay: slow}),
			status: IMDSTokenTimeout, hint: []string{"hop limit", "--http-put-response-hop-limit 2"}, fetchErr: []string{"token_timeout", "hop limit"}},
		{name: "every answer slower than the budget", target: both, rule: always(&credstest.Fault{Delay: slow}),
			status: IMDSTokenTimeout, hint: []string{"hop limit"}, fetchErr: []string{"token_timeout"}},
		{name: "role credentials slower than the budget", target: both, rule: onRoleCredentials(&credstest.Fault{Delay: slow}),
			status: IMDSError, hint: []string{"IMDS listed role seed-instance-role but did not send its credentials within 1.5s"}, fetchErr: []string{"did not send its credentials"}},
		{name: "black hole after the token", target: both, rule: onRoleList(&credstest.Fault{Hang: true}),
			status: IMDSUnreachable, hint: []string{"did not answer in time"}, fetchErr: []string{"unreachable", "did not answer in time"}},
		{name: "token PUT answers 500", target: both, rule: onToken(&credstest.Fault{Status: 500, Body: "oops"}),
			status: IMDSV1Fallback, version: "v1", hint: []string{"fetched over IMDSv1", "HTTP 500"}},
		{name: "token PUT answers 405 (IMDSv1 fallback)", target: both, rule: onToken(&credstest.Fault{Status: 405}),
			status: IMDSV1Fallback, version: "v1", hint: []string{"fetched over IMDSv1", "HTTP 405"}},
		{name: "token PUT answers 403 on an IMDSv2-only instance", target: v2only, rule: onToken(&credstest.Fault{Status: 403}),
			status: IMDSV1Disabled, hint: []string{"HttpTokens=required"}, fetchErr: []string{"v1_disabled"}},
		{name: "token PUT answers 405 on an IMDSv2-only instance", target: v2only, rule: onToken(&credstest.Fault{Status: 405}),
			status: IMDSV1Disabled, hint: []string{"HttpTokens=required"}, fetchErr: []string{"v1_disabled"}},
		{name: "role list answers 500", target: both, rule: onRoleList(&credstest.Fault{Status: 500, Body: "internal"}),
			status: IMDSError, hint: []string{"role list answered HTTP 500"}, fetchErr: []string{"role list answered HTTP 500"}},
		{name: "role credentials answer 500", target: both, rule: onRoleCredentials(&credstest.Fault{Status: 500, Body: "internal"}),
			status: IMDSError, hint: []string{"role credentials answered HTTP 500"}, fetchErr: []string{"role credentials answered HTTP 500"}},
		{name: "malformed credentials JSON", target: both, rule: onRoleCredentials(&credstest.Fault{Status: 200, Body: `{"Code":"Success","AccessKeyId":"ASIA`}),
			status: IMDSError, hint: []string{"not valid JSON"}, fetchErr: []string{"not valid JSON"}},
		{name: "role cannot be assumed (Code not Success)", target: both, rule: onRoleCredentials(&credstest.Fault{Status: 200,
			Body: `{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role seed-instance-role.","LastUpdated":"2026-01-01T00:00:00Z"}`}),
			status: IMDSError, hint: []string{"IMDS reports AssumeRoleUnauthorizedAccess", "EC2 cannot assume the role"}, fetchErr: []string{"AssumeRoleUnauthorizedAccess"}},
		{name: "expired credentials", target: stale, rule: always(nil),
			status: IMDSExpired, version: "v2", hint: []string{"expired at"}, fetchErr: []string{"expired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := credstest.StartFaultProxy(t, tt.target, tt.rule)
			env := map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": p.URL}
			start := time.Now()
			pr := ProbeIMDS(context.Background(), env, budget, time.Now())
			elapsed := time.Since(start)
			t.Logf("probe: %s %s in %s: %s (token error %q)", pr.Status, pr.Version, elapsed.Round(time.Millisecond), pr.Hint, pr.TokenError)
			if pr.Status != tt.status {
				t.Errorf("status %s, want %s", pr.Status, tt.status)
			}
			if tt.version != "" && pr.Version != tt.version {
				t.Errorf("version %s, want %s", pr.Version, tt.version)
			}
			for _, h := range tt.hint {
				if !strings.Contains(pr.Hint, h) {
					t.Errorf("hint %q does not say %q", pr.Hint, h)
				}
			}
			if bound := budget + time.Second; elapsed > bound {
				t.Errorf("probe took %s, bound %s", elapsed, bound)
			}

			start = time.Now()
			_, err := imdsProvider{env: env, budget: budget}.Retrieve(context.Background())
			elapsed = time.Since(start)
			t.Logf("provider: %v in %s", err, elapsed.Round(time.Millisecond))
			switch {
			case tt.fetchErr == nil && err != nil:
				t.Errorf("provider failed: %v", err)
			case tt.fetchErr != nil && err == nil:
				t.Errorf("provider got credentials; want an error saying %v", tt.fetchErr)
			case err != nil:
				for _, w := range append([]string{"get instance role credentials from IMDS (" + p.URL + ")"}, tt.fetchErr...) {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("provider error %q does not say %q", err, w)
					}
				}
			}
			if bound := budget + time.Second; elapsed > bound {
				t.Errorf("provider took %s, bound %s", elapsed, bound)
			}
		})
	}
}

// TestSTSFaults: sts:GetCallerIdentity (creds explain --verify) against a loopback
// STS behind a fault proxy: throttling shaped as STS documents it, 5xx, slowness and
// a hang are each classified with a clear message, within the verification's bound.
func TestSTSFaults(t *testing.T) {
	sts := credstest.StartSTS(t, map[string]credstest.Identity{
		"AKIAVALIDUSERKEY0001": {SecretAccessKey: "right", Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
	})
	tests := []struct {
		name  string
		fault *credstest.Fault
		code  string
		want  []string // in Meaning, or in Error when there is no code
	}{
		{name: "Throttling", fault: credstest.STSError(400, "Sender", "Throttling", "Rate exceeded"), code: "Throttling", want: []string{"STS throttled the call", "not checked"}},
		{name: "ThrottlingException", fault: credstest.STSError(400, "Sender", "ThrottlingException", "Rate exceeded"), code: "ThrottlingException", want: []string{"STS throttled the call", "not checked"}},
		{name: "500 InternalFailure", fault: credstest.STSError(500, "Receiver", "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."), code: "InternalFailure", want: []string{"STS failed on its side", "not checked"}},
		{name: "503 ServiceUnavailable", fault: credstest.STSError(503, "Receiver", "ServiceUnavailable", "Service is unable to handle request."), code: "ServiceUnavailable", want: []string{"STS failed on its side", "not checked"}},
		{name: "502 from a proxy, not XML", fault: &credstest.Fault{Status: 502, ContentType: "text/html", Body: "<html><body>Bad Gateway</body></html>"}, code: "UnknownError", want: []string{"HTTP 502", "not checked"}},
		{name: "slow", fault: &credstest.Fault{Delay: 30 * time.Second}, want: []string{"STS did not answer within 8s", "not checked"}},
		{name: "hang", fault: &credstest.Fault{Hang: true}, want: []string{"STS did not answer within 8s", "not checked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := credstest.StartFaultProxy(t, sts.URL, always(tt.fault))
			start := time.Now()
			v := VerifySecret(context.Background(), &Secret{AccessKeyID: "AKIAVALIDUSERKEY0001", SecretAccessKey: "right"},
				map[string]string{"AWS_ENDPOINT_URL_STS": p.URL}, "")
			elapsed := time.Since(start)
			t.Logf("%+v in %s after %d requests", *v, elapsed.Round(time.Millisecond), p.Seen())
			if v.OK() {
				t.Fatalf("verified through a fault: %+v", v)
			}
			if v.ErrorCode != tt.code {
				t.Errorf("error code %q, want %q", v.ErrorCode, tt.code)
			}
			msg := v.Meaning + v.Error
			for _, w := range tt.want {
				if !strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if !v.Unchecked() {
				t.Errorf("a failure on STS's side counts as a verdict on the credentials: %+v", v)
			}
			if bound := verifyTimeout + 2*time.Second; elapsed > bound {
				t.Errorf("took %s, bound %s", elapsed, bound)
			}
		})
	}
}

// TestExplainVerifyBoundedWhenSTSFails: creds explain --verify with several usable
// sources and the SDK cross-check, against an STS that hangs or throttles: the whole
// explain ends within one SDK child's bound plus one verification's, and the findings
// say the credentials could not be checked (a warning), not that STS rejected them.
func TestExplainVerifyBoundedWhenSTSFails(t *testing.T) {
	sts := credstest.StartSTS(t, map[string]credstest.Identity{
		"AKIAENVKEY0000000001": {SecretAccessKey: "env-secret", Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/env"},
		"AKIADEFAULTKEY001234": {SecretAccessKey: "default-secret", Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/default"},
	})
	imds := credstest.StartIMDS(t, credstest.IMDSOptions{Role: credstest.DefaultRole()})
	tests := []struct {
		name  string
		fault *credstest.Fault
		want  string
	}{
		{name: "STS hangs", fault: &credstest.Fault{Hang: true}, want: "STS did not answer within 8s, so the credentials were not checked"},
		{name: "STS throttles", fault: credstest.STSError(400, "Sender", "Throttling", "Rate exceeded"), want: "Throttling (STS throttled the call (rate exceeded), so the credentials were not checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := credstest.StartFaultProxy(t, sts.URL, always(tt.fault))
			home := writeHome(t, map[string]string{".aws/credentials": credsDefault})
			env := map[string]string{"HOME": home, "AWS_ACCESS_KEY_ID": "AKIAENVKEY0000000001", "AWS_SECRET_ACCESS_KEY": "env-secret",
				"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": p.URL, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds}
			start := time.Now()
			rep := Explain(context.Background(), []Context{currentContext(t, env)}, Options{IMDSBudget: DefaultIMDSBudget, Verify: true, SDK: sdkChild()})
			elapsed := time.Since(start)
			var msgs []string
			for _, f := range rep.Findings {
				if f.Rule == RuleVerifyFailed {
					msgs = append(msgs, string(f.Severity)+": "+f.Message)
					if f.Severity != SeverityWarning {
						t.Errorf("%s finding is %s; STS not answering says nothing about the credentials: %s", f.Rule, f.Severity, f.Message)
					}
					if !strings.Contains(f.Message, "could not be checked") || !strings.Contains(f.Message, tt.want) {
						t.Errorf("finding %q does not say the credentials could not be checked: %q", f.Message, tt.want)
					}
				}
			}
			// env, the shared credentials file and IMDS hold keys: three sources.
			if len(msgs) < 3 {
				t.Errorf("%d verify_failed findings, want one per source with keys (3): %v", len(msgs), msgs)
			}
			t.Logf("explain --verify in %s after %d STS requests:\n%s", elapsed.Round(time.Millisecond), p.Seen(), strings.Join(msgs, "\n"))
			if bound := 10*time.Second + verifyTimeout + 4*time.Second; elapsed > bound {
				t.Errorf("explain --verify took %s, bound %s (SDK child 10s + one verification %s + slack)", elapsed, bound, verifyTimeout)
			}
		})
	}
}

// TestExplainIMDSSlowerThanTheSDKWaits: IMDS answers the token PUT in 700ms on an
// IMDSv2-only instance. hiyari's probe (1.5s budget) gets and verifies the role's
// credentials; the real SDK (500ms per answer) does not. Explain must say both: the
// slow answer on the imds source, and the SDK chain's failure as a finding.
func TestExplainIMDSSlowerThanTheSDKWaits(t *testing.T) {
	role := credstest.DefaultRole()
	v2only := credstest.StartIMDS(t, credstest.IMDSOptions{Role: role, V2Only: true})
	sts := credstest.StartSTS(t, map[string]credstest.Identity{role.AccessKeyID: {SecretAccessKey: role.SecretAccessKey, SessionToken: role.Token,
		Account: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/" + role.Name + "/i-0123456789abcdef0"}})
	p := credstest.StartFaultProxy(t, v2only, onToken(&credstest.Fault{Delay: 700 * time.Millisecond}))
	env := map[string]string{"HOME": t.TempDir(), "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": sts.URL, "AWS_EC2_METADATA_SERVICE_ENDPOINT": p.URL}
	start := time.Now()
	rep := Explain(context.Background(), []Context{currentContext(t, env)}, Options{IMDSBudget: DefaultIMDSBudget, Verify: true, SDK: sdkChild()})
	elapsed := time.Since(start)
	c := rep.Contexts[0]
	s := c.Source(SourceIMDS)
	if s.State != StateUsable || !s.Verify.OK() {
		t.Fatalf("imds = %s, verify %+v; want usable and verified by hiyari's own probe", s.State, s.Verify)
	}
	if want := "IMDS answered slowly (the token PUT took 7"; !strings.Contains(s.Detail, want) || !strings.Contains(s.Detail, "gives up on an IMDS answer after 500ms") {
		t.Errorf("imds detail %q does not say %q and the SDK's 500ms", s.Detail, want)
	}
	var found bool
	for _, f := range rep.Findings {
		if f.Rule == RuleVerifyFailed && f.Severity == SeverityError && strings.Contains(f.Message, "although hiyari fetched and verified") {
			found = true
			t.Logf("%s %s: %s", f.Severity, f.Rule, f.Message)
		}
	}
	if !found {
		t.Errorf("no error finding says the SDK's chain failed where hiyari's probe passed: %+v (SDK verify %+v)", rep.Findings, c.WinnerVerify)
	}
	if bound := 10*time.Second + verifyTimeout + 4*time.Second; elapsed > bound {
		t.Errorf("explain took %s, bound %s", elapsed, bound)
	}
}
