package creds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// conflictingVars are the variables that would make a child's SDK pick another source
// than the pinned one.
func conflictingVars() []string {
	return []string{
		"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY",
		"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	}
}

// credentialKeys are profile keys that make a profile a credential source.
func credentialKeys() []string {
	return []string{
		"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "role_arn", "source_profile",
		"credential_source", "credential_process", "web_identity_token_file", "sso_session",
		"sso_start_url", "login_session",
	}
}

// ExecOptions describe a command to run with one pinned source.
type ExecOptions struct {
	// Pinned is the source.
	Pinned *Pinned
	// Argv is the command and its arguments.
	Argv []string
	// Env is the current environment, the base of the child's.
	Env map[string]string
	// Home is where the shared files are looked for.
	Home string
	// Stdin, Stdout, Stderr are the child's streams; Notes receives hiyari's own notes.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Notes          io.Writer
}

// Exec runs the command with only the pinned source visible and returns its exit
// status (128+N when killed by signal N). Signals hiyari receives are forwarded.
func Exec(ctx context.Context, o ExecOptions) (int, error) {
	if len(o.Argv) == 0 {
		return 0, fmt.Errorf("run command: no command given; put it after --")
	}
	first, err := o.Pinned.Provider.Retrieve(ctx)
	if err != nil {
		return 0, fmt.Errorf("get credentials from %s: %w", o.Pinned.Spec, err)
	}
	env := map[string]string{}
	for k, v := range o.Env {
		env[k] = v
	}
	var removed []string
	for _, k := range conflictingVars() {
		if _, ok := env[k]; ok {
			removed = append(removed, k)
			delete(env, k)
		}
	}
	tmp, err := os.MkdirTemp("", "hiyari-exec-")
	if err != nil {
		return 0, fmt.Errorf("make temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	neutralised, err := neutraliseSharedFiles(env, o.Home, o.Pinned.Region, tmp)
	if err != nil {
		return 0, err
	}
	if o.Pinned.Region != "" {
		env["AWS_REGION"], env["AWS_DEFAULT_REGION"] = o.Pinned.Region, o.Pinned.Region
	}
	how := "environment variables (static)"
	if o.Pinned.Refreshable {
		srv, err := ServeCredentials(o.Pinned.Provider)
		if err != nil {
			return 0, err
		}
		defer srv.Close()
		env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = srv.URL
		env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = srv.Token
		how = "a loopback credentials endpoint (" + srv.URL + "), refreshed on demand"
	} else {
		env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = first.AccessKeyID, first.SecretAccessKey
		if first.SessionToken != "" {
			env["AWS_SESSION_TOKEN"] = first.SessionToken
		}
	}
	if o.Notes != nil {
		fmt.Fprintf(o.Notes, "hiyari: %s credentials %s via %s\n", o.Pinned.Spec, MaskKeyID(first.AccessKeyID), how)
		if len(removed) > 0 {
			fmt.Fprintf(o.Notes, "hiyari: removed from the child's environment: %s\n", strings.Join(removed, ", "))
		}
		for _, n := range neutralised {
			fmt.Fprintf(o.Notes, "hiyari: %s\n", n)
		}
	}

	cmd := exec.Command(o.Argv[0], o.Argv[1:]...)
	cmd.Env = envPairs(env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stdout, o.Stderr
	// Catch signals before the child starts, so none is lost in between.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return 127, fmt.Errorf("run %s: command not found", o.Argv[0])
		}
		return 126, fmt.Errorf("run %s: %w", o.Argv[0], err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("wait for %s: %w", o.Argv[0], err)
	}
	return 0, nil
}

// neutraliseSharedFiles points the child away from shared files whose default profile
// would beat the pinned source (in the Go SDK a profile's keys, role, SSO or process
// win over the container endpoint and IMDS). The config file is replaced by one that
// keeps only the region.
func neutraliseSharedFiles(env map[string]string, home, region, tmp string) ([]string, error) {
	cfgPath, cfgFrom, credPath, credFrom := sharedFilePaths(env, home)
	cfg := loadSharedFile(cfgPath, cfgFrom)
	cred := loadSharedFile(credPath, credFrom)
	var notes []string
	if s := credentialsSection(cred.file, "default"); s != nil && hasAny(s.Keys, credentialKeys()) {
		env["AWS_SHARED_CREDENTIALS_FILE"] = os.DevNull
		notes = append(notes, fmt.Sprintf("%s has credentials in [default] that would win: the child reads %s instead", credPath, os.DevNull))
	}
	if s := configSection(cfg.file, "default"); s != nil && hasAny(s.Keys, credentialKeys()) {
		if region == "" {
			if r, ok := s.Value("region"); ok {
				region = r.Value
			}
		}
		p := filepath.Join(tmp, "config")
		body := "[default]\n"
		if region != "" {
			body += "region = " + region + "\n"
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			return nil, fmt.Errorf("write neutral config file: %w", err)
		}
		env["AWS_CONFIG_FILE"] = p
		notes = append(notes, fmt.Sprintf("%s has credential settings in its default profile that would win: the child reads a config with only the region", cfgPath))
	}
	return notes, nil
}

func hasAny[V any](m map[string]V, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// sortedKeys is used by export for stable output.
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
