package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/review"
	"github.com/hiyari-dev/hiyari/internal/rules"
	"github.com/hiyari-dev/hiyari/internal/timing"
)

func newPlanCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Review a Terraform plan before apply",
	}
	cmd.AddCommand(newPlanReviewCmd(app))
	cmd.AddCommand(newPlanCommentCmd(app))
	return cmd
}

// reviewFlags are the flags shared by every command that reviews a plan.
type reviewFlags struct {
	format       string
	failOn       string
	env          string
	accounts     []string
	dir          string
	terraformBin string
	configPath   string
	out          string
	stateLineage string
	states       []string
	blastDepth   int
	base         string
}

func (f *reviewFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(render.Formats(), ", "))
	fl.StringVar(&f.failOn, "fail-on", "", "exit 2 when an unacknowledged finding is at or above this severity: critical, high, medium, low, never (default critical, or fail_on in .hiyari.yaml)")
	fl.StringVar(&f.env, "env", "", "the environment this directory targets, e.g. staging (default: env in .hiyari.yaml)")
	fl.StringSliceVar(&f.accounts, "account", nil, "an AWS account id the plan may touch (repeatable; default: accounts in .hiyari.yaml)")
	fl.StringVar(&f.dir, "dir", ".", "the Terraform working directory (where .hiyari.yaml is looked up and planfiles are read)")
	fl.StringVar(&f.base, "base", "", "git revision the pull request is based on (e.g. origin/main): enables out_of_scope_change, which flags changes whose configuration the diff did not touch")
	fl.StringVar(&f.terraformBin, "terraform-bin", "", "terraform or tofu binary used to read saved planfiles (default $HIYARI_TERRAFORM_BIN or terraform)")
	fl.StringVar(&f.configPath, "config", "", "path to a .hiyari.yaml (default: found in --dir or a parent)")
	fl.StringVarP(&f.out, "out", "o", "", "also write the full JSON report to this file")
	fl.StringVar(&f.stateLineage, "state-lineage", "", "lineage of the state the plan was made against, for plan JSON (a planfile records its own)")
	fl.StringArrayVar(&f.states, "state", nil, "an extra Terraform state (`terraform state pull` output) whose resources may depend on what the plan deletes (repeatable)")
	fl.IntVar(&f.blastDepth, "blast-depth", blast.DefaultDepth, "levels of dependents the blast radius follows (1: direct dependents only; 0: no blast radius)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(render.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"critical", "high", "medium", "low", "info", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// reviewed is a finished review with the settings it ran with.
type reviewed struct {
	report *report.Report
	failOn report.Severity
	// config is the .hiyari.yaml the review ran with (plan comment reads github.labels).
	config config.Config
	// timing is HIYARI_TIMINGS's recorder, nil when not asked for.
	timing *timing.Recorder
	// unpace restores the collector's pacing set after the load (gcpace.go); the
	// caller defers it once the report is out.
	unpace func()
}

// runReview loads the plan and reviews it. Errors name the input and say what to do.
func (app *App) runReview(f *reviewFlags, path string) (*reviewed, error) {
	tr := app.timing()
	if err := app.checkPlanInput(path); err != nil {
		return nil, err
	}
	var cfg config.Config
	var err error
	if f.configPath != "" {
		cfg, err = config.Load(f.configPath)
	} else {
		cfg, err = config.Find(f.dir)
	}
	if err != nil {
		return nil, err
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
		return nil, err
	}
	env, envSource := f.env, "flag"
	if env == "" {
		env, envSource = cfg.Env, "config "+cfg.Path
	}
	sid, err := app.reviewStateIdentity(f, path, cfg)
	if err != nil {
		return nil, err
	}
	if env == "" {
		env, envSource = sid.env, sid.envSource
	}
	if env == "" {
		envSource = ""
	}
	accounts := f.accounts
	if len(accounts) == 0 {
		accounts = cfg.Accounts
	}
	for _, a := range accounts {
		if !config.ValidAccountID(a) {
			return nil, fmt.Errorf("--account %q: want a 12-digit AWS account id", a)
		}
	}
	bin := f.terraformBin
	if bin == "" {
		bin = app.Env.Get("HIYARI_TERRAFORM_BIN")
	}
	states, blastDepth, retain, prelude, err := blastSettings(f, rules.NeedsAfter)
	if err != nil {
		return nil, err
	}
	tr.Stage("prepare")
	afterLoad := app.paceLoad()
	p, err := app.loadPlan(path, plan.LoadOptions{Dir: f.dir, TerraformBin: bin, Env: app.Env.Pairs(), Stdin: app.IO.In, Retain: retain, Reference: app.Env.Get("HIYARI_PLAN_DECODER") == "reference"})
	unpace := afterLoad()
	if err != nil {
		prelude.Abandon()
		unpace()
		return nil, err
	}
	tr.Stage("load")
	sc, err := app.loadScope(f)
	if err != nil {
		prelude.Abandon()
		unpace()
		return nil, err
	}
	// The report streams: the renderers wait for the blast radius (report.Await) when
	// they reach it, and the JSON report writes its findings meanwhile.
	rep := review.Stream(p, review.Options{
		Config: cfg, Env: env, EnvSource: envSource, Accounts: accounts, FailOn: failOn, ToolVersion: currentVersion(),
		Backend: sid.backend, State: sid.state, Pin: sid.pin, EnvCandidates: sid.candidates,
		States: states, BlastDepth: blastDepth, Prelude: prelude, Scope: sc, Timing: tr,
	})
	return &reviewed{report: rep, failOn: failOn, config: cfg, timing: tr, unpace: unpace}, nil
}

// colorEnabled decides colour once: CLICOLOR_FORCE forces it, NO_COLOR disables it,
// otherwise only a terminal gets it.
func (app *App) colorEnabled() bool {
	if v := app.Env.Get("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	if _, ok := app.Env.Lookup("NO_COLOR"); ok {
		return false
	}
	if app.Env.Get("TERM") == "dumb" {
		return false
	}
	return isTerminal(app.IO.Out)
}

func newPlanReviewCmd(app *App) *cobra.Command {
	f := &reviewFlags{}
	cmd := &cobra.Command{
		Use:   "review [flags] PLAN",
		Short: "Review a plan: what it deletes, whether it targets the wrong state, and what to do",
		Long: `Review a Terraform or OpenTofu plan before apply.

PLAN is the output of 'terraform show -json', '-' for stdin, or a saved planfile
('terraform plan -out=FILE', recognised by its content); for a planfile hiyari runs
'terraform show -json' itself in --dir.

Exit codes: 0 when no unacknowledged finding reaches --fail-on, 2 when one does,
1 when the review could not run (bad input, bad flags).`,
		Example: `  terraform plan -out=tfplan && hiyari plan review --env staging tfplan
  terraform show -json tfplan | hiyari plan review --format markdown -
  hiyari plan review --format json --fail-on high plan.json`,
		Args: exactArgs(1, "PLAN (a plan JSON file, a planfile, or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, err := render.Lookup(f.format)
			if err != nil {
				return err
			}
			res, err := app.runReview(f, args[0])
			if err != nil {
				return err
			}
			defer res.unpace()
			// Every input error has happened by now: the report is complete, so it is
			// streamed out rather than held in memory a second time.
			if f.out != "" {
				if err := writeJSONReport(f.out, res.report); err != nil {
					return err
				}
			}
			bw := bufio.NewWriterSize(app.IO.Out, 256<<10)
			if err := render(bw, res.report, renderOptions(app, f.format)); err != nil {
				return fmt.Errorf("render %s report: %w", f.format, err)
			}
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			res.timing.Stage("render")
			if res.report.Verdict.Status == "fail" {
				return &GateError{Threshold: string(res.failOn)}
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func renderOptions(app *App, format string) render.Options {
	return render.Options{Color: format == "text" && app.colorEnabled()}
}

// writeJSONReport writes the JSON report atomically: a reader never sees half a file.
func writeJSONReport(path string, rep *report.Report) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".hiyari-report-*")
	if err != nil {
		return fmt.Errorf("--out %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = render.JSON(bw, rep, render.Options{})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("--out %s: %w", path, err)
	}
	return nil
}

// exactArgs is cobra.ExactArgs with a message that says what the argument is.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s: want %s, got %d arguments; see '%s --help'", cmd.CommandPath(), what, len(args), cmd.CommandPath())
		}
		return nil
	}
}
