// Command measure runs a command several times and reports its best wall time and its
// peak resident set size, as the kernel accounts them (getrusage ru_maxrss of the child),
// so that hiyari and the tools it is compared with are measured the same way.
//
//	measure -label hiyari -runs 3 -- hiyari plan review --format json plan.json
//
// It prints one tab-separated line: label, runs, best wall seconds, peak RSS MiB, exit
// code of the last run. The command's stdout is discarded; its stderr is passed through.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("measure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	label := fs.String("label", "", "name printed in the first column (default: the command)")
	runs := fs.Int("runs", 3, "number of runs; the best wall time and the highest peak RSS are reported")
	okCodes := fs.String("ok", "0", "exit codes that count as success, comma-separated (hiyari's gate exits 2)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmdline := fs.Args()
	if len(cmdline) == 0 {
		return errors.New("no command given: measure [flags] -- COMMAND [ARGS…]")
	}
	if *label == "" {
		*label = cmdline[0]
	}
	if *runs < 1 {
		return fmt.Errorf("-runs %d: want at least 1", *runs)
	}
	allowed := map[int]bool{}
	for _, s := range splitComma(*okCodes) {
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
			return fmt.Errorf("-ok %q: %q is not an exit code", *okCodes, s)
		}
		allowed[n] = true
	}
	// Output goes to /dev/null, as `> /dev/null` and hyperfine do: through a pipe, the
	// 85 MB report of the 100k plan cost the measured tool context switches with the
	// goroutine draining it, which is the measuring program's cost, not the tool's.
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer devNull.Close()
	var best time.Duration
	var peakKiB int64
	code := 0
	for i := 0; i < *runs; i++ {
		cmd := exec.Command(cmdline[0], cmdline[1:]...)
		cmd.Stdout = devNull
		cmd.Stderr = stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		var exit *exec.ExitError
		switch {
		case err == nil:
			code = 0
		case errors.As(err, &exit):
			code = exit.ExitCode()
		default:
			return fmt.Errorf("run %s: %w", cmdline[0], err)
		}
		if !allowed[code] {
			return fmt.Errorf("%s exited %d (allowed: %s)", *label, code, *okCodes)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peakKiB {
			peakKiB = ru.Maxrss // KiB on Linux
		}
		if i == 0 || wall < best {
			best = wall
		}
	}
	fmt.Fprintf(stdout, "%s\t%d\t%.3f\t%.0f\t%d\n", *label, *runs, best.Seconds(), float64(peakKiB)/1024, code)
	return nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
