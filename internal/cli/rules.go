package cli

import "github.com/spf13/cobra"

func newRulesCmd(app *App) *cobra.Command {
	return &cobra.Command{Use: "rules", Short: "List and explain hiyari's review rules"}
}
