package cli

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The collector's pacing during and after the load.
//
// A review keeps almost all of what the load allocates (the plan it reviews): on the
// 100k wrong-state plan the load allocates 138 MB and leaves 135 MB in use. At the
// default GOGC=100 the collector still runs six or seven times while the heap grows
// (at 4, 7, 8, 15, 30, 60 and 120 MB), each cycle marking everything read so far to
// free next to nothing: 72-85 ms of CPU (GODEBUG=gctrace=1), with the write barriers
// on and a quarter of the cores taken while it marks.
//
// paceLoad sets GOGC to loadPercent while the plan is read, so the load runs one cycle
// (at about 40 MB, 9 ms of CPU). That bounds no memory the default would have freed,
// since the load makes almost no garbage; it only skips cycles that free nothing.
//
// The collector sets its next goal from the heap it found live at its last cycle, and
// that cycle runs part-way through the load, so after the load the goal would be wrong
// either way: far too high at loadPercent, and too low at the default (the blast
// radius would cross it, and its cycle mark 189 MB to free 21 MB: 36 ms of CPU).
// paceAfterLoad sets the goal to twice the heap the load leaves, which is what GOGC=100
// would give had a cycle run at the end of the load and found all of it live. It
// never lowers the goal below the default's, and a GOGC the user set is left alone.
// The memory bound holds: the goal is at most twice the heap, as the default's is.

// loadPercent is the collector's percent while a plan is read.
const loadPercent = 1000

// gcPace is the pacing in force: reviews that run at once (the tests run many in one
// process) share it, and the last one to finish restores the percent it replaced.
var gcPace struct {
	sync.Mutex
	users int
	// done is closed when the pacing after a load is set; prev is the percent the
	// first review replaced.
	done chan struct{}
	prev int
}

// paceLoad raises the collector's percent for the load (see loadPercent) and returns
// the function to call when the load is done, which sets the pacing after it (see
// paceAfterLoad) and returns the function that restores the percent. A GOGC the user
// set is left alone.
func (app *App) paceLoad() (afterLoad func() (restore func())) {
	if _, ok := app.Env.Lookup("GOGC"); ok {
		return func() func() { return func() {} }
	}
	gcPace.Lock()
	gcPace.users++
	if gcPace.users == 1 {
		gcPace.prev = debug.SetGCPercent(loadPercent)
		gcPace.done = nil
	}
	gcPace.Unlock()
	var once sync.Once
	restore := func() {
		once.Do(func() {
			gcPace.Lock()
			defer gcPace.Unlock()
			gcPace.users--
			if gcPace.users == 0 {
				if gcPace.done != nil {
					<-gcPace.done
				}
				debug.SetGCPercent(gcPace.prev)
			}
		})
	}
	return func() func() {
		paceAfterLoad()
		return restore
	}
}

// paceAfterLoad sets the collector's percent so that its goal is twice the heap in
// use, or back to the percent the load replaced when that goal would be lower. The
// percent is set on its own goroutine: a cycle that is running when the load ends is
// waited for first (its live heap is the load's), and the review does not wait for it.
func paceAfterLoad() {
	gcPace.Lock()
	defer gcPace.Unlock()
	if gcPace.done != nil {
		return // another review's load set it
	}
	done := make(chan struct{})
	gcPace.done = done
	prev := gcPace.prev
	go func() {
		defer close(done)
		// -1 returns once a collection in progress has finished, and keeps
		// another from starting until the percent is set.
		debug.SetGCPercent(-1)
		p, ok := pacePercent(readHeap())
		if !ok || prev < 0 || p < prev {
			p = prev
		}
		debug.SetGCPercent(p)
	}()
}

// readHeap is heapNow; the tests give the heap sizes they need.
var readHeap = heapNow

// heapNow is the heap found live at the last collection and the heap in use now (live
// objects and those not yet swept), in bytes; zero when the runtime lacks a figure.
func heapNow() (live, inUse uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0, 0
		}
	}
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

// maxPacePercent bounds the percent paceAfterLoad sets, for a heap that grew many times
// over since its last collection.
const maxPacePercent = 1000

// pacePercent is the GOGC percent whose goal, from a live heap of live bytes at the last
// collection, is twice inUse; ok is false when the default's goal is already as high
// (or nothing has been collected yet).
func pacePercent(live, inUse uint64) (int, bool) {
	if live == 0 || inUse <= live {
		return 0, false
	}
	p := (200*inUse + live - 1) / live // ceil(100 * 2*inUse/live)
	p -= 100
	if p <= 100 {
		return 0, false
	}
	return int(min(p, maxPacePercent)), true
}
