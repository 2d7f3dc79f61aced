package tfconfig

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Repo is a git repository, read through the git command with the repository as its
// working directory.
type Repo struct {
	// Root is the top of the working tree (git rev-parse --show-toplevel).
	Root string
	ctx  context.Context
	env  []string
}

// ErrNotGitRepo is returned by OpenRepo for a directory outside any git repository.
var ErrNotGitRepo = errors.New("not a git repository")

// OpenRepo finds the git repository holding dir. env is the environment git runs with
// (nil inherits the process's).
func OpenRepo(ctx context.Context, dir string, env []string) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("find git: %w; install git to compare against a base revision", err)
	}
	r := &Repo{Root: dir, ctx: ctx, env: env}
	out, err := r.git(nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s: %w (git: %s)", dir, ErrNotGitRepo, oneLine(err))
	}
	r.Root = strings.TrimSpace(string(out))
	return r, nil
}

// gitError carries git's stderr.
type gitError struct {
	args   []string
	stderr string
	err    error
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.stderr)
	if msg == "" {
		msg = e.err.Error()
	}
	return "git " + strings.Join(e.args, " ") + ": " + msg
}

func (e *gitError) Unwrap() error { return e.err }

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (r *Repo) git(stdin io.Reader, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(r.ctx, "git", args...)
	cmd.Dir = r.Root
	cmd.Env = r.env
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, &gitError{args: args, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}

// ResolveRef returns the commit id of ref, or an error that says how to make it
// available (a shallow clone, as GitHub Actions makes by default, lacks the base).
func (r *Repo) ResolveRef(ref string) (string, error) {
	if strings.HasPrefix(ref, "-") {
		return "", fmt.Errorf("--base %q: a revision cannot start with '-'", ref)
	}
	out, err := r.git(nil, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	hint := "check the branch or commit name (git branch -a)"
	if sh, err := r.git(nil, "rev-parse", "--is-shallow-repository"); err == nil && strings.TrimSpace(string(sh)) == "true" {
		fetch := "git fetch --no-tags --depth=1 origin " + ref + ":" + ref
		if b, ok := strings.CutPrefix(ref, "origin/"); ok {
			fetch = "git fetch --no-tags --depth=1 origin +refs/heads/" + b + ":refs/remotes/origin/" + b
		}
		hint = "this is a shallow clone: fetch the base first ('" + fetch + "'), or check out with fetch-depth: 0 in actions/checkout"
	}
	return "", fmt.Errorf("--base %s: no such revision in %s; %s", ref, r.Root, hint)
}

// prefetched are the files a revision's tree reads eagerly, in one git process.
func prefetched(p string) bool {
	base := path.Base(p)
	for _, ext := range []string{".tf", ".tf.json", ".tfbackend", ".hcl", ".hiyari.yaml"} {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return false
}

// Tree reads the files of ref. Terraform files are read at once; others when asked.
func (r *Repo) Tree(ref string) (Tree, error) {
	commit, err := r.ResolveRef(ref)
	if err != nil {
		return nil, err
	}
	out, err := r.git(nil, "ls-tree", "-r", "-z", "--full-tree", commit)
	if err != nil {
		return nil, fmt.Errorf("list files at %s: %w", ref, err)
	}
	t := &gitTree{repo: r, ref: ref, commit: commit, content: map[string][]byte{}}
	var want []string
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if !ok || !strings.Contains(meta, " blob ") || skipPath(name) {
			continue
		}
		t.files = append(t.files, name)
		if prefetched(name) {
			want = append(want, name)
		}
	}
	sort.Strings(t.files)
	if err := t.batch(want); err != nil {
		return nil, err
	}
	return t, nil
}

type gitTree struct {
	repo    *Repo
	ref     string
	commit  string
	files   []string
	content map[string][]byte
}

func (t *gitTree) Name() string    { return t.ref }
func (t *gitTree) Files() []string { return t.files }

func (t *gitTree) ReadFile(name string) ([]byte, error) {
	if b, ok := t.content[name]; ok {
		return b, nil
	}
	i := sort.SearchStrings(t.files, name)
	if i == len(t.files) || t.files[i] != name {
		return nil, fmt.Errorf("read %s at %s: %w", name, t.ref, fs.ErrNotExist)
	}
	out, err := t.repo.git(nil, "cat-file", "blob", t.commit+":"+name)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", name, t.ref, err)
	}
	t.content[name] = out
	return out, nil
}

// batch reads many blobs through one git cat-file --batch.
func (t *gitTree) batch(names []string) error {
	if len(names) == 0 {
		return nil
	}
	var in bytes.Buffer
	for _, n := range names {
		in.WriteString(t.commit + ":" + n + "\n")
	}
	out, err := t.repo.git(&in, "cat-file", "--batch")
	if err != nil {
		return fmt.Errorf("read files at %s: %w", t.ref, err)
	}
	br := bufio.NewReader(bytes.NewReader(out))
	for _, n := range names {
		header, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("read files at %s: short git cat-file output", t.ref)
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			continue // "missing"
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			return fmt.Errorf("read files at %s: bad git cat-file header %q", t.ref, header)
		}
		buf := make([]byte, size+1) // content and its trailing newline
		if _, err := io.ReadFull(br, buf); err != nil {
			return fmt.Errorf("read %s at %s: %w", n, t.ref, err)
		}
		t.content[n] = buf[:size]
	}
	return nil
}

// LineRange is an inclusive, 1-based range of lines.
type LineRange struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Overlaps reports whether two ranges share a line.
func (a LineRange) Overlaps(b LineRange) bool { return a.Start <= b.End && b.Start <= a.End }

// FileDiff is what changed in one file between the base revision and the working tree.
type FileDiff struct {
	// Path is the file's path in the working tree (its old path when it was deleted).
	Path string
	// Lines are the changed line ranges in the working tree's version of the file; a
	// pure deletion marks the lines either side of it.
	Lines []LineRange
	// OldLines are the changed ranges in the base revision's version.
	OldLines []LineRange
	// Whole is set when the whole file counts as changed (added, deleted, binary).
	Whole bool
	// Deleted is set when the file is gone from the working tree.
	Deleted bool
}

// Touches reports whether the change touches lines r of the working tree's file.
func (d *FileDiff) Touches(r LineRange) bool {
	if d.Whole {
		return true
	}
	for _, l := range d.Lines {
		if l.Overlaps(r) {
			return true
		}
	}
	return false
}

// TouchesOld reports whether the change touches lines r of the base revision's file.
func (d *FileDiff) TouchesOld(r LineRange) bool {
	if d.Whole {
		return true
	}
	for _, l := range d.OldLines {
		if l.Overlaps(r) {
			return true
		}
	}
	return false
}

// Diff returns the changes between ref and the working tree (committed or not),
// keyed by path; untracked files count as added.
func (r *Repo) Diff(ref string) (map[string]*FileDiff, error) {
	commit, err := r.ResolveRef(ref)
	if err != nil {
		return nil, err
	}
	out, err := r.git(nil, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-renames", "-U0", commit, "--")
	if err != nil {
		return nil, fmt.Errorf("diff against %s: %w", ref, err)
	}
	diffs, err := ParseDiff(out)
	if err != nil {
		return nil, fmt.Errorf("diff against %s: %w", ref, err)
	}
	untracked, err := r.git(nil, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("list untracked files: %w", err)
	}
	for _, p := range strings.Split(string(untracked), "\x00") {
		if p != "" {
			diffs[p] = &FileDiff{Path: p, Whole: true}
		}
	}
	return diffs, nil
}

// ParseDiff reads unified diff output of git diff -U0 --no-renames.
func ParseDiff(out []byte) (map[string]*FileDiff, error) {
	diffs := map[string]*FileDiff{}
	var cur *FileDiff
	var oldPath string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "diff --git "):
			cur, oldPath = nil, ""
		case strings.HasPrefix(line, "--- "):
			oldPath = strings.TrimPrefix(strings.TrimPrefix(line, "--- "), "a/")
		case strings.HasPrefix(line, "+++ "):
			p := strings.TrimPrefix(line, "+++ ")
			if p == "/dev/null" {
				cur = &FileDiff{Path: oldPath, Whole: true, Deleted: true}
			} else {
				cur = &FileDiff{Path: strings.TrimPrefix(p, "b/")}
				if oldPath == "/dev/null" {
					cur.Whole = true
				}
			}
			diffs[cur.Path] = cur
		case strings.HasPrefix(line, "Binary files "):
			// "Binary files a/x and b/x differ": no hunks follow.
			if _, rest, ok := strings.Cut(line, " and "); ok {
				p := strings.TrimSuffix(rest, " differ")
				if p == "/dev/null" {
					p = strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(line, "Binary files "), " and "+rest), "a/")
				}
				p = strings.TrimPrefix(p, "b/")
				diffs[p] = &FileDiff{Path: p, Whole: true}
			}
		case strings.HasPrefix(line, "@@ ") && cur != nil:
			oldR, newR, err := parseHunk(line)
			if err != nil {
				return nil, err
			}
			cur.Lines = append(cur.Lines, newR)
			cur.OldLines = append(cur.OldLines, oldR)
		}
	}
	return diffs, sc.Err()
}

// parseHunk reads "@@ -a,b +c,d @@". A side with no lines (count 0) marks the line
// before the change and the one after, so a deletion between two lines touches both.
func parseHunk(line string) (oldR, newR LineRange, err error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return oldR, newR, fmt.Errorf("bad hunk header %q", line)
	}
	side := func(s string) (LineRange, error) {
		start, count := s[1:], "1"
		if a, b, ok := strings.Cut(start, ","); ok {
			start, count = a, b
		}
		st, err1 := strconv.Atoi(start)
		n, err2 := strconv.Atoi(count)
		if err1 != nil || err2 != nil {
			return LineRange{}, fmt.Errorf("bad hunk header %q", line)
		}
		if n == 0 {
			return LineRange{Start: max(st, 1), End: st + 1}, nil
		}
		return LineRange{Start: st, End: st + n - 1}, nil
	}
	if oldR, err = side(f[1]); err != nil {
		return
	}
	newR, err = side(f[2])
	return
}
