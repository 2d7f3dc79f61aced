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
	cmd.AddCommand(newCredsExplainCmd(app), newCredsSDKResolveCmd(app))
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
	var verify bool
	cmd := &cobra.Command{
		Use:    "sdk-resolve",
		Short:  "Resolve credentials with the AWS SDK's default chain (internal)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return creds.RunSDKResolve(app.Ctx, app.IO.Out, verify)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "also call sts:GetCallerIdentity")
	return cmd
}
