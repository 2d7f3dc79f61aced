package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hiyari-dev/hiyari/internal/plan"
)

// DefaultTerraformTimeout bounds `terraform show -json` of a saved planfile. Terraform
// reads a plan of tens of thousands of resources in well under this; a run that takes
// longer is stuck (a wrapper script or provider plugin that never exits), and a CI job
// should fail with a reason rather than sit until the runner's own timeout.
const DefaultTerraformTimeout = 10 * time.Minute

// terraformGrace is how long a stopped terraform gets to let go of its output. A
// child it left behind (a wrapper script's terraform, a plugin) can hold the pipe
// open after terraform itself is killed; hiyari does not wait for it beyond this.
const terraformGrace = 5 * time.Second

// terraformTimeout is HIYARI_TERRAFORM_TIMEOUT, or DefaultTerraformTimeout.
func (app *App) terraformTimeout() (time.Duration, error) {
	v := strings.TrimSpace(app.Env.Get("HIYARI_TERRAFORM_TIMEOUT"))
	if v == "" {
		return DefaultTerraformTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("HIYARI_TERRAFORM_TIMEOUT %q: want a positive duration such as 10m or 90s", v)
	}
	return d, nil
}

// loadPlan is plan.Load with the terraform child bounded: past the timeout (or on
// interrupt) terraform is stopped and the review fails saying so, within a short grace
// even when something terraform started still holds its output open. Plan JSON needs
// no terraform and is read to its end.
func (app *App) loadPlan(path string, opts plan.LoadOptions) (*plan.Plan, error) {
	timeout, err := app.terraformTimeout()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(app.Ctx, timeout)
	defer cancel()
	type loaded struct {
		p   *plan.Plan
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		p, err := plan.Load(ctx, path, opts)
		done <- loaded{p, err}
	}()
	// Plan JSON is decoded without terraform and is not bounded here (a slow pipe into
	// stdin is the pipeline's to bound); only a planfile is given up on.
	planfile := path != "-" && isZipFile(path)
	var res loaded
	select {
	case res = <-done:
	case <-ctx.Done():
		if !planfile {
			res = <-done
			break
		}
		select {
		case res = <-done:
		case <-time.After(terraformGrace):
			// The load is abandoned: hiyari exits with the error below, which
			// ends it.
			res = loaded{err: ctx.Err()}
		}
	}
	if res.err == nil || ctx.Err() == nil {
		return res.p, res.err
	}
	name := path
	if path == "-" {
		name = "stdin"
	}
	bin := opts.TerraformBin
	if bin == "" {
		bin = "terraform"
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && app.Ctx.Err() == nil {
		return nil, fmt.Errorf("%s: `%s show -json` did not finish within %s and was stopped; run it by hand in %s to see where it hangs (a wrapper script or provider plugin that never exits?), or raise HIYARI_TERRAFORM_TIMEOUT for a very large plan",
			name, filepath.Base(bin), timeout, opts.Dir)
	}
	return nil, fmt.Errorf("%s: interrupted while `%s show -json` ran; it was stopped", name, filepath.Base(bin))
}
