package creds

// SchemaVersion is the version of the JSON report (docs/creds-json.md). It changes
// only when a field is removed or its meaning changes; new fields keep the version.
const SchemaVersion = "1"

// Report is the explanation of one or more contexts with the findings across them.
type Report struct {
	// Contexts are the explained contexts in the order asked for.
	Contexts []ContextReport
	// Findings are sorted by severity, most severe first.
	Findings []Finding
}
