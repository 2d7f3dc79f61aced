package plan

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiyari-dev/hiyari/internal/planfile"
)

// LoadOptions says where a plan comes from and how to read a saved planfile.
type LoadOptions struct {
	// Dir is the Terraform working directory; `terraform show` runs there for planfiles.
	Dir string
	// TerraformBin is the terraform or tofu binary (default "terraform").
	TerraformBin string
	// Env is the environment for the terraform child process (KEY=VALUE).
	Env []string
	// Stdin is read when the path is "-".
	Stdin io.Reader
	// Retain keeps values the review drops by default.
	Retain Retain
	// Reference reads plan JSON with DecodeReference instead of the fast path.
	Reference bool
}

// zipMagic starts every planfile: a saved plan is a zip archive.
var zipMagic = []byte("PK\x03\x04")

// Load reads the plan at path ("-" for stdin): plan JSON is decoded as a stream; a saved
// planfile, recognised by its content, is converted by running `terraform show -json`.
func Load(ctx context.Context, path string, opts LoadOptions) (*Plan, error) {
	name := path
	var r io.Reader
	if path == "-" {
		name = "stdin"
		if opts.Stdin == nil {
			return nil, &InputError{Input: name, Problem: "no standard input", Fix: "pipe a plan into hiyari or give a path"}
		}
		r = opts.Stdin
	} else {
		f, err := openPlanFile(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 1<<20)
	head, err := br.Peek(len(zipMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &InputError{Input: name, Problem: "cannot read: " + err.Error(), Fix: "check the file is readable", Err: err}
	}
	if len(head) == 0 {
		return nil, &InputError{Input: name, Problem: "the input is empty", Fix: fixShowJSON}
	}
	if bytes.Equal(head, zipMagic) {
		file := path
		if path == "-" {
			tmp, err := spool(br)
			if err != nil {
				return nil, &InputError{Input: name, Problem: "cannot buffer the planfile from stdin: " + err.Error(), Fix: "give the planfile as a path instead", Err: err}
			}
			defer os.Remove(tmp)
			file = tmp
		}
		return showPlanfile(ctx, name, file, opts)
	}
	// The decoder's stream has a buffer of its own: hand it what the peek read, then r
	// itself, so the plan is not copied once more through br (a 250 MB plan: about
	// 40 ms of memmove on the reading goroutine).
	peeked, _ := br.Peek(br.Buffered())
	return opts.decode(io.MultiReader(bytes.NewReader(peeked), r), name)
}

func (o LoadOptions) decode(r io.Reader, name string) (*Plan, error) {
	if o.Reference {
		return DecodeReference(r, name, o.Retain)
	}
	return DecodeRetaining(r, name, o.Retain)
}

func openPlanFile(path string) (*os.File, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &InputError{Input: path, Problem: "no such file", Fix: "check the path, or pass - to read the plan from stdin", Err: err}
	case errors.Is(err, fs.ErrPermission):
		return nil, &InputError{Input: path, Problem: "permission denied", Fix: "make the file readable by this user", Err: err}
	case err != nil:
		return nil, &InputError{Input: path, Problem: "cannot read: " + err.Error(), Err: err}
	case info.IsDir():
		return nil, &InputError{Input: path, Problem: "is a directory, not a plan", Fix: "give the planfile (terraform plan -out=FILE) or its `terraform show -json` output; use --dir for the working directory"}
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, &InputError{Input: path, Problem: "permission denied", Fix: "make the file readable by this user", Err: err}
		}
		return nil, &InputError{Input: path, Problem: "cannot open: " + err.Error(), Err: err}
	}
	return f, nil
}

func spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "hiyari-planfile-*")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// IsPlanfile reports whether the zip archive at path holds a Terraform plan.
func IsPlanfile(path string) (bool, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return false, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "tfplan" {
			return true, nil
		}
	}
	return false, nil
}

// maxStderr bounds how much of terraform's stderr is kept for an error message.
const maxStderr = 8 << 10

func showPlanfile(ctx context.Context, name, file string, opts LoadOptions) (*Plan, error) {
	ok, err := IsPlanfile(file)
	if err != nil {
		return nil, &InputError{Input: name, Problem: "looks like a zip archive but cannot be read as one: " + err.Error(), Fix: "give a planfile written by `terraform plan -out=FILE`", Err: err}
	}
	if !ok {
		return nil, &InputError{Input: name, Problem: "is a zip archive but not a Terraform planfile (no tfplan entry)", Fix: "give a planfile written by `terraform plan -out=FILE`, or its `terraform show -json` output", Err: ErrNotAPlan}
	}
	// A zip bomb must not reach Terraform, which would expand it (stdin spools here).
	if err := planfile.CheckArchive(file); err != nil {
		problem := err.Error()
		var re *planfile.ReadError
		if errors.As(err, &re) {
			problem = re.Problem // name the input as the user gave it, not a spool file
		}
		return nil, &InputError{Input: name, Problem: problem, Fix: "give a planfile written by `terraform plan -out=FILE`", Err: err}
	}
	bin := opts.TerraformBin
	if bin == "" {
		bin = "terraform"
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, &InputError{Input: name, Problem: err.Error()}
	}
	cmd := exec.CommandContext(ctx, bin, "show", "-json", "-no-color", abs)
	// When ctx ends, a killed terraform's children (a wrapper script's) may still hold
	// stdout open: stop waiting for them after a grace period.
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = opts.Dir
	cmd.Env = opts.Env
	stderr := &limitedBuffer{max: maxStderr}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, &InputError{Input: name, Problem: fmt.Sprintf("is a saved planfile and reading it needs %q, which was not found", bin), Fix: "install Terraform ≥ 1.5 (or OpenTofu) or set --terraform-bin / HIYARI_TERRAFORM_BIN; or give `terraform show -json` output instead", Err: err}
		}
		return nil, &InputError{Input: name, Problem: fmt.Sprintf("cannot run %s: %v", bin, err), Fix: "check --terraform-bin / HIYARI_TERRAFORM_BIN", Err: err}
	}
	p, decErr := opts.decode(stdout, name+" (via "+filepath.Base(bin)+" show -json)")
	if decErr != nil {
		_, _ = io.Copy(io.Discard, stdout)
	}
	waitErr := cmd.Wait()
	if waitErr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = waitErr.Error()
		}
		return nil, &InputError{Input: name, Problem: fmt.Sprintf("`%s show -json` failed: %s", filepath.Base(bin), msg), Fix: "run hiyari in the directory the plan was made in (--dir) after `terraform init`, with the same Terraform version", Err: waitErr}
	}
	if decErr != nil {
		return nil, decErr
	}
	p.Source = name
	return p, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		if len(p) > room {
			b.buf.Write(p[:room])
		} else {
			b.buf.Write(p)
		}
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string { return b.buf.String() }
