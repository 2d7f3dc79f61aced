package credstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Identity is a principal the loopback STS knows, keyed by access key id.
type Identity struct {
	// SecretAccessKey is checked through the request's SigV4 signature.
	SecretAccessKey string
	// SessionToken, when set, must be sent as X-Amz-Security-Token.
	SessionToken string
	// Account and ARN are returned by GetCallerIdentity.
	Account, ARN string
	// Expired makes every call answer ExpiredToken.
	Expired bool
}

// STS is a loopback STS endpoint that answers GetCallerIdentity like the real one:
// XML bodies, HTTP 403 with InvalidClientTokenId for unknown key ids,
// SignatureDoesNotMatch for a wrong secret, ExpiredToken for expired sessions.
type STS struct {
	// URL is the endpoint, for AWS_ENDPOINT_URL_STS.
	URL string

	mu    sync.Mutex
	calls []string
}

// Calls returns the access key ids that called, in order.
func (s *STS) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// StartSTS starts the loopback STS on 127.0.0.1.
func StartSTS(t testing.TB, ids map[string]Identity) *STS {
	t.Helper()
	s := &STS{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		if form.Get("Action") != "GetCallerIdentity" {
			stsError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+form.Get("Action")+" for version NO_VERSION_SPECIFIED")
			return
		}
		keyID, region, date, signed := parseAuth(r.Header.Get("Authorization"))
		s.mu.Lock()
		s.calls = append(s.calls, keyID)
		s.mu.Unlock()
		id, ok := ids[keyID]
		if keyID == "" {
			stsError(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
			return
		}
		if !ok || (id.SessionToken != "" && r.Header.Get("X-Amz-Security-Token") != id.SessionToken) ||
			(id.SessionToken == "" && r.Header.Get("X-Amz-Security-Token") != "") {
			stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		if !signatureMatches(r, body, keyID, id, region, date, signed) {
			stsError(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
			return
		}
		if id.Expired {
			stsError(w, http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDAEXAMPLEUSERID0001</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`, id.ARN, id.Account)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
</ErrorResponse>
`, code, msg)
}

// parseAuth reads "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request,
// SignedHeaders=a;b, Signature=…".
func parseAuth(h string) (keyID, region, date string, signed []string) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return "", "", "", nil
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) >= 3 {
				keyID, date, region = f[0], f[1], f[2]
			}
		case "SignedHeaders":
			signed = strings.Split(v, ";")
		}
	}
	return keyID, region, date, signed
}

// signatureMatches re-signs the request with the known secret and compares.
func signatureMatches(r *http.Request, body []byte, keyID string, id Identity, region, _ string, signed []string) bool {
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return false
	}
	req, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	for _, h := range signed {
		if h == "host" {
			continue
		}
		req.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
	}
	req.Header.Del("Authorization")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", region, when); err != nil {
		return false
	}
	return sigOf(req.Header.Get("Authorization")) == sigOf(r.Header.Get("Authorization"))
}

func sigOf(h string) string {
	_, sig, _ := strings.Cut(h, "Signature=")
	return sig
}
