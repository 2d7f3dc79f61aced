package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestPacePercent(t *testing.T) {
	for _, tc := range []struct {
		live, inUse uint64
		want        int
		ok          bool
	}{
		{live: 0, inUse: 50 << 20},          // nothing collected yet: the first goal is the runtime's
		{live: 100 << 20, inUse: 100 << 20}, // nothing grew since: the default's goal is twice
		{live: 100 << 20, inUse: 80 << 20},  // swept below live
		{live: 100 << 20, inUse: 150 << 20, want: 200, ok: true},
		{live: 104 << 20, inUse: 137 << 20, want: 164, ok: true}, // the 100k wrong-state plan: 274/104 rounded up
		{live: 100, inUse: 101, want: 102, ok: true},
		{live: 1 << 20, inUse: 1 << 30, want: maxPacePercent, ok: true},
	} {
		got, ok := pacePercent(tc.live, tc.inUse)
		if got != tc.want || ok != tc.ok {
			t.Errorf("pacePercent(%d, %d) = %d, %v; want %d, %v", tc.live, tc.inUse, got, ok, tc.want, tc.ok)
		}
		// The goal, live*(100+p)/100, reaches twice the heap in use unless capped.
		if ok && got < maxPacePercent && uint64(100+got)*tc.live < 200*tc.inUse {
			t.Errorf("pacePercent(%d, %d) = %d: goal %d is under twice the heap in use", tc.live, tc.inUse, got, uint64(100+got)*tc.live/100)
		}
	}
}

// gcPercent reads the collector's percent (setting it is the only way to read it).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// Not parallel: it reads and sets the process's collector percent.
func TestPaceLoadThenAfterLoadRestoresThePercent(t *testing.T) {
	orig := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(orig) })

	// A heap that grew well past what the last collection found live, as after a load.
	readHeap = func() (uint64, uint64) { return 104 << 20, 137 << 20 }
	t.Cleanup(func() { readHeap = heapNow })

	app := &App{Env: Env{}}
	afterLoad1 := app.paceLoad()
	if p := gcPercent(); p != loadPercent {
		t.Fatalf("during the load the percent is %d, want %d", p, loadPercent)
	}
	restore1 := afterLoad1()
	<-gcPace.done
	raised := gcPercent()
	if raised != 164 {
		t.Fatalf("after the load the percent is %d, want 164 (goal twice the 137 MB in use, from 104 MB live)", raised)
	}
	afterLoad2 := app.paceLoad() // a second review at once shares the pacing
	restore2 := afterLoad2()
	<-gcPace.done
	if p := gcPercent(); p != raised {
		t.Errorf("a second review changed the percent to %d, want %d kept", p, raised)
	}
	restore1()
	restore1() // restoring twice counts once
	if p := gcPercent(); p != raised {
		t.Errorf("the first review's restore set the percent to %d while another review runs, want %d", p, raised)
	}
	restore2()
	if p := gcPercent(); p != 100 {
		t.Errorf("after both reviews the percent is %d, want 100 restored", p)
	}

	// A load that leaves a heap the default's goal already covers: back to the default
	// after it, not the load's percent.
	readHeap = func() (uint64, uint64) { return 100 << 20, 90 << 20 }
	restore := app.paceLoad()()
	<-gcPace.done
	if p := gcPercent(); p != 100 {
		t.Errorf("after a load the default covers the percent is %d, want 100", p)
	}
	restore()

	// A GOGC the user set is theirs.
	user := &App{Env: Env{"GOGC": "50"}}
	debug.SetGCPercent(50)
	afterLoad := user.paceLoad()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 set the load's percent became %d, want 50 left alone", p)
	}
	restore = afterLoad()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 set the percent after the load became %d, want 50 left alone", p)
	}
	restore()
	if p := gcPercent(); p != 50 {
		t.Errorf("with GOGC=50 set the restore made the percent %d, want 50", p)
	}
}

func TestHeapNowReadsTheRuntime(t *testing.T) {
	runtime.GC()
	keep := make([]byte, 8<<20)
	keep[0] = 1
	runtime.GC()
	live, inUse := heapNow()
	if live < 8<<20 || inUse < 8<<20 {
		t.Errorf("heapNow() = %d live, %d in use; want both at least the 8 MB kept", live, inUse)
	}
	runtime.KeepAlive(keep)
}
