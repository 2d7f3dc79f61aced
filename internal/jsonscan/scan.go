package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The walkers below read values a Validator has accepted. On anything else they never
// panic: they stop, and ValueEnd returns -1.

// SkipSpace returns the offset of the first byte at or after i that is not JSON
// whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

// Trim drops the whitespace around a value.
func Trim(b []byte) []byte {
	i := SkipSpace(b, 0)
	j := len(b)
	for j > i {
		switch b[j-1] {
		case ' ', '\n', '\r', '\t':
			j--
			continue
		}
		break
	}
	return b[i:j]
}

// stringEnd returns the offset just past the string that starts at b[i], or -1. It
// scans eight bytes at a time for the first quote or backslash and steps over each
// escape whole, so the escaped quotes of a policy document kept as a string (one in
// every few bytes) cost a few instructions each, not a search restarted after each.
func stringEnd(b []byte, i int) int {
	j := i + 1
	for {
		for j+8 <= len(b) {
			if m := quoteOrBackslash(binary.LittleEndian.Uint64(b[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j >= len(b) {
			return -1
		}
		if b[j] == '"' {
			return j + 1
		}
		j += 2 // a backslash and the byte it escapes (\u's hex digits are neither)
	}
}

// quoteOrBackslash marks, in the high bit of each byte, the quotes and backslashes in
// x (eight bytes, the first in the low byte). As in EscapeMask, only the lowest mark is
// exact: a borrow can mark bytes above it. EscapeMask repeats these two terms rather
// than calling this: the shared form costs the validator's loop an instruction a word.
func quoteOrBackslash(x uint64) uint64 {
	q := x ^ (lsb * '"')
	s := x ^ (lsb * '\\')
	return ((q-lsb)&^q | (s-lsb)&^s) & msb
}

// ValueEnd returns the offset just past the value that starts at b[i] (after any
// whitespace), or -1 when there is none.
func ValueEnd(b []byte, i int) int {
	i = SkipSpace(b, i)
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := stringEnd(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(b) {
			switch b[j] {
			case ',', '}', ']', ' ', '\n', '\r', '\t':
				return j
			}
			j++
		}
		return j
	}
}

// Members calls fn with each member of the object b, in order, until fn returns false.
// key is the name as written, without its quotes (escaped reports backslashes in it);
// val is the member's value without surrounding whitespace. Both are slices of b.
func Members(b []byte, fn func(key []byte, escaped bool, val []byte) bool) {
	for it := NewIter(b); it.object && it.Next(); {
		if !fn(it.key, bytes.IndexByte(it.key, '\\') >= 0, it.val) {
			return
		}
	}
}

// Elements calls fn with each element of the array b, in order, until fn returns false.
func Elements(b []byte, fn func(val []byte) bool) {
	for it := NewIter(b); !it.object && it.Next(); {
		if !fn(it.val) {
			return
		}
	}
}

// Kind is the first byte of a value: '{', '[', '"', 't', 'f', 'n', '0' for a number,
// or 0 when b holds no value.
func Kind(b []byte) byte {
	i := SkipSpace(b, 0)
	if i >= len(b) {
		return 0
	}
	return KindOf(b[i])
}

// KindOf is the kind (as Kind gives it) of a value that starts with the byte c.
func KindOf(c byte) byte {
	switch c {
	case '{', '[', '"', 't', 'f', 'n':
		return c
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	}
	return 0
}

// KindName says a kind in words, for messages: "an object", "a number", "null".
func KindName(k byte) string {
	switch k {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	}
	return "another kind of value"
}

// Unquote decodes the JSON string b (with its quotes). ok is false when b is not a
// well-formed string.
func Unquote(b []byte) (string, bool) {
	s, ok := AppendUnquoted(nil, b)
	if !ok {
		return "", false
	}
	return string(s), true
}

// SharedString returns the text of the JSON string b (with its quotes) without copying
// it, when it holds no escapes: the result shares b's bytes, so it is only for bytes
// nothing writes to again (values a plan or state keeps). ok is false when b is not a
// well-formed string or needs unescaping; the caller then decodes it (Unquote).
func SharedString(b []byte) (string, bool) {
	b = Trim(b)
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') >= 0 {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(inner), len(inner)), true
}

// AppendUnquoted appends the decoded JSON string b (with its quotes) to dst.
func AppendUnquoted(dst, b []byte) ([]byte, bool) {
	b = Trim(b)
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return dst, false
	}
	b = b[1 : len(b)-1]
	if bytes.IndexByte(b, '\\') < 0 {
		return append(dst, b...), true
	}
	return unescape(dst, b)
}

// UnescapeKey decodes a member name as Members hands it out (without quotes).
func UnescapeKey(dst, key []byte) ([]byte, bool) { return unescape(dst, key) }

func unescape(dst, b []byte) ([]byte, bool) {
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return dst, false
		}
		switch b[i+1] {
		case '"', '\\', '/':
			dst = append(dst, b[i+1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok, _ := hex4(b, i+2)
			if !ok {
				return dst, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r2, ok2, _ := hex4(b, i+2)
				if !ok2 || i+1 >= len(b) || b[i] != '\\' || b[i+1] != 'u' {
					return dst, false
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return dst, false
				}
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, false
		}
		i += 2
	}
	return dst, true
}

// DuplicateName returns the first member name that appears twice in one object
// anywhere inside the validated value b, as written (escapes kept). It is one pass
// over b, however deep the value: the names of every open object are kept on a
// stack, compared in place while an object has few and through a set past that.
func DuplicateName(b []byte) ([]byte, bool) {
	_, dup := ValueEndNames(b, 0)
	return dup, dup != nil
}

// ValueEndNames is ValueEnd and DuplicateName in one pass over the validated value
// that starts at b[i] (after any whitespace): the offset just past it (-1 when b ends
// first) and the first member name found twice in one object inside it (nil when
// none; the end is then still found).
func ValueEndNames(b []byte, i int) (end int, dup []byte) {
	i = SkipSpace(b, i)
	if i >= len(b) {
		return -1, nil
	}
	if c := b[i]; c != '{' && c != '[' {
		return ValueEnd(b, i), nil
	}
	type frame struct {
		object bool
		first  int                 // where this object's names start in names
		many   map[string]struct{} // this object's names once it has more than fewNames
	}
	const fewNames = 32
	var (
		frameBuf [32]frame
		nameBuf  [128][]byte
		stack    = frameBuf[:0]
		names    = nameBuf[:0]
		wantName bool
	)
	for i < len(b) {
		switch b[i] {
		case '{':
			stack = append(stack, frame{object: true, first: len(names)})
			wantName = true
		case '[':
			stack = append(stack, frame{first: len(names)})
			wantName = false
		case '}', ']':
			if len(stack) == 0 {
				return -1, dup
			}
			names = names[:stack[len(stack)-1].first]
			stack = stack[:len(stack)-1]
			wantName = false
			if len(stack) == 0 {
				return i + 1, dup
			}
		case ',':
			wantName = len(stack) > 0 && stack[len(stack)-1].object
		case '"':
			end := stringEnd(b, i)
			if end < 0 {
				return -1, dup
			}
			if wantName && dup == nil {
				name := b[i:end]
				top := &stack[len(stack)-1]
				if top.many != nil {
					if _, ok := top.many[string(name)]; ok {
						dup = name
					}
					top.many[string(name)] = struct{}{}
				} else {
					for _, n := range names[top.first:] {
						if string(n) == string(name) {
							dup = name
							break
						}
					}
					names = append(names, name)
					if len(names)-top.first > fewNames {
						top.many = make(map[string]struct{}, 2*fewNames)
						for _, n := range names[top.first:] {
							top.many[string(n)] = struct{}{}
						}
						names = names[:top.first]
					}
				}
				wantName = false
			}
			i = end
			continue
		}
		i++
	}
	return -1, dup
}

// Iter walks the members of an object or the elements of an array without a callback:
//
//	for it := jsonscan.NewIter(b); it.Next(); { use(it.Key(), it.Value()) }
//
// Key is nil for array elements. Like Members, it stops early on malformed bytes.
type Iter struct {
	b      []byte
	i      int
	object bool
	done   bool
	key    []byte
	val    []byte
	// pending is set by NextKey: the value starts at vstart and its end is not
	// known yet.
	pending bool
	vstart  int
	// end is just past the closing bracket once the walk is done (0 when malformed).
	end int
}

// NewIter starts a walk over the object or array b; any other value has nothing to walk.
// b may go on past the container: the walk stops at its closing bracket.
func NewIter(b []byte) Iter {
	i := SkipSpace(b, 0)
	if i >= len(b) || (b[i] != '{' && b[i] != '[') {
		return Iter{done: true}
	}
	it := Iter{b: b, i: i + 1, object: b[i] == '{'}
	j := SkipSpace(b, it.i)
	if j < len(b) && (b[j] == '}' || b[j] == ']') {
		it.done, it.end = true, j+1
	}
	return it
}

// Next moves to the next member or element and reports whether there is one.
func (it *Iter) Next() bool {
	if !it.start() {
		return false
	}
	it.finish(ValueEnd(it.b, it.vstart))
	return !it.failed()
}

// NextKey moves to the next member of an object, leaving its value unread: follow it
// with Value, ValueNames, or Enter and Exit. A value left unread is stepped over.
func (it *Iter) NextKey() bool {
	if !it.object {
		return it.Next()
	}
	return it.start()
}

// ValueNames is Value with DuplicateName's check of the value, in one pass, after
// NextKey; dup is the first member name found twice in one object inside it.
func (it *Iter) ValueNames() (val, dup []byte) {
	if it.pending {
		end, d := ValueEndNames(it.b, it.vstart)
		it.finish(end)
		return it.val, d
	}
	return it.val, nil
}

// Enter starts a walk over the current member's value, an object or array, after
// NextKey, without finding its end first; Exit(inner) resumes this walk after it.
func (it *Iter) Enter() Iter {
	if !it.pending {
		return Iter{done: true}
	}
	return NewIter(it.b[it.vstart:])
}

// Exit resumes the walk after a value walked through Enter: inner must have been
// walked to its end (Next or NextKey returned false).
func (it *Iter) Exit(inner *Iter) {
	if !it.pending {
		return
	}
	if inner.end == 0 {
		it.finish(ValueEnd(it.b, it.vstart)) // malformed or not a container: find the end the usual way
		return
	}
	it.finish(it.vstart + inner.end)
}

// start reads up to the next value and marks it pending.
func (it *Iter) start() bool {
	if it.pending {
		it.finish(ValueEnd(it.b, it.vstart))
		if it.failed() {
			return false
		}
	}
	if it.done {
		return false
	}
	b := it.b
	i := SkipSpace(b, it.i)
	if it.object {
		if i >= len(b) || b[i] != '"' {
			it.done = true
			return false
		}
		kEnd := stringEnd(b, i)
		if kEnd < 0 {
			it.done = true
			return false
		}
		it.key = b[i+1 : kEnd-1]
		i = SkipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			it.done = true
			return false
		}
		i++
	}
	it.vstart = SkipSpace(b, i)
	it.pending = true
	it.val = nil
	return true
}

// finish takes the pending value as ending at vEnd and moves past it.
func (it *Iter) finish(vEnd int) {
	it.pending = false
	if vEnd < 0 {
		it.done, it.val, it.i = true, nil, len(it.b)
		return
	}
	b := it.b
	it.val = b[it.vstart:vEnd:vEnd]
	i := SkipSpace(b, vEnd)
	if i >= len(b) || b[i] != ',' {
		it.done = true // the closing bracket, or malformed: either way the last one
		if i < len(b) && (b[i] == '}' || b[i] == ']') {
			it.end = i + 1
		}
	}
	it.i = i + 1
}

// failed reports whether the last value could not be delimited.
func (it *Iter) failed() bool { return it.val == nil }

// Key is the current member's name as written, without quotes (nil in arrays).
func (it *Iter) Key() []byte { return it.key }

// Value is the current member's value or the current element.
func (it *Iter) Value() []byte {
	if it.pending {
		it.finish(ValueEnd(it.b, it.vstart))
	}
	return it.val
}
