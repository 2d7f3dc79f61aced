// Package statepin reads and writes the state pins file: for each Terraform root
// module directory of a repository, the backend (type, bucket, key, region) and, per
// workspace, the state lineage it owns. A review compares a plan's backend and prior
// state with the pin, so a plan made against another directory's state is caught even
// when nothing else in the pull request looks wrong.
//
// The file is .hiyari/state-pins.yaml at the repository root: one file for the whole
// repository, so a CODEOWNERS line can guard it, a change to it shows up in review as
// a change to ownership of state, and `hiyari state pin --check` can verify every
// directory at once.
package statepin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hiyari-dev/hiyari/internal/planfile"
)

// FileName is the pins file, relative to the repository root.
const FileName = ".hiyari/state-pins.yaml"

// Version is the pins file format version.
const Version = 1

// File is the content of the pins file.
type File struct {
	// Version is the format version, 1.
	Version int `yaml:"version"`
	// Pins maps a root module directory, relative to the repository root with forward
	// slashes ("." for the root itself), to what it owns.
	Pins map[string]*Pin `yaml:"pins"`
}

// Pin is what one directory owns.
type Pin struct {
	// Backend is the backend configuration's identity.
	Backend Backend `yaml:"backend"`
	// Workspaces maps a workspace name to the state it owns.
	Workspaces map[string]Workspace `yaml:"workspaces"`
}

// Backend is the pinned identity of a backend: no credentials, no endpoints.
type Backend struct {
	Type               string `yaml:"type"`
	Bucket             string `yaml:"bucket,omitempty"`
	Key                string `yaml:"key,omitempty"`
	Region             string `yaml:"region,omitempty"`
	WorkspaceKeyPrefix string `yaml:"workspace_key_prefix,omitempty"`
}

// Workspace is the pinned state of one workspace.
type Workspace struct {
	// Lineage is the state's lineage, which Terraform keeps for the state's whole life.
	Lineage string `yaml:"lineage"`
}

// FromBackend is the pinned form of a backend identity.
func FromBackend(b *planfile.Backend) Backend {
	return Backend{Type: b.Type, Bucket: b.Bucket, Key: b.Key, Region: b.Region, WorkspaceKeyPrefix: b.WorkspaceKeyPrefix}
}

// maxFileBytes bounds the pins file.
const maxFileBytes = 16 << 20

// Load reads the pins file at path; a file that does not exist is an empty one.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Version: Version, Pins: map[string]*Pin{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxFileBytes)
	}
	f := &File{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %v; see docs/state-pin.md", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if f.Version == 0 && len(f.Pins) == 0 {
		f.Version = Version
	}
	if f.Version != Version {
		return nil, fmt.Errorf("%s: version %d; this hiyari reads version %d (upgrade hiyari)", path, f.Version, Version)
	}
	if f.Pins == nil {
		f.Pins = map[string]*Pin{}
	}
	for dir, p := range f.Pins {
		if p == nil || p.Backend.Type == "" {
			return nil, fmt.Errorf("%s: pins[%q]: backend.type is required; re-run hiyari state pin --dir %s", path, dir, dir)
		}
	}
	return f, nil
}

const header = `# State pins: which Terraform state each root module directory owns.
# Written by 'hiyari state pin'; checked by 'hiyari plan review' (backend_changed,
# state_lineage_changed) and 'hiyari state pin --check'. See docs/state-pin.md.
# A change to this file changes which state a directory may plan against: review it
# like a change to the backend itself.
`

// Save writes the file atomically (a reader never sees half a file), directories sorted.
func (f *File) Save(path string) error {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-pins-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Dirs returns the pinned directories, sorted.
func (f *File) Dirs() []string {
	out := make([]string, 0, len(f.Pins))
	for d := range f.Pins {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// ErrNoRepository is returned by Root outside a git repository.
var ErrNoRepository = errors.New("not inside a git repository")

// Root returns the repository root above dir: the nearest directory holding .git.
func Root(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find repository root of %s: %w", dir, err)
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s: %w", abs, ErrNoRepository)
		}
		d = parent
	}
}

// RelDir is dir relative to root, with forward slashes: the key of its pin.
func RelDir(root, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not inside the repository %s", dir, root)
	}
	return filepath.ToSlash(rel), nil
}

// Located is the pin that applies to a directory.
type Located struct {
	// Path is the pins file.
	Path string
	// Dir is the directory's key in it.
	Dir string
	// Pin is the directory's pin; nil when the file does not pin it.
	Pin *Pin
}

// Locate finds the pins file of the repository holding dir and the pin for dir.
// Outside a git repository, or with no pins file, it returns nil and no error.
func Locate(dir string) (*Located, error) {
	root, err := Root(dir)
	if errors.Is(err, ErrNoRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	f, err := Load(path)
	if err != nil {
		return nil, err
	}
	rel, err := RelDir(root, dir)
	if err != nil {
		return nil, err
	}
	return &Located{Path: path, Dir: rel, Pin: f.Pins[rel]}, nil
}
