package review

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

// benchPlan writes a generated wrong-state plan of n resources to a file shared by the
// benchmarks of one run and returns its path and size.
func benchPlan(b *testing.B, n int, scenario string) (string, int64) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "hiyari-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.json", scenario, n))
	if info, err := os.Stat(path); err == nil {
		return path, info.Size()
	}
	doc := generatedPlan(b, plangen.Options{Resources: n, Scenario: scenario, Seed: 1})
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, int64(len(doc))
}

var benchSizes = []int{1_000, 10_000, 100_000}

// cliRetain is what `hiyari plan review` keeps with the blast radius on.
var cliRetain = Retain(rules.NeedsAfter)

// BenchmarkLoad measures streaming decode alone (MB/s and allocations), keeping what
// the CLI keeps with the blast radius on.
func BenchmarkLoad(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("wrong-state/%d", n), func(b *testing.B) {
			path, size := benchPlan(b, n, plangen.ScenarioWrongState)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: cliRetain}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReview measures the whole review as the CLI runs it: load, every rule, the
// blast radius at depth 2, and the JSON report.
func BenchmarkReview(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("wrong-state/%d", n), func(b *testing.B) {
			path, size := benchPlan(b, n, plangen.ScenarioWrongState)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: cliRetain})
				if err != nil {
					b.Fatal(err)
				}
				rep := Review(p, benchOptions(2))
				if err := render.JSON(io.Discard, rep, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchOptions(depth int) Options {
	return Options{Config: config.Default(), Env: "staging", FailOn: report.Critical, BlastDepth: depth}
}

// BenchmarkRules measures the rules alone on an already loaded plan (no blast radius).
func BenchmarkRules(b *testing.B) {
	benchReviewOnly(b, 0)
}

// BenchmarkBlast measures the rules and the blast radius at depth 2 on an already
// loaded plan; less BenchmarkRules, it is the blast radius's cost.
func BenchmarkBlast(b *testing.B) {
	benchReviewOnly(b, 2)
}

func benchReviewOnly(b *testing.B, depth int) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("wrong-state/%d", n), func(b *testing.B) {
			path, _ := benchPlan(b, n, plangen.ScenarioWrongState)
			p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: cliRetain})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				Review(p, benchOptions(depth))
			}
		})
	}
}

// BenchmarkRenderJSON measures writing the JSON report of an already reviewed plan.
func BenchmarkRenderJSON(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("wrong-state/%d", n), func(b *testing.B) {
			path, _ := benchPlan(b, n, plangen.ScenarioWrongState)
			p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: cliRetain})
			if err != nil {
				b.Fatal(err)
			}
			rep := Review(p, benchOptions(2))
			b.ReportAllocs()
			for b.Loop() {
				if err := render.JSON(io.Discard, rep, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
