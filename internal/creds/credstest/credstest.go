// Package credstest starts the real components the creds tests run against, on
// 127.0.0.1 only: AWS's IMDS emulator (amazon-ec2-metadata-mock), a black-hole listener
// that accepts and never answers, and a loopback STS that answers GetCallerIdentity as
// documented, checking SigV4 signatures for real.
package credstest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// ToolPath returns the path of a tool installed by scripts/setup.sh, from $HIYARI_TOOLS/bin
// or <repo>/.tools/bin. The test fails, with what to do, when the tool is missing.
func ToolPath(t testing.TB, name string) string {
	t.Helper()
	dirs := []string{}
	if d := os.Getenv("HIYARI_TOOLS"); d != "" {
		dirs = append(dirs, filepath.Join(d, "bin"))
	}
	if root, err := RepoRoot(); err == nil {
		dirs = append(dirs, filepath.Join(root, ".tools", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	t.Fatalf("%s is not installed (looked in %v): run scripts/setup.sh", name, dirs)
	return ""
}

// AWSCLI returns /usr/bin/aws, the Debian AWS CLI v2. An aws earlier on PATH may be a
// broken shim or another version, so the path is fixed.
func AWSCLI(t testing.TB) string {
	t.Helper()
	const p = "/usr/bin/aws"
	if err := exec.Command(p, "--version").Run(); err != nil {
		t.Fatalf("%s does not run (%v): run scripts/setup.sh", p, err)
	}
	return p
}

// RepoRoot walks up from the working directory to the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find repository root: no go.mod above the working directory")
		}
		dir = parent
	}
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	return port
}

// IMDSRole is what the emulated instance role serves.
type IMDSRole struct {
	// Name is the role name; empty means no instance profile is attached.
	Name string
	// AccessKeyID, SecretAccessKey and Token are the role's credentials.
	AccessKeyID, SecretAccessKey, Token string
	// Expiration is when they expire; the emulator's default is in the past.
	Expiration time.Time
}

// DefaultRole is an instance role with credentials valid for six hours.
func DefaultRole() IMDSRole {
	return IMDSRole{Name: "seed-instance-role", AccessKeyID: "ASIAIMDSROLEKEY07777", SecretAccessKey: "imds-role-secret-value",
		Token: "imds-role-session-token", Expiration: time.Now().Add(6 * time.Hour).UTC().Truncate(time.Second)}
}

// IMDSOptions configure StartIMDS.
type IMDSOptions struct {
	// Role is the instance role.
	Role IMDSRole
	// V2Only makes the emulator refuse IMDSv1 requests (-I).
	V2Only bool
}

// StartIMDS runs amazon-ec2-metadata-mock on a free loopback port, configured through
// its JSON config file, and returns its base URL (no trailing slash). It stops when
// the test ends.
func StartIMDS(t testing.TB, o IMDSOptions) string {
	t.Helper()
	bin := ToolPath(t, "ec2-metadata-mock")
	dir := t.TempDir()
	port := freePort(t)
	paths := map[string]string{}
	values := map[string]any{}
	if o.Role.Name != "" {
		paths["iam-security-credentials"] = "/latest/meta-data/iam/security-credentials/" + o.Role.Name
		values["iam-security-credentials-role"] = o.Role.Name
		values["iam-security-credentials"] = map[string]string{
			"Code": "Success", "LastUpdated": time.Now().UTC().Format(time.RFC3339), "Type": "AWS-HMAC",
			"AccessKeyId": o.Role.AccessKeyID, "SecretAccessKey": o.Role.SecretAccessKey,
			"Token": o.Role.Token, "Expiration": o.Role.Expiration.UTC().Format(time.RFC3339),
		}
	} else {
		// No instance profile: the emulator then serves an empty role list.
		values["iam-security-credentials-role"] = ""
	}
	cfg := map[string]any{
		"imdsv2":   o.V2Only,
		"server":   map[string]string{"hostname": "127.0.0.1", "port": port},
		"metadata": map[string]any{"paths": paths, "values": values},
	}
	b, _ := json.Marshal(cfg)
	cfgPath := filepath.Join(dir, "aemm-config.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-c", cfgPath}
	if o.V2Only {
		args = append(args, "-I")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	cmd.Dir = dir
	log, _ := os.Create(filepath.Join(dir, "aemm.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ec2-metadata-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		log.Close()
	})
	base := "http://127.0.0.1:" + port
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPut, base+"/latest/api/token", nil)
		req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "60")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return base
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(filepath.Join(dir, "aemm.log"))
			t.Fatalf("ec2-metadata-mock did not come up on %s: %v\n%s", base, err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// BlackHole returns the URL of a loopback listener that accepts connections and never
// answers: what a container sees when the IMDSv2 hop limit drops the response.
func BlackHole(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// ClosedURL returns a loopback URL nothing listens on: connections are refused at once.
func ClosedURL(t testing.TB) string {
	t.Helper()
	return "http://127.0.0.1:" + freePort(t)
}
