package cli

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/planfile"
)

// fixEncoding is what to do about a plan in an encoding hiyari does not read. Windows
// PowerShell's `>` and Out-File write UTF-16, and its `-Encoding utf8` adds a byte
// order mark; cmd.exe's `>` and PowerShell 7's utf8NoBOM write what Terraform printed.
const fixEncoding = "give hiyari the planfile itself (hiyari plan review tfplan), " +
	"or write the JSON as UTF-8 without a byte order mark: " +
	"`terraform show -json tfplan | Out-File -Encoding utf8NoBOM plan.json` in PowerShell 7, " +
	"or `cmd /c \"terraform show -json tfplan > plan.json\"`"

// checkPlanInput refuses, before anything opens it for the review, a plan input that
// would hang hiyari or that is in an encoding it does not read, saying what to do.
//
// A plan path is opened more than once (to tell a planfile from plan JSON, then to
// read it), so it must be a regular file (or a directory, which the loader refuses
// with its own message): opening a named pipe nobody writes to blocks for ever, a
// pipe's first bytes would be eaten by the first look, and a device such as
// /dev/zero (a symlink in a pull request can point there) never ends. Stdin is read
// once and may be anything; for it, app.IO.In is replaced by a buffered reader that
// has looked at the first bytes.
func (app *App) checkPlanInput(path string) error {
	if path == "-" {
		if app.IO.In == nil {
			return nil
		}
		br := bufio.NewReaderSize(app.IO.In, 64<<10)
		app.IO.In = br
		head, _ := br.Peek(4)
		return encodingError("stdin", head)
	}
	info, err := os.Stat(path)
	if err != nil || info.IsDir() {
		// The loader says what is wrong with a missing or unreadable path.
		return nil
	}
	if !info.Mode().IsRegular() {
		return &plan.InputError{Input: path, Problem: "is " + fileKind(info.Mode()) + ", not a regular file",
			Fix: "give the plan as a file, or pipe it into stdin: `terraform show -json tfplan | hiyari plan review -`"}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if bytes.Equal(head[:n], []byte("PK\x03\x04")) {
		return archiveError(path)
	}
	return encodingError(path, head[:n])
}

// archiveError refuses, before Terraform reads it, a zip archive that would cost
// Terraform gigabytes to find it is no plan (a zip bomb, a directory of 100,000
// entries).
func archiveError(path string) error {
	err := planfile.CheckArchive(path)
	if err == nil {
		return nil
	}
	problem := err.Error()
	var re *planfile.ReadError
	if errors.As(err, &re) {
		problem = re.Problem
	}
	return &plan.InputError{Input: path, Problem: "is not a planfile hiyari hands to Terraform: " + problem,
		Fix: "give a planfile written by `terraform plan -out=FILE`, or its `terraform show -json` output", Err: err}
}

// fileKind names a file type that is not a regular file or a directory.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// encodingError tells, from the first bytes of a plan input, an encoding other than
// the UTF-8 JSON that `terraform show -json` writes; nil when there is none to tell.
func encodingError(input string, head []byte) error {
	problem := ""
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		problem = "starts with a UTF-8 byte order mark, which JSON does not allow"
	case bytes.HasPrefix(head, []byte("\xff\xfe\x00\x00")), bytes.HasPrefix(head, []byte("\x00\x00\xfe\xff")):
		problem = "is UTF-32 text; hiyari reads plan JSON in UTF-8, as `terraform show -json` writes it"
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		problem = "is UTF-16 text (it starts with a UTF-16 byte order mark); hiyari reads plan JSON in UTF-8, as `terraform show -json` writes it"
	case len(head) >= 2 && head[0] != 0 && head[0] < 0x80 && head[1] == 0,
		len(head) >= 2 && head[0] == 0 && head[1] != 0 && head[1] < 0x80:
		problem = "is UTF-16 text (every other byte is zero); hiyari reads plan JSON in UTF-8, as `terraform show -json` writes it"
	case len(head) > 0 && head[0] == 0:
		return &plan.InputError{Input: input, Problem: "starts with NUL bytes: a binary file, not plan JSON",
			Fix: "give hiyari the output of `terraform show -json PLANFILE` (or the planfile itself)"}
	default:
		return nil
	}
	return &plan.InputError{Input: input, Problem: problem, Fix: fixEncoding}
}
