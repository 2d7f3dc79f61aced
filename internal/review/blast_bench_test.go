package review

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/blast"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/plangen"
	"github.com/hiyari-dev/hiyari/internal/render"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

// BenchmarkReviewBlast is BenchmarkReview with the blast radius (default depth) and
// the values it needs kept by the loader; compare the two for its cost.
func BenchmarkReviewBlast(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("wrong-state/%d", n), func(b *testing.B) {
			path, size := benchPlan(b, n, plangen.ScenarioWrongState)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				p, err := plan.Load(context.Background(), path, plan.LoadOptions{Retain: Retain(rules.NeedsAfter)})
				if err != nil {
					b.Fatal(err)
				}
				rep := Review(p, Options{Config: config.Default(), Env: "staging", FailOn: report.Critical, BlastDepth: blast.DefaultDepth})
				if err := render.JSON(bytes.NewBuffer(nil), rep, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
