package cli

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/internal/creds"
)

// newCredsCmd is the `hiyari creds` command group (explain, export, exec).
func newCredsCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "creds",
		Short: "Explain and pin the AWS credentials a process really uses",
		Long: `Explain which AWS credentials a process gets, which sources the winner shadows,
and how other contexts (another user, SSM Run Command, a Session Manager shell) would
resolve; pin one source for a command.`,
	}
	cmd.AddCommand(newCredsExplainCmd(app), newCredsExportCmd(app), newCredsExecCmd(app), newCredsSDKResolveCmd(app))
	return cmd
}

type credsCommon struct {
	passwd      string
	imdsTimeout time.Duration
}

func (c *credsCommon) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.passwd, "passwd", "", "password database to resolve users' homes from (default: the host's)")
	cmd.Flags().DurationVar(&c.imdsTimeout, "imds-timeout", creds.DefaultIMDSBudget, "time budget for the whole IMDS probe and each container endpoint probe")
}

func (c *credsCommon) contextOptions(app *App) creds.ContextOptions {
	o := creds.ContextOptions{Env: app.Env, Users: creds.SystemUsers{}, SystemUsers: true}
	if c.passwd != "" {
		o.Users = creds.PasswdFile{Path: c.passwd, UID: os.Getuid()}
		o.SystemUsers = false
	}
	return o
}

func newCredsExplainCmd(app *App) *cobra.Command {
	var (
		common   credsCommon
		contexts []string
		verify   bool
		format   string
		noSDK    bool
	)
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Show every credential source, which one wins, and what it shadows",
		Long: `Show every source the AWS SDK for Go v2 credential chain considers, in its order,
with its state, masked key id, expiry and location; which source wins (cross-checked
against the real SDK) and which usable sources it shadows; and where the AWS CLI v2
would resolve differently.

Contexts (--context, repeatable): ` + strings.Join(creds.ContextForms(), ", ") + `.`,
		Example: `  hiyari creds explain
  hiyari creds explain --context ssm-run-command --context ssm-session
  hiyari creds explain --verify --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("parse --format %q: want text or json", format)
			}
			if len(contexts) == 0 {
				contexts = []string{"current"}
			}
			co := common.contextOptions(app)
			var ctxs []creds.Context
			for _, spec := range contexts {
				c, err := creds.ParseContext(spec, co)
				if err != nil {
					return err
				}
				ctxs = append(ctxs, c)
			}
			opts := creds.Options{IMDSBudget: common.imdsTimeout, Verify: verify}
			if !noSDK {
				exe, err := os.Executable()
				if err != nil {
					return fmt.Errorf("find hiyari's own executable for the SDK cross-check: %w (use --no-sdk-check)", err)
				}
				opts.SDK = creds.ChildResolver{Command: []string{exe, "creds", "sdk-resolve"}}
			}
			rep := creds.Explain(app.Ctx, ctxs, opts)
			if format == "json" {
				return creds.RenderJSON(app.IO.Out, rep)
			}
			return creds.RenderText(app.IO.Out, rep)
		},
	}
	common.flags(cmd)
	cmd.Flags().StringArrayVar(&contexts, "context", nil, "context to explain (repeatable): "+strings.Join(creds.ContextForms(), ", "))
	cmd.Flags().BoolVar(&verify, "verify", false, "call sts:GetCallerIdentity for each source with credentials and through the SDK's chain")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&noSDK, "no-sdk-check", false, "skip the cross-check against the real SDK chain (run in a child process)")
	return cmd
}

// newCredsSDKResolveCmd is the child side of the SDK cross-check: it runs the SDK's
// default chain on its own environment and prints the answer as JSON.
func newCredsSDKResolveCmd(app *App) *cobra.Command {
	var req creds.SDKRequest
	cmd := &cobra.Command{
		Use:    "sdk-resolve",
		Short:  "Resolve credentials with the AWS SDK's default chain (internal)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return creds.RunSDKResolve(app.Ctx, app.IO.Out, req)
		},
	}
	cmd.Flags().BoolVar(&req.Verify, "verify", false, "also call sts:GetCallerIdentity")
	cmd.Flags().BoolVar(&req.Retrieve, "retrieve", false, "also retrieve credentials and print the masked key id")
	return cmd
}

// pin resolves --source in the current environment.
func pin(app *App, spec string, imdsTimeout time.Duration) (*creds.Pinned, string, error) {
	if spec == "" {
		return nil, "", fmt.Errorf("--source is required: one of %s", strings.Join(creds.SourceSpecs(), ", "))
	}
	home := app.Env.Get("HOME")
	if home == "" {
		if u, err := (creds.SystemUsers{}).Current(); err == nil {
			home = u.Home
		}
	}
	p, err := creds.PinSource(app.Ctx, spec, creds.PinOptions{Env: app.Env, Home: home, IMDSBudget: imdsTimeout, Notes: app.IO.Err})
	return p, home, err
}

func newCredsExportCmd(app *App) *cobra.Command {
	var (
		source, format string
		imdsTimeout    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "export --source SRC",
		Short: "Print one source's credentials for a shell, a .env file, or credential_process",
		Long: `Print the credentials of one source, ignoring every other source the chain would
consider. This is the only hiyari command that prints secrets, and only on stdout.

Sources: ` + strings.Join(creds.SourceSpecs(), ", ") + `
Formats: env (export lines for eval), dotenv, json (container credentials format),
process (credential_process format).

Exported credentials do not refresh; for long commands use hiyari creds exec.`,
		Example: `  eval "$(hiyari creds export --source imds)"
  hiyari creds export --source profile:ops --format process`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, _, err := pin(app, source, imdsTimeout)
			if err != nil {
				return err
			}
			return creds.Export(app.Ctx, p, format, app.IO.Out)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to export: "+strings.Join(creds.SourceSpecs(), ", "))
	cmd.Flags().StringVar(&format, "format", "env", "output format: "+strings.Join(creds.ExportFormats(), ", "))
	cmd.Flags().DurationVar(&imdsTimeout, "imds-timeout", 5*time.Second, "time budget for each IMDS fetch")
	return cmd
}

func newCredsExecCmd(app *App) *cobra.Command {
	var (
		source      string
		imdsTimeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "exec --source SRC -- CMD [ARG...]",
		Short: "Run a command with the credentials of one source only",
		Long: `Run CMD with the credentials of one source, whatever else is configured: variables
that would compete (AWS_PROFILE, static keys, web identity, container URIs) are removed,
shared files whose default profile would win are neutralised, and the region is
carried. Credentials that expire (imds, container, web-identity, role profiles) are
served to the child through a loopback container-credentials endpoint
(AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN), so long
commands keep fresh credentials. IMDSv2 is used first; an IMDSv1 fallback is stated.

The command's exit status is hiyari's; signals hiyari receives are forwarded to it.

Sources: ` + strings.Join(creds.SourceSpecs(), ", "),
		Example: `  hiyari creds exec --source imds -- aws s3 cp report.csv s3://bucket/reports/
  hiyari creds exec --source profile:ops -- terraform plan`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				return fmt.Errorf("put the command after --, e.g. hiyari creds exec --source imds -- aws sts get-caller-identity")
			}
			p, home, err := pin(app, source, imdsTimeout)
			if err != nil {
				return err
			}
			code, err := creds.Exec(app.Ctx, creds.ExecOptions{
				Pinned: p, Argv: args, Env: app.Env, Home: home,
				Stdin: app.IO.In, Stdout: app.IO.Out, Stderr: app.IO.Err, Notes: app.IO.Err,
			})
			if err != nil {
				if code != 0 {
					fmt.Fprintf(app.IO.Err, "hiyari: %v\n", err)
					return &ExitCodeError{Code: code}
				}
				return err
			}
			if code != 0 {
				return &ExitCodeError{Code: code}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to pin: "+strings.Join(creds.SourceSpecs(), ", "))
	cmd.Flags().DurationVar(&imdsTimeout, "imds-timeout", 5*time.Second, "time budget for each IMDS fetch")
	return cmd
}
