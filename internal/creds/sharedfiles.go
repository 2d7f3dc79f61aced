package creds

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hiyari-dev/hiyari/internal/creds/inifile"
)

// sharedFile is one of the two shared files as a context sees it.
type sharedFile struct {
	path string
	from string // "AWS_CONFIG_FILE", "HOME", …
	file *inifile.File
	// missing is true when the file does not exist; err when it exists but cannot be
	// opened (the SDK skips both silently) or read (readFailed: the SDK fails to load).
	missing    bool
	err        error
	readFailed bool
}

func (f sharedFile) describe() string {
	switch {
	case f.missing:
		return f.path + " (not found)"
	case f.err != nil:
		return f.path + " (unreadable)"
	}
	return f.path
}

func loadSharedFile(path, from string) sharedFile {
	sf := sharedFile{path: path, from: from}
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			sf.missing = true
		} else {
			sf.err = fmt.Errorf("read %s: %w", path, err)
		}
		return sf
	}
	defer fh.Close()
	f, err := inifile.Parse(fh, path)
	if err != nil {
		sf.err, sf.readFailed = err, true
		return sf
	}
	sf.file = f
	return sf
}

// sharedFilePaths returns the config and credentials file paths the SDK uses in env
// with home as the home directory.
func sharedFilePaths(env map[string]string, home string) (cfg, cfgFrom, creds, credsFrom string) {
	cfg, cfgFrom = env["AWS_CONFIG_FILE"], "AWS_CONFIG_FILE"
	if cfg == "" {
		cfg, cfgFrom = filepath.Join(home, ".aws", "config"), "home"
	}
	creds, credsFrom = env["AWS_SHARED_CREDENTIALS_FILE"], "AWS_SHARED_CREDENTIALS_FILE"
	if creds == "" {
		creds, credsFrom = filepath.Join(home, ".aws", "credentials"), "home"
	}
	return cfg, cfgFrom, creds, credsFrom
}

// located is a key's value and where it was set.
type located struct {
	value string
	file  string
	line  int
}

func (l located) where() string { return fmt.Sprintf("%s:%d", l.file, l.line) }

// profileSection returns the section the SDK reads for profile from a config file:
// [profile NAME], or for default [profile default] over [default].
func configSection(f *inifile.File, profile string) *inifile.Section {
	if f == nil {
		return nil
	}
	if s := f.Section("profile " + profile); s != nil {
		return s
	}
	if profile == "default" {
		return f.Section("default")
	}
	return nil
}

// credentialsSection returns the section the SDK reads for profile from a credentials
// file: [NAME] only ([profile NAME] is ignored there).
func credentialsSection(f *inifile.File, profile string) *inifile.Section {
	if f == nil {
		return nil
	}
	return f.Section(profile)
}

// profileView is one profile merged from both files, each key remembering its file and line.
type profileView struct {
	name string
	// keys are the merged keys other than the static credentials.
	keys map[string]located
	// cfgKeys and credKeys are the static credential pairs per file (nil when absent).
	cfgKeys, credKeys *staticKeys
	// inConfig, inCredentials record where the profile has a section.
	inConfig, inCredentials *located
}

type staticKeys struct {
	id, secret, token located
	// partial is set when only one of the id and the secret is present.
	partial string
}

var mergedKeys = []string{
	"role_arn", "source_profile", "credential_source", "external_id", "mfa_serial",
	"role_session_name", "region", "credential_process", "web_identity_token_file",
	"sso_session", "sso_account_id", "sso_region", "sso_role_name", "sso_start_url",
	"login_session", "duration_seconds",
}

func readStatic(s *inifile.Section, path string) *staticKeys {
	id, okID := s.Value("aws_access_key_id")
	sec, okSec := s.Value("aws_secret_access_key")
	if !okID && !okSec {
		return nil
	}
	sk := &staticKeys{}
	if okID {
		sk.id = located{id.Value, path, id.Line}
	}
	if okSec {
		sk.secret = located{sec.Value, path, sec.Line}
	}
	if tok, ok := s.Value("aws_session_token"); ok {
		sk.token = located{tok.Value, path, tok.Line}
	}
	switch {
	case okID && !okSec:
		sk.partial = fmt.Sprintf("%s:%d: aws_access_key_id without aws_secret_access_key in [%s]", path, id.Line, s.Name)
	case !okID && okSec:
		sk.partial = fmt.Sprintf("%s:%d: aws_secret_access_key without aws_access_key_id in [%s]", path, sec.Line, s.Name)
	}
	return sk
}

// viewProfile merges profile from both files the way the SDK does: credentials file
// values override config file values key by key, static keys only as a complete pair.
func viewProfile(cfg, cred sharedFile, profile string) *profileView {
	v := &profileView{name: profile, keys: map[string]located{}}
	if s := configSection(cfg.file, profile); s != nil {
		v.inConfig = &located{file: cfg.path, line: s.Line}
		for _, k := range mergedKeys {
			if val, ok := s.Value(k); ok {
				v.keys[k] = located{val.Value, cfg.path, val.Line}
			}
		}
		v.cfgKeys = readStatic(s, cfg.path)
	}
	if s := credentialsSection(cred.file, profile); s != nil {
		v.inCredentials = &located{file: cred.path, line: s.Line}
		for _, k := range mergedKeys {
			if val, ok := s.Value(k); ok {
				v.keys[k] = located{val.Value, cred.path, val.Line}
			}
		}
		v.credKeys = readStatic(s, cred.path)
	}
	return v
}

func (v *profileView) exists() bool { return v.inConfig != nil || v.inCredentials != nil }

func (v *profileView) get(k string) (located, bool) {
	l, ok := v.keys[k]
	return l, ok && l.value != ""
}

// effectiveStatic returns the static key pair the SDK uses and which file it is from.
func (v *profileView) effectiveStatic() (*staticKeys, SourceID) {
	if v.credKeys.complete() {
		return v.credKeys, SourceSharedCredentialsFile
	}
	if v.cfgKeys.complete() {
		return v.cfgKeys, SourceSharedConfigFile
	}
	return nil, ""
}

func (k *staticKeys) complete() bool {
	return k != nil && k.partial == "" && k.id.value != "" && k.secret.value != ""
}

// partialError returns the SDK's fatal "partial credentials" condition, if any. When the
// profile has a section in both files, the SDK keeps only the credentials file's verdict.
func (v *profileView) partialError() string {
	if v.inCredentials != nil {
		if v.credKeys != nil {
			return v.credKeys.partial
		}
		return ""
	}
	if v.cfgKeys != nil {
		return v.cfgKeys.partial
	}
	return ""
}
