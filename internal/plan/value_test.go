package plan

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

const sample = ` {"name":"task","count":3,"on":true,"off":false,"nil":null,
  "tags":{"Env":"dev","a.b":"dotted"},
  "list":[{"k":"v0"},{"k":"v1"}],
  "nested":{"deep":[[1,2],["x"]]},
  "esc":"line\nquote\" \u00e9"} `

func TestValueGet(t *testing.T) {
	v := Value(sample)
	tests := []struct {
		path []string
		want string // "" means nil
	}{
		{nil, sample},
		{[]string{"name"}, `"task"`},
		{[]string{"count"}, `3`},
		{[]string{"nil"}, `null`},
		{[]string{"tags", "Env"}, `"dev"`},
		{[]string{"tags", "a.b"}, `"dotted"`},
		{[]string{"list", "1", "k"}, `"v1"`},
		{[]string{"nested", "deep", "0", "1"}, `2`},
		{[]string{"nested", "deep", "1", "0"}, `"x"`},
		{[]string{"list", "2"}, ""},
		{[]string{"list", "-1"}, ""},
		{[]string{"list", "k"}, ""},
		{[]string{"missing"}, ""},
		{[]string{"name", "x"}, ""},
		{[]string{"tags", "env"}, ""}, // keys are case-sensitive
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.path, "/"), func(t *testing.T) {
			got := v.Get(tc.path...)
			if tc.want == "" {
				if got != nil {
					t.Errorf("Get(%v) = %s, want nil", tc.path, got)
				}
				return
			}
			if string(got) != tc.want {
				t.Errorf("Get(%v) = %s, want %s", tc.path, got, tc.want)
			}
		})
	}
	if Value(nil).Get("a") != nil || Value(`"s"`).Get("a") != nil || Value(`{broken`).Get("a") != nil {
		t.Error("Get on absent, scalar or broken values should be nil")
	}
}

func TestValueScalars(t *testing.T) {
	tests := []struct {
		in           string
		kind         byte
		null         bool
		scalar       string
		scalarOK     bool
		boolV, boolK bool
	}{
		{``, 0, true, "", false, false, false},
		{`null`, 'n', true, "", false, false, false},
		{` "a\"b" `, '"', false, `a"b`, true, false, false},
		{`"\u00e9\n"`, '"', false, "é\n", true, false, false},
		{`-1.5e3`, '0', false, "-1.5e3", true, false, false},
		{`true`, 't', false, "true", true, true, true},
		{`false`, 'f', false, "false", true, false, true},
		{`{"a":1}`, '{', false, "", false, false, false},
		{`[1]`, '[', false, "", false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			v := Value(tc.in)
			if got := v.Kind(); got != tc.kind {
				t.Errorf("Kind = %q, want %q", got, tc.kind)
			}
			if got := v.IsNull(); got != tc.null {
				t.Errorf("IsNull = %v, want %v", got, tc.null)
			}
			s, ok := v.Scalar()
			if s != tc.scalar || ok != tc.scalarOK {
				t.Errorf("Scalar = %q, %v; want %q, %v", s, ok, tc.scalar, tc.scalarOK)
			}
			b, bok := v.Bool()
			if b != tc.boolV || bok != tc.boolK {
				t.Errorf("Bool = %v, %v; want %v, %v", b, bok, tc.boolV, tc.boolK)
			}
		})
	}
}

func TestValueMembersAndElements(t *testing.T) {
	var keys []string
	Value(sample).Members(func(k string, _ Value) bool { keys = append(keys, k); return true })
	if diff := cmp.Diff([]string{"name", "count", "on", "off", "nil", "tags", "list", "nested", "esc"}, keys); diff != "" {
		t.Errorf("Members keys (-want +got):\n%s", diff)
	}
	keys = nil
	Value(sample).Members(func(k string, _ Value) bool { keys = append(keys, k); return len(keys) < 2 })
	if len(keys) != 2 {
		t.Errorf("Members did not stop when fn returned false: %v", keys)
	}
	// Members hands out slices of the value itself that stay valid.
	var kept []Value
	Value(`{"a":{"x":1},"b":[2]}`).Members(func(_ string, m Value) bool { kept = append(kept, m); return true })
	if diff := cmp.Diff([]string{`{"x":1}`, `[2]`}, []string{string(kept[0]), string(kept[1])}); diff != "" {
		t.Errorf("kept members (-want +got):\n%s", diff)
	}
	var elems []string
	Value(` [ 1 , "two", {"three":3}, [4] ] `).Elements(func(e Value) bool { elems = append(elems, string(e)); return true })
	if diff := cmp.Diff([]string{"1", `"two"`, `{"three":3}`, "[4]"}, elems); diff != "" {
		t.Errorf("Elements (-want +got):\n%s", diff)
	}
	calls := 0
	for _, v := range []Value{nil, Value(`[1]`), Value(`"s"`), Value(`{"a":`), Value(`{"a" 1}`)} {
		v.Members(func(string, Value) bool { calls++; return true })
	}
	if calls != 0 {
		t.Errorf("Members called fn %d times on values that are not well-formed objects", calls)
	}
	Value(`{}`).Elements(func(Value) bool { calls++; return true })
	if calls != 0 {
		t.Error("Elements called fn on an object")
	}
}

func TestValueLeaves(t *testing.T) {
	type leaf struct{ Path, Text string }
	var got []leaf
	Value(sample).Leaves(func(path []string, text string) bool {
		got = append(got, leaf{strings.Join(path, "/"), text})
		return true
	})
	want := []leaf{
		{"name", "task"}, {"count", "3"}, {"on", "true"}, {"off", "false"},
		{"tags/Env", "dev"}, {"tags/a.b", "dotted"},
		{"list/0/k", "v0"}, {"list/1/k", "v1"},
		{"nested/deep/0/0", "1"}, {"nested/deep/0/1", "2"}, {"nested/deep/1/0", "x"},
		{"esc", "line\nquote\" é"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Leaves (-want +got):\n%s", diff)
	}
	n := 0
	Value(sample).Leaves(func([]string, string) bool { n++; return n < 5 })
	if n != 5 {
		t.Errorf("Leaves went on after fn returned false: %d calls", n)
	}
	Value(`"top"`).Leaves(func(path []string, text string) bool {
		if len(path) != 0 || text != "top" {
			t.Errorf("scalar leaf = %v %q", path, text)
		}
		return true
	})
}

func TestSensitiveAt(t *testing.T) {
	mask := Value(`{"password":true,"tags":{"Owner":true,"Env":false},"blocks":[{"secret":true},{}],"plain":false,"list":[false,true],"empty":{}}`)
	tests := []struct {
		mask Value
		path []string
		want bool
	}{
		{mask, []string{"password"}, true},
		{mask, []string{"password", "deeper"}, true},
		{mask, []string{"tags", "Owner"}, true},
		{mask, []string{"tags", "Env"}, false},
		{mask, []string{"tags"}, true}, // partly sensitive composite
		{mask, []string{"blocks"}, true},
		{mask, []string{"blocks", "0", "secret"}, true},
		{mask, []string{"blocks", "1", "secret"}, false},
		{mask, []string{"list", "1"}, true},
		{mask, []string{"list", "0"}, false},
		{mask, []string{"plain"}, false},
		{mask, []string{"empty"}, false},
		{mask, []string{"absent"}, false},
		{Value(`true`), []string{"anything", "at", "all"}, true},
		{Value(`true`), nil, true},
		{Value(`false`), []string{"a"}, false},
		{nil, []string{"a"}, false},
		{Value(`{}`), []string{"a"}, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.mask)+"@"+strings.Join(tc.path, "."), func(t *testing.T) {
			if got := SensitiveAt(tc.mask, tc.path); got != tc.want {
				t.Errorf("SensitiveAt(%s, %v) = %v, want %v", tc.mask, tc.path, got, tc.want)
			}
		})
	}
}

func TestBeforeAttr(t *testing.T) {
	c := &Change{Before: Value(`{"name":"n","tags":{"Env":"dev"}}`)}
	if got := string(c.BeforeAttr("name")); got != `"n"` {
		t.Errorf("BeforeAttr(name) = %s", got)
	}
	if got := c.BeforeAttr("tags").Get("Env"); string(got) != `"dev"` {
		t.Errorf("BeforeAttr(tags).Get(Env) = %s", got)
	}
	if got := c.BeforeAttr("missing"); got != nil {
		t.Errorf("BeforeAttr(missing) = %s, want nil", got)
	}
	empty := &Change{}
	if got := empty.BeforeAttr("name"); got != nil {
		t.Errorf("BeforeAttr on a change without Before = %s", got)
	}
}

// The attribute index agrees with Get on a value under 64 KiB, on a longer one (whose
// offsets take two elements each) and on an object without attributes, and on a
// second lookup as on the first.
func TestAttrIndexWideAndEmpty(t *testing.T) {
	long := strings.Repeat("x", 70_000)
	wide := Value(`{"pad":"` + long + `","name":"after-the-pad","tags":{"Env":"dev"},"n":7}`)
	narrow := Value(`{"name":"n","tags":{"Env":"dev"},"n":7}`)
	for _, v := range []Value{narrow, wide, Value(`{}`)} {
		c := &Change{Before: v, After: v}
		for range 2 {
			for _, name := range []string{"pad", "name", "tags", "n", "missing"} {
				want := v.Get(name)
				if got := c.BeforeAttr(name); string(got) != string(want) {
					t.Errorf("%d-byte value: BeforeAttr(%s) = %.40s, want %.40s", len(v), name, got, want)
				}
				if got := c.AfterAttr(name); string(got) != string(want) {
					t.Errorf("%d-byte value: AfterAttr(%s) = %.40s, want %.40s", len(v), name, got, want)
				}
			}
		}
	}
}

func TestScalarShared(t *testing.T) {
	for _, raw := range []string{`"plain"`, `""`, `"`, `"open`, `"esc\"aped\u0041"`, `12.5`, `true`, `false`, `null`, `{"a":"b"}`, `["x"]`, ` "spaced" `, ``} {
		v := Value(raw)
		want, wantOK := v.Scalar()
		got, ok := v.ScalarShared()
		if got != want || ok != wantOK {
			t.Errorf("ScalarShared(%s) = %q, %v; Scalar gives %q, %v", raw, got, ok, want, wantOK)
		}
	}
	// Without escapes the text is the value's own bytes, not a copy.
	v := Value(`"arn:aws:iam::123456789012:role/app"`)
	s, _ := v.ScalarShared()
	if unsafe.StringData(s) != &v[1] {
		t.Errorf("ScalarShared copied an unescaped string")
	}
}
