package creds

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ExportFormats lists the formats Export writes.
func ExportFormats() []string { return []string{"env", "dotenv", "json", "process"} }

// Export writes the pinned source's current credentials to w. This is the one place
// secrets are written, and only to w (stdout).
func Export(ctx context.Context, p *Pinned, format string, w io.Writer) error {
	switch format {
	case "env", "dotenv", "json", "process":
	default:
		return fmt.Errorf("parse --format %q: use one of %s", format, strings.Join(ExportFormats(), ", "))
	}
	prov := p.Provider
	if p.raw != nil {
		prov = p.raw
	}
	c, err := prov.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("get credentials from %s: %w", p.Spec, err)
	}
	vars := map[string]string{"AWS_ACCESS_KEY_ID": c.AccessKeyID, "AWS_SECRET_ACCESS_KEY": c.SecretAccessKey}
	if c.SessionToken != "" {
		vars["AWS_SESSION_TOKEN"] = c.SessionToken
	}
	exp := ""
	if c.CanExpire {
		exp = c.Expires.UTC().Format(time.RFC3339)
		vars["AWS_CREDENTIAL_EXPIRATION"] = exp
	}
	if p.Region != "" {
		vars["AWS_REGION"], vars["AWS_DEFAULT_REGION"] = p.Region, p.Region
	}
	var b strings.Builder
	switch format {
	case "env":
		for _, k := range sortedKeys(vars) {
			fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(vars[k]))
		}
	case "dotenv":
		for _, k := range sortedKeys(vars) {
			fmt.Fprintf(&b, "%s=%s\n", k, vars[k])
		}
	case "json":
		doc := map[string]string{"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey, "Token": c.SessionToken}
		if exp != "" {
			doc["Expiration"] = exp
		}
		if err := writeIndented(&b, doc); err != nil {
			return err
		}
	case "process":
		doc := map[string]any{"Version": 1, "AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey}
		if c.SessionToken != "" {
			doc["SessionToken"] = c.SessionToken
		}
		if exp != "" {
			doc["Expiration"] = exp
		}
		if err := writeIndented(&b, doc); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	return nil
}

func writeIndented(b *strings.Builder, v any) error {
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode credentials: %w", err)
	}
	return nil
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:+=@,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
