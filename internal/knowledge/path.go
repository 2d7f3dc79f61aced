package knowledge

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// SegmentKind says what one step of an attribute path selects.
type SegmentKind int

// The segment kinds.
const (
	// SegKey selects an attribute of an object (or a key of a map).
	SegKey SegmentKind = iota
	// SegAll selects every element of a list ("[*]").
	SegAll
	// SegIndex selects one element of a list ("[0]").
	SegIndex
)

// Segment is one step of a parsed attribute path.
type Segment struct {
	// Kind says what the segment selects.
	Kind SegmentKind
	// Key is the attribute name, for SegKey.
	Key string
	// Index is the element index, for SegIndex.
	Index int
}

// String renders the segment in path syntax.
func (s Segment) String() string {
	switch s.Kind {
	case SegAll:
		return "[*]"
	case SegIndex:
		return "[" + strconv.Itoa(s.Index) + "]"
	default:
		return s.Key
	}
}

// keyChars are the characters allowed in a path key: Terraform attribute
// names and the keys found in AWS JSON documents (awslogs-group).
var keyChars = regexp.MustCompile(`^[A-Za-z0-9_:-]+$`)

// ParsePath parses an attribute path such as
// "destination[*].bucket", "point_in_time_recovery[0].enabled" or
// "[*].logConfiguration.options.awslogs-group".
func ParsePath(path string) ([]Segment, error) {
	if path == "" {
		return nil, fmt.Errorf("parse path: empty path")
	}
	var segs []Segment
	rest := path
	first := true
	afterDot := false
	for rest != "" {
		switch {
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("parse path %q: unclosed '['", path)
			}
			inner := rest[1:end]
			if inner == "*" {
				segs = append(segs, Segment{Kind: SegAll})
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("parse path %q: index %q is neither * nor a non-negative number", path, inner)
				}
				segs = append(segs, Segment{Kind: SegIndex, Index: n})
			}
			rest = rest[end+1:]
		case rest[0] == '.':
			if first {
				return nil, fmt.Errorf("parse path %q: starts with '.'", path)
			}
			rest = rest[1:]
			if rest == "" || rest[0] == '.' || rest[0] == '[' {
				return nil, fmt.Errorf("parse path %q: '.' must be followed by a key", path)
			}
			afterDot = true
			continue
		default:
			if !first && !afterDot {
				return nil, fmt.Errorf("parse path %q: missing '.' before %q", path, rest)
			}
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			key := rest[:end]
			if !keyChars.MatchString(key) {
				return nil, fmt.Errorf("parse path %q: bad key %q", path, key)
			}
			segs = append(segs, Segment{Kind: SegKey, Key: key})
			rest = rest[end:]
		}
		first = false
		afterDot = false
	}
	return segs, nil
}

// collect walks v along segs and calls emit for every value reached.
//
// The walk is lenient about how Terraform JSON encodes nested blocks: a list
// block is a list of objects and a single nested block or attribute is an
// object, so a key applied to a list applies to each element and "[*]" applied
// to an object selects the object itself. This way one path fits plan JSON,
// state files and provider versions that encode a block either way.
func collect(v any, segs []Segment, emit func(any)) {
	if v == nil {
		return
	}
	if len(segs) == 0 {
		emit(v)
		return
	}
	s := segs[0]
	switch x := v.(type) {
	case map[string]any:
		switch s.Kind {
		case SegKey:
			collect(x[s.Key], segs[1:], emit)
		case SegAll, SegIndex:
			if s.Kind == SegIndex && s.Index != 0 {
				return
			}
			collect(x, segs[1:], emit)
		}
	case []any:
		switch s.Kind {
		case SegKey:
			for _, e := range x {
				collect(e, segs, emit)
			}
		case SegAll:
			for _, e := range x {
				collect(e, segs[1:], emit)
			}
		case SegIndex:
			if s.Index < len(x) {
				collect(x[s.Index], segs[1:], emit)
			}
		}
	}
}

// appendStrings appends every string in v (a string, or a list or map of them,
// nested) to out.
func appendStrings(out []string, v any) []string {
	switch x := v.(type) {
	case string:
		if x != "" {
			out = append(out, x)
		}
	case []any:
		for _, e := range x {
			out = appendStrings(out, e)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			out = appendStrings(out, x[k])
		}
	}
	return out
}

// policyGrammar reports whether key is a key of IAM policy documents whose
// values are policy language, never identifiers of resources.
func policyGrammar(key string) bool {
	switch key {
	case "Version", "Id", "Sid", "Effect", "Action", "NotAction":
		return true
	}
	return false
}

// principalID matches IAM unique ids as they appear in policies: a role's
// AROA…, a user's AIDA…, an instance profile's AIPA…, alone or as the
// aws:userid value "AROA…:session".
var principalID = regexp.MustCompile(`^(A[A-Z]{3}[A-Z0-9]{12,})(:.*)?$`)

// appendDocStrings appends the identifier candidates in a decoded JSON
// document: every string except policy grammar, with unique ids cut out of
// "AROA…:*" forms.
func appendDocStrings(out []string, v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return out
		}
		return append(out, docString(x))
	case []any:
		for _, e := range x {
			out = appendDocStrings(out, e)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if policyGrammar(k) {
				continue
			}
			out = appendDocStrings(out, x[k])
		}
	}
	return out
}

// docString is a document's string as an identifier candidate: the unique id of an
// "AROA…:*" form, or the string itself. Most strings cannot be one and are not given
// to the regular expression.
func docString(x string) string {
	if len(x) >= 16 && x[0] == 'A' && isUniqueIDPrefix(x) {
		if m := principalID.FindStringSubmatch(x); m != nil {
			return m[1]
		}
	}
	return x
}

// isUniqueIDPrefix reports whether id starts with a prefix IAM uses for the
// unique ids of principals and instance profiles.
func isUniqueIDPrefix(id string) bool {
	switch id[:4] {
	case "AROA", "AIDA", "AIPA", "AGPA", "ANPA", "ANVA", "ASIA", "AKIA":
		return true
	}
	return false
}

// Values returns the identifier candidates found at the reference's path in
// attrs, a resource's attribute values as decoded by encoding/json from plan
// JSON ("before", "after") or a state file ("attributes").
//
// For a plain reference these are the strings at the path (a list of strings
// yields each). For a JSON reference each string at the path is decoded as a
// JSON document and the result is the strings found inside it (at JSONPath,
// or anywhere but in policy grammar such as Effect and Action), with IAM
// unique ids taken out of "AROA…:*" aws:userid patterns. A document that does
// not decode yields nothing. Duplicates are removed; order follows the data.
func (r Reference) Values(attrs map[string]any) []string {
	segs := r.Segments
	if segs == nil {
		var err error
		if segs, err = ParsePath(r.Path); err != nil {
			return nil
		}
	}
	var raw []string
	collect(attrs, segs, func(v any) { raw = appendStrings(raw, v) })
	if !r.JSON {
		return dedupe(raw)
	}
	return r.docValues(raw)
}

// docValues decodes each of a JSON reference's strings as a JSON document and returns
// the identifier candidates inside them, deduplicated.
func (r Reference) docValues(raw []string) []string {
	jsegs, ok := r.jsonSegments()
	if !ok {
		return nil
	}
	var out []string
	for _, doc := range raw {
		out = appendDoc(out, doc, jsegs)
	}
	return dedupe(out)
}

// jsonSegments is JSONPath parsed (JSONSegments when set); ok is false when it does
// not parse.
func (r Reference) jsonSegments() ([]Segment, bool) {
	if r.JSONSegments != nil || r.JSONPath == "" {
		return r.JSONSegments, true
	}
	segs, err := ParsePath(r.JSONPath)
	return segs, err == nil
}

// appendDoc appends the identifier candidates of one JSON document at jsegs (all of
// it when empty); a document that does not decode adds nothing.
func appendDoc(out []string, doc string, jsegs []Segment) []string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return out
	}
	if len(jsegs) == 0 {
		return appendDocStrings(out, v)
	}
	collect(v, jsegs, func(x any) { out = appendDocStrings(out, x) })
	return out
}

// Value returns the protection attribute's value in attrs rendered as a
// string ("true", "false", "Enabled"), and whether it is set.
func (p Protection) Value(attrs map[string]any) (string, bool) {
	segs := p.Segments
	if segs == nil {
		var err error
		if segs, err = ParsePath(p.Path); err != nil {
			return "", false
		}
	}
	var got any
	found := false
	collect(attrs, segs, func(v any) {
		if !found {
			got, found = v, true
		}
	})
	if !found {
		return "", false
	}
	switch x := got.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	default:
		return "", false
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dedupe removes the repeats of strings from in, keeping the first of each in order.
func dedupe(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	// The kept strings are moved to the front of in: out never passes the string
	// being read, and in is the caller's own list, not needed afterwards.
	if len(in) <= 8 {
		// Most lists are this short: compared in place, without a set.
		out := in[:0]
		for _, s := range in {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
