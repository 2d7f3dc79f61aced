package blast

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// refMayHitKinds is the scan as first written, one byte at a time and every token
// looked up by its prefixes: the word-at-a-time scan, the head jumps and the head
// test before prefixes must answer exactly as it does.
func refMayHitKinds(x *index, raw []byte, self int, arnsOnly bool) bool {
	hits := func(tok []byte) bool {
		if x.maybe(tok, arnsOnly) && x.other(string(tok), self, arnsOnly) {
			return true
		}
		if !x.contained {
			return false
		}
		for i := minIdentifier; i < len(tok); i++ {
			if c := tok[i]; c == ':' || c == '/' {
				if x.maybe(tok[:i], true) && x.other(string(tok[:i]), self, true) {
					return true
				}
			}
		}
		return false
	}
	start := -1
	for i := 0; i < len(raw); i++ {
		if !sepTable[raw[i]] {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minIdentifier && !memberName(raw, i) && hits(raw[start:i]) {
			return true
		}
		start = -1
	}
	return start >= 0 && len(raw)-start >= minIdentifier && hits(raw[start:])
}

// indexOf indexes values, one cause each, with kinds taken in turn from ARN, name,
// unique id and id.
func indexOf(values []string) *index {
	kinds := []knowledge.IdentifierKind{knowledge.KindARN, knowledge.KindName, knowledge.KindUniqueID, knowledge.KindID}
	x := newIndex(len(values))
	for i, v := range values {
		x.add(v, hit{cause: i, kind: kinds[i%len(kinds)]})
	}
	return x
}

// checkScan compares the scan with the reference on raw, in both modes and with
// and without a self cause.
func checkScan(t *testing.T, x *index, raw []byte) {
	t.Helper()
	for _, arnsOnly := range []bool{false, true} {
		for _, self := range []int{-1, 0, 1} {
			if got, want := x.mayHitKinds(raw, self, arnsOnly), refMayHitKinds(x, raw, self, arnsOnly); got != want {
				t.Fatalf("mayHitKinds(%q, self %d, arnsOnly %t) = %t, the byte-at-a-time scan says %t", raw, self, arnsOnly, got, want)
			}
		}
	}
}

func TestSepMaskMatchesTable(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			// The byte at pos among bytes that are and are not separators: no mark
			// may spill into a neighbour.
			for _, fill := range []byte{'a', '"', 0x80, 0x00, 0xff, '{'} {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(c)
				m := sepMask(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
					uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56)
				for k := range 8 {
					if got, want := m>>(8*k+7)&1 == 1, sepTable[w[k]]; got != want {
						t.Fatalf("sepMask(% x): byte %d (0x%02x) marked %t, sepTable says %t", w, k, w[k], got, want)
					}
					if m>>(8*k)&0x7f != 0 {
						t.Fatalf("sepMask(% x) sets bits other than each byte's high bit: %016x", w, m)
					}
				}
			}
		}
	}
}

// TestScanMatchesReference runs the scan and the reference over the real corpus,
// whole files and windows of them cut anywhere (so tokens, heads and escapes are
// cut at every position), with indexes made of the files' own ARNs, names and
// unique ids.
func TestScanMatchesReference(t *testing.T) {
	dir := repotest.Corpus(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s: %v", dir, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Every fourth token of the file, and the ARNs cut at a separator, so that
		// whole values, contained ARNs and near misses all occur.
		var values []string
		n := 0
		tokens(string(data), func(tok string) {
			n++
			if n%4 == 0 || strings.HasPrefix(tok, "arn:") {
				values = append(values, tok)
				if i := strings.LastIndexAny(tok, ":/"); i > minIdentifier {
					values = append(values, tok[:i])
				}
			}
		})
		// The same values with kinds in turn (too many heads: every token is read),
		// and the ARNs alone (one head: the scan jumps from needle to needle).
		var arns []string
		for _, v := range values {
			if strings.HasPrefix(v, "arn:") {
				arns = append(arns, v)
			}
		}
		xa := newIndex(len(arns))
		for i, v := range arns {
			xa.add(v, hit{cause: i, kind: knowledge.KindARN})
		}
		if len(arns) > 0 && (xa.manyHeads || len(xa.needles) != 1) {
			t.Fatalf("%s: the ARNs made %d needles (many heads: %t), want one", f, len(xa.needles), xa.manyHeads)
		}
		// The ARNs of two services only: the needle's keys pass those services' ARNs
		// and skip the others'.
		var services []string
		var some []string
		for _, v := range arns {
			if len(v) < keyAt+4 {
				continue
			}
			k := v[keyAt : keyAt+4]
			if !slices.Contains(services, k) {
				if len(services) == 2 {
					continue
				}
				services = append(services, k)
			}
			some = append(some, v)
		}
		xs := newIndex(len(some))
		for i, v := range some {
			xs.add(v, hit{cause: i, kind: knowledge.KindARN})
		}
		if len(some) > 0 && (len(xs.needles) != 1 || xs.needles[0].anyKey || len(xs.needles[0].keys) != len(services)) {
			t.Fatalf("%s: the ARNs of %q made needles %+v, want one keyed by each service", f, services, xs.needles)
		}
		for _, x := range []*index{indexOf(values), xa, xs} {
			checkScan(t, x, data)
			for range 300 {
				lo := rng.IntN(len(data))
				hi := lo + rng.IntN(min(len(data)-lo, 600)+1)
				checkScan(t, x, data[lo:hi])
			}
		}
	}
}

// TestNeedles checks the needles the ARN scan looks for: the beginning a head's
// values share, cut before a separator, searched by its least common byte.
func TestNeedles(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   []string // needles, in head order
		rarest []byte
	}{
		{[]string{"arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"}, []string{"arn:aws:iam::1:r"}, []byte{'1'}},
		{[]string{"arn:aws:iam::1:role/a", "arn:aws:s3:::b", "arn:aws-cn:s3:::c"}, []string{"arn:aws"}, []byte{'w'}},
		{[]string{"AROAEXAMPLE1", "AROAEXAMPLE2", "arn:aws:sns:x"}, []string{"AROAEXAMPLE", "arn:aws:sns:x"}, []byte{'R', 'x'}},
		{[]string{"arn:a b", "arn:a"}, []string{"arn:a"}, []byte{':'}},
		// A head with a separator in it begins no token: no needle.
		{[]string{"ab,c"}, nil, nil},
	} {
		x := newIndex(len(c.values))
		for i, v := range c.values {
			x.add(v, hit{cause: i, kind: knowledge.KindARN})
		}
		var got []string
		var rarest []byte
		for _, n := range x.needles {
			got = append(got, string(n.b))
			rarest = append(rarest, n.b[n.at])
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") || string(rarest) != string(c.rarest) {
			t.Errorf("values %q: needles %q searched by %q, want %q by %q", c.values, got, rarest, c.want, c.rarest)
		}
		// Whatever the needles, the scan answers as the reference does.
		for _, raw := range []string{strings.Join(c.values, ","), `{"a":"` + strings.Join(c.values, `","`) + `"}`, "x" + c.values[0], c.values[0] + ":*"} {
			checkScan(t, x, []byte(raw))
		}
	}
}

// TestNeedleKeys checks the keys a needle skips tokens by: the four bytes after
// "arn:aws:" of the values under it, unless a value is shorter or there are too many.
func TestNeedleKeys(t *testing.T) {
	var many []string
	for i := range maxKeys + 1 {
		many = append(many, fmt.Sprintf("arn:aws:s%03d:::x", i))
	}
	for _, c := range []struct {
		values  []string
		anyKey  bool
		keyed   []string // tokens the needle passes
		skipped []string // tokens it skips
	}{
		{[]string{"arn:aws:iam::1:role/a", "arn:aws:s3:::b"}, false,
			[]string{"arn:aws:iam::1:role/zzz", "arn:aws:s3:::other"}, []string{"arn:aws:sqs:x:1:q", "arn:aws:ia", "arn:aws:"}},
		{[]string{"arn:aws:iam::1:role/a", "arn:aws:s3"}, true, []string{"arn:aws:sqs:x:1:q"}, nil},
		{many, true, []string{"arn:aws:iam::1:role/a"}, nil},
	} {
		x := newIndex(len(c.values))
		for i, v := range c.values {
			x.add(v, hit{cause: i, kind: knowledge.KindARN})
		}
		if len(x.needles) != 1 || x.needles[0].anyKey != c.anyKey {
			t.Fatalf("values %q: needles %+v, want one with anyKey %t", c.values, x.needles, c.anyKey)
		}
		n := &x.needles[0]
		for _, tok := range c.keyed {
			if !n.keyed([]byte(tok), 0) {
				t.Errorf("values %q: token %q skipped, want it read", c.values, tok)
			}
		}
		for _, tok := range c.skipped {
			if n.keyed([]byte(`"`+tok+`"`), 1) {
				t.Errorf("values %q: token %q read, want it skipped", c.values, tok)
			}
		}
		for _, raw := range []string{strings.Join(append(c.keyed, c.skipped...), ","), strings.Join(c.values, ",")} {
			checkScan(t, x, []byte(raw))
		}
	}
}

// FuzzScan compares the scan with the reference on any bytes and any indexed
// values (one per line of ids).
func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"role":"arn:aws:iam::1:role/app","policy":"{\"aws:userid\":\"AROAEXAMPLE:*\"}"}`), "arn:aws:iam::1:role/app\nname\nAROAEXAMPLE\nid-1")
	f.Add([]byte(`{"arn":"arn:aws:s3:::b/*","name":"b"}`), "arn:aws:s3:::b\nb")
	f.Add([]byte("arn:aws:x\tarn:aws:y"), "arn:aws:x\narn:aws:y\narn")
	f.Add([]byte(`"k\":x"`), "abc\nk\\")
	f.Fuzz(func(t *testing.T, raw []byte, ids string) {
		x := indexOf(strings.Split(ids, "\n"))
		checkScan(t, x, raw)
	})
}

// checkNamed checks mayHitNamed against the test it replaces, mayHitKinds over
// all identifier kinds, for what the search does with the answer: it passes no
// value that test would not, and every value that test passes and one of whose
// top-level attributes the search reads for matches (any identifier in the named
// attributes, ARNs and unique ids in the rest).
func checkNamed(t *testing.T, x *index, raw []byte, keys []string) {
	t.Helper()
	names := map[string]bool{}
	var marks []needle
	for _, k := range keys {
		names[k] = true
		marks = append(marks, markOf(k))
	}
	for _, self := range []int{-1, 0, 1} {
		got := x.mayHitNamed(raw, self, marks)
		if got && !x.mayHitKinds(raw, self, false) {
			t.Fatalf("mayHitNamed(%q, self %d, names %q) passes a value no identifier of any kind is in", raw, self, keys)
		}
		if got || !x.mayHitKinds(raw, self, false) {
			continue
		}
		rawMembers(raw, func(key, mv []byte) bool {
			if x.mayHitKinds(mv, self, !names[string(key)]) {
				t.Fatalf("mayHitNamed(%q, self %d, names %q) = false, but the search would read attribute %q", raw, self, keys, key)
			}
			return true
		})
	}
}

// TestMayHitNamed runs checkNamed on every value of every corpus plan, naming each
// of its attributes in turn, with indexes made of the corpus's own tokens (one with
// every kind, too many heads for jumps; one of ARNs and names, which jumps), and on
// hand cases: space before the colon, bare numbers, nested and escaped names.
func TestMayHitNamed(t *testing.T) {
	var values []string
	var vals [][]byte
	eachCorpusValue(t, func(_ string, v []byte) {
		vals = append(vals, v)
		n := 0
		tokens(string(v), func(tok string) {
			if n++; n%3 == 0 || strings.HasPrefix(tok, "arn:") {
				values = append(values, tok)
			}
		})
	})
	mixed := indexOf(values)
	named := newIndex(len(values))
	for i, v := range values {
		kind := knowledge.KindName
		if strings.HasPrefix(v, "arn:") {
			kind = knowledge.KindARN
		}
		named.add(v, hit{cause: i % 7, kind: kind})
	}
	if named.manyHeads {
		t.Fatal("the index of ARNs and names has too many heads; the jumps are not tested")
	}
	checked := 0
	for _, v := range vals {
		var keys []string
		rawMembers(v, func(key, _ []byte) bool {
			keys = append(keys, string(key))
			return true
		})
		for _, x := range []*index{mixed, named} {
			checkNamed(t, x, v, nil)
			for _, k := range keys {
				checkNamed(t, x, v, []string{k})
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d values and names checked; the corpus is not being read", checked)
	}
	x := indexOf([]string{"arn:aws:iam::1:role/app", "bucket-1", "AROAEXAMPLE", "12345"})
	for _, raw := range []string{
		`{"bucket" : "bucket-1"}`,
		`{"bucket":12345,"b":"x"}`,
		`{"bucket":"x","inner":{"bucket":"bucket-1"}}`,
		`{"\u0062ucket":"bucket-1"}`,
		`{"list":["bucket","bucket-1"]}`,
		`{"bucket":["bucket-1"]}`,
		`{"bucket":"bucket-1`,
		`{"policy":"{\"bucket\":\"bucket-1\"}"}`,
	} {
		checkNamed(t, x, []byte(raw), []string{"bucket"})
	}
}
