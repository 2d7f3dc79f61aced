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

// sliceChanges is a change list made on demand from a slice.
type sliceChanges []report.Change

func (l sliceChanges) Len() int { return len(l) }

func (l sliceChanges) Fill(lo int, dst []report.Change) { copy(dst, l[lo:]) }

// TestChangesOnDemand: a report whose change list is made on demand renders in every
// format exactly as the same report holding the list, short lists and long ones, and
// its JSON is one MarshalWrite of the whole report.
func TestChangesOnDemand(t *testing.T) {
	for _, n := range []int{0, 3, 3*parallelMin + 17} {
		held := hostileReport()
		held.Changes = held.Changes[:0]
		for i := range n {
			held.Changes = append(held.Changes, report.Change{Address: fmt.Sprintf("module.m[%d].aws_iam_role.r", i), Action: "delete", Actions: "delete", Type: "aws_iam_role"})
		}
		onDemand := *held
		onDemand.SetChangeList(sliceChanges(held.Changes))
		if onDemand.Changes != nil || !onDemand.ChangesOnDemand() || onDemand.NumChanges() != n {
			t.Fatalf("SetChangeList: Changes %v, on demand %v, %d changes", onDemand.Changes, onDemand.ChangesOnDemand(), onDemand.NumChanges())
		}
		for _, format := range []string{"json", "text", "markdown"} {
			want, got := render(t, format, held, Options{}), render(t, format, &onDemand, Options{})
			if got != want {
				t.Errorf("%d changes, %s: on demand differs:\n%s", n, format, cmp.Diff(want, got))
			}
		}
		var serial bytes.Buffer
		if err := serialJSON(&serial, &onDemand); err != nil {
			t.Fatal(err)
		}
		if got := render(t, "json", &onDemand, Options{}); got != serial.String() {
			t.Errorf("%d changes: JSON differs from one MarshalWrite:\n%s", n, cmp.Diff(serial.String(), got))
		}
	}
}
