package backendcheck

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

func s3(bucket, key string, extra ...string) string {
	return "terraform {\n  backend \"s3\" {\n    bucket = \"" + bucket + "\"\n    key    = \"" + key + "\"\n" + strings.Join(extra, "\n") + "\n  }\n}\n"
}

func treeOf(files map[string]string) *tfconfig.MapTree {
	t := &tfconfig.MapTree{Label: "main", Content: map[string][]byte{}}
	for k, v := range files {
		t.Content[k] = []byte(v)
	}
	return t
}

type got struct {
	Rule     string
	Severity report.Severity
	Address  string
}

func summarize(fs []report.Finding) []got {
	out := []got{}
	for _, f := range fs {
		out = append(out, got{f.Rule, f.Severity, f.Address})
	}
	return out
}

func mustConfig(t *testing.T, yaml string) config.Config {
	t.Helper()
	c, err := config.Parse(strings.NewReader(yaml), ".hiyari.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChecks(t *testing.T) {
	baseFiles := map[string]string{
		"envs/dev/backend.tf":     s3("tf", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`),
		"envs/staging/backend.tf": s3("tf", "envs/staging/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`),
	}
	with := func(edits map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range baseFiles {
			out[k] = v
		}
		for k, v := range edits {
			if v == "" {
				delete(out, k)
				continue
			}
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name  string
		cur   map[string]string
		base  map[string]string
		cfg   string
		want  []got
		check func(t *testing.T, res *Result)
	}{
		{
			name: "clean",
			cur:  baseFiles, base: baseFiles,
			want: []got{},
		},
		{
			name: "the seed incident: staging's key copied from dev",
			cur:  with(map[string]string{"envs/staging/backend.tf": s3("tf", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`)}),
			base: baseFiles,
			want: []got{
				{BackendChanged, report.Critical, "envs/staging"},
				{StateKeyShared, report.Critical, "envs/dev"},
				{StateKeyConvention, report.Critical, "envs/staging"},
			},
			check: func(t *testing.T, res *Result) {
				f := res.Findings[0]
				if !strings.Contains(f.Message, "which is envs/dev's state at main") {
					t.Errorf("message: %s", f.Message)
				}
				wantEv := []report.Evidence{{Path: "backend.key", Value: "envs/staging/terraform.tfstate → envs/dev/terraform.tfstate"}}
				if diff := cmp.Diff(wantEv, f.Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
				if f.Location == nil || f.Location.File != "envs/staging/backend.tf" || f.Location.Line != 2 {
					t.Errorf("location = %+v", f.Location)
				}
				if diff := cmp.Diff([]string{"envs/dev", "envs/staging"}, res.Findings[1].Addresses); diff != "" {
					t.Errorf("shared addresses (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "bucket change is critical, region high, lock setting medium",
			cur: with(map[string]string{
				"envs/dev/backend.tf":     s3("tf-new", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`),
				"envs/staging/backend.tf": s3("tf", "envs/staging/terraform.tfstate", `    region = "us-east-1"`, `    use_lockfile = true`),
			}),
			base: with(map[string]string{"envs/qa/backend.tf": s3("tf", "envs/qa/terraform.tfstate", `    use_lockfile = true`)}),
			want: []got{{BackendChanged, report.Critical, "envs/dev"}, {BackendChanged, report.High, "envs/staging"}},
		},
		{
			name: "lock setting dropped: medium",
			cur:  with(map[string]string{"envs/dev/backend.tf": s3("tf", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`)}),
			base: baseFiles,
			want: []got{{BackendChanged, report.Medium, "envs/dev"}},
			check: func(t *testing.T, res *Result) {
				if diff := cmp.Diff([]report.Evidence{{Path: "backend.use_lockfile", Value: "true → (unset)"}}, res.Findings[0].Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "type change and removed backend",
			cur: with(map[string]string{
				"envs/dev/backend.tf":     "terraform {\n  backend \"local\" {}\n}\n",
				"envs/staging/backend.tf": "terraform {\n  required_version = \">= 1.10\"\n}\n",
			}),
			base: baseFiles,
			want: []got{{BackendChanged, report.Critical, "envs/dev"}, {BackendChanged, report.High, "envs/staging"}},
		},
		{
			name: "secrets are not compared or shown",
			cur:  with(map[string]string{"envs/dev/backend.tf": s3("tf", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`, `    secret_key = "NEWSECRET"`)}),
			base: with(map[string]string{"envs/dev/backend.tf": s3("tf", "envs/dev/terraform.tfstate", `    region = "ap-northeast-1"`, `    use_lockfile = true`, `    secret_key = "OLDSECRET"`)}),
			want: []got{},
		},
		{
			name: "workspace prefixes that differ share only the default workspace",
			cur: with(map[string]string{
				"envs/dev/backend.tf":     s3("tf", "app.tfstate", `    workspace_key_prefix = "dev"`),
				"envs/staging/backend.tf": s3("tf", "app.tfstate", `    workspace_key_prefix = "staging"`),
			}),
			want: []got{{StateKeyShared, report.Critical, "envs/dev"}},
			check: func(t *testing.T, res *Result) {
				if !strings.Contains(res.Findings[0].Message, "named workspaces differ") {
					t.Errorf("message: %s", res.Findings[0].Message)
				}
			},
		},
		{
			name: "partial configuration from .hiyari.yaml",
			cur: map[string]string{
				"envs/dev/backend.tf":          "terraform {\n  backend \"s3\" {}\n}\n",
				"envs/dev/backend.hcl":         "bucket = \"tf\"\nkey = \"envs/staging/terraform.tfstate\"\n",
				"envs/staging/backend.tf":      "terraform {\n  backend \"s3\" {}\n}\n",
				"envs/staging/backend.hcl":     "bucket = \"tf\"\nkey = \"envs/staging/terraform.tfstate\"\n",
				"envs/unknown/backend.tf":      "terraform {\n  backend \"s3\" {}\n}\n",
				"envs/unknown/not-named.hcl":   "bucket = \"tf\"\n",
				"modules/x/main.tf":            "resource \"aws_iam_role\" \"r\" {}\n",
				"envs/dev/main.tf":             "module \"x\" {\n  source = \"../../modules/x\"\n}\n",
				"envs/unknown/.terraform/x.tf": "terraform {\n  backend \"s3\" {}\n}\n",
			},
			cfg: "backend:\n  config_files:\n    \"envs/[ds]*\": [backend.hcl]\n",
			want: []got{
				{StateKeyShared, report.Critical, "envs/dev"},
				{StateKeyConvention, report.Critical, "envs/dev"},
			},
			check: func(t *testing.T, res *Result) {
				if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "envs/unknown") {
					t.Errorf("notes = %q", res.Notes)
				}
				if loc := res.Findings[1].Location; loc == nil || loc.File != "envs/dev/backend.hcl" {
					t.Errorf("convention location = %+v, want the -backend-config file", loc)
				}
			},
		},
		{
			name: "key_template",
			cur: map[string]string{
				"stacks/network/backend.tf": s3("tf", "stacks/network/terraform.tfstate"),
				"stacks/iam/backend.tf":     s3("tf", "iam.tfstate"),
			},
			cfg:  "backend:\n  key_template: \"{dir}/terraform.tfstate\"\n",
			want: []got{{StateKeyConvention, report.Medium, "stacks/iam"}},
		},
		{
			name: "key_pattern with an env group",
			cur: map[string]string{
				"accounts/prod/app/backend.tf": s3("tf", "stg/app.tfstate"),
				"accounts/dev/app/backend.tf":  s3("tf", "dev/app.tfstate"),
				"accounts/dev/net/backend.tf":  s3("tf", "net.tfstate"),
			},
			cfg: "backend:\n  key_pattern: '^(?P<env>[a-z]+)/[a-z]+\\.tfstate$'\n",
			want: []got{
				{StateKeyConvention, report.Medium, "accounts/dev/net"},
				{StateKeyConvention, report.Critical, "accounts/prod/app"},
			},
		},
		{
			name: "default heuristic: dashed aliases and keys without an environment",
			cur: map[string]string{
				"envs/pre-prod/backend.tf": s3("tf", "pre-prod/terraform.tfstate"),
				"envs/prod/backend.tf":     s3("tf", "platform/terraform.tfstate"),
				"live/app/backend.tf":      s3("tf", "production/app.tfstate"),
				"envs/stg-eu/backend.tf":   s3("tf", "envs/dev-eu/terraform.tfstate"),
			},
			want: []got{{StateKeyConvention, report.Critical, "envs/stg-eu"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			if tc.cfg != "" {
				cfg = mustConfig(t, tc.cfg)
			}
			var base tfconfig.Tree
			if tc.base != nil {
				base = treeOf(tc.base)
			}
			res, err := Run(treeOf(tc.cur), base, Options{Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(res.Findings)); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
			var buf bytes.Buffer
			rep := NewReport(res, "main", cfg, report.Critical, report.Tool{Name: "hiyari"}, func(id string) string { return id })
			for _, f := range Formats() {
				if err := Render(&buf, rep, f); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Contains(buf.String(), "SECRET") {
				t.Errorf("output leaks a secret:\n%s", buf.String())
			}
		})
	}
}

func TestEnvsIn(t *testing.T) {
	envs := config.DefaultEnvironments()
	tests := map[string][]string{
		"envs/staging":                    {"staging"},
		"envs/pre-prod":                   {"preprod"},
		"envs/stg-eu":                     {"staging"},
		"accounts/prod/app":               {"prod"},
		"env:/dev/app.tfstate":            {"dev"},
		"platform/terraform.tfstate":      {},
		"prod-to-dev/migration.tfstate":   {"dev", "prod"},
		"services/production_api.tfstate": {"prod"},
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if diff := cmp.Diff(want, envsIn(in, envs)); diff != "" {
				t.Errorf("envsIn(%q) (-want +got):\n%s", in, diff)
			}
		})
	}
}

// TestDocs holds the backend checks to the rule page contract of internal/rules.
func TestDocs(t *testing.T) {
	root := repotest.Root(t)
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join(root, "docs", "rules", c.ID+".md"))
			if err != nil {
				t.Fatalf("check %s needs docs/rules/%s.md: %v", c.ID, c.ID, err)
			}
			if !strings.HasPrefix(string(doc), "# "+c.ID+"\n") {
				t.Errorf("docs/rules/%s.md should start with # %s", c.ID, c.ID)
			}
			for _, s := range []string{"## Example", "## Why", "## How to fix"} {
				if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(s) + `\s*$`).Match(doc) {
					t.Errorf("docs/rules/%s.md lacks %q", c.ID, s)
				}
			}
		})
	}
}
