package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	const name = "dir/.hiyari.yaml"
	tests := []struct {
		name    string
		yaml    string
		want    func(c *Config) // edits Default() into the expected config
		wantErr []string
	}{
		{name: "empty file gives defaults", yaml: "", want: func(c *Config) {}},
		{name: "comments only", yaml: "# nothing here\n", want: func(c *Config) {}},
		{
			name: "every setting",
			yaml: `env: staging
accounts: ["111111111111", "012345678901"]
fail_on: high
environments:
  staging: [stg, stage]
  prod: [production]
rules:
  mass_deletion: {min_deletes: 3, high_ratio: 0.4, critical_ratio: 0.8}
  disabled: [account_mismatch]
acknowledge:
  - rule: undeclared_resource_deleted
    address: module.legacy.*
    reason: legacy module removed in PR 42
`,
			want: func(c *Config) {
				c.Env = "staging"
				c.Accounts = []string{"111111111111", "012345678901"}
				c.FailOn = "high"
				c.Environments = map[string][]string{"staging": {"stg", "stage"}, "prod": {"production"}}
				c.Rules = RuleSettings{MassDeletion: MassDeletion{MinDeletes: 3, HighRatio: 0.4, CriticalRatio: 0.8}, Disabled: []string{"account_mismatch"}}
				c.Acknowledge = []Acknowledgement{{Rule: "undeclared_resource_deleted", Address: "module.legacy.*", Reason: "legacy module removed in PR 42"}}
			},
		},
		{
			name: "partial mass_deletion settings keep the other defaults",
			yaml: "rules:\n  mass_deletion:\n    min_deletes: 10\n",
			want: func(c *Config) { c.Rules.MassDeletion.MinDeletes = 10 },
		},
		{name: "unknown top-level key is named", yaml: "env: dev\nenviroment: dev\n", wantErr: []string{name, "enviroment", "docs/configuration.md"}},
		{name: "unknown nested key is named", yaml: "rules:\n  mass_deletion:\n    min_delete: 3\n", wantErr: []string{name, "min_delete"}},
		{name: "unknown acknowledge key is named", yaml: "acknowledge:\n  - rule: x\n    address: '*'\n    reason: r\n    expires: 2025-01-01\n", wantErr: []string{"expires"}},
		{name: "account id too short", yaml: "accounts: ['12345']\n", wantErr: []string{name, `"12345" is not a 12-digit AWS account id`}},
		{name: "account id with letters", yaml: "accounts: ['11111111111a']\n", wantErr: []string{"11111111111a"}},
		{name: "account id as an unquoted number keeps its digits", yaml: "accounts: [111111111111]\n", want: func(c *Config) { c.Accounts = []string{"111111111111"} }},
		{name: "ack without reason", yaml: "acknowledge:\n  - rule: mass_deletion\n    address: '*'\n", wantErr: []string{name, "acknowledge[0]", "reason is required"}},
		{name: "ack with blank reason", yaml: "acknowledge:\n  - rule: mass_deletion\n    address: '*'\n    reason: '   '\n", wantErr: []string{"reason is required"}},
		{name: "ack without rule", yaml: "acknowledge:\n  - address: '*'\n    reason: r\n", wantErr: []string{"acknowledge[0]: rule is required"}},
		{name: "second ack without address", yaml: "acknowledge:\n  - {rule: a, address: '*', reason: r}\n  - {rule: b, reason: r}\n", wantErr: []string{"acknowledge[1] (b): address is required"}},
		{name: "ratio above one", yaml: "rules:\n  mass_deletion:\n    high_ratio: 1.5\n", wantErr: []string{"rules.mass_deletion", "between 0 and 1"}},
		{name: "negative min_deletes", yaml: "rules:\n  mass_deletion:\n    min_deletes: -1\n", wantErr: []string{"min_deletes"}},
		{name: "wrong type", yaml: "accounts: 111111111111\n", wantErr: []string{name}},
		{name: "not YAML", yaml: "env: [unclosed\n", wantErr: []string{name}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.yaml), name)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("Parse accepted it: %+v", got)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			want.Path = name
			tc.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	d := Default()
	if diff := cmp.Diff(MassDeletion{MinDeletes: 5, HighRatio: 0.5, CriticalRatio: 0.9}, d.Rules.MassDeletion); diff != "" {
		t.Errorf("mass_deletion defaults (-want +got):\n%s", diff)
	}
	if d.Path != "" || d.Env != "" || len(d.Accounts) != 0 || len(d.Acknowledge) != 0 {
		t.Errorf("defaults should expect nothing: %+v", d)
	}
	for _, env := range []string{"dev", "staging", "prod"} {
		if len(d.Environments[env]) == 0 {
			t.Errorf("built-in environments lack %s: %v", env, d.Environments)
		}
	}
	// Each call returns its own maps: changing one result must not change the next.
	d.Environments["dev"] = nil
	if len(Default().Environments["dev"]) == 0 {
		t.Error("Default shares its environments map between calls")
	}
	if !d.RuleEnabled("mass_deletion") {
		t.Error("rules are enabled by default")
	}
}

func TestRuleEnabled(t *testing.T) {
	c := Config{Rules: RuleSettings{Disabled: []string{"account_mismatch"}}}
	if c.RuleEnabled("account_mismatch") || !c.RuleEnabled("mass_deletion") {
		t.Errorf("RuleEnabled wrong for %v", c.Rules.Disabled)
	}
}

func TestMatchAddress(t *testing.T) {
	tests := []struct {
		glob, addr string
		want       bool
	}{
		{"*", "aws_iam_role.a", true},
		{"*", "", true},
		{"", "", true},
		{"", "a", false},
		{"aws_iam_role.a", "aws_iam_role.a", true},
		{"aws_iam_role.a", "aws_iam_role.ab", false},
		{"aws_iam_role.*", "aws_iam_role.task", true},
		{"aws_iam_role.*", `aws_iam_role.task["a.b"]`, true},
		{"aws_iam_role.*", "aws_s3_bucket.b", false},
		{"module.legacy.*", `module.legacy.aws_iam_role.x[0]`, true},
		{"module.legacy.*", `module.legacy_v2.aws_iam_role.x`, false},
		{"module.legacy*", `module.legacy_v2.aws_iam_role.x`, true},
		{`module.app["eu"].*`, `module.app["eu"].aws_x.y`, true},
		{`module.app["eu"].*`, `module.app["us"].aws_x.y`, false},
		{"aws_iam_role.task[?]", "aws_iam_role.task[3]", true},
		{"aws_iam_role.task[?]", "aws_iam_role.task[12]", false},
		{"*.aws_iam_role.*", "module.a.module.b.aws_iam_role.c", true},
		{"*.aws_iam_role.*", "aws_iam_role.c", false},
		{"*role*", "aws_iam_role_policy.x", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"a**", "abc", true},
		{"AWS_IAM_ROLE.*", "aws_iam_role.a", false},
	}
	for _, tc := range tests {
		t.Run(tc.glob+" "+tc.addr, func(t *testing.T) {
			if got := MatchAddress(tc.glob, tc.addr); got != tc.want {
				t.Errorf("MatchAddress(%q, %q) = %v, want %v", tc.glob, tc.addr, got, tc.want)
			}
		})
	}
}

func TestAcknowledged(t *testing.T) {
	c := Config{Acknowledge: []Acknowledgement{
		{Rule: "identity_resource_deleted", Address: "module.legacy.*", Reason: "legacy"},
		{Rule: "*", Address: "aws_s3_bucket.scratch", Reason: "scratch"},
	}}
	tests := []struct {
		rule, addr, reason string
		ok                 bool
	}{
		{"identity_resource_deleted", "module.legacy.aws_iam_role.x", "legacy", true},
		{"identity_resource_replaced", "module.legacy.aws_iam_role.x", "", false},
		{"identity_resource_deleted", "aws_iam_role.x", "", false},
		{"data_resource_deleted", "aws_s3_bucket.scratch", "scratch", true},
		{"mass_deletion", "aws_s3_bucket.scratch", "scratch", true},
	}
	for _, tc := range tests {
		a, ok := c.Acknowledged(tc.rule, tc.addr)
		if ok != tc.ok || a.Reason != tc.reason {
			t.Errorf("Acknowledged(%s, %s) = %q, %v; want %q, %v", tc.rule, tc.addr, a.Reason, ok, tc.reason, tc.ok)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "repo", "envs", "staging", "app")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(dir, body string) string {
		p := filepath.Join(dir, FileName)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	repoCfg := write(filepath.Join(root, "repo"), "env: dev\n")

	t.Run("found in a parent", func(t *testing.T) {
		c, err := Find(deep)
		if err != nil {
			t.Fatal(err)
		}
		if c.Path != repoCfg || c.Env != "dev" {
			t.Errorf("Find = path %q env %q, want %q dev", c.Path, c.Env, repoCfg)
		}
	})
	t.Run("the nearest wins", func(t *testing.T) {
		near := write(filepath.Join(root, "repo", "envs", "staging"), "env: staging\n")
		defer os.Remove(near)
		c, err := Find(deep)
		if err != nil {
			t.Fatal(err)
		}
		if c.Path != near || c.Env != "staging" {
			t.Errorf("Find = path %q env %q, want %q staging", c.Path, c.Env, near)
		}
	})
	t.Run("relative directory", func(t *testing.T) {
		t.Chdir(filepath.Join(root, "repo", "envs"))
		c, err := Find("staging/app")
		if err != nil {
			t.Fatal(err)
		}
		if c.Path != repoCfg {
			t.Errorf("Find(relative) = %q, want %q", c.Path, repoCfg)
		}
	})
	t.Run("a bad file is an error naming it", func(t *testing.T) {
		bad := write(filepath.Join(root, "repo", "envs"), "unknown_key: 1\n")
		defer os.Remove(bad)
		_, err := Find(deep)
		if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "unknown_key") {
			t.Errorf("Find with a bad file: %v", err)
		}
	})
	t.Run("none found gives defaults", func(t *testing.T) {
		other := t.TempDir()
		c, err := Find(other)
		if err != nil {
			t.Fatal(err)
		}
		if c.Path != "" {
			t.Fatalf("a stray %s above the temporary directory %s was found: %s; remove it", FileName, other, c.Path)
		}
		if diff := cmp.Diff(Default(), c); diff != "" {
			t.Errorf("defaults (-want +got):\n%s", diff)
		}
	})
	t.Run("a directory named .hiyari.yaml is an error", func(t *testing.T) {
		d := t.TempDir()
		if err := os.Mkdir(filepath.Join(d, FileName), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := Find(d); err == nil {
			t.Error("Find read a directory as configuration")
		}
	})
}

func TestLoadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Load(missing) = %v, want an error naming %s", err, p)
	}
}
