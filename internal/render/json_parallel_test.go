package render

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// TestJSONParallelEqualsSerial: the chunked, parallel encoder writes exactly the bytes
// of one json.MarshalWrite of the report, for small reports and for lists long enough
// to be split, with hostile strings inside.
func TestJSONParallelEqualsSerial(t *testing.T) {
	big := hostileReport()
	base := big.Findings[0]
	for i := range 3*parallelMin + 17 {
		f := base
		f.Address = fmt.Sprintf("module.m[%d].aws_iam_role.r", i)
		big.Findings = append(big.Findings, f)
		big.Changes = append(big.Changes, report.Change{Address: f.Address, Action: "delete"})
	}
	empty := &report.Report{SchemaVersion: report.SchemaVersion}
	for name, rep := range map[string]*report.Report{"hostile": hostileReport(), "big": big, "empty": empty} {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			if err := JSON(&got, rep, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := serialJSON(&want, rep); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("parallel JSON differs from one MarshalWrite:\n%s", cmp.Diff(want.String(), got.String()))
			}
		})
	}
}
