package render

import (
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// JSON writes the versioned report, indented, with a trailing newline. It streams to w
// rather than building the document in memory: a 100,000-change report is tens of MB.
func JSON(w io.Writer, rep *report.Report, _ Options) error {
	if err := json.MarshalWrite(w, rep,
		jsontext.WithIndent("  "),
		jsontext.EscapeForHTML(false),
		json.Deterministic(true),
		json.FormatNilSliceAsNull(false),
	); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
