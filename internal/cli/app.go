// Package cli wires hiyari's commands. Nothing below this package reads os.Stdout,
// os.Getenv or calls os.Exit: the caller hands in the streams and the environment.
package cli

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// IO is the set of streams a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Env is the process environment as given by the caller, looked up without os.Getenv.
type Env map[string]string

// NewEnv builds an Env from KEY=VALUE pairs such as os.Environ().
func NewEnv(pairs []string) Env {
	e := make(Env, len(pairs))
	for _, kv := range pairs {
		if k, v, ok := strings.Cut(kv, "="); ok {
			e[k] = v
		}
	}
	return e
}

// Get returns the value of key, or "" when unset.
func (e Env) Get(key string) string { return e[key] }

// Lookup returns the value of key and whether it is set.
func (e Env) Lookup(key string) (string, bool) { v, ok := e[key]; return v, ok }

// Pairs returns the environment as KEY=VALUE pairs, for child processes.
func (e Env) Pairs() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// App carries what every command receives from main.
type App struct {
	Ctx context.Context
	IO  IO
	Env Env
}

// Main runs hiyari with args and returns the process exit code.
func Main(ctx context.Context, streams IO, args []string, environ []string) int {
	app := &App{Ctx: ctx, IO: streams, Env: NewEnv(environ)}
	defer startProfiles(app)()
	root := newRootCmd(app)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	err := root.ExecuteContext(ctx)
	return exitCode(streams.Err, err)
}

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "hiyari",
		Short: "Catch the Terraform-on-AWS near-miss before it becomes an incident",
		Long: `hiyari reviews Terraform plans before apply (what they delete, whether they run
against the wrong state, what else breaks and how to recover) and explains which
AWS credentials a process really uses.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newPlanCmd(app),
		newBackendCmd(app),
		newRulesCmd(app),
		newStateCmd(app),
		newCredsCmd(app),
		newVersionCmd(app),
	)
	return root
}
