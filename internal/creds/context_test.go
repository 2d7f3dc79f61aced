package creds

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseContext(t *testing.T) {
	dir := t.TempDir()
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte("root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000::/home/deploy:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": "/home/me", "PATH": "/bin", "AWS_PROFILE": "dev", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}
	o := ContextOptions{Env: env, Users: PasswdFile{Path: passwd, UID: 1000}}
	type view struct {
		User, Home, HomeFrom string
		Dropped              []string
		Env                  map[string]string
		Impersonated         bool
	}
	tests := []struct {
		spec string
		want view
	}{
		{"current", view{Home: "/home/me", HomeFrom: "HOME", Env: env}},
		{"home:/srv/x/", view{Home: "/srv/x", HomeFrom: "HOME", Env: map[string]string{"HOME": "/srv/x", "PATH": "/bin", "AWS_PROFILE": "dev", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
		{"no-home", view{User: "deploy", Home: "/home/deploy", HomeFrom: "password database entry of deploy (HOME unset)", Impersonated: true,
			Env: map[string]string{"PATH": "/bin", "AWS_PROFILE": "dev", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
		{"user:deploy", view{User: "deploy", Home: "/home/deploy", HomeFrom: "HOME", Dropped: []string{"AWS_PROFILE"},
			Env: map[string]string{"HOME": "/home/deploy", "USER": "deploy", "LOGNAME": "deploy", "PATH": "/bin", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
		{"ssm-run-command", view{User: "root", Home: "/root", HomeFrom: "password database entry of root (HOME unset)", Dropped: []string{"AWS_PROFILE"}, Impersonated: true,
			Env: map[string]string{"PATH": "/bin", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
		{"ssm-session", view{User: "ssm-user", Home: "/home/ssm-user", Dropped: []string{"AWS_PROFILE"},
			HomeFrom: "HOME set by Session Manager (ssm-user is not in the password database yet: the agent creates it on the first session)",
			Env:      map[string]string{"HOME": "/home/ssm-user", "USER": "ssm-user", "LOGNAME": "ssm-user", "PATH": "/bin", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
		{"ssm-session:deploy", view{User: "deploy", Home: "/home/deploy", HomeFrom: "HOME set by Session Manager", Dropped: []string{"AWS_PROFILE"},
			Env: map[string]string{"HOME": "/home/deploy", "USER": "deploy", "LOGNAME": "deploy", "PATH": "/bin", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			c, err := ParseContext(tt.spec, o)
			if err != nil {
				t.Fatal(err)
			}
			got := view{User: c.User, Home: c.Home, HomeFrom: c.HomeFrom, Dropped: c.Dropped, Env: c.Env, Impersonated: c.ImpersonatedHome}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"", "current:x", "home:rel", "user:", "user:ghost", "ssm-session:", "lambda"} {
		if _, err := ParseContext(bad, o); err == nil {
			t.Errorf("ParseContext(%q) succeeded, want an error", bad)
		}
	}
}
