package render

import (
	"encoding/json"
	"io"

	"github.com/hiyari-dev/hiyari/internal/report"
)

// JSON writes the versioned report, indented, with a trailing newline.
func JSON(w io.Writer, rep *report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
