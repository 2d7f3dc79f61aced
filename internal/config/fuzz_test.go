package config

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParse feeds .hiyari.yaml parsing arbitrary documents: a configuration or an
// error naming the file, never a panic; a parsed configuration answers its queries.
func FuzzParse(f *testing.F) {
	f.Add([]byte("env: staging\naccounts: ['111111111111']\nfail_on: high\n"))
	f.Add([]byte("acknowledge:\n  - rule: mass_deletion\n    address: module.legacy.*\n    reason: retiring legacy\n"))
	f.Add([]byte("rules:\n  mass_deletion:\n    high_ratio: 0.5\n    min_deletes: 3\n  disabled: [data_resource_deleted]\n"))
	f.Add([]byte("environments:\n  prod: [production, prd]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("env: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not start with the file name: %v", err)
			}
			return
		}
		_, _ = c.Acknowledged("mass_deletion", "module.a.aws_iam_role.r")
		_ = c.RuleEnabled("environment_mismatch")
	})
}
