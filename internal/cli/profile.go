package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/hiyari-dev/hiyari/internal/timing"
)

// startProfiles starts the CPU profile HIYARI_CPU_PROFILE names and arranges for the
// heap profile HIYARI_MEM_PROFILE names, like Terraform's TF_CPU_PROFILE: what a user
// attaches to a report that hiyari is slow on their plan. The returned function stops
// and writes them; problems are reported on stderr and never change the exit code.
func startProfiles(app *App) func() {
	cpuPath, memPath := app.Env.Get("HIYARI_CPU_PROFILE"), app.Env.Get("HIYARI_MEM_PROFILE")
	var cpu *os.File
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err == nil {
			err = pprof.StartCPUProfile(f)
			if err != nil {
				f.Close()
			} else {
				cpu = f
			}
		}
		if err != nil {
			fmt.Fprintf(app.IO.Err, "hiyari: HIYARI_CPU_PROFILE %s: %v (no profile written)\n", cpuPath, err)
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if memPath == "" {
			return
		}
		f, err := os.Create(memPath)
		if err == nil {
			runtime.GC()
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(app.IO.Err, "hiyari: HIYARI_MEM_PROFILE %s: %v (no profile written)\n", memPath, err)
		}
	}
}

// timing returns the stage recorder HIYARI_TIMINGS asks for (any value but "" or "0"),
// writing to stderr, or nil.
func (app *App) timing() *timing.Recorder {
	if v := app.Env.Get("HIYARI_TIMINGS"); v == "" || v == "0" {
		return nil
	}
	return timing.New(app.IO.Err)
}
