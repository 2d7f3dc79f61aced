package cli

import (
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The collector's pacing after the load.
//
// A review keeps almost all of what the load allocates (the plan it reviews), and the
// collector sets its next goal from the heap it found live at its last collection.
// That collection runs part-way through the load (on the 100k wrong-state plan at
// 81-124 MB, where the load ends at 137 MB), so the goal is set too low for the plan
// the review holds. The blast radius then crosses it, and its collection marks 189 MB
// to free 21 MB: 36 ms of CPU, and the write barriers on while it runs, for memory the
// process is about to free by exiting.
//
// paceAfterLoad sets the goal to twice the heap the load leaves, which is what GOGC=100
// would give had a collection run at the end of the load and found all of it live. It
// never lowers the goal, and a GOGC the user set is left alone. The memory bound holds:
// the goal is at most twice the heap, as the default's is.

// gcPace is the pacing in force: reviews that run at once (the tests run many in one
// process) share it, and the last one to finish restores the percent it replaced.
var gcPace struct {
	sync.Mutex
	users int
	// done is closed when the pacing is set; prev is the percent it replaced.
	done chan struct{}
	prev int
}

// paceAfterLoad raises the collector's percent so that its goal is twice the heap in
// use, and returns the function that restores it. The percent is set on its own
// goroutine: a collection that is running when the load ends is waited for first (its
// live heap is the load's), and the review does not wait for it.
func (app *App) paceAfterLoad() func() {
	if _, ok := app.Env.Lookup("GOGC"); ok {
		return func() {}
	}
	gcPace.Lock()
	defer gcPace.Unlock()
	gcPace.users++
	if gcPace.users == 1 {
		done := make(chan struct{})
		gcPace.done = done
		go func() {
			defer close(done)
			// -1 returns once a collection in progress has finished, and keeps
			// another from starting until the percent is set.
			prev := debug.SetGCPercent(-1)
			p, ok := pacePercent(readHeap())
			if !ok {
				p = prev
			}
			debug.SetGCPercent(p)
			gcPace.prev = prev // read after done is closed
		}()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			gcPace.Lock()
			defer gcPace.Unlock()
			gcPace.users--
			if gcPace.users == 0 {
				<-gcPace.done
				debug.SetGCPercent(gcPace.prev)
			}
		})
	}
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
