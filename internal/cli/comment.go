package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/internal/github"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// commentFlags are the flags of plan comment beyond the review flags.
type commentFlags struct {
	review reviewFlags
	repo   string
	pr     int
	target string
	dryRun bool
}

// commentHooks replace the network and the clock in tests; the zero value is
// the real thing.
type commentHooks struct {
	httpClient     *http.Client
	sleep          func(ctx context.Context, d time.Duration) error
	requestTimeout time.Duration
}

func newPlanCommentCmd(app *App) *cobra.Command {
	return newPlanCommentCmdWith(app, commentHooks{})
}

func newPlanCommentCmdWith(app *App, hooks commentHooks) *cobra.Command {
	f := &commentFlags{}
	cmd := &cobra.Command{
		Use:   "comment [flags] PLAN",
		Short: "Review a plan and keep one sticky comment and labels on the pull request",
		Long: `Review a plan as 'plan review' does and publish it on a GitHub pull request:
one comment per target (found again by a hidden marker and edited in place; an
unchanged review writes nothing), outcome and risk labels, and the full report in
the job summary (GITHUB_STEP_SUMMARY) and in --out.

The comment stays within GitHub's 65,536-character limit: when the review is
larger, the lowest-value detail goes first (change list rows, drift, evidence of
minor findings, blast-radius rows, address lists) and a note says what was left
out and where the full report is. No finding and no runbook step is cut.

GitHub settings come from the Actions environment: GITHUB_TOKEN (or GH_TOKEN),
GITHUB_REPOSITORY, the pull request in the event at GITHUB_EVENT_PATH,
GITHUB_API_URL and GITHUB_SERVER_URL; --repo and --pr win over them. The token
needs pull-requests: write and issues: write.

--format prints the report to stdout as well (e.g. --format github for workflow
annotations); the one-line result then goes to stderr.

Exit codes as 'plan review': the gate applies after the comment is posted, so a
failing plan still gets its comment. An error before posting posts nothing.`,
		Example: `  # in a workflow step with GITHUB_TOKEN set
  hiyari plan comment --env staging --out hiyari-report.json tfplan
  # a matrix job over root modules: one comment each
  hiyari plan comment --dir envs/prod --target envs/prod tfplan
  # see the comment without calling GitHub
  hiyari plan comment --dry-run plan.json`,
		Args: exactArgs(1, "PLAN (a plan JSON file, a planfile, or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := app.runComment(cmd, f, hooks, args[0])
			var gate *GateError
			if err == nil || errors.As(err, &gate) {
				return err
			}
			return redactTokens(app.Env, err)
		},
	}
	f.review.register(cmd)
	fl := cmd.Flags()
	// plan comment prints no report unless --format is given.
	if format := fl.Lookup("format"); format != nil {
		format.Usage = "also print the report to stdout in this format, e.g. github for workflow annotations: " + strings.Join(render.Formats(), ", ")
		format.DefValue = ""
	}
	fl.StringVar(&f.repo, "repo", "", "the repository, OWNER/NAME (default $GITHUB_REPOSITORY)")
	fl.IntVar(&f.pr, "pr", 0, "the pull request number (default: from the event at $GITHUB_EVENT_PATH)")
	fl.StringVar(&f.target, "target", "", `name of this root module in the comment marker and labels (default: --dir relative to the repository, plus " (workspace: NAME)" outside the default workspace)`)
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the comment to stdout and call nothing on GitHub (--out is still written)")
	return cmd
}

// runComment reviews, renders and publishes. Everything that can fail on bad
// input fails before the first API call.
func (app *App) runComment(cmd *cobra.Command, f *commentFlags, hooks commentHooks, planPath string) error {
	var extra render.Renderer
	if cmd.Flags().Changed("format") {
		r, err := render.Lookup(f.review.format)
		if err != nil {
			return err
		}
		extra = r
	}
	var cfg github.Config
	if !f.dryRun {
		var err error
		cfg, err = github.ConfigFromEnv(app.Env, github.FlagOverrides{Repo: f.repo, PR: f.pr, Target: f.target})
		if err != nil {
			return err
		}
	}

	res, err := app.runReview(&f.review, planPath)
	if err != nil {
		return err
	}
	defer res.unpace()
	rep := res.report
	rep.Await() // the comment is built from the whole report
	target := f.target
	if target == "" {
		target = defaultTarget(app.Env, f.review.dir)
	}
	names := res.config.GitHub.Labels
	if err := names.Check(target); err != nil {
		return err
	}

	// The comment points at the run's job summary when there is one.
	runURL := ""
	if summaryPath := app.Env.Get("GITHUB_STEP_SUMMARY"); summaryPath != "" {
		runURL = runLink(app.Env, cfg)
	}
	var body bytes.Buffer
	fit, err := render.MarkdownBounded(&body, rep, render.Bounds{
		Budget:         github.BodyBudget(target),
		Measure:        github.CountGitHubChars,
		LimitName:      fmt.Sprintf("GitHub's %s-character comment limit", commaInt(github.CommentLimit)),
		FullReportURL:  runURL,
		FullReportFile: f.review.out,
	})
	if err != nil {
		return fmt.Errorf("render comment for %s: %w", target, err)
	}
	if f.review.out != "" {
		if err := writeJSONReport(f.review.out, rep); err != nil {
			return err
		}
	}

	out, info := app.IO.Out, app.IO.Out
	if extra != nil {
		info = app.IO.Err
	}
	if f.dryRun {
		fmt.Fprintf(out, "%s\n%s", github.Marker(target), body.String())
		if extra != nil {
			if err := writeRendered(out, extra, rep, app, f.review.format); err != nil {
				return err
			}
		}
		fmt.Fprintf(app.IO.Err, "dry run: comment for %s not posted (%d characters%s); labels: %s\n",
			target, fit.Size, shortenedNote(fit), labelList(github.OutcomeLabels(github.OutcomeFromReport(rep, target), names)))
		return gateResult(res)
	}

	if path := app.Env.Get("GITHUB_STEP_SUMMARY"); path != "" {
		if err := writeSummary(path, rep, f.review.out); err != nil {
			return err
		}
	}

	cfg.HTTPClient = hooks.httpClient
	cfg.Sleep = hooks.sleep
	cfg.RequestTimeout = hooks.requestTimeout
	client, err := github.New(cfg)
	if err != nil {
		return err
	}
	posted, err := client.UpsertComment(app.Ctx, target, body.String())
	if err != nil {
		return err
	}
	var labels github.LabelResult
	if !names.Disable {
		want := github.OutcomeLabels(github.OutcomeFromReport(rep, target), names)
		labels, err = client.SyncLabels(app.Ctx, want, github.ManagedLabels(target, names))
		if err != nil {
			return fmt.Errorf("comment %s %s, but labels failed: %w", posted.Action, posted.URL, err)
		}
	}
	if extra != nil {
		if err := writeRendered(out, extra, rep, app, f.review.format); err != nil {
			return err
		}
	}
	dups := ""
	if len(posted.Deleted) > 0 {
		dups = fmt.Sprintf(", %d duplicate comments from concurrent runs deleted", len(posted.Deleted))
	}
	fmt.Fprintf(info, "comment %s for %s: %s (%d characters%s%s); %s\n",
		posted.Action, target, posted.URL, posted.Chars, shortenedNote(fit), dups, labelChanges(labels, names.Disable))
	return gateResult(res)
}

func gateResult(res *reviewed) error {
	if res.report.Verdict.Status == "fail" {
		return &GateError{Threshold: string(res.failOn)}
	}
	return nil
}

func writeRendered(w io.Writer, r render.Renderer, rep *report.Report, app *App, format string) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := r(bw, rep, renderOptions(app, format)); err != nil {
		return fmt.Errorf("render %s report: %w", format, err)
	}
	return bw.Flush()
}

// writeSummary appends the report to the job summary, bounded by what the step
// may still write there (GitHub drops a step's whole summary above 1 MiB).
func writeSummary(path string, rep *report.Report, outFile string) error {
	room, err := github.StepSummaryRoom(path)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	if _, err := render.MarkdownBounded(&md, rep, render.Bounds{
		Budget:         room,
		Measure:        func(s string) int { return len(s) },
		LimitName:      "GitHub's 1 MiB step-summary limit",
		FullReportFile: outFile,
	}); err != nil {
		var be *render.BudgetError
		if !errors.As(err, &be) {
			return fmt.Errorf("write step summary: %w", err)
		}
		// Earlier steps filled the summary: WriteStepSummary writes what fits
		// of the full report and says what it left out.
		md.Reset()
		if err := render.Markdown(&md, rep, render.Options{}); err != nil {
			return fmt.Errorf("write step summary: %w", err)
		}
	}
	_, err = github.WriteStepSummary(path, md.String())
	return err
}

// runLink is the web address of this workflow run, whose job summary holds the
// full report; "" outside Actions.
func runLink(env Env, cfg github.Config) string {
	id := env.Get("GITHUB_RUN_ID")
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	server := strings.TrimRight(env.Get("GITHUB_SERVER_URL"), "/")
	if server == "" {
		server = cfg.ServerURL
	}
	repo := env.Get("GITHUB_REPOSITORY")
	if repo == "" && cfg.Owner != "" {
		repo = cfg.Owner + "/" + cfg.Repo
	}
	if server == "" || repo == "" {
		return ""
	}
	link := server + "/" + repo + "/actions/runs/" + id
	if a := env.Get("GITHUB_RUN_ATTEMPT"); a != "" && a != "1" && strings.Trim(a, "0123456789") == "" {
		link += "/attempts/" + a
	}
	return link
}

// defaultTarget names a root module by its directory relative to the
// repository (GITHUB_WORKSPACE, else the enclosing git work tree), and its
// workspace when not the default: "envs/staging (workspace: blue)".
func defaultTarget(env Env, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	name := abs
	base := env.Get("GITHUB_WORKSPACE")
	if base == "" {
		base = gitRoot(abs)
	}
	if base != "" {
		if b, err := filepath.Abs(base); err == nil {
			if rel, err := filepath.Rel(b, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				name = rel
			}
		}
	}
	name = filepath.ToSlash(name)
	if ws := workspace(env, abs); ws != "default" {
		name += " (workspace: " + ws + ")"
	}
	return name
}

// workspace is the Terraform workspace selected for dir: TF_WORKSPACE, else the
// one terraform workspace select recorded in the data directory.
func workspace(env Env, dir string) string {
	if ws := strings.TrimSpace(env.Get("TF_WORKSPACE")); ws != "" {
		return ws
	}
	data := env.Get("TF_DATA_DIR")
	if data == "" {
		data = ".terraform"
	}
	if !filepath.IsAbs(data) {
		data = filepath.Join(dir, data)
	}
	raw, err := os.ReadFile(filepath.Join(data, "environment"))
	if ws := strings.TrimSpace(string(raw)); err == nil && ws != "" && !strings.ContainsAny(ws, "\n\r") {
		return ws
	}
	return "default"
}

// gitRoot is the nearest directory at or above dir holding .git, or "".
func gitRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// redactTokens removes the GitHub tokens of env from an error's text. The
// github package already scrubs its errors; this also covers errors from
// anywhere else on the way (a configuration or file error that echoed one).
func redactTokens(env Env, err error) error {
	msg := err.Error()
	redacted := msg
	for _, k := range []string{"GITHUB_TOKEN", "GH_TOKEN"} {
		if tok := env.Get(k); len(tok) >= 4 {
			redacted = strings.ReplaceAll(redacted, tok, "[redacted]")
		}
	}
	if redacted == msg {
		return err
	}
	return errors.New(redacted)
}

func shortenedNote(fit render.Fit) string {
	if !fit.Shortened {
		return ""
	}
	return ", shortened: left out " + strings.Join(fit.Omitted, "; ")
}

func labelList(ls []github.Label) string {
	if len(ls) == 0 {
		return "none"
	}
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.Name
	}
	return strings.Join(names, ", ")
}

func labelChanges(r github.LabelResult, disabled bool) string {
	if disabled {
		return "labels off (github.labels.disable)"
	}
	var parts []string
	if len(r.Added) > 0 {
		parts = append(parts, "labels added: "+strings.Join(r.Added, ", "))
	}
	if len(r.Removed) > 0 {
		parts = append(parts, "labels removed: "+strings.Join(r.Removed, ", "))
	}
	if len(parts) == 0 {
		return "labels unchanged"
	}
	return strings.Join(parts, "; ")
}

// commaInt writes n with thousands separators.
func commaInt(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
