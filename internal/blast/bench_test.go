package blast

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
)

// BenchmarkAnalyze measures the blast radius alone on generated wrong-state plans
// (loaded once, outside the timer).
func BenchmarkAnalyze(b *testing.B) {
	kb := loadKB(b)
	for _, n := range []int{1_000, 10_000, 100_000} {
		for _, depth := range []int{1, DefaultDepth} {
			b.Run(fmt.Sprintf("wrong-state/%d/depth-%d", n, depth), func(b *testing.B) {
				p := wrongStatePlan(b, kb, n, 1)
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cpuTime(b)
				for b.Loop() {
					Analyze(p, nil, kb, Options{Depth: depth})
				}
				// Processor time, all goroutines together: on a shared machine it
				// varies less than wall time, and it is what the rules running
				// beside the blast radius compete for.
				b.ReportMetric(float64(cpuTime(b)-cpu)/1e6/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkScan measures the identifier scan alone: the first level's index of the
// generated wrong-state plan, tested against every candidate's values (what
// matchIdentifiers runs first), in both modes: every identifier kind (a type whose
// references may point at the causes) and ARNs and unique ids only.
func BenchmarkScan(b *testing.B) {
	kb := loadKB(b)
	p := wrongStatePlan(b, kb, 20_000, 1)
	e, _ := newEngine(p.Changes, nil, kb, Options{})
	e.plan = p
	e.prepare()
	lvl := make([]int, len(e.causes))
	for i := range lvl {
		lvl[i] = i
	}
	x := e.levelOf(lvl, 1).index
	var values [][]byte
	size := 0
	for _, o := range e.objects {
		var buf [2]plan.Value
		for _, v := range o.values(&buf) {
			values = append(values, v)
			size += len(v)
		}
	}
	for _, arnsOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("arns-only=%t", arnsOnly), func(b *testing.B) {
			b.SetBytes(int64(size))
			hits := 0
			for b.Loop() {
				hits = 0
				for _, v := range values {
					if x.mayHitKinds(v, -1, arnsOnly) {
						hits++
					}
				}
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// cpuTime is the processor time (user and system) the test process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// wrongStatePlan generates the wrong-state plan of n resources and loads it keeping
// what the blast radius reads.
func wrongStatePlan(tb testing.TB, kb *knowledge.Base, n int, seed int64) *plan.Plan {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "plan.json")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := plangen.Write(f, plangen.Options{Resources: n, Scenario: plangen.ScenarioWrongState, Seed: seed}); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	keep := RetainUnchanged(kb)
	p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: plan.Retain{After: keep, Unchanged: keep}})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
