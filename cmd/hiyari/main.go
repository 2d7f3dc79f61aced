// Command hiyari reviews Terraform plans before apply and explains AWS credentials.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hiyari-dev/hiyari/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:], os.Environ())
	stop()
	os.Exit(code)
}
