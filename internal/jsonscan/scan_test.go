package jsonscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// reference is jsontext's verdict on one value (duplicate names allowed: the plan
// reader checks names where it reads them).
func reference(b []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(b), jsontext.AllowDuplicateNames(true))
	if err := dec.SkipValue(); err != nil {
		return err
	}
	if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data")
	}
	return nil
}

// validate runs the Validator over b fed in pieces of size step.
func validate(b []byte, step int) error {
	var v Validator
	at := 0
	for {
		stop := min(at+step, len(b))
		n, done, err := v.Feed(b[at:stop], stop == len(b))
		if err != nil {
			return err
		}
		at += n
		if done {
			if SkipSpace(b, at) != len(b) {
				return errors.New("trailing data")
			}
			return nil
		}
		if stop == len(b) {
			return errors.New("not done at EOF")
		}
		if n == 0 && stop < len(b) {
			step *= 2 // a token longer than the piece: give more, as Stream does
		}
	}
}

var cases = []struct {
	in string
	ok bool
}{
	{`{}`, true}, {`[]`, true}, {`"x"`, true}, {`0`, true}, {`-0.5e+10`, true}, {`123`, true},
	{`true`, true}, {`null`, true}, {` {"a" : [1, 2, {"b": null}], "c": "\u00e9\ud83d\ude00"} `, true},
	{`{"a":1,"a":2}`, true}, {`"\/\b\f\n\r\t\\\""`, true}, {"\"é\"", true},
	{``, false}, {`{`, false}, {`{"a"}`, false}, {`{"a":}`, false}, {`{"a":1,}`, false},
	{`[1,]`, false}, {`[1 2]`, false}, {`01`, false}, {`1.`, false}, {`.5`, false}, {`-`, false},
	{`1e`, false}, {`tru`, false}, {`nul`, false}, {`truex`, false}, {`"a`, false},
	{"\"a\x01\"", false}, {"\"\xff\"", false}, {`"\x"`, false}, {`"\u12"`, false},
	{`"\ud800"`, false}, {`"\udc00"`, false}, {`"\ud800\u0041"`, false}, {`{"a":1]`, false},
	{`[1}`, false}, {`{1:2}`, false}, {`}`, false}, {`[`, false}, {`1 2`, false},
	{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), false},
	{strings.Repeat("[", 100) + strings.Repeat("]", 100), true},
}

func TestValidatorAgreesWithJSONText(t *testing.T) {
	for _, c := range cases {
		for _, step := range []int{1, 3, 7, 1 << 20} {
			got := validate([]byte(c.in), step)
			if (got == nil) != c.ok {
				t.Errorf("%.40q step %d: err %v, want ok=%v", c.in, step, got, c.ok)
			}
			if ref := reference([]byte(c.in)); (ref == nil) != c.ok {
				t.Errorf("%.40q: jsontext says %v, the table says ok=%v", c.in, ref, c.ok)
			}
		}
	}
}

func TestValidatorOnCorpus(t *testing.T) {
	withSplitMin(t, 1024)
	files, _ := filepath.Glob(filepath.Join(repotest.Corpus(t), "*.json"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(b, 4096); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		sameSkip(t, filepath.Base(f), b, 4096, 0) // Stream.Skip split in halves or not
		// Every truncation is an error that says so.
		b = Trim(b)
		for _, cut := range []int{1, len(b) / 3, len(b) / 2, len(b) - 1} {
			err := validate(b[:cut], 4096)
			var se *SyntaxError
			if !errors.As(err, &se) || !se.Truncated {
				t.Errorf("%s cut at %d: %v, want a truncation", filepath.Base(f), cut, err)
			}
		}
	}
}

func TestStreamWalk(t *testing.T) {
	doc := `{"keep": {"a": [1, "x\"y"]}, "skip": [{"deep": [[[]]]}, "s"], "list": [10, 20, 30], "k\u0065y": true}`
	for name, r := range map[string]io.Reader{
		"whole":   strings.NewReader(doc),
		"onebyte": iotest.OneByteReader(strings.NewReader(doc)),
	} {
		t.Run(name, func(t *testing.T) {
			s := NewStream(r, 4096)
			if err := s.Begin('{'); err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				more, err := s.More()
				if err != nil {
					t.Fatal(err)
				}
				if !more {
					break
				}
				k, err := s.Key()
				if err != nil {
					t.Fatal(err)
				}
				key := string(k)
				switch key {
				case "keep", "key":
					v, err := s.Value()
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, key+"="+string(v))
				case "list":
					if err := s.Begin('['); err != nil {
						t.Fatal(err)
					}
					for {
						more, err := s.More()
						if err != nil {
							t.Fatal(err)
						}
						if !more {
							break
						}
						v, err := s.Value()
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, string(v))
					}
				default:
					if err := s.Skip(); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := s.End(); err != nil {
				t.Fatal(err)
			}
			want := `keep={"a": [1, "x\"y"]}|10|20|30|key=true`
			if g := strings.Join(got, "|"); g != want {
				t.Errorf("got %s\nwant %s", g, want)
			}
		})
	}
}

func TestStreamLimits(t *testing.T) {
	big := `["` + strings.Repeat("a", 5000) + `"]`
	s := NewStream(strings.NewReader(big), 4096)
	s.MaxValue = 4096
	_, err := s.Value()
	var se *SyntaxError
	if !errors.As(err, &se) || !se.TooLarge {
		t.Fatalf("a value over MaxValue: %v, want TooLarge", err)
	}
	if !strings.Contains(err.Error(), "larger than") {
		t.Errorf("message %q does not say the value is too large", err)
	}
}

func TestMembersElementsUnquote(t *testing.T) {
	var keys []string
	Members([]byte(` { "a" : 1 , "b\"c": {"x": [1,2]}, "d": "e\u00e9" } `), func(k []byte, esc bool, v []byte) bool {
		kk := string(k)
		if esc {
			d, _ := UnescapeKey(nil, k)
			kk = string(d)
		}
		keys = append(keys, kk+"="+string(v))
		return true
	})
	if g, w := strings.Join(keys, "|"), `a=1|b"c={"x": [1,2]}|d="e\u00e9"`; g != w {
		t.Errorf("Members: got %s want %s", g, w)
	}
	var els []string
	Elements([]byte(`[ 1, "two", [3], {"f":4} ]`), func(v []byte) bool { els = append(els, string(v)); return true })
	if g, w := strings.Join(els, "|"), `1|"two"|[3]|{"f":4}`; g != w {
		t.Errorf("Elements: got %s want %s", g, w)
	}
	for in, want := range map[string]string{`"plain"`: "plain", `"a\nb\u00e9\ud83d\ude00\/"`: "a\nbé😀/"} {
		if got, ok := Unquote([]byte(in)); !ok || got != want {
			t.Errorf("Unquote(%s) = %q, %v; want %q", in, got, ok, want)
		}
	}
	// SharedString: the same text without a copy, and only when nothing needs decoding.
	for in, want := range map[string]string{`"plain"`: "plain", ` "spaced" `: "spaced", `""`: ""} {
		b := []byte(in)
		got, ok := SharedString(b)
		if !ok || got != want {
			t.Errorf("SharedString(%s) = %q, %v; want %q", in, got, ok, want)
		}
		if want != "" && unsafe.StringData(got) != &b[strings.IndexByte(in, '"')+1] {
			t.Errorf("SharedString(%s) copied", in)
		}
	}
	for _, no := range []string{`"a\nb"`, `"a`, `"`, `x`, `12`, ``} {
		if got, ok := SharedString([]byte(no)); ok {
			t.Errorf("SharedString(%s) = %q, ok; want not ok", no, got)
		}
	}
	for _, bad := range []string{`"a`, `x`, `"\q"`, `"\ud800"`} {
		if _, ok := Unquote([]byte(bad)); ok {
			t.Errorf("Unquote(%s) ok, want failure", bad)
		}
	}
	// Never a panic on malformed input.
	for _, bad := range []string{`{`, `{"a"`, `{"a":`, `{"a":[`, `[1,`, `{"a":"`, `[`} {
		Members([]byte(bad), func([]byte, bool, []byte) bool { return true })
		Elements([]byte(bad), func([]byte) bool { return true })
		_ = ValueEnd([]byte(bad), 0)
	}
}

// FuzzValidator checks the Validator against jsontext: the same inputs are accepted,
// whatever the size of the pieces they arrive in.
func FuzzValidator(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.in), uint8(3))
	}
	f.Fuzz(func(t *testing.T, b []byte, step uint8) {
		want := reference(b) == nil
		got := validate(b, int(step)+1)
		if (got == nil) != want {
			t.Fatalf("validator says %v, jsontext says ok=%v", got, want)
		}
		Members(b, func([]byte, bool, []byte) bool { return true })
		Elements(b, func([]byte) bool { return true })
		if want {
			sameWalk(t, b)
		}
		if !want || bytes.IndexByte(b, '\\') >= 0 {
			return // names compare as written; jsontext compares them unescaped
		}
		_, dup := DuplicateName(b)
		if jsontextDup := jsontext.NewDecoder(bytes.NewReader(b)).SkipValue() != nil; dup != jsontextDup {
			t.Fatalf("DuplicateName says %v, jsontext says duplicate=%v", dup, jsontextDup)
		}
	})
}

func TestDuplicateName(t *testing.T) {
	many := func(n int, dupAt int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			k := i
			if i == dupAt {
				k = 0
			}
			fmt.Fprintf(&b, `"k%d":%d`, k, i)
		}
		b.WriteString("}")
		return b.String()
	}
	cases := []struct {
		in, dup string
	}{
		{`{"a":1,"b":2}`, ``},
		{`{"a":1,"a":2}`, `"a"`},
		{`{"a":{"b":1},"b":{"a":1}}`, ``},
		{`{"a":{"b":1,"c":[{"x":1},{"x":2,"y":{"x":3}}]},"d":{"b":1,"b":2}}`, `"b"`},
		{`[{"a":1},{"a":1}]`, ``},
		{`[{"a":1},{"a":1,"a":2}]`, `"a"`},
		{`{"a":"\"a\"","\"a\"":1}`, ``},
		{`{"a\"":1,"a\"":2}`, `"a\""`},
		{`{"s":"{\"a\":1,\"a\":1}"}`, ``}, // inside a string, not an object
		{`{"a":[1,"a",{"b":1}],"b":1,"a ":2}`, ``},
		{` { "a" : 1 , "a" : 2 } `, `"a"`},
		{`{"x":{"a":1},"y":[],"a":{},"x":2}`, `"x"`},
		{`"a"`, ``},
		{`1`, ``},
		{many(40, -1), ``},
		{many(40, 39), `"k0"`}, // found through the set
		{many(40, 20), `"k0"`},
		{many(33, 32), `"k0"`},
	}
	for _, c := range cases {
		got, dup := DuplicateName([]byte(c.in))
		if string(got) != c.dup || dup != (c.dup != "") {
			t.Errorf("DuplicateName(%.60s) = %q, %v; want %q", c.in, got, dup, c.dup)
		}
		// The verdict agrees with encoding/json/v2's (no escaped names above differ).
		err := jsontext.NewDecoder(strings.NewReader(c.in)).SkipValue()
		if (err != nil) != dup {
			t.Errorf("%.60s: jsontext says %v, DuplicateName says duplicate=%v", c.in, err, dup)
		}
	}
}

// sameWalk checks that walking b with NextKey — entering every container member and
// taking the others whole, with or without the names check — delimits the same
// members as Next, and that ValueEndNames agrees with ValueEnd and DuplicateName.
func sameWalk(t *testing.T, b []byte) {
	t.Helper()
	type member struct{ k, v string }
	var want []member
	for it := NewIter(b); it.Next(); {
		want = append(want, member{string(it.Key()), string(it.Value())})
	}
	var got []member
	for n, it := 0, NewIter(b); it.NextKey(); n++ {
		k := string(it.Key())
		switch {
		case n%3 == 0:
			inner := it.Enter()
			for inner.NextKey() {
				_ = inner.Value()
			}
			it.Exit(&inner)
			got = append(got, member{k, string(it.Value())})
		case n%3 == 1:
			v, _ := it.ValueNames()
			got = append(got, member{k, string(v)})
		default:
			got = append(got, member{k, string(it.Value())})
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%.80q: NextKey walk gave %q, Next gave %q", b, got, want)
	}
	end, dup := ValueEndNames(b, 0)
	if end != ValueEnd(b, 0) {
		t.Fatalf("%.80q: ValueEndNames end %d, ValueEnd %d", b, end, ValueEnd(b, 0))
	}
	if d, ok := DuplicateName(b); ok != (dup != nil) || string(d) != string(dup) {
		t.Fatalf("%.80q: ValueEndNames dup %q, DuplicateName %q", b, dup, d)
	}
}

func TestNextKeyWalk(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `{"a":1}`, `{"a":{},"b":[],"c":{"x":[1,{"y":2}]},"d":"s"}`,
		`{ "a" : { "b" : 1 } , "c" : [ ] }`, `[{"a":1},[2],"x"]`, `{"a":{"b":1,"b":2},"c":3}`,
		`{"change":{"actions":["delete"],"before":{"k":"v","k":"w"},"after":null},"address":"a.b"}`,
		`{"a":"}","b":"\"{"}`, `{"a":{}}  trailing`, `1`, `"s"`, `null`,
	} {
		sameWalk(t, []byte(in))
	}
}

// stringEndByCount is the definition stringEnd is held to: the first quote after b[i]
// that follows an even number of backslashes.
func stringEndByCount(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		if b[j] != '"' {
			continue
		}
		n := 0
		for m := j - 1; m > i && b[m] == '\\'; m-- {
			n++
		}
		if n%2 == 0 {
			return j + 1
		}
	}
	return -1
}

func TestStringEnd(t *testing.T) {
	pieces := []string{`a`, `\"`, `\\`, `\u0022`, `\\\"`, `é`, `{\"Version\":\"2012-10-17\"}`, `/`, `\/`}
	for _, p := range pieces {
		for pad := 0; pad < 19; pad++ {
			for reps := 1; reps <= 3; reps++ {
				body := strings.Repeat("x", pad) + strings.Repeat(p, reps)
				for _, tail := range []string{`"`, `", "next"`, `"}`, ``, `\`} {
					b := []byte(`"` + body + tail)
					if got, want := stringEnd(b, 0), stringEndByCount(b, 0); got != want {
						t.Errorf("stringEnd(%s) = %d, want %d", b, got, want)
					}
				}
			}
		}
	}
}

// TestMasksMarkTheFirstStop: the lowest mark of special is the first byte that ends or
// interrupts a string's plain run (a quote, a backslash, a control byte, a byte of 0x80
// or more), and EscapeMask's the first a string must escape, whatever the bytes around
// it; zero when there is none.
func TestMasksMarkTheFirstStop(t *testing.T) {
	isSpecial := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80 }
	isEscaped := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	first := func(w [8]byte, is func(byte) bool) int {
		for i, c := range w {
			if is(c) {
				return i
			}
		}
		return 8
	}
	lowest := func(m uint64) int { return bits.TrailingZeros64(m) >> 3 }
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range 8 {
		for v := range 256 {
			for range 40 {
				var w [8]byte
				for i := range w {
					switch {
					case i < k: // plain bytes below: any that is not a stop
						for w[i] = '"'; isSpecial(w[i]); {
							w[i] = byte(rng.IntN(256))
						}
					case i == k:
						w[i] = byte(v)
					default:
						w[i] = byte(rng.IntN(256))
					}
				}
				x := binary.LittleEndian.Uint64(w[:])
				if got, want := lowest(special(x)), first(w, isSpecial); got != want {
					t.Fatalf("special(% x): lowest mark at %d, want %d", w, got, want)
				}
				if got, want := lowest(EscapeMask(x)), first(w, isEscaped); got != want {
					t.Fatalf("EscapeMask(% x): lowest mark at %d, want %d", w, got, want)
				}
			}
		}
	}
}
