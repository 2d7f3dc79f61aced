package blast

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/jsonscan"
	"github.com/hiyari-dev/hiyari/internal/knowledge"
)

// minIdentifier is the shortest identifier value indexed: shorter ids ("1", "a")
// would match unrelated values everywhere.
const minIdentifier = 3

// hit is one identifier of one cause, under the value it is indexed by.
type hit struct {
	cause int
	kind  knowledge.IdentifierKind
}

// index maps identifier values (ARNs, names, ids, unique ids) of the causes of one
// level to the causes they identify. A value is looked up whole, and, for ARNs and
// unique ids, also by its prefixes that end before a ':' or '/': that is how an ARN
// is contained in a longer one ("arn:aws:s3:::b" in "arn:aws:s3:::b/*", a log group
// ARN in "…:log-group:NAME:*") and a unique id in an aws:userid value ("AROA…:*").
// Each lookup costs one map access per separator in the value, never a substring
// search over every identifier.
type index struct {
	// byValue maps a value to its first hit in hits; further hits of the same value
	// are chained through next (-1 ends), which saves a slice per value.
	byValue map[string]int32
	hits    []hitNode
	// sigs and arnSigs mark the signatures (see sigOf) of the indexed values, and of
	// the ARNs and unique ids among them: a token whose signature is unmarked cannot
	// be one, and costs no map lookup. They are the cheap test run on every token of
	// every candidate, so they are small enough to stay in cache.
	sigs, arnSigs *[sigBits / 64]uint64
	// contained is true when some value may be found as a prefix (an ARN or unique id).
	contained bool
	// needles hold, one per head, the beginning shared by the ARNs and unique ids
	// indexed under it; a head is a value's first headLen bytes, or the whole value
	// when shorter, and the first bytes of a needle. manyHeads is true when there are
	// more than maxHeads heads. Every ARN or unique id a token can equal or start
	// with begins with a needle ("arn:aws:", "AROA"), so a scan for ARNs only jumps
	// from needle to needle instead of tokenising every byte, and a token that starts
	// with no head is not looked up by its prefixes.
	needles   []needle
	manyHeads bool
	headFirst [256]bool // the first bytes of heads
}

// needle is the beginning every indexed ARN or unique id under one head shares
// ("arn:aws:" for ARNs in one partition, "AROA" for role ids), at most needleLen
// bytes and cut before any separator (never within its head, which holds none), and
// the position of its least common byte
// (see commonBytes). The scan looks for that byte, which occurs far less often than
// the first: 'w' once in 148 bytes of the corpus, 'a' once in 23.
type needle struct {
	b  []byte
	at int
	// keys are the bytes keyAt to keyAt+4 of the values under the needle, as
	// little-endian words, when every such value is that long and they take at most
	// maxKeys words (anyKey otherwise). For ARNs they begin the service ("iam:",
	// "s3::", "lamb"): a token whose bytes there are none of them can neither be nor
	// begin with one of the values, and is not read further. On the second level of
	// the 100k-resource plan, whose causes are a few services' resources, that skips
	// most of the ARNs in the values (the roles').
	keys   []uint32
	anyKey bool
}

// keyAt and maxKeys bound needle.keys: the key follows "arn:aws:".
const (
	keyAt   = 8
	maxKeys = 16
)

// addKey notes the key of v, a value under the needle.
func (n *needle) addKey(v string) {
	if n.anyKey {
		return
	}
	if len(v) < keyAt+4 {
		n.anyKey, n.keys = true, nil
		return
	}
	k := binary.LittleEndian.Uint32([]byte(v[keyAt : keyAt+4]))
	if slices.Contains(n.keys, k) {
		return
	}
	if len(n.keys) == maxKeys {
		n.anyKey, n.keys = true, nil
		return
	}
	n.keys = append(n.keys, k)
}

// keyed reports whether the token at raw[i], which begins with the needle, may be
// or begin with a value under it, by its key.
func (n *needle) keyed(raw []byte, i int) bool {
	if n.anyKey {
		return true
	}
	return i+keyAt+4 <= len(raw) && slices.Contains(n.keys, binary.LittleEndian.Uint32(raw[i+keyAt:]))
}

// needleLen bounds a needle.
const needleLen = 16

// commonBytes are the bytes of Terraform's JSON plans and states, most common first,
// as counted on the public plan corpus the tests read (2.2 MB); the bytes not listed
// are rarer than all of these.
const commonBytes = " \"eastrnoi_:cl,udpm\nf.vgb{}wyh[]\\0-k12x36/4A8579"

// byteRank orders bytes by how common they are: a higher rank is rarer.
var byteRank = func() (r [256]int) {
	for i := range r {
		r[i] = len(commonBytes)
	}
	for i := len(commonBytes) - 1; i >= 0; i-- {
		r[commonBytes[i]] = i
	}
	return r
}()

// newNeedle makes the needle of a value: its beginning, up to needleLen bytes and
// cut before a separator.
func newNeedle(v string) needle {
	n := needle{b: []byte(v[:min(needleLen, len(v))])}
	for i, c := range n.b {
		if sepTable[c] {
			n.b = n.b[:i]
			break
		}
	}
	n.rarest()
	return n
}

// shrink cuts the needle to the beginning it shares with v.
func (n *needle) shrink(v string) {
	i := 0
	for i < len(n.b) && i < len(v) && n.b[i] == v[i] {
		i++
	}
	if i < len(n.b) {
		n.b = n.b[:i]
		n.rarest()
	}
}

// markOf is the needle of an attribute name as written before its value: "key".
func markOf(key string) needle {
	n := needle{b: []byte(`"` + key + `"`)}
	n.rarest()
	return n
}

// find returns the offset of the first occurrence of the needle in raw at or after
// off, or -1: it looks for the needle's least common byte, then compares the rest.
func (n *needle) find(raw []byte, off int) int {
	c := n.b[n.at]
	for from := off + n.at; from < len(raw); {
		k := bytes.IndexByte(raw[from:], c)
		if k < 0 {
			return -1
		}
		from += k + 1
		i := from - 1 - n.at
		if len(raw)-i >= len(n.b) && string(raw[i:i+len(n.b)]) == string(n.b) {
			return i
		}
	}
	return -1
}

// head is the needle's head: its first headLen bytes, or all of it when shorter.
func (n *needle) head() []byte { return n.b[:min(headLen, len(n.b))] }

// rarest sets at to the needle's least common byte (the first of equals).
func (n *needle) rarest() {
	n.at = 0
	for i, c := range n.b {
		if byteRank[c] > byteRank[n.b[n.at]] {
			n.at = i
		}
	}
}

// headLen and maxHeads bound the heads of index.needles.
const (
	headLen  = 4
	maxHeads = 8
)

// hitNode is a hit and the index of the next hit of the same value.
type hitNode struct {
	hit
	next int32
}

func newIndex(hint int) *index {
	return &index{byValue: make(map[string]int32, hint), hits: make([]hitNode, 0, hint),
		sigs: new([sigBits / 64]uint64), arnSigs: new([sigBits / 64]uint64)}
}

// each calls fn for every hit of v, in the order they were added.
func (x *index) each(v string, fn func(h hit)) {
	i, ok := x.byValue[v]
	if !ok {
		return
	}
	for ; i >= 0; i = x.hits[i].next {
		fn(x.hits[i].hit)
	}
}

func (x *index) add(v string, h hit) {
	if len(v) < minIdentifier {
		return
	}
	last := int32(-1)
	if i, ok := x.byValue[v]; ok {
		for ; i >= 0; i = x.hits[i].next {
			if x.hits[i].cause == h.cause && x.hits[i].kind == h.kind {
				return
			}
			last = i
		}
	}
	x.hits = append(x.hits, hitNode{hit: h, next: -1})
	n := int32(len(x.hits) - 1)
	if last < 0 {
		x.byValue[v] = n
	} else {
		x.hits[last].next = n
	}
	sig := sigOf(v)
	x.sigs[sig/64] |= 1 << (sig % 64)
	if h.kind == knowledge.KindARN || h.kind == knowledge.KindUniqueID {
		x.arnSigs[sig/64] |= 1 << (sig % 64)
		x.contained = true
		x.addHead(v)
	}
}

// addHead notes the head of v, an ARN or unique id, and shrinks its head's needle
// to what v shares with it.
func (x *index) addHead(v string) {
	if x.manyHeads {
		return
	}
	head := v[:min(headLen, len(v))]
	for i := range len(head) {
		if sepTable[head[i]] {
			return // no token begins with it: a token holds no separator
		}
	}
	for i := range x.needles {
		if string(x.needles[i].head()) == head {
			x.needles[i].shrink(v)
			x.needles[i].addKey(v)
			return
		}
	}
	if len(x.needles) == maxHeads {
		x.manyHeads, x.needles = true, nil
		return
	}
	x.needles = append(x.needles, newNeedle(v))
	x.needles[len(x.needles)-1].addKey(v)
	x.headFirst[head[0]] = true
}

// headed returns the length of the shortest prefix of tok that may be an indexed
// ARN or unique id, or -1 when none may be: tok must begin with a head, and an
// indexed value under that head is no shorter than the head's needle (a value of
// three bytes is a head of its own). With too many heads to tell it is
// minIdentifier. Most tokens fail on their first byte.
func (x *index) headed(tok []byte) int {
	if x.manyHeads {
		return minIdentifier
	}
	if len(tok) == 0 || !x.headFirst[tok[0]] {
		return -1
	}
	shortest := -1
	for i := range x.needles {
		if h := x.needles[i].head(); len(tok) >= len(h) && string(tok[:len(h)]) == string(h) {
			if n := len(x.needles[i].b); shortest < 0 || n < shortest {
				shortest = n
			}
		}
	}
	return shortest
}

// sepTable marks the bytes that end a token: JSON punctuation, quotes, backslashes
// (so strings holding JSON documents are tokenised too), spaces and control
// characters. A table is faster than a switch in a loop over bytes; sepMask tests
// eight at a time.
var sepTable = func() (t [256]bool) {
	for _, c := range []byte("\"\\,{}[]") {
		t[c] = true
	}
	for c := range 0x21 {
		t[c] = true
	}
	return t
}()

func (x *index) empty() bool { return len(x.byValue) == 0 }

// sigBits is the number of signatures: 2^20 bits, 128 KiB per set. The indexed
// values of a level of the 100k-resource plan mark about a tenth of them.
const sigBits = 1 << 20

// sigOf is a value's signature: a hash of its length and its last eight bytes. The
// end of an identifier is where identifiers differ (ARNs and names share their
// beginnings: "arn:aws:iam::123456789012:role/", "dev-"), and reading it costs one
// load, not a pass over the value.
func sigOf[T string | []byte](v T) uint32 {
	var h uint64
	if n := len(v); n >= 8 {
		h = uint64(v[n-8]) | uint64(v[n-7])<<8 | uint64(v[n-6])<<16 | uint64(v[n-5])<<24 |
			uint64(v[n-4])<<32 | uint64(v[n-3])<<40 | uint64(v[n-2])<<48 | uint64(v[n-1])<<56
	} else {
		for i := 0; i < n; i++ {
			h = h<<8 | uint64(v[i])
		}
	}
	h ^= uint64(len(v)) << 59
	return uint32((h * 0x9E3779B97F4A7C15) >> (64 - 20))
}

// maybe reports whether v may be indexed (as an ARN or unique id when arnsOnly),
// from its signature.
func (x *index) maybe(v []byte, arnsOnly bool) bool {
	sig := sigOf(v)
	set := x.sigs
	if arnsOnly {
		set = x.arnSigs
	}
	return set[sig/64]&(1<<(sig%64)) != 0
}

// lookup calls fn for every hit whose value equals v or, for ARNs and unique ids, is
// a prefix of v ending before a separator. fn gets the matched value.
func (x *index) lookup(v string, fn func(value string, h hit)) {
	if len(v) < minIdentifier {
		return
	}
	x.each(v, func(h hit) { fn(v, h) })
	if !x.contained {
		return
	}
	for i := minIdentifier; i < len(v); i++ {
		if c := v[i]; c != ':' && c != '/' {
			continue
		}
		p := v[:i]
		x.each(p, func(h hit) {
			if h.kind == knowledge.KindARN || h.kind == knowledge.KindUniqueID {
				fn(p, h)
			}
		})
	}
}

// mayHit reports whether any token of raw, a JSON document as bytes, is (or starts
// with) an indexed value of a cause other than self (-1 for none). It is the cheap
// test run on every candidate before its values are decoded: tokens end at the bytes
// of sepTable, so strings holding JSON documents, such as policies, are tokenised too.
func (x *index) mayHit(raw []byte, self int) bool { return x.mayHitKinds(raw, self, false) }

// mayHitKinds is mayHit, counting only ARNs and unique ids when arnsOnly is true
// (what the generic scan looks for).
func (x *index) mayHitKinds(raw []byte, self int, arnsOnly bool) bool {
	if arnsOnly && !x.manyHeads {
		return x.mayHitHeads(raw, self)
	}
	// Eight bytes at a time: sepMask marks the separators of a word, and only the
	// bytes where a token begins or ends are visited. The last, short word is read
	// from a copy padded with separators.
	start := -1 // where the current token begins; -1 between tokens
	var tail [8]byte
	for i := 0; i < len(raw); i += 8 {
		var w uint64
		if i+8 <= len(raw) {
			w = binary.LittleEndian.Uint64(raw[i:])
		} else {
			n := copy(tail[:], raw[i:])
			for k := n; k < 8; k++ {
				tail[k] = ' '
			}
			w = binary.LittleEndian.Uint64(tail[:])
		}
		seps := sepMask(w)
		toks := ^seps & msb
		for {
			if start < 0 {
				if toks == 0 {
					break
				}
				at := bits.TrailingZeros64(toks)
				start = i + at>>3
				seps &= ^uint64(0) << at
				continue
			}
			if seps == 0 {
				break
			}
			at := bits.TrailingZeros64(seps)
			end := i + at>>3
			if end-start >= minIdentifier && !memberName(raw, end) && x.tokenHits(raw[start:end], self, arnsOnly) {
				return true
			}
			start = -1
			toks &= ^uint64(0) << at
		}
	}
	// A token that runs to the end of a whole last word has no separator after it.
	return start >= 0 && len(raw)-start >= minIdentifier && x.tokenHits(raw[start:], self, arnsOnly)
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// sepMask marks, in the high bit of each byte of w (eight bytes, the first in the
// low byte), the bytes of sepTable. Every mark is exact: no sum carries from one
// byte into the next.
func sepMask(w uint64) uint64 {
	const low = 0x7f7f7f7f7f7f7f7f
	// For each byte y below, ((y & low) + low) | y has the high bit set when y is
	// not zero. Setting bit 5 folds '[' onto '{' and ']' onto '}'; the control
	// characters it folds onto '"' and ',' are separators anyway.
	v := w | lsb*0x20
	a, b, c := v^(lsb*'{'), v^(lsb*'}'), v^(lsb*'"')
	d, e := v^(lsb*','), w^(lsb*'\\')
	keep := (((a & low) + low) | a) & (((b & low) + low) | b) & (((c & low) + low) | c) &
		(((d & low) + low) | d) & (((e & low) + low) | e) &
		(((w & low) + lsb*(0x80-0x21)) | w) // bytes from '!' up, and non-ASCII
	return ^keep & msb
}

// mayHitHeads is mayHitKinds for ARNs and unique ids: only the tokens that begin
// with a head's needle can be one, so it finds the needles' least common bytes
// (bytes.IndexByte, which reads many bytes at a time) and reads just the tokens
// the needles begin. On the 100k-resource plan that is most of the bytes of both
// levels.
func (x *index) mayHitHeads(raw []byte, self int) bool {
	for _, n := range x.needles {
		for off := 0; ; {
			i := n.find(raw, off)
			if i < 0 {
				break
			}
			off = i + 1
			if i > 0 && !sepTable[raw[i-1]] {
				continue // inside a token that begins elsewhere
			}
			if !n.keyed(raw, i) {
				continue // none of the values under the needle (another service's ARN)
			}
			j := tokenEnd(raw, i+len(n.b))
			if j-i >= minIdentifier && !memberName(raw, j) && x.tokenHits(raw[i:j], self, true) {
				return true
			}
			off = max(off, j)
		}
	}
	return false
}

// mayHitNamed is the cheap test of a value some of whose attributes may hold a cause
// by name or id (marks are their names, as markOf writes them): ARNs and unique ids
// anywhere, and any identifier in what follows a mark and a colon. It passes exactly
// the values mayHitKinds(raw, self, false) passes that the search can match in: the
// tokens from the colon to the end of the value after it are the whole value's own
// (the quote before the colon ends a token), and a name or id counts only in those
// attributes. A mark found elsewhere (a nested attribute of the same name) only
// reads more.
func (x *index) mayHitNamed(raw []byte, self int, marks []needle) bool {
	if x.mayHitKinds(raw, self, true) {
		return true
	}
	for _, m := range marks {
		for off := 0; ; {
			i := m.find(raw, off)
			if i < 0 {
				break
			}
			off = i + 1
			colon := jsonscan.SkipSpace(raw, i+len(m.b))
			if colon >= len(raw) || raw[colon] != ':' {
				continue // a string, not a name
			}
			end := jsonscan.ValueEnd(raw, colon+1)
			if end < 0 {
				end = len(raw)
			}
			if x.mayHitKinds(raw[colon:end], self, false) {
				return true
			}
			off = max(off, end)
		}
	}
	return false
}

// tokenEnd returns the offset of the first separator in raw at or after i, or
// len(raw): the end of a token that runs through i.
func tokenEnd(raw []byte, i int) int {
	for ; i+8 <= len(raw); i += 8 {
		if m := sepMask(binary.LittleEndian.Uint64(raw[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(raw) && !sepTable[raw[i]] {
		i++
	}
	return i
}

// cutMask marks, as sepMask does, the bytes of w that are ':' or '/': where an ARN
// or unique id may end inside a longer token.
func cutMask(w uint64) uint64 {
	const low = 0x7f7f7f7f7f7f7f7f
	a, b := w^(lsb*':'), w^(lsb*'/')
	keep := (((a & low) + low) | a) & (((b & low) + low) | b)
	return ^keep & msb
}

// memberName reports whether the token ending at raw[i] is a member name: "name":
// or, inside a JSON string, \"name\":. A member name is never an identifier.
func memberName(raw []byte, i int) bool {
	return i+1 < len(raw) && raw[i] == '"' && raw[i+1] == ':' ||
		i+2 < len(raw) && raw[i] == '\\' && raw[i+1] == '"' && raw[i+2] == ':'
}

func (x *index) tokenHits(tok []byte, self int, arnsOnly bool) bool {
	if x.maybe(tok, arnsOnly) && x.other(string(tok), self, arnsOnly) {
		return true
	}
	if !x.contained {
		return false
	}
	from := x.headed(tok)
	if from < 0 {
		return false
	}
	from = max(from, minIdentifier)
	// The prefixes of at least from bytes that end before a ':' or '/', found eight
	// bytes at a time; the last word is read from a copy padded with zeros.
	for base := from &^ 7; base < len(tok); base += 8 {
		var w uint64
		if base+8 <= len(tok) {
			w = binary.LittleEndian.Uint64(tok[base:])
		} else {
			var tail [8]byte
			copy(tail[:], tok[base:])
			w = binary.LittleEndian.Uint64(tail[:])
		}
		for m := cutMask(w); m != 0; m &= m - 1 {
			i := base + bits.TrailingZeros64(m)>>3
			if i >= from && x.maybe(tok[:i], true) && x.other(string(tok[:i]), self, true) {
				return true
			}
		}
	}
	return false
}

// other reports whether hits name a cause other than self: an object's own
// identifiers in its own values (its name in its tags) are not a dependency.
func (x *index) other(v string, self int, arnsOnly bool) bool {
	i, ok := x.byValue[v]
	if !ok {
		return false
	}
	for ; i >= 0; i = x.hits[i].next {
		h := x.hits[i]
		if h.cause != self && (!arnsOnly || h.kind == knowledge.KindARN || h.kind == knowledge.KindUniqueID) {
			return true
		}
	}
	return false
}

// tokens splits a string value into the tokens a generic scan looks up: the same
// separators as mayHit, so a JSON document inside a string is split into its values.
func tokens(s string, fn func(string)) {
	start := -1
	for i := 0; i <= len(s); i++ {
		sep := i == len(s) || sepTable[s[i]]
		if !sep {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minIdentifier {
			fn(s[start:i])
		}
		start = -1
	}
}

// looksLikeARN reports whether v is an ARN.
func looksLikeARN(v string) bool { return strings.HasPrefix(v, "arn:") }
