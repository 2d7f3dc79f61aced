package tfconfig

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadModuleBlocks(t *testing.T) {
	tr := tree(map[string]string{
		"envs/dev/main.tf": `module "app" {
  source = "../../modules/app"
  env    = local.env
}

locals {
  env = "dev"
  region = var.region
}

provider "aws" {
  region = var.region
}
`,
		"envs/dev/vars.tf": `variable "region" {
  type = string
}
`,
		"envs/dev/sg.tf": `resource "aws_security_group_rule" "in" {
  security_group_id = module.app.security_group_id
  cidr_blocks       = [var.cidr]
  provider          = aws.tokyo
  dynamic "x" {
    for_each = local.ports
    content { from = x.value + data.aws_region.here.id }
  }
}

data "aws_region" "here" {}
`,
		"envs/dev/broken/notes.txt": "not terraform",
	})
	m, err := LoadModule(tr, "envs/dev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"envs/dev/main.tf", "envs/dev/sg.tf", "envs/dev/vars.tf"}, m.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	in := m.Resources["aws_security_group_rule.in"]
	want := &Block{
		Kind: "resource", Name: "aws_security_group_rule.in",
		Location: Location{File: "envs/dev/sg.tf", Lines: LineRange{Start: 1, End: 9}},
		Refs:     []string{"data.aws_region.here", "local.ports", "module.app", "var.cidr"},
		Provider: "aws",
	}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("resource (-want +got):\n%s", diff)
	}
	if d := m.Resources["data.aws_region.here"]; d == nil || d.Location.Lines != (LineRange{Start: 11, End: 11}) {
		t.Errorf("data source = %+v", d)
	}
	call := m.Calls["app"]
	if call == nil || call.Dir != "modules/app" || call.Source != "../../modules/app" || call.Location.Lines != (LineRange{Start: 1, End: 4}) {
		t.Errorf("module call = %+v", call)
	}
	if l := m.Locals["region"]; l == nil || l.Location.Lines != (LineRange{Start: 8, End: 8}) || !cmp.Equal(l.Refs, []string{"var.region"}) {
		t.Errorf("local = %+v", l)
	}
	if v := m.Variables["region"]; v == nil || v.Location.Lines != (LineRange{Start: 1, End: 3}) {
		t.Errorf("variable = %+v", v)
	}
	if len(m.Providers) != 1 || m.Providers[0].Name != "aws" {
		t.Errorf("providers = %+v", m.Providers)
	}
}

func TestLoadModuleErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"syntax error names file and line", map[string]string{"a/main.tf": "resource \"x\" \"y\" {\n  a = \n}\n"}, "parse a/main.tf (test): line 2"},
		{"two backends", map[string]string{
			"a/one.tf": "terraform {\n backend \"s3\" {}\n}\n",
			"a/two.tf": "terraform {\n backend \"local\" {}\n}\n",
		}, "declares a second backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadModule(tree(tc.files), "a")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDiscover(t *testing.T) {
	tr := tree(map[string]string{
		"envs/dev/backend.tf":                  "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key = \"dev\"\n  }\n}\n",
		"envs/dev/main.tf":                     "module \"app\" {\n  source = \"../../modules/app\"\n}\n",
		"envs/prod/main.tf":                    "terraform {\n  cloud {\n    organization = \"acme\"\n  }\n}\n",
		"modules/app/main.tf":                  "provider \"aws\" {}\nresource \"aws_iam_role\" \"r\" {}\n",
		"modules/lib/main.tf":                  "resource \"aws_iam_role\" \"r\" {}\n",
		"sandbox/main.tf":                      "provider \"aws\" {}\n",
		"envs/dev/.terraform/modules/app/x.tf": "terraform {\n  backend \"s3\" {}\n}\n",
		"vendor/x/main.tf":                     "terraform {\n  backend \"s3\" {}\n}\n",
		"broken/main.tf":                       "resource {",
	})
	tests := []struct {
		dirs []string
		want []string
		err  string
	}{
		{dirs: []string{"envs", "modules", "sandbox"}, want: []string{"envs/dev", "envs/prod", "sandbox"}},
		{dirs: []string{"envs/dev"}, want: []string{"envs/dev"}},
		{dirs: []string{"."}, err: "parse broken/main.tf"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.dirs, ","), func(t *testing.T) {
			roots, err := Discover(tr, tc.dirs)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range roots {
				got = append(got, r.Dir)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("roots (-want +got):\n%s", diff)
			}
		})
	}
}
