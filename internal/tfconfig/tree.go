package tfconfig

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Tree is the files of one revision of a repository: the working tree, or a git commit.
// Paths are slash-separated and relative to the repository root.
type Tree interface {
	// Name says which revision this is, for messages: "working tree" or the git ref.
	Name() string
	// Files lists every file, sorted.
	Files() []string
	// ReadFile returns a file's content; a missing file is an fs.ErrNotExist error.
	ReadFile(name string) ([]byte, error)
}

// skipDir reports whether discovery skips a directory: Terraform's own working data,
// version control, and vendored or tool directories that hold copies, not root modules.
func skipDir(name string) bool {
	switch name {
	case ".terraform", ".git", ".hg", ".svn", "node_modules", "vendor", ".terragrunt-cache", ".tools":
		return true
	}
	return false
}

// skipPath reports whether a slash path lies under a skipped directory.
func skipPath(p string) bool {
	dir := path.Dir(p)
	if dir == "." {
		return false
	}
	for _, part := range strings.Split(dir, "/") {
		if skipDir(part) {
			return true
		}
	}
	return false
}

// DirTree is the working tree under Root, read from disk.
type DirTree struct {
	// Root is the directory that paths are relative to.
	Root  string
	files []string
}

// NewDirTree lists the files under root, skipping the directories discovery never looks in.
func NewDirTree(root string) (*DirTree, error) {
	t := &DirTree{Root: root}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		t.files = append(t.files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files under %s: %w", root, err)
	}
	sort.Strings(t.files)
	return t, nil
}

// Name implements Tree.
func (t *DirTree) Name() string { return "working tree" }

// Files implements Tree.
func (t *DirTree) Files() []string { return t.files }

// ReadFile implements Tree.
func (t *DirTree) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(t.Root, filepath.FromSlash(name)))
}

// MapTree is a tree held in memory, for a git revision or a test.
type MapTree struct {
	// Label is what Name returns.
	Label string
	// Content maps slash paths to file content.
	Content map[string][]byte
}

// Name implements Tree.
func (t *MapTree) Name() string { return t.Label }

// Files implements Tree.
func (t *MapTree) Files() []string {
	out := make([]string, 0, len(t.Content))
	for p := range t.Content {
		if !skipPath(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// ReadFile implements Tree.
func (t *MapTree) ReadFile(name string) ([]byte, error) {
	b, ok := t.Content[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return b, nil
}
