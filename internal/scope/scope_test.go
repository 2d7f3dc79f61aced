package scope

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/tfconfig"
)

// gitRepo makes a real repository in a temporary directory: files committed on main,
// then branch edits applied in the working tree (and committed when commit is set).
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T, files map[string]string) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed by this test and is not on PATH: %v (install git, see scripts/setup.sh)", err)
	}
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.write(files)
	r.git("init", "-q", "-b", "main")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	return r
}

func (r *gitRepo) write(files map[string]string) {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.dir, name)
		if content == "" {
			if err := os.Remove(p); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *gitRepo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

var base = map[string]string{
	"envs/staging/main.tf": `module "app" {
  source = "../../modules/app"
  env    = local.env
}

locals {
  env = "staging"
}
`,
	"envs/staging/security.tf": `resource "aws_vpc_security_group_ingress_rule" "office" {
  security_group_id = module.app.security_group_id
  cidr_ipv4         = "203.0.113.0/24"
}

resource "aws_vpc_security_group_ingress_rule" "partner" {
  security_group_id = module.app.security_group_id
  cidr_ipv4         = "198.51.100.0/28"
}

resource "aws_iam_role" "legacy" {
  name = "legacy"
}
`,
	"envs/staging/providers.tf": `provider "aws" {
  region = "ap-northeast-1"
}
`,
	"envs/staging/.terraform.lock.hcl": "# lock\n",
	"envs/staging/vpc.tf": `module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
`,
	"modules/app/main.tf": `variable "env" {}

resource "aws_iam_role" "task" {
  name = "${var.env}-task"
}

resource "aws_iam_role_policy_attachment" "task" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_security_group" "api" {
  name = "${var.env}-api"
}

output "security_group_id" {
  value = aws_security_group.api.id
}
`,
}

func TestTouched(t *testing.T) {
	addrs := []string{
		"aws_vpc_security_group_ingress_rule.office",
		"aws_vpc_security_group_ingress_rule.partner",
		"aws_iam_role.legacy",
		"module.app.aws_iam_role.task",
		"module.app.aws_iam_role_policy_attachment.task",
		`module.app.aws_security_group.api`,
		"aws_iam_role.dev_only",
		"module.vpc.aws_vpc.this[0]",
	}
	tests := []struct {
		name   string
		edit   map[string]string
		commit bool
		want   map[string]bool // touched, per address
		why    map[string]string
	}{
		{
			name: "one rule edited: only that rule is in scope",
			edit: map[string]string{"envs/staging/security.tf": strings.Replace(base["envs/staging/security.tf"], "198.51.100.0/28", "198.51.100.0/27", 1)},
			want: map[string]bool{"aws_vpc_security_group_ingress_rule.partner": true},
			why: map[string]string{
				"aws_vpc_security_group_ingress_rule.partner": "its block changed",
				"aws_iam_role.dev_only":                       "not declared in envs/staging (nor at main)",
			},
		},
		{
			name:   "a committed local the module call uses puts the whole module in scope",
			edit:   map[string]string{"envs/staging/main.tf": strings.Replace(base["envs/staging/main.tf"], `env = "staging"`, `env = "stg"`, 1)},
			commit: true,
			want: map[string]bool{
				"aws_vpc_security_group_ingress_rule.office": true, "aws_vpc_security_group_ingress_rule.partner": true,
				"module.app.aws_iam_role.task": true, "module.app.aws_iam_role_policy_attachment.task": true, "module.app.aws_security_group.api": true,
			},
			why: map[string]string{"module.app.aws_iam_role.task": "local env (envs/staging/main.tf:7) changed"},
		},
		{
			name: "a referenced resource's change reaches its dependents",
			edit: map[string]string{"modules/app/main.tf": strings.Replace(base["modules/app/main.tf"], `"${var.env}-task"`, `"${var.env}-task-v2"`, 1)},
			want: map[string]bool{"module.app.aws_iam_role.task": true, "module.app.aws_iam_role_policy_attachment.task": true},
		},
		{
			name: "a registry module's resources follow its module block",
			edit: map[string]string{"envs/staging/vpc.tf": strings.Replace(base["envs/staging/vpc.tf"], "5.0.0", "5.1.0", 1)},
			want: map[string]bool{"module.vpc.aws_vpc.this[0]": true},
			why:  map[string]string{"module.vpc.aws_vpc.this[0]": "its module call vpc (envs/staging/vpc.tf:1, source terraform-aws-modules/vpc/aws) or what it references changed"},
		},
		{
			name: "the lock file puts everything in scope",
			edit: map[string]string{"envs/staging/.terraform.lock.hcl": "# lock v2\n"},
			want: map[string]bool{
				"aws_vpc_security_group_ingress_rule.office": true, "aws_vpc_security_group_ingress_rule.partner": true, "aws_iam_role.legacy": true,
				"module.app.aws_iam_role.task": true, "module.app.aws_iam_role_policy_attachment.task": true, "module.app.aws_security_group.api": true,
				"aws_iam_role.dev_only": true, "module.vpc.aws_vpc.this[0]": true,
			},
		},
		{
			name: "the provider block puts its resources in scope",
			edit: map[string]string{"envs/staging/providers.tf": "provider \"aws\" {\n  region = \"us-east-1\"\n}\n"},
			want: map[string]bool{
				"aws_vpc_security_group_ingress_rule.office": true, "aws_vpc_security_group_ingress_rule.partner": true, "aws_iam_role.legacy": true,
				"module.app.aws_iam_role.task": true, "module.app.aws_iam_role_policy_attachment.task": true, "module.app.aws_security_group.api": true,
			},
		},
		{
			name: "a removed block is in scope through the base revision",
			edit: map[string]string{"envs/staging/security.tf": strings.Split(base["envs/staging/security.tf"], "resource \"aws_iam_role\"")[0]},
			want: map[string]bool{"aws_iam_role.legacy": true},
			why:  map[string]string{"aws_iam_role.legacy": "the change removed or edited resource aws_iam_role.legacy (envs/staging/security.tf:11 at main)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newGitRepo(t, base)
			r.git("checkout", "-q", "-b", "fix")
			r.write(tc.edit)
			if tc.commit {
				r.git("commit", "-q", "-am", "edit")
			}
			res, err := Load(context.Background(), filepath.Join(r.dir, "envs/staging"), "main", nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, a := range addrs {
				tt := res.Touched(a)
				if tt.Touched {
					got[a] = true
				}
				if want, ok := tc.why[a]; ok && tt.Why != want {
					t.Errorf("%s: why = %q, want %q", a, tt.Why, want)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("touched (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocate(t *testing.T) {
	r := newGitRepo(t, base)
	res, err := Load(context.Background(), filepath.Join(r.dir, "envs/staging"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	findings := []report.Finding{
		{Address: `module.app.aws_iam_role.task`},
		{Address: `aws_vpc_security_group_ingress_rule.partner`},
		{Address: "aws_iam_role.nowhere"},
		{Address: "module.app.aws_security_group.api", Location: &report.Location{File: "kept.tf", Line: 1}},
	}
	res.Locate(findings)
	want := []*report.Location{
		{File: "modules/app/main.tf", Line: 3, EndLine: 5},
		{File: "envs/staging/security.tf", Line: 6, EndLine: 9},
		nil,
		{File: "kept.tf", Line: 1},
	}
	for i, f := range findings {
		if diff := cmp.Diff(want[i], f.Location); diff != "" {
			t.Errorf("%s (-want +got):\n%s", f.Address, diff)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	r := newGitRepo(t, base)
	plain := t.TempDir()
	if err := os.WriteFile(filepath.Join(plain, "main.tf"), []byte("provider \"aws\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, base, want string
	}{
		{"unknown base", filepath.Join(r.dir, "envs/staging"), "nope", "--base nope: no such revision"},
		{"not a repository", plain, "main", "is not in a git repository"},
		{"no configuration", filepath.Join(r.dir, "envs"), "", "no Terraform configuration files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), tc.dir, tc.base, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseDiffDeletionMarksNeighbours(t *testing.T) {
	d, err := tfconfig.ParseDiff([]byte("diff --git a/x.tf b/x.tf\n--- a/x.tf\n+++ b/x.tf\n@@ -5,2 +4,0 @@\n-a\n-b\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := d["x.tf"]
	if !f.Touches(tfconfig.LineRange{Start: 1, End: 4}) || !f.Touches(tfconfig.LineRange{Start: 5, End: 9}) || f.Touches(tfconfig.LineRange{Start: 6, End: 9}) {
		t.Errorf("lines = %+v", f.Lines)
	}
	if !f.TouchesOld(tfconfig.LineRange{Start: 6, End: 6}) || f.TouchesOld(tfconfig.LineRange{Start: 7, End: 9}) {
		t.Errorf("old lines = %+v", f.OldLines)
	}
}
