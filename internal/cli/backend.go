package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/internal/backendcheck"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
	"github.com/hiyari-dev/hiyari/internal/scope"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

type backendFlags struct {
	base       string
	format     string
	failOn     string
	configPath string
}

func newBackendCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "backend", Short: "Check Terraform backends and state keys across a repository"}
	f := &backendFlags{}
	check := &cobra.Command{
		Use:   "check [flags] [DIR...]",
		Short: "Find root modules and check their backends: changed keys, shared keys, key convention",
		Long: `Find the root modules under each DIR (default: the whole repository), read their
terraform { backend ... } and cloud blocks without running Terraform, merge the
-backend-config files named in .hiyari.yaml, and report:

  backend_changed       the backend type, bucket or key differs from --base REF
  state_key_shared      two root modules resolve to the same state object
  state_key_convention  a key breaks the repository's key convention

Exit codes: 0 when no unacknowledged finding reaches --fail-on, 2 when one does,
1 when the check could not run (bad input, unknown revision, a syntax error).`,
		Example: `  hiyari backend check --base origin/main
  hiyari backend check --format json envs/staging envs/prod`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.runBackendCheck(f, args)
		},
	}
	fl := check.Flags()
	fl.StringVar(&f.base, "base", "", "git revision to compare backends with (e.g. origin/main); without it backend_changed does not run")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(backendcheck.Formats(), ", "))
	fl.StringVar(&f.failOn, "fail-on", "", "exit 2 when an unacknowledged finding is at or above this severity: critical, high, medium, low, never (default critical, or fail_on in .hiyari.yaml)")
	fl.StringVar(&f.configPath, "config", "", "path to a .hiyari.yaml (default: found in the repository root or a parent)")
	_ = check.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(backendcheck.Formats(), cobra.ShellCompDirectiveNoFileComp))
	cmd.AddCommand(check)
	return cmd
}

func (app *App) runBackendCheck(f *backendFlags, args []string) error {
	ok := false
	for _, v := range backendcheck.Formats() {
		ok = ok || v == f.format
	}
	if !ok {
		return fmt.Errorf("--format %q: want one of %s", f.format, strings.Join(backendcheck.Formats(), ", "))
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	abs := make([]string, len(args))
	for i, a := range args {
		p, err := filepath.Abs(a)
		if err != nil {
			return fmt.Errorf("directory %s: %w", a, err)
		}
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("directory %s: %w", a, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("directory %s: not a directory; pass the directories to search for root modules", a)
		}
		abs[i] = p
	}

	// Paths in the report are relative to the repository root, so that findings
	// point at the same file wherever the command runs.
	root := abs[0]
	repo, err := tfconfig.OpenRepo(app.Ctx, abs[0], app.Env.Pairs())
	switch {
	case err == nil:
		root = repo.Root
	case f.base != "":
		if errors.Is(err, tfconfig.ErrNotGitRepo) {
			return fmt.Errorf("--base %s: %s is not in a git repository; run from a clone, or drop --base", f.base, args[0])
		}
		return fmt.Errorf("--base %s: %w", f.base, err)
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	dirs := make([]string, len(abs))
	for i, p := range abs {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("directory %s: outside the repository %s; check one repository at a time", args[i], root)
		}
		dirs[i] = filepath.ToSlash(rel)
	}

	var cfg config.Config
	if f.configPath != "" {
		cfg, err = config.Load(f.configPath)
	} else {
		cfg, err = config.Find(root)
	}
	if err != nil {
		return err
	}
	cfgDir := "."
	if cfg.Path != "" {
		if a, err := filepath.Abs(filepath.Dir(cfg.Path)); err == nil {
			if r, err := filepath.EvalSymlinks(a); err == nil {
				a = r
			}
			if rel, err := filepath.Rel(root, a); err == nil && !strings.HasPrefix(rel, "..") {
				cfgDir = filepath.ToSlash(rel)
			}
		}
	}
	failOnText := f.failOn
	if failOnText == "" {
		failOnText = cfg.FailOn
	}
	if failOnText == "" {
		failOnText = "critical"
	}
	failOn, err := report.ParseThreshold(failOnText)
	if err != nil {
		return err
	}

	cur, err := tfconfig.NewDirTree(root)
	if err != nil {
		return err
	}
	var base tfconfig.Tree
	if f.base != "" {
		if base, err = repo.Tree(f.base); err != nil {
			return err
		}
	}
	res, err := backendcheck.Run(cur, base, backendcheck.Options{Config: cfg, ConfigDir: cfgDir, Dirs: dirs})
	if err != nil {
		return err
	}
	if len(res.Roots) == 0 {
		return fmt.Errorf("no root module found under %s: a root module has a backend or cloud block, or configures a provider without being called as a module", strings.Join(args, ", "))
	}
	rep := backendcheck.NewReport(res, f.base, cfg, failOn, report.Tool{Name: "hiyari", Version: currentVersion()}, rules.DocURL)
	bw := bufio.NewWriter(app.IO.Out)
	if err := backendcheck.Render(bw, rep, f.format); err != nil {
		return fmt.Errorf("render %s report: %w", f.format, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if rep.Verdict.Status == "fail" {
		return &GateError{Threshold: string(failOn)}
	}
	return nil
}

// isBackendCheck reports whether id is one of the checks of hiyari backend check.
func isBackendCheck(id string) bool {
	for _, c := range backendcheck.Checks() {
		if c.ID == id {
			return true
		}
	}
	return false
}

// ruleScope says which commands report a rule id: plan review, backend check, or both.
func ruleScope(id string) string {
	var scopes []string
	if _, ok := rules.Lookup(id); ok {
		scopes = append(scopes, "plan review")
	}
	if isBackendCheck(id) {
		scopes = append(scopes, "backend check")
	}
	return strings.Join(scopes, ", ")
}

// loadScope reads --dir's configuration (for finding locations) and, with --base, the
// pull request's diff (for out_of_scope_change). Without --base a configuration hiyari
// cannot read only costs the locations, so it is a note, not an error.
func (app *App) loadScope(f *reviewFlags) (*scope.Result, error) {
	sc, err := scope.Load(app.Ctx, f.dir, f.base, app.Env.Pairs())
	if err == nil {
		return sc, nil
	}
	if f.base != "" {
		return nil, err
	}
	if !errors.Is(err, scope.ErrNoConfig) {
		fmt.Fprintf(app.IO.Err, "hiyari: note: findings carry no file locations: %v\n", err)
	}
	return nil, nil
}
