package canary

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

// s3Gateway is versitygw (a real S3-compatible server) on loopback, behind a proxy
// that lets Terraform's S3 backend use a session token: versitygw refuses
// X-Amz-Security-Token, so the proxy drops the token and signs the request again with
// the same key. Everything else reaches versitygw as Terraform sent it.
type s3Gateway struct {
	URL               string
	accessKey, secret string
	region            string

	mu     sync.Mutex
	tokens []string // X-Amz-Security-Token values seen
}

// Tokens returns the session tokens Terraform sent.
func (g *s3Gateway) Tokens() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.tokens...)
}

func startS3(t *testing.T, dir, accessKey, secret, region string) *s3Gateway {
	t.Helper()
	bin := credstest.ToolPath(t, "versitygw")
	data := filepath.Join(dir, "s3")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "--access", accessKey, "--secret", secret, "--region", region,
		"--port", "127.0.0.1:"+port, "posix", data)
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	logf, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	backend := "http://127.0.0.1:" + port
	g := &s3Gateway{accessKey: accessKey, secret: secret, region: region}
	client := &http.Client{Timeout: 30 * time.Second}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		if tok := r.Header.Get("X-Amz-Security-Token"); tok != "" {
			g.mu.Lock()
			g.tokens = append(g.tokens, tok)
			g.mu.Unlock()
		}
		req, err := http.NewRequest(r.Method, backend+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for k, vs := range r.Header {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "X-Amz-Security-Token", "X-Amz-Date", "Accept-Encoding", "Connection":
				continue
			}
			req.Header[k] = vs
		}
		req.ContentLength = int64(len(body))
		if err := g.sign(req, body); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	g.URL = proxy.URL
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(backend + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(filepath.Join(dir, "versitygw.log"))
			t.Fatalf("versitygw did not come up on %s: %v\n%s", backend, err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return g
}

// sign signs req with SigV4 for S3, as the SDK would without a session token.
func (g *s3Gateway) sign(req *http.Request, body []byte) error {
	hash := req.Header.Get("X-Amz-Content-Sha256")
	if hash == "" {
		sum := sha256.Sum256(body)
		hash = hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	creds := aws.Credentials{AccessKeyID: g.accessKey, SecretAccessKey: g.secret}
	return v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		SignHTTP(context.Background(), creds, req, hash, "s3", g.region, time.Now().UTC())
}

// createBucket makes a bucket through the proxy.
func (g *s3Gateway) createBucket(t *testing.T, name string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, g.URL+"/"+name, nil)
	if err := g.sign(req, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("create bucket %s: HTTP %d %s", name, resp.StatusCode, b)
	}
}

// startContainerEndpoint serves container credentials (the ECS/EKS format) to a caller
// presenting auth, as the ECS agent and the EKS Pod Identity agent do.
func startContainerEndpoint(t *testing.T, auth, keyID, secret, token string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != auth {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"AccessDeniedException","message":"Unauthorized"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"AccessKeyId": keyID, "SecretAccessKey": secret, "Token": token,
			"Expiration": time.Now().Add(6 * time.Hour).UTC().Format(time.RFC3339),
			"RoleArn":    "arn:aws:iam::111111111111:role/ecs-task",
		})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v2/credentials/task"
}

// startSSOPortal answers the IAM Identity Center portal's GetRoleCredentials for the
// one bearer token in the SSO cache, as https://portal.sso.REGION.amazonaws.com does.
func startSSOPortal(t *testing.T, bearer, keyID, secret, token string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/federation/credentials" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"not found"}`)
			return
		}
		if r.Header.Get("X-Amz-Sso_bearer_token") != bearer {
			w.Header().Set("X-Amzn-Errortype", "UnauthorizedException")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Session token not found or invalid"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"roleCredentials": map[string]any{
			"accessKeyId": keyID, "secretAccessKey": secret, "sessionToken": token,
			"expiration": time.Now().Add(time.Hour).UnixMilli(),
		}})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func freePort(t *testing.T) string {
	t.Helper()
	u := credstest.ClosedURL(t)
	return u[strings.LastIndex(u, ":")+1:]
}
