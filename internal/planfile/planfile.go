// Package planfile reads the state identity out of a saved Terraform plan (the file
// `terraform plan -out=FILE` writes): which backend the plan was made with (type,
// bucket, key, region, workspace) and which state it was planned against (the prior
// state's lineage and serial). When a planfile cannot be read, the same backend
// identity comes from a working directory's .terraform/terraform.tfstate.
//
// The planfile format is not a public interface. A planfile is a zip archive holding
// `tfplan` (a protocol buffer message, Terraform's planproto.Plan), `tfstate` (the
// prior state as JSON), `tfstate-prev` and `tfconfig/`. This package reads only:
//
//	tfplan   Plan.version (1), Plan.terraform_version (14), Plan.backend (13):
//	         Backend.type (1), Backend.config (2, a DynamicValue whose msgpack (1) is
//	         the backend's configuration object), Backend.workspace (3)
//	tfstate  lineage, serial, terraform_version
//
// Checked against planfiles written by Terraform 1.11.4 (planfile format version 3);
// the field numbers are the same in Terraform's planfile.proto from 1.x up to the
// current main branch. Zip entry paths are never used as file names (nothing is
// extracted to disk) and every entry read is bounded, so a crafted archive can neither
// write files nor make hiyari read without end.
package planfile

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// FormatVersion is the planfile format version (Plan.version) this package reads.
const FormatVersion = 3

// limits bound what is read from an archive: a zip bomb declares small sizes and
// inflates to gigabytes; these bound the work whatever the headers say.
type limits struct {
	// plan bounds the uncompressed tfplan entry: large plans are hundreds of MB,
	// streamed through, never held.
	plan int64
	// state bounds how much of the tfstate entry is read looking for lineage.
	state int64
	// backend bounds the Backend message, which is held in memory.
	backend int
	// entries bounds the number of entries in the archive's directory.
	entries int
}

func defaultLimits() limits {
	return limits{plan: 4 << 30, state: 4 << 30, backend: 1 << 20, entries: 100000}
}

// Planfile is what hiyari knows about a saved plan's state identity.
type Planfile struct {
	// TerraformVersion is the version of Terraform that wrote the plan.
	TerraformVersion string
	// Backend is the backend the plan was made with; nil when the plan has none
	// (e.g. a `cloud` block or a state store hiyari does not read).
	Backend *Backend
	// Prior is the state the plan was made against; nil when the planfile has no tfstate.
	Prior *State
}

// State identifies one Terraform state: its lineage (a UUID written when the state
// is first created and kept for its whole life) and serial (incremented on every write).
type State struct {
	// Lineage is empty for a state that has never been written.
	Lineage string
	// Serial is the state's serial number.
	Serial uint64
	// TerraformVersion is the version of Terraform that last wrote the state.
	TerraformVersion string
	// Source says where this was read: "planfile", "file" or "flag".
	Source string
}

// ReadError says why a planfile's state identity could not be read.
type ReadError struct {
	// Path is the planfile.
	Path string
	// Problem says what is wrong.
	Problem string
	// Err is the cause, when there is one.
	Err error
}

func (e *ReadError) Error() string { return e.Path + ": " + e.Problem }

func (e *ReadError) Unwrap() error { return e.Err }

// Read reads the backend and prior state identity from the planfile at path.
func Read(path string) (*Planfile, error) {
	return read(path, defaultLimits())
}

func read(path string, lim limits) (*Planfile, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, &ReadError{Path: path, Problem: "not a readable zip archive (a planfile is one): " + err.Error(), Err: err}
	}
	defer zr.Close()
	return readArchive(&zr.Reader, path, lim)
}

// readArchive reads the state identity from an opened planfile archive; path names it
// in errors.
func readArchive(zr *zip.Reader, path string, lim limits) (*Planfile, error) {
	if len(zr.File) > lim.entries {
		return nil, &ReadError{Path: path, Problem: fmt.Sprintf("archive has %d entries, more than a planfile has", len(zr.File))}
	}
	var planEntry, stateEntry *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "tfplan":
			planEntry = f
		case "tfstate":
			stateEntry = f
		}
	}
	if planEntry == nil {
		return nil, &ReadError{Path: path, Problem: "zip archive without a tfplan entry: not a Terraform planfile"}
	}
	pf := &Planfile{}
	if err := readPlan(planEntry, pf, lim); err != nil {
		return nil, &ReadError{Path: path, Problem: "tfplan: " + err.Error(), Err: err}
	}
	if stateEntry != nil {
		st, err := readStateEntry(stateEntry, lim.state)
		if err != nil {
			return nil, &ReadError{Path: path, Problem: "tfstate: " + err.Error(), Err: err}
		}
		st.Source = "planfile"
		pf.Prior = st
	}
	return pf, nil
}

// open opens a zip entry with its uncompressed size bounded to max bytes, whatever
// the entry's header claims.
func open(f *zip.File, max int64) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("entry declares %d bytes, more than the %d allowed", f.UncompressedSize64, max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&boundedReader{r: rc, left: max}, rc}, nil
}

// errTooLarge is returned when an entry inflates beyond its bound.
var errTooLarge = errors.New("entry inflates beyond the size allowed (a zip bomb?)")

type boundedReader struct {
	r    io.Reader
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// Field numbers in Terraform's planproto (internal/plans/planproto/planfile.proto).
const (
	planVersion          = 1
	planBackend          = 13
	planTerraformVersion = 14
	backendType          = 1
	backendConfig        = 2
	backendWorkspace     = 3
	dynamicMsgpack       = 1
)

func readPlan(f *zip.File, pf *Planfile, lim limits) error {
	rc, err := open(f, lim.plan)
	if err != nil {
		return err
	}
	defer rc.Close()
	w := &wireReader{r: bufio.NewReaderSize(rc, 64<<10)}
	var version uint64
	var sawVersion bool
	var backend []byte
	for {
		num, typ, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case num == planVersion && typ == wireVarint:
			if version, err = readUvarint(w.r); err != nil {
				return noEOF(err)
			}
			sawVersion = true
		case num == planTerraformVersion && typ == wireBytes:
			b, err := w.bytes(256)
			if err != nil {
				return err
			}
			pf.TerraformVersion = string(b)
		case num == planBackend && typ == wireBytes:
			if backend, err = w.bytes(lim.backend); err != nil {
				return fmt.Errorf("backend: %w", err)
			}
		default:
			if err := w.skip(typ); err != nil {
				return err
			}
		}
	}
	if !sawVersion || version != FormatVersion {
		return fmt.Errorf("planfile format version %d (Terraform %s); hiyari reads version %d, written by Terraform 1.x",
			version, orUnknown(pf.TerraformVersion), FormatVersion)
	}
	if backend == nil {
		return nil
	}
	b, err := decodeBackend(backend)
	if err != nil {
		return fmt.Errorf("backend: %w", err)
	}
	pf.Backend = b
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func decodeBackend(msg []byte) (*Backend, error) {
	m, err := parseMessage(msg)
	if err != nil {
		return nil, err
	}
	typ := m.str(backendType)
	if typ == "" {
		return nil, nil
	}
	var attrs map[string]string
	if dv, ok := m.sub(backendConfig); ok {
		dm, err := parseMessage(dv)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if mp, ok := dm.sub(dynamicMsgpack); ok && len(mp) > 0 {
			if attrs, err = stringFields(mp, identityAttributes, nestedIdentity); err != nil {
				return nil, fmt.Errorf("config: %w", err)
			}
		}
	}
	b := identity(typ, attrs)
	b.Workspace = m.str(backendWorkspace)
	b.Source = "planfile"
	return b, nil
}

// readStateEntry reads lineage, serial and terraform_version from a state's JSON,
// stopping as soon as it has them (they come before the resources).
func readStateEntry(f *zip.File, max int64) (*State, error) {
	rc, err := open(f, max)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return ReadState(rc)
}

// ReadState reads a state's identity from its JSON (a `terraform state pull` or a
// state file): lineage, serial and terraform_version, which Terraform writes before
// the resources, so reading stops there.
func ReadState(r io.Reader) (*State, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 64<<10))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read state JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("read state JSON: not a JSON object")
	}
	st := &State{}
	var sawLineage, sawSerial, sawVersion bool
	for dec.More() && !(sawLineage && sawSerial && sawVersion) {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read state JSON: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "lineage":
			if err := dec.Decode(&st.Lineage); err != nil {
				return nil, fmt.Errorf("read state JSON: lineage: %w", err)
			}
			sawLineage = true
		case "serial":
			var n json.Number
			if err := dec.Decode(&n); err != nil {
				return nil, fmt.Errorf("read state JSON: serial: %w", err)
			}
			if st.Serial, err = strconv.ParseUint(n.String(), 10, 64); err != nil {
				return nil, fmt.Errorf("read state JSON: serial %s: %w", n, err)
			}
			sawSerial = true
		case "terraform_version":
			if err := dec.Decode(&st.TerraformVersion); err != nil {
				return nil, fmt.Errorf("read state JSON: terraform_version: %w", err)
			}
			sawVersion = true
		default:
			if err := skipJSON(dec); err != nil {
				return nil, fmt.Errorf("read state JSON: %w", err)
			}
		}
	}
	return st, nil
}

// skipJSON steps over one JSON value token by token, without holding it.
func skipJSON(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
