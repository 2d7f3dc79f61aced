// Command plangen writes a deterministic, realistic AWS-shaped Terraform plan
// (`terraform show -json` format) for benchmarks and scale tests:
//
//	go run ./internal/plangen/cmd/plangen -resources 100000 -scenario wrong-state -seed 1 -o plan.json
//
// Without -o the plan goes to stdout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plangen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "plangen:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("plangen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts plangen.Options
	var path string
	fs.IntVar(&opts.Resources, "resources", 1000, "number of resource changes")
	fs.StringVar(&opts.Scenario, "scenario", plangen.ScenarioMixed, "one of "+strings.Join(plangen.Scenarios(), ", "))
	fs.Int64Var(&opts.Seed, "seed", 1, "seed; the same flags give the same bytes")
	fs.StringVar(&opts.Env, "env", "dev", "environment of the prior state")
	fs.StringVar(&opts.TargetEnv, "target-env", "staging", "environment of the configuration (wrong-state)")
	fs.StringVar(&opts.Account, "account", "123456789012", "AWS account id")
	fs.StringVar(&path, "o", "", "output file (default stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: plangen takes flags only", fs.Arg(0))
	}
	w := stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("close output: %w", cerr)
			}
		}()
		w = f
	}
	return plangen.Write(w, opts)
}
