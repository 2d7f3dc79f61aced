// Package docs embeds hiyari's rule pages so `hiyari rules show` works offline.
package docs

import "embed"

// Rules holds docs/rules/<id>.md for every rule.
//
//go:embed rules/*.md
var Rules embed.FS
