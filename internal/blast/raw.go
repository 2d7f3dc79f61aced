package blast

import (
	"bytes"
	"encoding/json"
	"unsafe"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
	"github.com/hiyari-dev/hiyari/internal/knowledge"
)

// rawMembers calls fn for each member of the JSON object v, in order, until fn
// returns false, with the raw bytes of the member's name (without quotes) and value.
// v is JSON as Terraform writes it (plan values, state attributes); scanning it
// allocates nothing, which matters on the blast radius's hot path, where every
// resource of a large plan is looked at once per level. Malformed input ends the
// scan early.
func rawMembers(v []byte, fn func(key, val []byte) bool) {
	jsonscan.Members(v, func(key []byte, _ bool, val []byte) bool { return fn(key, val) })
}

// rawString returns the text of a JSON string value. Without escapes it shares val's
// bytes instead of copying them: identifiers are read from plan and state values,
// which are never written to and live as long as the review, and a copy of every
// candidate's ARN and name cost the 100k-resource plan 5 MB.
func rawString(val []byte) (string, bool) {
	if s, ok := jsonscan.SharedString(val); ok {
		return s, true
	}
	if len(val) < 2 || val[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(val, &s); err != nil {
		return "", false
	}
	return s, true
}

// walkRawStrings calls fn for every string in the raw JSON v with its attribute path,
// which starts as path: "[*]" is appended for a list's elements and "." and the name
// for an object's members, visited in the order of their sorted names. The walk reads
// v in place: s and path are valid only during the call (copy what is kept), and path
// is built in path's spare room, so a caller can hand it a stack buffer.
//
// With forTokens, fn only splits s into tokens (see tokens): a string whose only
// escapes are \" and \\ (a JSON document inside a string, such as a policy) is then
// passed as written, without unquoting it, since it splits into the same tokens —
// both bytes of either escape are separators, as are the '"' and '\' they stand for.
func walkRawStrings(v []byte, path []byte, forTokens bool, fn func(path []byte, s string)) {
	switch jsonscan.Kind(v) {
	case '"':
		// quotesOnly takes every string SharedString takes, and those with \" and \\.
		var s string
		var ok bool
		if forTokens {
			s, ok = quotesOnly(v)
		} else {
			s, ok = jsonscan.SharedString(v)
		}
		if !ok {
			s, ok = jsonscan.Unquote(v)
		}
		if ok {
			fn(path, s)
		}
	case '[':
		p := append(path, "[*]"...)
		for it := jsonscan.NewIter(v); it.Next(); {
			walkRawStrings(it.Value(), p, forTokens, fn)
		}
	case '{':
		knowledge.SortedMembers(v, func(key, m []byte) {
			walkRawStrings(m, append(append(path, '.'), key...), forTokens, fn)
		})
	}
}

// quotesOnly returns the content of the raw JSON string v as written, and whether its
// only escapes are \" and \\.
func quotesOnly(v []byte) (string, bool) {
	v = jsonscan.Trim(v)
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	in := v[1 : len(v)-1]
	for i := 0; i < len(in); {
		j := bytes.IndexByte(in[i:], '\\')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(in) || in[i+1] != '"' && in[i+1] != '\\' {
			return "", false
		}
		i += 2
	}
	return unsafe.String(unsafe.SliceData(in), len(in)), true
}

// rawAttr is a top-level attribute of a value, its name as written and its raw value.
type rawAttr struct {
	key, val []byte
}

// lastAttr is the value of the last attribute named key, or nil (also for JSON null).
func lastAttr(attrs []rawAttr, key string) []byte {
	for i := len(attrs) - 1; i >= 0; i-- {
		if string(attrs[i].key) == key {
			if jsonscan.Kind(attrs[i].val) == 'n' {
				return nil
			}
			return attrs[i].val
		}
	}
	return nil
}
