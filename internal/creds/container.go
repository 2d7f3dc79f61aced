package creds

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

const ecsContainerEndpoint = "http://169.254.170.2"

// containerEndpoint returns the container credentials URL the SDK would use, where it
// came from, and a configuration error if the SDK would refuse it.
func containerEndpoint(env map[string]string) (endpoint, from string, err error) {
	if rel := env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]; rel != "" {
		return ecsContainerEndpoint + rel, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", nil
	}
	full := env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
	if full == "" {
		return "", "", nil
	}
	u, perr := url.Parse(full)
	switch {
	case perr != nil:
		return full, "AWS_CONTAINER_CREDENTIALS_FULL_URI", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: %v", perr)
	case u.Hostname() == "":
		return full, "AWS_CONTAINER_CREDENTIALS_FULL_URI", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI has no host")
	case u.Scheme == "http" && !allowedContainerHost(u.Hostname()):
		return full, "AWS_CONTAINER_CREDENTIALS_FULL_URI", fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI host %q is not loopback or an ECS/EKS address; the SDK only allows those over http", u.Hostname())
	}
	return full, "AWS_CONTAINER_CREDENTIALS_FULL_URI", nil
}

func allowedContainerHost(host string) bool {
	ips := []string{host}
	if net.ParseIP(host) == nil {
		addrs, err := net.LookupHost(host)
		if err != nil || len(addrs) == 0 {
			return false
		}
		ips = addrs
	}
	for _, a := range ips {
		ip := net.ParseIP(a)
		if ip == nil || !(ip.IsLoopback() || ip.Equal(net.ParseIP("169.254.170.2")) ||
			ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23"))) {
			return false
		}
	}
	return true
}

// containerAuth returns the Authorization header value the SDK would send.
func containerAuth(env map[string]string) (string, error) {
	if f := env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]; f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return env["AWS_CONTAINER_AUTHORIZATION_TOKEN"], nil
}

// fetchContainer gets credentials from a container credentials endpoint.
func fetchContainer(ctx context.Context, env map[string]string, budget time.Duration) (*Secret, error) {
	endpoint, _, err := containerEndpoint(env)
	if err != nil {
		return nil, err
	}
	auth, err := containerAuth(env)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("build container credentials request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := noProxyClient(budget).Do(req)
	if err != nil {
		if isTimeout(err) {
			return nil, fmt.Errorf("container credentials endpoint did not answer within %s", budget)
		}
		return nil, fmt.Errorf("reach container credentials endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	var doc struct {
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      time.Time
		Code            string `json:"code"`
		Message         string `json:"message"`
	}
	_ = json.Unmarshal(body, &doc)
	if resp.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("container credentials endpoint answered HTTP %d", resp.StatusCode)
		if doc.Code != "" {
			msg += " " + doc.Code
		}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			msg += ": the authorization token was refused"
		}
		return nil, fmt.Errorf("%s", msg)
	}
	if doc.AccessKeyID == "" || doc.SecretAccessKey == "" {
		return nil, fmt.Errorf("container credentials endpoint answered without AccessKeyId/SecretAccessKey")
	}
	s := &Secret{AccessKeyID: doc.AccessKeyID, SecretAccessKey: doc.SecretAccessKey, SessionToken: doc.Token}
	if !doc.Expiration.IsZero() {
		e := doc.Expiration.UTC()
		s.Expires = &e
	}
	return s, nil
}
