// Package timing reports how long each stage of a command took, for HIYARI_TIMINGS:
// what a user looks at first when hiyari is slow on their plan, before a profile.
package timing

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// Recorder writes one line per stage to W: the stage's wall time, the CPU time the
// process spent in it (all threads: twice the wall time keeps two cores busy), the
// bytes it allocated and the heap in use after it. A nil *Recorder records nothing,
// so callers need not check whether timings were asked for.
type Recorder struct {
	w     io.Writer
	start time.Time
	last  time.Time
	// cpu is the process's CPU time at the end of the previous stage.
	cpu time.Duration
	// alloc is the bytes allocated in total at the end of the previous stage.
	alloc uint64
}

// New returns a Recorder writing to w, starting its clock now.
func New(w io.Writer) *Recorder {
	now := time.Now()
	return &Recorder{w: w, start: now, last: now, cpu: cpuTime()}
}

// Stage ends the stage named name (it began at the previous Stage or at New).
func (r *Recorder) Stage(name string) {
	if r == nil {
		return
	}
	now, cpu := time.Now(), cpuTime()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(r.w, "hiyari: timing: %-8s %6.3f s  cpu %6.3f s  (total %6.3f s, allocated %4d MB, heap in use %4d MB, GC cycles %d)\n",
		name, now.Sub(r.last).Seconds(), (cpu - r.cpu).Seconds(), now.Sub(r.start).Seconds(), (ms.TotalAlloc-r.alloc)>>20, ms.HeapInuse>>20, ms.NumGC)
	r.last, r.alloc, r.cpu = now, ms.TotalAlloc, cpu
}
