// Package jsonscan reads JSON fast: a resumable validator that checks RFC 8259 syntax
// and UTF-8 on byte slices, a stream over an io.Reader that hands out one value at a
// time with bounded memory, and helpers that walk values already validated. It is the
// hot path under hiyari's plan and state readers: a 100,000-resource plan is a quarter
// of a gigabyte, most of it inside strings, which are skipped eight bytes at a time.
package jsonscan

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf8"
)

// Limits that keep hostile input bounded.
const (
	// DefaultMaxDepth is how deeply containers may nest (Terraform's own output stays
	// under 40; encoding/json/v2 uses the same bound).
	DefaultMaxDepth = 10000
	// DefaultMaxString is the longest string token, in bytes as written.
	DefaultMaxString = 64 << 20
)

// SyntaxError is malformed JSON at a byte offset of the input.
type SyntaxError struct {
	// Offset is the byte offset of the problem from the start of the input.
	Offset int64
	// Msg says what is wrong.
	Msg string
	// Truncated is true when the input ends inside a value.
	Truncated bool
	// TooLarge is true when a limit (string length, value size, depth) was hit.
	TooLarge bool
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at byte %d", e.Msg, e.Offset) }

// Validator states: what the next token may be.
const (
	stValue      = iota // a value
	stValueOrEnd        // after '[': a value or ']'
	stKeyOrEnd          // after '{': a member name or '}'
	stKey               // after ',' in an object: a member name
	stColon             // after a member name
	stCommaOrEnd        // after a value in a container
	stDone              // the value is complete
)

// Validator checks the syntax of one JSON value fed to it in pieces. The zero value is
// ready; Reset makes it reusable.
type Validator struct {
	stack     []byte
	state     uint8
	MaxDepth  int
	MaxString int
}

// Reset prepares v for the next value.
func (v *Validator) Reset() { v.stack, v.state = v.stack[:0], stValue }

// Done reports whether a whole value has been fed.
func (v *Validator) Done() bool { return v.state == stDone }

// Feed scans b, which continues the value from where the last call stopped, and
// returns how many bytes it consumed — always up to a token boundary — and whether
// the value is complete. A token cut by the end of b is left unconsumed unless atEOF,
// when it is an error. Offsets in errors are relative to b: add the input offset of b.
func (v *Validator) Feed(b []byte, atEOF bool) (int, bool, error) {
	if v.state == stDone {
		return 0, true, nil
	}
	maxDepth, maxString := v.MaxDepth, v.MaxString
	if maxDepth == 0 {
		maxDepth = DefaultMaxDepth
	}
	if maxString == 0 {
		maxString = DefaultMaxString
	}
	i := 0
	for i < len(b) {
		c := b[i]
		if c <= ' ' {
			if c == ' ' || c == '\n' || c == '\r' || c == '\t' {
				i++
				continue
			}
			return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid character %s", quoteChar(c))}
		}
		switch v.state {
		case stValue, stValueOrEnd:
			if c == ']' && v.state == stValueOrEnd {
				v.stack = v.stack[:len(v.stack)-1]
				i++
				if v.after() {
					return i, true, nil
				}
				continue
			}
			switch c {
			case '"':
				end, err := scanString(b, i, atEOF, maxString)
				if err != nil {
					return i, false, err
				}
				if end < 0 {
					return i, false, nil
				}
				i = end
			case '{', '[':
				if len(v.stack) >= maxDepth {
					return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("containers nested deeper than %d levels", maxDepth), TooLarge: true}
				}
				v.stack = append(v.stack, c)
				i++
				if c == '{' {
					v.state = stKeyOrEnd
				} else {
					v.state = stValueOrEnd
				}
				continue
			case 't', 'f', 'n':
				end, err := scanLiteral(b, i, atEOF)
				if err != nil {
					return i, false, err
				}
				if end < 0 {
					return i, false, nil
				}
				i = end
			default:
				if c != '-' && (c < '0' || c > '9') {
					return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid character %s, want a value", quoteChar(c))}
				}
				end, err := scanNumber(b, i, atEOF)
				if err != nil {
					return i, false, err
				}
				if end < 0 {
					return i, false, nil
				}
				i = end
			}
			if v.after() {
				return i, true, nil
			}
			i = v.comma(b, i)
		case stKeyOrEnd, stKey:
			if c == '}' && v.state == stKeyOrEnd {
				v.stack = v.stack[:len(v.stack)-1]
				i++
				if v.after() {
					return i, true, nil
				}
				continue
			}
			if c != '"' {
				return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid character %s, want a member name", quoteChar(c))}
			}
			end, err := scanString(b, i, atEOF, maxString)
			if err != nil {
				return i, false, err
			}
			if end < 0 {
				return i, false, nil
			}
			i = end
			// The colon that follows a name at once (Terraform writes no space there) is
			// taken here rather than on another turn of the loop.
			if i < len(b) && b[i] == ':' {
				i++
				v.state = stValue
				continue
			}
			v.state = stColon
		case stColon:
			if c != ':' {
				return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid character %s after a member name, want ':'", quoteChar(c))}
			}
			i++
			v.state = stValue
		case stCommaOrEnd:
			top := v.stack[len(v.stack)-1]
			switch {
			case c == ',':
				i++
				if top == '{' {
					v.state = stKey
				} else {
					v.state = stValue
				}
			case (c == '}' && top == '{') || (c == ']' && top == '['):
				v.stack = v.stack[:len(v.stack)-1]
				i++
				if v.after() {
					return i, true, nil
				}
				i = v.comma(b, i)
			default:
				want := "',' or ']'"
				if top == '{' {
					want = "',' or '}'"
				}
				return i, false, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid character %s after a value, want %s", quoteChar(c), want)}
			}
		}
	}
	if atEOF {
		return i, false, &SyntaxError{Offset: int64(i), Msg: "the JSON ends early", Truncated: true}
	}
	return i, false, nil
}

// comma takes the comma that follows a value at once, as the state after it
// (stCommaOrEnd) would on the next turn of the loop, and returns the offset past it.
// Most values in a plan are followed by one: this saves the turn.
func (v *Validator) comma(b []byte, i int) int {
	if i < len(b) && b[i] == ',' {
		if v.stack[len(v.stack)-1] == '{' {
			v.state = stKey
		} else {
			v.state = stValue
		}
		return i + 1
	}
	return i
}

// after moves past a complete value and reports whether it was the outermost one.
func (v *Validator) after() bool {
	if len(v.stack) == 0 {
		v.state = stDone
		return true
	}
	v.state = stCommaOrEnd
	return false
}

func quoteChar(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("0x%02x", c)
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// EscapeMask marks, in the high bit of each byte, the bytes of x (eight bytes, the
// first in the low byte) that a JSON string must escape: a quote, a backslash or a
// control character. A byte of 0x80 or more is never marked by itself. Bytes above the
// first marked one may be marked wrongly (a borrow carries upward), so only the lowest
// mark is exact, and zero means none.
func EscapeMask(x uint64) uint64 {
	q := x ^ (lsb * '"')
	s := x ^ (lsb * '\\')
	return ((q-lsb)&^q | (s-lsb)&^s | (x-lsb*0x20)&^x) & msb
}

// special is EscapeMask with the non-ASCII bytes marked too: the bytes that end or
// interrupt the plain run of a string. Its lowest mark is where the run ends.
func special(x uint64) uint64 {
	q := x ^ (lsb * '"')
	s := x ^ (lsb * '\\')
	// (x - 0x20) | x marks both a control byte (the borrow) and a byte of 0x80 or more,
	// in two operations where EscapeMask's control term and x&msb take four.
	return ((q-lsb)&^q | (s-lsb)&^s | (x - lsb*0x20) | x) & msb
}

// scanString returns the offset just past the string starting at b[i] (a quote), or
// -1 when b ends inside it and more input may follow.
func scanString(b []byte, i int, atEOF bool, maxLen int) (int, error) {
	j := i + 1
	for {
		for j+8 <= len(b) {
			if m := special(binary.LittleEndian.Uint64(b[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		if j-i > maxLen {
			return 0, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("a string longer than %d MiB", maxLen>>20), TooLarge: true}
		}
		if j >= len(b) {
			return needMore(i, len(b), atEOF)
		}
		c := b[j]
		switch {
		case c == '"':
			return j + 1, nil
		case c == '\\':
			n, err := scanEscape(b, j, atEOF)
			if n <= 0 || err != nil {
				return n, err
			}
			j = n
		case c < 0x20:
			return 0, &SyntaxError{Offset: int64(j), Msg: fmt.Sprintf("control character %s inside a string", quoteChar(c))}
		case c < 0x80:
			j++
		default:
			r, size := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && size <= 1 {
				if !atEOF && !utf8.FullRune(b[j:]) {
					return -1, nil
				}
				return 0, &SyntaxError{Offset: int64(j), Msg: "invalid UTF-8 inside a string"}
			}
			j += size
		}
	}
}

func needMore(start, end int, atEOF bool) (int, error) {
	if atEOF {
		return 0, &SyntaxError{Offset: int64(end), Msg: "the JSON ends early", Truncated: true}
	}
	return -1, nil
}

// scanEscape checks the escape sequence at b[j] (a backslash) and returns the offset
// past it, -1 for more input, or an error.
func scanEscape(b []byte, j int, atEOF bool) (int, error) {
	if j+1 >= len(b) {
		return needMore(j, len(b), atEOF)
	}
	switch b[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
	default:
		return 0, &SyntaxError{Offset: int64(j), Msg: fmt.Sprintf("invalid escape sequence \\%c inside a string", b[j+1])}
	}
	r, ok, more := hex4(b, j+2)
	if more {
		return needMore(j, len(b), atEOF)
	}
	if !ok {
		return 0, &SyntaxError{Offset: int64(j), Msg: "invalid \\u escape inside a string"}
	}
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, &SyntaxError{Offset: int64(j), Msg: "a lone low surrogate \\u escape inside a string"}
	case r >= 0xD800 && r <= 0xDBFF:
		if j+8 > len(b) {
			return needMore(j, len(b), atEOF)
		}
		if b[j+6] != '\\' || b[j+7] != 'u' {
			return 0, &SyntaxError{Offset: int64(j), Msg: "a high surrogate \\u escape without its low half inside a string"}
		}
		r2, ok, more := hex4(b, j+8)
		if more {
			return needMore(j, len(b), atEOF)
		}
		if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
			return 0, &SyntaxError{Offset: int64(j), Msg: "a high surrogate \\u escape without its low half inside a string"}
		}
		return j + 12, nil
	}
	return j + 6, nil
}

func hex4(b []byte, at int) (r rune, ok, more bool) {
	if at+4 > len(b) {
		for k := at; k < len(b); k++ {
			if unhex(b[k]) < 0 {
				return 0, false, false
			}
		}
		return 0, false, true
	}
	for k := at; k < at+4; k++ {
		h := unhex(b[k])
		if h < 0 {
			return 0, false, false
		}
		r = r<<4 | rune(h)
	}
	return r, true, false
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func scanLiteral(b []byte, i int, atEOF bool) (int, error) {
	var lit string
	switch b[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	default:
		lit = "null"
	}
	n := len(b) - i
	if n > len(lit) {
		n = len(lit)
	}
	if string(b[i:i+n]) != lit[:n] {
		return 0, &SyntaxError{Offset: int64(i), Msg: fmt.Sprintf("invalid literal, want %s", lit)}
	}
	if n < len(lit) {
		return needMore(i, len(b), atEOF)
	}
	return i + len(lit), nil
}

// scanNumber checks the grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. A
// number that reaches the end of b needs more input unless atEOF, where it ends there.
func scanNumber(b []byte, i int, atEOF bool) (int, error) {
	j := i
	if b[j] == '-' {
		j++
	}
	if j >= len(b) {
		return needMore(i, len(b), atEOF)
	}
	switch c := b[j]; {
	case c == '0':
		j++
	case c >= '1' && c <= '9':
		j = digits(b, j)
	default:
		return badNumber(i)
	}
	if j >= len(b) {
		return numberEnd(j, atEOF)
	}
	if b[j] == '.' {
		k := digits(b, j+1)
		if k == j+1 {
			if k >= len(b) {
				return needMore(i, len(b), atEOF)
			}
			return badNumber(i)
		}
		j = k
		if j >= len(b) {
			return numberEnd(j, atEOF)
		}
	}
	if b[j] == 'e' || b[j] == 'E' {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := digits(b, j)
		if k == j {
			if k >= len(b) {
				return needMore(i, len(b), atEOF)
			}
			return badNumber(i)
		}
		j = k
		if j >= len(b) {
			return numberEnd(j, atEOF)
		}
	}
	return j, nil
}

func digits(b []byte, j int) int {
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	return j
}

// numberEnd: b ends where the number may end.
func numberEnd(j int, atEOF bool) (int, error) {
	if atEOF {
		return j, nil
	}
	return -1, nil
}

func badNumber(i int) (int, error) {
	return 0, &SyntaxError{Offset: int64(i), Msg: "invalid number"}
}
