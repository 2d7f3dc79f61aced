package report

import (
	"reflect"
	"sync"
	"testing"
)

// Await runs the deferred fill exactly once, however many goroutines call it, and
// every one of them returns after it has run.
func TestAwaitFillsOnce(t *testing.T) {
	var r Report
	r.Await() // a report made whole: nothing to wait for
	calls := 0
	r.Defer(func() {
		calls++
		r.BlastRadius = []Impact{{Cause: "aws_iam_role.a"}}
	})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r.Await()
			if len(r.BlastRadius) != 1 {
				t.Error("Await returned before the fill ran")
			}
		})
	}
	wg.Wait()
	if calls != 1 {
		t.Errorf("fill ran %d times, want 1", calls)
	}
}

// The fields Deferred names are Report's own, three of them: a renamed field cannot
// silently stop being awaited.
func TestDeferredNamesReportFields(t *testing.T) {
	rt := reflect.TypeFor[Report]()
	n := 0
	for i := range rt.NumField() {
		if Deferred(rt.Field(i).Name) {
			n++
		}
	}
	if n != 3 {
		t.Errorf("Deferred names %d of Report's fields, want 3 (BlastRadius, Runbook, BlastSummary)", n)
	}
	for _, name := range []string{"Findings", "Verdict", "Labels", "Changes"} {
		if Deferred(name) {
			t.Errorf("Deferred(%q): that field is made before a review returns", name)
		}
	}
}
