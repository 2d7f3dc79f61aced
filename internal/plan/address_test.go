package plan

import (
	"strings"
	"testing"
)

func TestConfigAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aws_iam_role.task", "aws_iam_role.task"},
		{"aws_iam_role.task[0]", "aws_iam_role.task"},
		{`aws_iam_role.task["a"]`, "aws_iam_role.task"},
		{`module.app["x"].aws_iam_role.task[0]`, "module.app.aws_iam_role.task"},
		{`module.a[0].module.b["k"].data.aws_iam_policy_document.p`, "module.a.module.b.data.aws_iam_policy_document.p"},
		{`aws_s3_bucket.b["logs.example.com"]`, "aws_s3_bucket.b"},
		{`aws_s3_bucket.b["a.b[0]"]`, "aws_s3_bucket.b"},
		{`aws_s3_bucket.b["]"]`, "aws_s3_bucket.b"},
		{`aws_s3_bucket.b["[["]`, "aws_s3_bucket.b"},
		{`aws_s3_bucket.b["say \"hi\" ]"]`, "aws_s3_bucket.b"},
		{`aws_s3_bucket.b["back\\"]`, "aws_s3_bucket.b"},
		{`module.m["a.b"].aws_x.y["c]d"]`, "module.m.aws_x.y"},
		{`aws_instance.web[12]`, "aws_instance.web"},
		{"", ""},
		// malformed: an unclosed key drops the rest rather than looping or panicking
		{`aws_x.y["open`, "aws_x.y"},
		{`aws_x.y[`, "aws_x.y"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := ConfigAddress(tc.in); got != tc.want {
				t.Errorf("ConfigAddress(%s) = %q, want %q", tc.in, got, tc.want)
			}
			c := &Change{Address: tc.in}
			if got := c.ConfigAddress(); got != tc.want {
				t.Errorf("Change.ConfigAddress() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestModulePath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aws_iam_role.task", ""},
		{"data.aws_iam_role.task", ""},
		{"module.app.aws_iam_role.task", "module.app"},
		{"module.a.module.b.aws_x.y", "module.a.module.b"},
		{"module.a.module.b.data.aws_x.y", "module.a.module.b"},
		{"module.module.aws_x.y", "module.module"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := ModulePath(tc.in); got != tc.want {
				t.Errorf("ModulePath(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestConfigDeclares(t *testing.T) {
	c := Config{Present: true, Declared: map[string]*ConfigResource{
		"aws_iam_role.task":          {Address: "aws_iam_role.task"},
		"module.app.aws_s3_bucket.b": {Address: "module.app.aws_s3_bucket.b"},
	}}
	for addr, want := range map[string]bool{
		`aws_iam_role.task["a.b"]`:            true,
		"aws_iam_role.task":                   true,
		`module.app["eu"].aws_s3_bucket.b[0]`: true,
		"aws_iam_role.other":                  false,
		"module.other.aws_iam_role.task":      false,
	} {
		if got := c.Declares(addr); got != want {
			t.Errorf("Declares(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestConfigBlock checks that Block finds the declaring block whatever the instance
// keys, and that asking costs no allocation: the blast radius asks for every change.
func TestConfigBlock(t *testing.T) {
	b := &ConfigResource{Address: "module.app.aws_s3_bucket.b"}
	c := Config{Present: true, Declared: map[string]*ConfigResource{b.Address: b}}
	for addr, want := range map[string]*ConfigResource{
		`module.app["eu"].aws_s3_bucket.b[0]`: b,
		"module.app.aws_s3_bucket.b":          b,
		`module.app["x"].aws_s3_bucket.c[0]`:  nil,
	} {
		if got := c.Block(addr); got != want {
			t.Errorf("Block(%s) = %v, want %v", addr, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { c.Block(`module.app["eu"].aws_s3_bucket.b[0]`) }); n != 0 {
		t.Errorf("Block allocates %.0f times per call, want 0", n)
	}
	if got := (Config{}).Block("aws_x.y"); got != nil {
		t.Errorf("Block without configuration = %v, want nil", got)
	}
}

// TestConfigBlockCached checks that the cache answers as Block does for any sequence
// of addresses (neighbours of one block, other blocks, undeclared ones, a missing
// configuration), and that a neighbour of the last block costs no allocation.
func TestConfigBlockCached(t *testing.T) {
	b := &ConfigResource{Address: "module.app.aws_s3_bucket.b"}
	d := &ConfigResource{Address: "aws_iam_role.r"}
	c := Config{Present: true, Declared: map[string]*ConfigResource{b.Address: b, d.Address: d}}
	addrs := []string{
		`module.app["eu"].aws_s3_bucket.b[0]`, `module.app["eu"].aws_s3_bucket.b[1]`,
		`module.app["us"].aws_s3_bucket.b[0]`, "module.app.aws_s3_bucket.b",
		`aws_iam_role.r["a"]`, "aws_iam_role.r", "aws_iam_role.gone", "aws_iam_role.gone",
		`aws_iam_role.r["x]y"]`, `module.app["eu"].aws_s3_bucket.c[0]`,
		`module.app["eu"].aws_s3_bucket.b[0]`, "module.app.aws_s3_bucket.b" + strings.Repeat("x", 300),
	}
	var bc BlockCache
	for range 2 {
		for _, addr := range addrs {
			if got, want := c.BlockCached(addr, &bc), c.Block(addr); got != want {
				t.Errorf("BlockCached(%s) = %v, Block = %v", addr, got, want)
			}
		}
	}
	var none BlockCache
	if got := (Config{}).BlockCached("aws_iam_role.r", &none); got != nil {
		t.Errorf("BlockCached without configuration = %v, want nil", got)
	}
	if n := testing.AllocsPerRun(100, func() { c.BlockCached(`module.app["eu"].aws_s3_bucket.b[7]`, &bc) }); n != 0 {
		t.Errorf("BlockCached allocates %.0f times per call, want 0", n)
	}
}

func TestChangeMoved(t *testing.T) {
	for _, tc := range []struct {
		addr, prev string
		want       bool
	}{
		{"aws_x.new", "aws_x.old", true},
		{"aws_x.same", "aws_x.same", false},
		{"aws_x.a", "", false},
	} {
		c := &Change{Address: tc.addr, Extra: &ChangeExtra{PreviousAddress: tc.prev}}
		if got := c.Moved(); got != tc.want {
			t.Errorf("Moved(%q ← %q) = %v, want %v", tc.addr, tc.prev, got, tc.want)
		}
	}
}
