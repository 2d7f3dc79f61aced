package tfconfig

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// fuzzCanary is planted as the value of credential settings in the seeds; wherever the
// fuzzer moves it, when it is still only ever a credential's value it must not come out
// of backend extraction, neither in a setting nor in an error.
const fuzzCanary = "CANARYtfconfigSECRET0123456789abcdefXYZ"

// fuzzSeeds are backend blocks and partial configuration files: every kind the unit
// tests read, with the canary as their credentials.
var fuzzSeeds = []struct {
	src     string
	json    bool
	partial string
}{
	{src: `terraform {
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "envs/dev/terraform.tfstate"
    region     = "ap-northeast-1"
    access_key = "` + fuzzCanary + `"
    secret_key = "` + fuzzCanary + `"
    endpoints  = { s3 = "http://127.0.0.1:9000", token = "` + fuzzCanary + `" }
    assume_role {
      role_arn      = "arn:aws:iam::111122223333:role/tf"
      session_token = "` + fuzzCanary + `"
    }
  }
}
`, partial: `bucket = "acme-tfstate"
key = "envs/stg/terraform.tfstate"
secret_key = "` + fuzzCanary + `"
`},
	{src: `terraform {
  backend "s3" {
    bucket = var.bucket
    key    = "${local.env}/terraform.tfstate"
    assume_role = { role_arn = var.role, session_token = "` + fuzzCanary + `" }
    allowed_account_ids = [for a in var.accounts : a]
  }
}
`},
	{src: `terraform {
  backend "remote" {
    organization = "acme"
    token        = "` + fuzzCanary + `"
    workspaces {
      prefix = "app-"
    }
  }
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
`},
	{src: "terraform {\n  cloud {\n    organization = \"acme\"\n    hostname = \"tfe.example.com\"\n    token = <<EOT\n" + fuzzCanary + "\nEOT\n    workspaces {\n      tags = [\"app\"]\n    }\n  }\n}\n"},
	{src: "terraform {\n  backend \"gcs\" {\n    bucket = \"tf\"\n    prefix = \"prod/app\"\n    credentials = \"{\\\"private_key\\\": \\\"" + fuzzCanary + "\\\"}\"\n  }\n}\n"},
	{src: "terraform {\n  backend \"http\" {\n    address = \"https://tf.example.com/state/app\"\n    password = \"" + fuzzCanary + "\"\n  }\n}\n"},
	{src: "terraform {\n  backend \"azurerm\" {\n    storage_account_name = \"acmetf\"\n    container_name = \"tfstate\"\n    key = \"prod.terraform.tfstate\"\n    client_secret = \"" + fuzzCanary + "\"\n    sas_token = 1\n  }\n}\n"},
	{src: "terraform {\n  backend \"local\" {\n    path = \"state/app.tfstate\"\n  }\n}\nterraform {\n  backend \"local\" {}\n}\n"},
	{src: `{"terraform": {"backend": {"s3": {"bucket": "j", "key": "json/terraform.tfstate",
  "secret_key": "` + fuzzCanary + `", "endpoints": {"s3": "http://x"}, "assume_role": [{"session_token": "` + fuzzCanary + `"}]}}}}`, json: true},
	{src: `{"terraform": [{"backend": [{"s3": [{"bucket": "${var.b}", "token": "` + fuzzCanary + `"}]}]}]}`, json: true},
	{src: "", partial: "bucket = \"b\"\nkey = \"k\"\nendpoints = {\n  s3 = \"http://x\"\n}\nsecret_key = \"" + fuzzCanary + "\"\n"},
	{src: "terraform {\n  backend \"s3\" {\n", partial: "key = [\n"},
	{src: "terraform { backend {} }\nterraform { backend \"a\" \"b\" {} }\n", partial: "= 1"},
}

// FuzzBackend feeds backend extraction arbitrary configuration files (native syntax or
// JSON) and -backend-config files, seeded with the unit tests' blocks, the example and
// incident configurations. Every input gives a module or an error naming the file,
// never a panic; every credential setting is redacted; and the canary, while the seeds'
// mutations keep it as a credential's value, never comes out.
func FuzzBackend(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.src, s.json, s.partial)
	}
	root := repotest.Root(f)
	for _, dir := range []string{"examples", filepath.Join("scripts", "incident"), filepath.Join("scripts", "fixtures")} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json") || strings.HasSuffix(p, ".tfbackend")) {
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if strings.HasSuffix(p, ".tfbackend") {
					f.Add("", false, string(src))
				} else {
					f.Add(string(src), strings.HasSuffix(p, ".json"), "")
				}
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, src string, isJSON bool, partial string) {
		file := "envs/x/main.tf"
		if isJSON {
			file += ".json"
		}
		const partialFile = "envs/x/x.tfbackend"
		tr := tree(map[string]string{file: src, partialFile: partial})
		check := canaryOnlySecret([]byte(src), isJSON) && canaryOnlySecret([]byte(partial), false)
		leak := func(what, s string) {
			t.Helper()
			if check && strings.Contains(s, fuzzCanary) {
				t.Fatalf("a credential came out in %s: %s", what, s)
			}
		}
		m, err := LoadModule(tr, "envs/x")
		if err != nil {
			if !strings.Contains(err.Error(), file) {
				t.Fatalf("error does not name %s: %v", file, err)
			}
			leak("the error", err.Error())
			return
		}
		b := m.Backend
		if b == nil {
			b = &Backend{Type: "s3", Settings: map[string]Value{}}
		} else if b.Location.File != file || b.Location.Lines.Start < 1 || b.Location.Lines.End < b.Location.Lines.Start {
			t.Fatalf("backend location %+v", b.Location)
		}
		if err := b.MergeConfigFile(tr, partialFile); err != nil {
			if !strings.Contains(err.Error(), partialFile) {
				t.Fatalf("error does not name %s: %v", partialFile, err)
			}
			leak("the error", err.Error())
		}
		for _, n := range b.Names() {
			v := b.Settings[n]
			if IsSecretSetting(n) && (v.Text != Redacted || !v.Secret) {
				t.Fatalf("credential setting %s kept: %+v", n, v)
			}
			_ = SettingWeight(b.Type, n)
		}
		for _, ws := range []string{"", "default", "blue"} {
			id, _ := b.StateID(m.Dir, ws)
			leak("the state id", id)
		}
		name, value := b.Key()
		leak("the key", name+" "+value)
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		leak("the backend", string(out))
	})
}

// canaryOnlySecret reports whether every occurrence of the canary in src is inside the
// value of a credential setting: an attribute, block or object member whose name
// IsSecretSetting, reached from an attribute through object and tuple constructors
// only (so that no expression could compute another setting from it).
func canaryOnlySecret(src []byte, isJSON bool) bool {
	c := []byte(fuzzCanary)
	if !bytes.Contains(src, c) {
		return true
	}
	if isJSON {
		return jsonCanaryOnlySecret(src)
	}
	f, _ := hclsyntax.ParseConfig(src, "x.tf", hcl.InitialPos)
	if f == nil {
		return false
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return false
	}
	var ranges []hcl.Range
	var structural func(e hclsyntax.Expression)
	structural = func(e hclsyntax.Expression) {
		switch e := e.(type) {
		case *hclsyntax.ObjectConsExpr:
			for _, item := range e.Items {
				if k, ok := keyName(item.KeyExpr); ok && IsSecretSetting(k) {
					ranges = append(ranges, item.ValueExpr.Range())
				} else {
					structural(item.ValueExpr)
				}
			}
		case *hclsyntax.TupleConsExpr:
			for _, x := range e.Exprs {
				structural(x)
			}
		}
	}
	_ = hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.Attribute:
			if IsSecretSetting(n.Name) {
				ranges = append(ranges, n.Expr.Range())
			} else {
				structural(n.Expr)
			}
		case *hclsyntax.Block:
			if IsSecretSetting(n.Type) {
				ranges = append(ranges, n.Body.SrcRange)
			}
		}
		return nil
	})
	for off := 0; ; {
		i := bytes.Index(src[off:], c)
		if i < 0 {
			return true
		}
		start, end := off+i, off+i+len(c)
		inside := false
		for _, r := range ranges {
			if r.Start.Byte <= start && end <= r.End.Byte {
				inside = true
				break
			}
		}
		if !inside {
			return false
		}
		off = end
	}
}

// keyName is an object member's name when it is written as a name or a literal string.
func keyName(e hclsyntax.Expression) (string, bool) {
	if k := hcl.ExprAsKeyword(e); k != "" {
		return k, true
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || v.Type().FriendlyName() != "string" {
		return "", false
	}
	return v.AsString(), true
}

// jsonCanaryOnlySecret is canaryOnlySecret for JSON configuration: every string holding
// the canary is a value below a member whose name IsSecretSetting, and no escape hides
// an occurrence from the count.
func jsonCanaryOnlySecret(src []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return false
	}
	found, ok := 0, true
	var walk func(v any, secret bool)
	walk = func(v any, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if strings.Contains(k, fuzzCanary) {
					ok = false
				}
				walk(x, secret || IsSecretSetting(k))
			}
		case []any:
			for _, x := range v {
				walk(x, secret)
			}
		case string:
			if n := strings.Count(v, fuzzCanary); n > 0 {
				found += n
				ok = ok && secret
			}
		}
	}
	walk(doc, false)
	return ok && found == bytes.Count(src, []byte(fuzzCanary))
}

// TestFuzzCanaryOracle checks the oracle itself: a canary in credential settings counts,
// one in the bucket does not.
func TestFuzzCanaryOracle(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		isJSON bool
		want   bool
	}{
		{"attribute", `secret_key = "` + fuzzCanary + `"`, false, true},
		{"object member", `assume_role = { session_token = "` + fuzzCanary + `" }`, false, true},
		{"tuple of objects", `x = [{ token = "` + fuzzCanary + `" }]`, false, true},
		{"block", "credentials {\n  x = \"" + fuzzCanary + "\"\n}\n", false, true},
		{"bucket", `bucket = "` + fuzzCanary + `"`, false, false},
		{"computed from an object", `bucket = "${ {token = "` + fuzzCanary + `"}.token }"`, false, false},
		{"heredoc under bucket", "bucket = <<EOT\ntoken = \"" + fuzzCanary + "\"\nEOT\n", false, false},
		{"json", `{"a": {"token": ["` + fuzzCanary + `"]}}`, true, true},
		{"json bucket", `{"bucket": "` + fuzzCanary + `", "token": "` + fuzzCanary + `"}`, true, false},
		{"json escaped", `{"token": "` + fuzzCanary + `", "bucket": "\u0043ANARYtfconfigSECRET0123456789abcdefXYZ"}`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canaryOnlySecret([]byte(tt.src), tt.isJSON); got != tt.want {
				t.Errorf("canaryOnlySecret = %v, want %v", got, tt.want)
			}
		})
	}
}
