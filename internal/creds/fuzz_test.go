package creds

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fuzzSecret and fuzzToken are planted in every credentials document the fuzzers serve:
// whatever else the document holds, neither may reach a hint, an error or a status.
const (
	fuzzSecret = "FUZZSECRETwJalrXUtnFEMI/K7MDENG/bPxRfiCY"
	fuzzToken  = "FUZZTOKENIQoJb3JpZ2luX2VjEJr"
)

// imdsServer serves a role list and a credentials document as IMDS does.
func imdsServer(t *testing.T, roles string, doc []byte, status int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			_, _ = w.Write([]byte("token"))
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			_, _ = w.Write([]byte(roles))
		case strings.HasPrefix(r.URL.Path, "/latest/meta-data/iam/security-credentials/"):
			w.WriteHeader(status)
			_, _ = w.Write(doc)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// FuzzIMDSCredentials feeds ProbeIMDS arbitrary role lists and credentials documents:
// it must classify every one without panicking, and never put the secret key or the
// session token into what it reports.
func FuzzIMDSCredentials(f *testing.F) {
	good := `{"Code":"Success","LastUpdated":"2026-11-22T00:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAFUZZ","SecretAccessKey":"` + fuzzSecret + `","Token":"` + fuzzToken + `","Expiration":"2030-01-01T00:00:00Z"}`
	f.Add("app-role\n", []byte(good), 200)
	f.Add("app-role", []byte(strings.Replace(good, "Success", "Failure", 1)), 200)
	f.Add("", []byte(good), 200)
	f.Add("app-role", []byte(`{"Expiration":"yesterday","SecretAccessKey":"`+fuzzSecret+`"}`), 200)
	f.Add("app-role", []byte(`{"Code":"`+fuzzSecret+`"}`), 500)
	f.Add("app-role", []byte("<html>"+fuzzToken), 404)
	f.Add("a\nb\n", []byte(`{"Message":"`+fuzzToken+`","Code":"AssumeRoleUnauthorizedAccess"}`), 200)
	f.Fuzz(func(t *testing.T, roles string, doc []byte, status int) {
		if status < 200 || status > 599 {
			status = 200
		}
		srv := imdsServer(t, roles, doc, status)
		env := map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": srv.URL}
		p := ProbeIMDS(context.Background(), env, 2*time.Second, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
		if p.Status == "" {
			t.Fatalf("no status for roles %q doc %q", roles, doc)
		}
		// The planted secret and token, when the document holds them only as the
		// credential fields, must not reach anything the probe reports.
		for _, c := range []struct{ field, value string }{{"SecretAccessKey", fuzzSecret}, {"Token", fuzzToken}} {
			onlyAsCredential := bytes.Count(doc, []byte(c.value)) == 1 &&
				bytes.Contains(doc, []byte(`"`+c.field+`":"`+c.value+`"`)) && !strings.Contains(roles, c.value)
			if !onlyAsCredential {
				continue
			}
			for _, got := range []string{p.Hint, p.TokenError, p.Role, string(p.Status), p.Version, p.Endpoint} {
				if strings.Contains(got, c.value) {
					t.Fatalf("%s leaked into the probe report: %q", c.field, got)
				}
			}
		}
	})
}

// FuzzContainerCredentials feeds fetchContainer arbitrary endpoint answers: an error or
// credentials, never a panic, and the secret never in an error.
func FuzzContainerCredentials(f *testing.F) {
	f.Add([]byte(`{"AccessKeyId":"ASIAFUZZ","SecretAccessKey":"`+fuzzSecret+`","Token":"`+fuzzToken+`","Expiration":"2030-01-01T00:00:00Z"}`), 200)
	f.Add([]byte(`{"code":"AccessDenied","message":"no"}`), 403)
	f.Add([]byte(`{"AccessKeyId":"","SecretAccessKey":"`+fuzzSecret+`"}`), 200)
	f.Add([]byte(`not json `+fuzzSecret), 500)
	f.Add([]byte(`{"Expiration":12}`), 200)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 200 || status > 599 {
			status = 200
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}))
		defer srv.Close()
		env := map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": srv.URL + "/creds"}
		s, err := fetchContainer(context.Background(), env, 2*time.Second)
		if err == nil && s == nil {
			t.Fatal("neither credentials nor an error")
		}
		if err != nil {
			for _, secret := range []string{fuzzSecret, fuzzToken} {
				if strings.Contains(err.Error(), secret) && !bytes.Contains(body, []byte(`"code":"`+secret)) {
					t.Fatalf("secret in error: %v", err)
				}
			}
		}
	})
}
