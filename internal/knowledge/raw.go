package knowledge

import (
	"bytes"
	"slices"
	"unsafe"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
)

// ValuesIn is Values for one resource whose top-level attribute r.Segments[0].Key
// holds attr, raw JSON as Terraform writes it (plan values, state attributes). It
// reads the bytes in place instead of decoding the attribute into maps and slices, and
// returns what Values returns for the decoded attributes: the blast radius asks every
// candidate of a large plan, and decoding was most of what it allocated. A reference
// whose path does not start at a key, and an absent or null attr, yield nothing. The
// strings it returns may share attr's bytes (and the bytes of the documents in it), so
// attr must not be written to afterwards.
func (r Reference) ValuesIn(attr []byte) []string {
	segs := r.Segments
	if segs == nil {
		var err error
		if segs, err = ParsePath(r.Path); err != nil {
			return nil
		}
	}
	if len(segs) == 0 || segs[0].Kind != SegKey {
		return nil
	}
	var raw []string
	collectRaw(attr, segs[1:], func(v []byte) { raw = appendStringsRaw(raw, v) })
	if !r.JSON {
		return dedupe(raw)
	}
	jsegs, ok := r.jsonSegments()
	if !ok {
		return nil
	}
	// Only here are documents read in place: Values (docValues) decodes every one, so
	// it stays what the tests hold this path to.
	var out []string
	for _, doc := range raw {
		b := unsafe.Slice(unsafe.StringData(doc), len(doc)) // read only
		if !plainDoc(b) {
			out = appendDoc(out, doc, jsegs)
			continue
		}
		if len(jsegs) == 0 {
			out = appendDocStringsRaw(out, b)
			continue
		}
		collectRaw(b, jsegs, func(v []byte) { out = appendDocStringsRaw(out, v) })
	}
	return dedupe(out)
}

// plainDoc reports whether a JSON document can be read in place with the result
// encoding/json's decoding gives (appendDoc): it is well-formed (the validator also
// refuses invalid UTF-8, which encoding/json would replace), nested at most
// plainDepth deep, and holds no escape and no number (encoding/json refuses a number
// too large for a float64). Policies are; any other document is decoded.
func plainDoc(b []byte) bool {
	if bytes.IndexByte(b, '\\') >= 0 {
		return false
	}
	in := false
	for _, c := range b {
		switch {
		case c == '"':
			in = !in
		case !in && (c == '-' || c >= '0' && c <= '9'):
			return false
		}
	}
	v := jsonscan.Validator{MaxDepth: plainDepth}
	n, done, err := v.Feed(b, true)
	return err == nil && done && jsonscan.SkipSpace(b, n) == len(b)
}

// plainDepth bounds the nesting of a document plainDoc accepts, well inside
// encoding/json's own limit.
const plainDepth = 64

// appendDocStringsRaw is appendDocStrings on a document plainDoc accepted: its
// strings are read in place, and share its bytes.
func appendDocStringsRaw(out []string, v []byte) []string {
	switch jsonscan.Kind(v) {
	case '"':
		v = jsonscan.Trim(v)
		if len(v) > 2 {
			out = append(out, docString(unsafe.String(&v[1], len(v)-2)))
		}
	case '[':
		for it := jsonscan.NewIter(v); it.Next(); {
			out = appendDocStringsRaw(out, it.Value())
		}
	case '{':
		SortedMembers(v, func(key []byte, m []byte) {
			if !policyGrammar(string(key)) {
				out = appendDocStringsRaw(out, m)
			}
		})
	}
	return out
}

// collectRaw is collect on raw JSON: it walks v along segs with the same leniency about
// lists and single blocks and calls emit with every value reached.
func collectRaw(v []byte, segs []Segment, emit func([]byte)) {
	k := jsonscan.Kind(v)
	if k == 0 || k == 'n' {
		return
	}
	if len(segs) == 0 {
		emit(v)
		return
	}
	s := segs[0]
	switch k {
	case '{':
		switch s.Kind {
		case SegKey:
			if m := memberRaw(v, s.Key); m != nil {
				collectRaw(m, segs[1:], emit)
			}
		case SegAll, SegIndex:
			if s.Kind == SegIndex && s.Index != 0 {
				return
			}
			collectRaw(v, segs[1:], emit)
		}
	case '[':
		i := 0
		for it := jsonscan.NewIter(v); it.Next(); i++ {
			switch s.Kind {
			case SegKey:
				collectRaw(it.Value(), segs, emit)
			case SegAll:
				collectRaw(it.Value(), segs[1:], emit)
			case SegIndex:
				if i == s.Index {
					collectRaw(it.Value(), segs[1:], emit)
					return
				}
			}
		}
	}
}

// memberRaw is the value of the member key of the object v, the last one when the name
// repeats (as encoding/json decodes it), or nil.
func memberRaw(v []byte, key string) []byte {
	var found []byte
	var buf [64]byte
	for it := jsonscan.NewIter(v); it.Next(); {
		k := it.Key()
		if bytes.IndexByte(k, '\\') >= 0 {
			d, ok := jsonscan.UnescapeKey(buf[:0], k)
			if !ok {
				continue
			}
			k = d
		}
		if string(k) == key {
			found = it.Value()
		}
	}
	return found
}

// appendStringsRaw is appendStrings on raw JSON: every non-empty string in v, objects'
// members in the order of their sorted names.
func appendStringsRaw(out []string, v []byte) []string {
	switch jsonscan.Kind(v) {
	case '"':
		// Shared with v when it holds no escape: the values a plan or state keeps
		// are never written again.
		s, ok := jsonscan.SharedString(v)
		if !ok {
			s, ok = jsonscan.Unquote(jsonscan.Trim(v))
		}
		if ok && s != "" {
			out = append(out, s)
		}
	case '[':
		for it := jsonscan.NewIter(v); it.Next(); {
			out = appendStringsRaw(out, it.Value())
		}
	case '{':
		SortedMembers(v, func(_ []byte, m []byte) {
			out = appendStringsRaw(out, m)
		})
	}
	return out
}

// rawMember is one member of a raw JSON object, its name unescaped.
type rawMember struct {
	key, val []byte
}

// SortedMembers calls fn for each member of the raw JSON object v in the order of their
// names, as encoding/json's decoded maps are walked in sorted order. A name that
// repeats counts once, with its last value, as encoding/json decodes it. Terraform
// writes names sorted, so the usual cost is one check.
func SortedMembers(v []byte, fn func(key, val []byte)) {
	var small [16]rawMember
	ms := small[:0]
	for it := jsonscan.NewIter(v); it.Next(); {
		k := it.Key()
		if bytes.IndexByte(k, '\\') >= 0 {
			d, ok := jsonscan.UnescapeKey(nil, k)
			if !ok {
				continue
			}
			k = d
		}
		ms = append(ms, rawMember{k, it.Value()})
	}
	byKey := func(a, b rawMember) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(ms, byKey) {
		slices.SortStableFunc(ms, byKey)
	}
	for i := range ms {
		if i+1 < len(ms) && bytes.Equal(ms[i].key, ms[i+1].key) {
			continue // a later member of the same name wins
		}
		fn(ms[i].key, ms[i].val)
	}
}
