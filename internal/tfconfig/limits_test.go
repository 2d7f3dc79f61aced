package tfconfig

import (
	"strings"
	"testing"
)

func TestCheckSource(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	cases := []struct {
		name, file, src string
		want            string // "" means accepted
	}{
		{name: "ordinary", file: "main.tf", src: "locals {\n  x = [for a in [1, 2] : -a if !(a > 1)]\n  y = \"%{if true}${!false ? -1 : 2}%{endif}\"\n}\n"},
		{name: "many negative numbers", file: "main.tf", src: "locals {\n" + strings.Repeat("  x = -1\n", 2000) + "}\n"},
		{name: "long list of negatives", file: "main.tf", src: "locals {\n  x = [" + strings.Repeat("-1, ", 2000) + "]\n}\n"},
		{name: "brackets", file: "main.tf", src: "locals { x = " + deep("[", "]", 100000) + " }", want: "line 1: nested more than 500 levels deep"},
		{name: "parentheses", file: "main.tf", src: "locals { x = " + deep("(", ")", 600) + " }", want: "nested more than"},
		{name: "unary operators", file: "main.tf", src: "locals { x = " + strings.Repeat("!", 1000) + "true }", want: "nested more than"},
		{name: "unary operators on lines in parentheses", file: "main.tf", src: "locals { x = (" + strings.Repeat("!\n", 1000) + "true) }", want: "nested more than"},
		{name: "conditionals", file: "main.tf", src: "locals { x = " + strings.Repeat("a ? b : ", 1000) + "c }", want: "nested more than"},
		{name: "templates", file: "main.tf", src: "locals { x = " + deep(`"${`, `}"`, 1000) + " }", want: "nested more than"},
		{name: "template directives", file: "main.tf", src: `locals { x = "` + strings.Repeat("%{if true}", 1000) + strings.Repeat("%{endif}", 1000) + `" }`, want: "nested more than"},
		{name: "brackets hidden behind strings", file: "main.tf", src: "locals { x = " + strings.Repeat(`["]", `, 1000) + "1" + strings.Repeat("]", 1000) + " }", want: "nested more than"},
		{name: "json", file: "main.tf.json", src: `{"locals": {"x": ` + deep("[", "]", 1000) + `}}`, want: "nested more than"},
		{name: "json brackets in strings", file: "main.tf.json", src: `{"locals": {"x": "` + strings.Repeat("[", 1000) + `"}}`},
		{name: "too large", file: "main.tf", src: strings.Repeat("# comment\n", MaxConfigFile/10+1), want: "more than the 4 MiB hiyari parses"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkSource([]byte(c.src), c.file)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestLoadModuleRefusesDeepNesting: the check runs before the parser, which would
// overflow the stack and kill the process.
func TestLoadModuleRefusesDeepNesting(t *testing.T) {
	tree := &MapTree{Label: "working tree", Content: map[string][]byte{
		"envs/a/main.tf": []byte("locals { x = " + strings.Repeat("[", 1000000) + strings.Repeat("]", 1000000) + " }"),
	}}
	_, err := LoadModule(tree, "envs/a")
	if err == nil || !strings.Contains(err.Error(), "parse envs/a/main.tf (working tree): line 1: nested more than 500 levels deep") {
		t.Fatalf("got %v", err)
	}
}
