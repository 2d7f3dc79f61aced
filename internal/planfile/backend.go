package planfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Backend is a backend's identity: which state it reads and writes. It is built from an
// allow-list of configuration attributes, never a copy of the configuration, so
// credentials (access_key, secret_key, token, sse_customer_key, client_secret, …)
// cannot reach a report.
//
// Bucket and Key are the same two fields for every backend type:
//
//	s3       bucket, key (region, workspace_key_prefix too)
//	gcs      bucket, prefix
//	azurerm  storage_account_name/container_name, key
//	local    -, path
//	http     -, address (without user info, query or fragment)
//	consul   -, path
//	pg       -, schema_name
//	remote   organization, workspaces.name (or workspaces.prefix + "*")
type Backend struct {
	// Type is the backend type, e.g. s3.
	Type string
	// Bucket is the bucket, account or organization holding the state.
	Bucket string
	// Key is the state's key, path or name within Bucket.
	Key string
	// Region is the s3 backend's region.
	Region string
	// WorkspaceKeyPrefix is the s3 backend's workspace_key_prefix, when set.
	WorkspaceKeyPrefix string
	// Workspace is the selected workspace ("default" when none was selected).
	Workspace string
	// Source says where this was read: "planfile" or ".terraform/terraform.tfstate".
	Source string
}

// StateKey is where the selected workspace's state lives: Key for the default
// workspace; for the s3 backend's other workspaces, <workspace_key_prefix>/<ws>/<key>.
func (b *Backend) StateKey() string {
	if b.Type != "s3" || b.Workspace == "" || b.Workspace == "default" {
		return b.Key
	}
	prefix := b.WorkspaceKeyPrefix
	if prefix == "" {
		prefix = "env:"
	}
	return prefix + "/" + b.Workspace + "/" + b.Key
}

// identityAttributes are the configuration attributes identity reads; nothing else
// in a backend's configuration is ever decoded.
var identityAttributes = map[string]bool{
	"bucket": true, "key": true, "region": true, "workspace_key_prefix": true,
	"prefix": true, "storage_account_name": true, "container_name": true,
	"path": true, "address": true, "schema_name": true, "organization": true,
	"workspaces.name": true, "workspaces.prefix": true,
}

// nestedIdentity are blocks whose members identityAttributes names.
var nestedIdentity = map[string]bool{"workspaces": true}

// identity maps a backend type's allow-listed attributes to Bucket and Key.
func identity(typ string, a map[string]string) *Backend {
	b := &Backend{Type: typ}
	switch typ {
	case "s3":
		b.Bucket, b.Key, b.Region, b.WorkspaceKeyPrefix = a["bucket"], a["key"], a["region"], a["workspace_key_prefix"]
	case "gcs":
		b.Bucket, b.Key = a["bucket"], a["prefix"]
	case "azurerm":
		b.Bucket, b.Key = strings.Trim(a["storage_account_name"]+"/"+a["container_name"], "/"), a["key"]
	case "local", "consul":
		b.Key = a["path"]
	case "http":
		b.Key = redactURL(a["address"])
	case "pg":
		b.Key = a["schema_name"]
	case "remote", "cloud":
		b.Bucket, b.Key = a["organization"], a["workspaces.name"]
		if b.Key == "" && a["workspaces.prefix"] != "" {
			b.Key = a["workspaces.prefix"] + "*"
		}
	default:
		b.Bucket, b.Key = a["bucket"], a["key"]
	}
	return b
}

// redactURL keeps scheme, host and path of an address: user info (http backends take
// basic-auth credentials there), query and fragment are dropped.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(unparsable address)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// Working-directory files Terraform writes at init.
const (
	// WorkdirStateFile holds the backend configuration of the last init.
	WorkdirStateFile = ".terraform/terraform.tfstate"
	// WorkdirEnvironmentFile names the selected workspace.
	WorkdirEnvironmentFile = ".terraform/environment"
)

// ErrNoBackend is returned by ReadWorkdir when the directory was never initialized
// with a backend.
var ErrNoBackend = errors.New("no backend configuration")

// maxWorkdirBytes bounds .terraform/terraform.tfstate, a small file.
const maxWorkdirBytes = 16 << 20

// ReadWorkdir reads the backend identity of an initialized working directory from
// .terraform/terraform.tfstate and the workspace from tfWorkspace (the TF_WORKSPACE
// environment variable, which Terraform prefers) or .terraform/environment
// (else "default"). It returns an error wrapping ErrNoBackend when dir has no
// .terraform/terraform.tfstate or it records no backend.
func ReadWorkdir(dir, tfWorkspace string) (*Backend, error) {
	path := filepath.Join(dir, WorkdirStateFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (run terraform init in %s)", path, ErrNoBackend, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	var doc struct {
		Backend *struct {
			Type   string                     `json:"type"`
			Config map[string]json.RawMessage `json:"config"`
		} `json:"backend"`
	}
	if err := json.NewDecoder(io.LimitReader(f, maxWorkdirBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read %s: not the JSON terraform init writes: %w", path, err)
	}
	if doc.Backend == nil || doc.Backend.Type == "" {
		return nil, fmt.Errorf("%s: %w (a cloud block or local state?)", path, ErrNoBackend)
	}
	b := identity(doc.Backend.Type, allowedJSON(doc.Backend.Config))
	b.Source = WorkdirStateFile
	b.Workspace = tfWorkspace
	if b.Workspace == "" {
		data, err := os.ReadFile(filepath.Join(dir, WorkdirEnvironmentFile))
		switch {
		case err == nil:
			b.Workspace = strings.TrimSpace(string(data))
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, WorkdirEnvironmentFile), err)
		}
	}
	if b.Workspace == "" {
		b.Workspace = "default"
	}
	return b, nil
}

// allowedJSON keeps the allow-listed string attributes of a JSON configuration object;
// other attributes are left as raw bytes and dropped.
func allowedJSON(cfg map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for k, raw := range cfg {
		if nestedIdentity[k] {
			var inner map[string]json.RawMessage
			if json.Unmarshal(raw, &inner) == nil {
				for ik, iraw := range inner {
					var s string
					if identityAttributes[k+"."+ik] && json.Unmarshal(iraw, &s) == nil && s != "" {
						out[k+"."+ik] = s
					}
				}
			}
			continue
		}
		var s string
		if identityAttributes[k] && json.Unmarshal(raw, &s) == nil && s != "" {
			out[k] = s
		}
	}
	return out
}
