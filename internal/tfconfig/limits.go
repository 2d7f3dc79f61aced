package tfconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Bounds on a configuration file before it is parsed. HCL's parsers recurse once per
// level of nesting and hold a few hundred bytes per token: a file of a million `[`
// (or `!`, or `%{if}`) overflows the stack, which kills the process however it is
// called, and a few megabytes of tokens take gigabytes. Configuration files come from
// pull requests, so these are checked first.
const (
	// MaxConfigFile is the largest configuration file hiyari parses. Hand-written
	// Terraform files are kilobytes; generated ones a few hundred.
	MaxConfigFile = 4 << 20
	// MaxNesting is the deepest nesting of brackets, strings, templates, template
	// directives, unary operators and conditionals hiyari parses. Real
	// configurations stay under twenty.
	MaxNesting = 500
)

// checkSource refuses a configuration file too large or too deeply nested to parse
// safely. name says whether it is JSON (.tf.json) or HCL.
func checkSource(src []byte, name string) error {
	if len(src) > MaxConfigFile {
		return fmt.Errorf("the file is %.1f MiB, more than the %d MiB hiyari parses", float64(len(src))/(1<<20), MaxConfigFile>>20)
	}
	var depth, line int
	if strings.HasSuffix(name, ".json") {
		depth, line = jsonNesting(src)
	} else {
		depth, line = hclNesting(src, name)
	}
	if depth > MaxNesting {
		return fmt.Errorf("line %d: nested more than %d levels deep, more than hiyari parses", line, MaxNesting)
	}
	return nil
}

// hclNesting returns how deep the parser would recurse on src (an upper bound), and
// the line where that depth is passed. A file the lexer rejects is left to the parser
// to report.
func hclNesting(src []byte, name string) (depth, line int) {
	toks, diags := hclsyntax.LexConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return 0, 0
	}
	// frames are the open brackets, strings, heredocs and templates, each with the
	// unary operators and conditionals seen in it since its last item separator:
	// the parser recurses into each of those too. directives counts the open
	// %{if} and %{for} bodies.
	type frame struct {
		kind hclsyntax.TokenType
		ops  int
	}
	frames := []frame{{kind: hclsyntax.TokenOBrace}}
	ops, directives := 0, 0
	afterControl := false
	resetOps := func() {
		top := &frames[len(frames)-1]
		ops -= top.ops
		top.ops = 0
	}
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp,
			hclsyntax.TokenTemplateControl:
			frames = append(frames, frame{kind: t.Type})
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(frames) > 1 {
				resetOps()
				frames = frames[:len(frames)-1]
			}
		case hclsyntax.TokenComma:
			resetOps()
		case hclsyntax.TokenNewline:
			// A newline ends an item in a body or an object; inside brackets and
			// parentheses it is only space.
			if frames[len(frames)-1].kind == hclsyntax.TokenOBrace {
				resetOps()
			}
		case hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenQuestion:
			frames[len(frames)-1].ops++
			ops++
		case hclsyntax.TokenIdent:
			if afterControl {
				switch string(t.Bytes) {
				case "if", "for":
					directives++
				case "endif", "endfor":
					directives = max(directives-1, 0)
				}
			}
		}
		afterControl = t.Type == hclsyntax.TokenTemplateControl
		if d := len(frames) - 1 + ops + directives; d > depth {
			depth, line = d, t.Range.Start.Line
			if depth > MaxNesting {
				return depth, line
			}
		}
	}
	return depth, line
}

// jsonNesting returns the deepest nesting of arrays and objects in src, and its line.
func jsonNesting(src []byte) (depth, line int) {
	cur, ln := 0, 1
	inString, escaped := false, false
	for _, c := range src {
		if c == '\n' {
			ln++
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			cur++
			if cur > depth {
				depth, line = cur, ln
				if depth > MaxNesting {
					return depth, line
				}
			}
		case ']', '}':
			cur = max(cur-1, 0)
		}
	}
	return depth, line
}
