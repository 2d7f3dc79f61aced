package blast

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
)

// BenchmarkAnalyze measures the blast radius alone on generated wrong-state plans
// (loaded once, outside the timer).
func BenchmarkAnalyze(b *testing.B) {
	kb := loadKB(b)
	keep := RetainUnchanged(kb)
	for _, n := range []int{1_000, 10_000, 100_000} {
		for _, depth := range []int{1, DefaultDepth} {
			b.Run(fmt.Sprintf("wrong-state/%d/depth-%d", n, depth), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "plan.json")
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				if err := plangen.Write(f, plangen.Options{Resources: n, Scenario: plangen.ScenarioWrongState, Seed: 1}); err != nil {
					b.Fatal(err)
				}
				f.Close()
				p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: plan.Retain{After: keep, Unchanged: keep}})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					Analyze(p, nil, kb, Options{Depth: depth})
				}
			})
		}
	}
}
