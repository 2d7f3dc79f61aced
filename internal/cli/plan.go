package cli

import "github.com/spf13/cobra"

func newPlanCmd(app *App) *cobra.Command {
	return &cobra.Command{Use: "plan", Short: "Review a Terraform plan before apply"}
}
