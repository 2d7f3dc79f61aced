package cli

import (
	"fmt"
	"io/fs"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hiyari-dev/hiyari/docs"
	"github.com/hiyari-dev/hiyari/internal/backendcheck"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

func newRulesCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "List and explain hiyari's review rules"}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List every rule with its severity",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(app.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tSCOPE\tCATCHES")
			listed := map[string]bool{}
			for _, r := range rules.Registry() {
				listed[r.ID()] = true
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID(), r.Severity(), ruleScope(r.ID()), r.Summary())
			}
			for _, c := range backendcheck.Checks() {
				if !listed[c.ID] {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, ruleScope(c.ID), c.Summary)
				}
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "show ID",
		Short: "Show a rule's documentation: example, why, how to fix",
		Args:  exactArgs(1, "a rule id (see 'hiyari rules list')"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, r := range rules.Registry() {
				ids = append(ids, r.ID())
			}
			for _, c := range backendcheck.Checks() {
				ids = append(ids, c.ID)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if _, ok := rules.Lookup(id); !ok && !isBackendCheck(id) {
				return fmt.Errorf("rules show %q: no such rule; 'hiyari rules list' shows them", args[0])
			}
			page, err := fs.ReadFile(docs.Rules, "rules/"+id+".md")
			if err != nil {
				return fmt.Errorf("rules show %s: documentation missing from this build: %w", id, err)
			}
			_, err = app.IO.Out.Write(page)
			return err
		},
	})
	return cmd
}
