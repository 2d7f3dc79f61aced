package creds

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// CredentialServer serves one provider's credentials on 127.0.0.1 in the container
// credentials format, so a child process with AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN fetches fresh credentials whenever its SDK
// refreshes them.
type CredentialServer struct {
	// URL is the endpoint for AWS_CONTAINER_CREDENTIALS_FULL_URI.
	URL string
	// Token is the value for AWS_CONTAINER_AUTHORIZATION_TOKEN.
	Token string

	srv *http.Server
	ln  net.Listener
}

// ServeCredentials starts a CredentialServer for p. Close stops it.
func ServeCredentials(p aws.CredentialsProvider) (*CredentialServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the credentials endpoint: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		ln.Close()
		return nil, fmt.Errorf("make credentials endpoint token: %w", err)
	}
	s := &CredentialServer{URL: "http://" + ln.Addr().String() + "/credentials", Token: hex.EncodeToString(b), ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /credentials", func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.Token)) != 1 {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"code": "Unauthorized", "message": "missing or wrong authorization token"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
		defer cancel()
		c, err := p.Retrieve(ctx)
		if err != nil {
			// The error names the source and why; it never carries credentials.
			writeJSON(w, http.StatusBadGateway, map[string]string{"code": "SourceUnavailable", "message": err.Error()})
			return
		}
		doc := map[string]string{"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey, "Token": c.SessionToken}
		if c.CanExpire {
			doc["Expiration"] = c.Expires.UTC().Format(time.RFC3339)
		}
		writeJSON(w, http.StatusOK, doc)
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the child sees connection errors; nothing else to do here
		}
	}()
	return s, nil
}

// Close stops the server.
func (s *CredentialServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
