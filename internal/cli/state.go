package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/planfile"
	"github.com/hiyari-dev/hiyari/internal/rules"
	"github.com/hiyari-dev/hiyari/internal/statepin"
)

// stateIdentity is what a review knows about the state a plan was made against.
type stateIdentity struct {
	backend    *planfile.Backend
	state      *planfile.State
	pin        *statepin.Located
	env        string
	envSource  string
	candidates []rules.EnvCandidate
}

// reviewStateIdentity reads the plan's backend and prior state (from a planfile, else
// from --dir's .terraform; lineage from the planfile, else --state-lineage), the
// directory's pin, and the environment they name. A planfile hiyari cannot read is a
// warning, not an error: the review goes on with what the working directory tells.
func (app *App) reviewStateIdentity(f *reviewFlags, planPath string, cfg config.Config) (*stateIdentity, error) {
	sid := &stateIdentity{}
	readPlanfile := false
	if planPath != "-" && isZipFile(planPath) {
		pf, err := planfile.Read(planPath)
		if err != nil {
			fmt.Fprintf(app.IO.Err, "hiyari: warning: cannot read the backend and state lineage from the planfile (%v); using %s in %s instead\n",
				err, planfile.WorkdirStateFile, f.dir)
		} else {
			readPlanfile = true
			sid.backend, sid.state = pf.Backend, pf.Prior
		}
	}
	if !readPlanfile {
		b, err := planfile.ReadWorkdir(f.dir, app.Env.Get("TF_WORKSPACE"))
		switch {
		case err == nil:
			sid.backend = b
		case !errors.Is(err, planfile.ErrNoBackend):
			fmt.Fprintf(app.IO.Err, "hiyari: warning: %v; the review goes on without the backend\n", err)
		}
	}
	if l := strings.TrimSpace(f.stateLineage); l != "" && (sid.state == nil || sid.state.Lineage == "") {
		if len(l) > 64 || strings.ContainsAny(l, " \t\n/") {
			return nil, fmt.Errorf("--state-lineage %q: want a state lineage (a UUID, as in `terraform state pull | jq -r .lineage`)", l)
		}
		sid.state = &planfile.State{Lineage: l, Source: "flag"}
	}
	pin, err := statepin.Locate(f.dir)
	if err != nil {
		return nil, fmt.Errorf("state pins: %w", err)
	}
	sid.pin = pin
	dir := ""
	if pin != nil {
		dir = pin.Dir
	} else if root, err := statepin.Root(f.dir); err == nil {
		dir, _ = statepin.RelDir(root, f.dir)
	} else if abs, err := filepath.Abs(f.dir); err == nil {
		// Outside a repository only the directory's own name is used: a parent such
		// as /home/dev must not name an environment.
		dir = filepath.Base(abs)
	}
	workspace, key := "", ""
	if sid.backend != nil {
		workspace, key = sid.backend.Workspace, sid.backend.StateKey()
	}
	sid.env, sid.envSource, sid.candidates = rules.InferEnv(cfg.Environments, dir, workspace, key)
	return sid, nil
}

// isZipFile reports whether path starts like a zip archive (a planfile).
func isZipFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return bytes.Equal(head[:n], []byte("PK\x03\x04"))
}

func newStateCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Pin which Terraform state each directory owns",
	}
	cmd.AddCommand(newStatePinCmd(app))
	return cmd
}

type statePinFlags struct {
	dirs         []string
	planfile     string
	stateFile    string
	check        bool
	terraformBin string
}

func newStatePinCmd(app *App) *cobra.Command {
	f := &statePinFlags{}
	cmd := &cobra.Command{
		Use:   "pin [flags]",
		Short: "Record (or --check) the backend and state lineage each directory owns",
		Long: `Record in .hiyari/state-pins.yaml, at the repository root, which backend (type,
bucket, key, region) and which state lineage each Terraform directory owns, per
workspace. Commit the file: 'hiyari plan review' then reports backend_changed when a
plan's backend is not the pinned one, and state_lineage_changed when a plan's prior
state is another state than the pinned one.

The backend comes from DIR/.terraform (run terraform init first) and the workspace
from TF_WORKSPACE or DIR/.terraform/environment. The lineage comes from
'terraform state pull' in DIR (which needs the backend's credentials), or from
--state FILE (a state file) or --planfile FILE (backend and lineage from a saved plan).

With --check nothing is written: exit 0 when every directory matches its pin,
2 when one differs or is not pinned, 1 on error.`,
		Example: `  hiyari state pin --dir envs/dev --dir envs/staging
  hiyari state pin --check --dir envs/staging
  terraform state pull > s.json && hiyari state pin --dir envs/prod --state s.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.runStatePin(f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.dirs, "dir", nil, "a Terraform working directory to pin (repeatable; default .)")
	fl.StringVar(&f.planfile, "planfile", "", "read the backend and the lineage from this saved plan instead (one --dir)")
	fl.StringVar(&f.stateFile, "state", "", "read the lineage from this state file instead of terraform state pull (one --dir)")
	fl.BoolVar(&f.check, "check", false, "compare with the pins file instead of writing it")
	fl.StringVar(&f.terraformBin, "terraform-bin", "", "terraform or tofu binary for state pull (default $HIYARI_TERRAFORM_BIN or terraform)")
	return cmd
}

// pinned is one directory's current state identity.
type pinned struct {
	dir     string // relative to the repository root
	backend *planfile.Backend
	state   *planfile.State
}

func (app *App) runStatePin(f *statePinFlags) error {
	dirs := f.dirs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	if (f.planfile != "" || f.stateFile != "") && len(dirs) > 1 {
		return errors.New("--planfile and --state describe one directory: give a single --dir with them")
	}
	if f.planfile != "" && f.stateFile != "" {
		return errors.New("--planfile and --state both give the lineage: use one")
	}
	root, err := statepin.Root(dirs[0])
	if err != nil {
		return fmt.Errorf("--dir %s: %w; the pins file lives at the repository root (%s), so pin from inside the repository", dirs[0], err, statepin.FileName)
	}
	path := filepath.Join(root, statepin.FileName)
	file, err := statepin.Load(path)
	if err != nil {
		return err
	}
	var current []pinned
	for _, d := range dirs {
		p, err := app.currentIdentity(f, root, d)
		if err != nil {
			return err
		}
		current = append(current, p)
	}
	tw := tabwriter.NewWriter(app.IO.Out, 0, 4, 2, ' ', 0)
	if f.check {
		differs := 0
		for _, c := range current {
			pin := file.Pins[c.dir]
			if pin == nil {
				differs++
				fmt.Fprintf(tw, "%s\tNOT PINNED\t%s\n", c.dir, describe(c))
				continue
			}
			ms := pin.Check(c.backend, c.state)
			if len(ms) == 0 {
				fmt.Fprintf(tw, "%s\tOK\t%s\n", c.dir, describe(c))
				continue
			}
			differs++
			var parts []string
			for _, m := range ms {
				parts = append(parts, fmt.Sprintf("%s pinned %s, now %s", m.Field, orNone(m.Pinned), orNone(m.Actual)))
			}
			fmt.Fprintf(tw, "%s\tDIFFERS\t%s\n", c.dir, strings.Join(parts, "; "))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
		if differs > 0 {
			fmt.Fprintf(app.IO.Err, "hiyari: %d of %d directories differ from %s\n", differs, len(current), statepin.FileName)
			return &ExitCodeError{Code: ExitGate}
		}
		return nil
	}
	for _, c := range current {
		want := statepin.FromBackend(c.backend)
		pin := file.Pins[c.dir]
		if pin == nil || pin.Backend != want {
			pin = &statepin.Pin{Backend: want, Workspaces: map[string]statepin.Workspace{}}
			file.Pins[c.dir] = pin
		}
		pin.Workspaces[c.backend.Workspace] = statepin.Workspace{Lineage: c.state.Lineage}
		fmt.Fprintf(tw, "%s\tpinned\t%s\n", c.dir, describe(c))
	}
	if err := file.Save(path); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	fmt.Fprintf(app.IO.Err, "hiyari: wrote %s; commit it so reviews check plans against it\n", statepin.FileName)
	return nil
}

func describe(c pinned) string {
	b := c.backend
	loc := b.StateKey()
	if b.Bucket != "" {
		loc = b.Bucket + "/" + loc
	}
	return fmt.Sprintf("%s %s, workspace %s, lineage %s", b.Type, loc, b.Workspace, c.state.Lineage)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// currentIdentity reads a directory's backend and state lineage as they are now.
func (app *App) currentIdentity(f *statePinFlags, root, dir string) (pinned, error) {
	rel, err := statepin.RelDir(root, dir)
	if err != nil {
		return pinned{}, fmt.Errorf("--dir %s: %w; pin directories of one repository at a time", dir, err)
	}
	p := pinned{dir: rel}
	if f.planfile != "" {
		pf, err := planfile.Read(f.planfile)
		if err != nil {
			return pinned{}, fmt.Errorf("--planfile: %w", err)
		}
		if pf.Backend == nil || pf.Prior == nil {
			return pinned{}, fmt.Errorf("--planfile %s: the plan records no backend or no prior state; pin from the directory instead", f.planfile)
		}
		p.backend, p.state = pf.Backend, pf.Prior
	} else {
		b, err := planfile.ReadWorkdir(dir, app.Env.Get("TF_WORKSPACE"))
		if err != nil {
			return pinned{}, fmt.Errorf("--dir %s: %w", dir, err)
		}
		p.backend = b
		if f.stateFile != "" {
			p.state, err = readStateFile(f.stateFile)
		} else {
			p.state, err = app.pullState(f.terraformBin, dir)
		}
		if err != nil {
			return pinned{}, err
		}
	}
	if p.state.Lineage == "" {
		return pinned{}, fmt.Errorf("--dir %s: the state has no lineage (never applied?): there is nothing to pin yet; apply first", dir)
	}
	return p, nil
}

func readStateFile(path string) (*planfile.State, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--state: %w", err)
	}
	defer fh.Close()
	st, err := planfile.ReadState(fh)
	if err != nil {
		return nil, fmt.Errorf("--state %s: %w; give the output of terraform state pull", path, err)
	}
	st.Source = "file"
	return st, nil
}

// pullState runs `terraform state pull` in dir and reads the lineage from its output
// as it streams (a state can be hundreds of MB; only its head is decoded).
func (app *App) pullState(bin, dir string) (*planfile.State, error) {
	if bin == "" {
		bin = app.Env.Get("HIYARI_TERRAFORM_BIN")
	}
	if bin == "" {
		bin = "terraform"
	}
	timeout, err := app.terraformTimeout()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(app.Ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "state", "pull")
	// A killed terraform's children may hold stdout open; do not wait for them.
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = app.Env.Pairs()
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, left: 8 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("run %s state pull: %w", bin, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s state pull in %s: %w; install Terraform or pass --terraform-bin", bin, dir, err)
	}
	st, readErr := planfile.ReadState(out)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("%s state pull in %s did not finish within %s and was stopped; check the backend is reachable, or raise HIYARI_TERRAFORM_TIMEOUT", bin, dir, timeout)
		}
		return nil, fmt.Errorf("%s state pull in %s failed (%v): %s", bin, dir, err, strings.TrimSpace(stderr.String()))
	}
	if readErr != nil {
		if errors.Is(readErr, io.EOF) || strings.Contains(readErr.Error(), "EOF") {
			return &planfile.State{Source: "terraform state pull"}, nil
		}
		return nil, fmt.Errorf("%s state pull in %s: %w", bin, dir, readErr)
	}
	st.Source = "terraform state pull"
	return st, nil
}

// limitWriter keeps the first bytes written to it and drops the rest.
type limitWriter struct {
	w    io.Writer
	left int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	n := len(p)
	if l.left > 0 {
		k := min(n, l.left)
		_, _ = l.w.Write(p[:k])
		l.left -= k
	}
	return n, nil
}
