package blast

import (
	"bytes"
	"encoding/json"
)

// rawMembers calls fn for each member of the JSON object v, in order, until fn
// returns false, with the raw bytes of the member's name (without quotes) and value.
// v is JSON as Terraform writes it (plan values, state attributes); scanning it
// allocates nothing, which matters on the blast radius's hot path, where every
// resource of a large plan is looked at once per level. Malformed input ends the
// scan early.
func rawMembers(v []byte, fn func(key, val []byte) bool) {
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(v, i)
		if i >= len(v) || v[i] == '}' {
			return
		}
		if v[i] == ',' {
			i++
			continue
		}
		if v[i] != '"' {
			return
		}
		kEnd := skipString(v, i)
		if kEnd < 0 {
			return
		}
		key := v[i+1 : kEnd-1]
		i = skipSpace(v, kEnd)
		if i >= len(v) || v[i] != ':' {
			return
		}
		i = skipSpace(v, i+1)
		vEnd := skipValue(v, i)
		if vEnd < 0 {
			return
		}
		if !fn(key, v[i:vEnd]) {
			return
		}
		i = vEnd
	}
}

func skipSpace(v []byte, i int) int {
	for i < len(v) {
		switch v[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at v[i] ('"'), or -1.
func skipString(v []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(v[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for b := j - 1; b > i && v[b] == '\\'; b-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
		j++
	}
}

// skipValue returns the index after the value starting at v[i], or -1.
func skipValue(v []byte, i int) int {
	if i >= len(v) {
		return -1
	}
	switch v[i] {
	case '"':
		return skipString(v, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(v); j++ {
			switch v[j] {
			case '"':
				end := skipString(v, j)
				if end < 0 {
					return -1
				}
				j = end - 1
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
		for j < len(v) {
			switch v[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return j
			}
			j++
		}
		return j
	}
}

// rawString returns the text of a JSON string value.
func rawString(val []byte) (string, bool) {
	if len(val) < 2 || val[0] != '"' {
		return "", false
	}
	inner := val[1 : len(val)-1]
	for _, c := range inner {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(val, &s); err != nil {
				return "", false
			}
			return s, true
		}
	}
	return string(inner), true
}
