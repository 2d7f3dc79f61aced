package cli

import "github.com/spf13/cobra"

// newCredsCmd is the `hiyari creds` command group (explain, export, exec).
func newCredsCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "creds",
		Short: "Explain and pin the AWS credentials a process really uses",
	}
}
