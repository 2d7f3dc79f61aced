package creds

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestServeCredentialsRefreshes: the endpoint insists on its token and asks the provider
// again on every request, so a child refreshing its credentials gets new ones.
func TestServeCredentialsRefreshes(t *testing.T) {
	var n atomic.Int32
	p := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		i := n.Add(1)
		return aws.Credentials{AccessKeyID: "ASIAROTATING0000000" + string(rune('0'+i)), SecretAccessKey: "s", SessionToken: "t",
			CanExpire: true, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
	})
	srv, err := ServeCredentials(p)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	get := func(token string) (int, map[string]string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var doc map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		return resp.StatusCode, doc
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Errorf("no token: HTTP %d, want 401", code)
	}
	if code, _ := get("wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong token: HTTP %d, want 401", code)
	}
	_, first := get(srv.Token)
	_, second := get(srv.Token)
	if first["AccessKeyId"] != "ASIAROTATING00000001" || second["AccessKeyId"] != "ASIAROTATING00000002" || second["Expiration"] != "2030-01-01T00:00:00Z" {
		t.Errorf("got %v then %v, want the provider asked each time", first["AccessKeyId"], second["AccessKeyId"])
	}
}
