package creds

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// refuseTokens puts a proxy in front of the emulator that answers the IMDSv2 token PUT
// with 403, as an instance with the token endpoint disabled would.
func refuseTokens(t *testing.T, target string) string {
	t.Helper()
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestProbeIMDS(t *testing.T) {
	role := credstest.DefaultRole()
	expired := role
	expired.Expiration = time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	both := credstest.StartIMDS(t, credstest.IMDSOptions{Role: role})
	v2only := credstest.StartIMDS(t, credstest.IMDSOptions{Role: role, V2Only: true})
	noRole := credstest.StartIMDS(t, credstest.IMDSOptions{})
	stale := credstest.StartIMDS(t, credstest.IMDSOptions{Role: expired})
	hole := credstest.BlackHole(t)

	tests := []struct {
		name       string
		env        map[string]string
		budget     time.Duration
		wantStatus IMDSStatus
		wantRole   string
		wantKey    string
		wantHint   string
	}{
		{name: "IMDSv2", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": both}, wantStatus: IMDSOK, wantRole: role.Name, wantKey: MaskKeyID(role.AccessKeyID)},
		{name: "IMDSv2 only instance", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": v2only}, wantStatus: IMDSOK, wantRole: role.Name},
		{name: "trailing slash on the endpoint", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": both + "/"}, wantStatus: IMDSOK, wantRole: role.Name},
		{name: "token refused, IMDSv1 fallback", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": refuseTokens(t, both)}, wantStatus: IMDSV1Fallback, wantRole: role.Name, wantHint: "IMDSv1"},
		{name: "token refused and IMDSv1 disabled on the instance", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": refuseTokens(t, v2only)}, wantStatus: IMDSV1Disabled, wantHint: "HttpTokens=required"},
		{name: "token refused and IMDSv1 disabled by the client", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": refuseTokens(t, both), "AWS_EC2_METADATA_V1_DISABLED": "true"}, wantStatus: IMDSV1Disabled, wantHint: "AWS_EC2_METADATA_V1_DISABLED"},
		{name: "no role attached", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": noRole}, wantStatus: IMDSNoRole, wantHint: "no instance profile"},
		{name: "expired credentials", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": stale}, wantStatus: IMDSExpired, wantRole: role.Name, wantHint: "expired"},
		{name: "disabled", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": both, "AWS_EC2_METADATA_DISABLED": "true"}, wantStatus: IMDSDisabled, wantHint: "AWS_EC2_METADATA_DISABLED"},
		{name: "nothing listening", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": credstest.ClosedURL(t)}, wantStatus: IMDSUnreachable},
		{name: "black hole: token PUT never answered", env: map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": hole}, budget: 300 * time.Millisecond, wantStatus: IMDSTokenTimeout, wantHint: "hop limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := tt.budget
			if budget == 0 {
				budget = 2 * time.Second
			}
			p := ProbeIMDS(context.Background(), tt.env, budget, time.Now())
			if p.Status != tt.wantStatus {
				t.Fatalf("status = %s, want %s (hint %q, token error %q)", p.Status, tt.wantStatus, p.Hint, p.TokenError)
			}
			if p.Role != tt.wantRole {
				t.Errorf("role = %q, want %q", p.Role, tt.wantRole)
			}
			if tt.wantKey != "" && (p.secret == nil || MaskKeyID(p.secret.AccessKeyID) != tt.wantKey) {
				t.Errorf("credentials = %v, want key %s", p.secret, tt.wantKey)
			}
			if !strings.Contains(p.Hint, tt.wantHint) {
				t.Errorf("hint = %q, want it to mention %q", p.Hint, tt.wantHint)
			}
		})
	}
}

// TestExplainBoundedWhenIMDSBlackHoled: with IMDS accepting connections and never
// answering, explain still finishes (the probe gives up within its budget) and says why.
func TestExplainBoundedWhenIMDSBlackHoled(t *testing.T) {
	env := map[string]string{"HOME": t.TempDir(), "AWS_EC2_METADATA_SERVICE_ENDPOINT": credstest.BlackHole(t)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := Explain(ctx, []Context{currentContext(t, env)}, Options{IMDSBudget: DefaultIMDSBudget})
	s := rep.Contexts[0].Source(SourceIMDS)
	if s.IMDS.Status != IMDSTokenTimeout || s.State != StateError {
		t.Fatalf("imds = %s/%s, want error/token_timeout", s.State, s.IMDS.Status)
	}
	if got := ruleIDs(rep.Findings); !contains(got, RuleIMDSTokenTimeout) || !contains(got, RuleWinnerBroken) {
		t.Errorf("findings %v, want %s and %s", got, RuleIMDSTokenTimeout, RuleWinnerBroken)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
