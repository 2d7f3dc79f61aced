package knowledge

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/repotest"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// TestValuesInAgreesOnCorpus checks that reading a reference's values from raw JSON
// gives what reading them from decoded attributes gives, for every reference of the
// knowledge base on every value of its type in the real plans and states of the corpus
// and the repository's fixtures (prior and planned values, state attributes).
func TestValuesInAgreesOnCorpus(t *testing.T) {
	kb, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]plan.Value{} // by resource type
	all := func(string) bool { return true }
	var files []string
	for _, pattern := range []string{
		filepath.Join(repotest.Corpus(t), "*.json"),
		filepath.Join(repotest.Root(t), "examples", "*", "*.json"),
		filepath.Join(repotest.Root(t), "internal", "*", "testdata", "*.json"),
		filepath.Join(repotest.Root(t), "internal", "*", "testdata", "*", "*.json"),
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, f := range files {
		if st, err := state.Load(f); err == nil {
			for _, r := range st.Resources {
				values[r.Type] = append(values[r.Type], r.Attributes)
			}
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.DecodeRetaining(fh, f, plan.Retain{After: all, Unchanged: all})
		fh.Close()
		if err != nil {
			continue // neither a plan nor a state (a fixture of another kind, or bad input on purpose)
		}
		for _, c := range p.Changes {
			values[c.Type] = append(values[c.Type], c.Before, c.After)
		}
	}
	compared, nonEmpty := 0, 0
	for _, typ := range kb.Types() {
		ty, _ := kb.Type(typ)
		for _, v := range values[typ] {
			if v == nil {
				continue
			}
			var attrs map[string]any
			if err := json.Unmarshal(v, &attrs); err != nil {
				t.Fatalf("%s value does not decode: %v", typ, err)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(v, &raw); err != nil {
				t.Fatal(err)
			}
			for _, r := range ty.References {
				if len(r.Segments) == 0 || r.Segments[0].Kind != SegKey {
					continue
				}
				want := r.Values(attrs)
				got := r.ValuesIn(raw[r.Segments[0].Key])
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s %s: ValuesIn differs from Values (-want +got):\n%s", typ, r.Path, diff)
				}
				compared++
				if len(want) > 0 {
					nonEmpty++
				}
			}
		}
	}
	t.Logf("%d files, %d references compared, %d with values", len(files), compared, nonEmpty)
	if nonEmpty < 50 {
		t.Errorf("only %d references with values compared; the corpus or fixtures are not being read", nonEmpty)
	}
}

// TestValuesInReadsDocumentsAsDecoded checks ValuesIn against Values on JSON documents
// made to reach every case of reading one in place (plainDoc) or decoding it: escapes,
// numbers (one too large for a float64, which encoding/json refuses), invalid UTF-8,
// repeated and unsorted names, policy grammar, unique id forms, deep nesting, and
// documents that are not JSON at all.
func TestValuesInReadsDocumentsAsDecoded(t *testing.T) {
	kb, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ref := func(typ, path string) Reference {
		ty, ok := kb.Type(typ)
		if !ok {
			t.Fatalf("no type %s", typ)
		}
		for _, r := range ty.References {
			if r.Path == path && r.JSON {
				return r
			}
		}
		t.Fatalf("%s has no JSON reference at %s", typ, path)
		return Reference{}
	}
	policy := ref("aws_s3_bucket_policy", "policy")
	containers := ref("aws_ecs_task_definition", "container_definitions")
	deep := strings.Repeat(`{"a":[`, 70) + `"arn:aws:iam::111122223333:role/deep"` + strings.Repeat(`]}`, 70)
	cases := []struct {
		name  string
		r     Reference
		doc   string
		plain bool // read in place rather than decoded
	}{
		{"policy", policy, `{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/a","AROAEXAMPLEID1234567:*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, true},
		{"unsorted and repeated names", policy, `{"Statement":{"Resource":"arn:aws:s3:::first","Condition":{"StringLike":{"aws:userid":"AIDAEXAMPLEID1234567:x"}},"Resource":"arn:aws:s3:::last"},"Id":"grammar"}`, true},
		{"spaces around", policy, " \n\t{ \"a\" : [ \"arn:aws:sns:us-east-1:111122223333:t\" , true , null ] }\r\n", true},
		{"top-level string", policy, `"AROAEXAMPLEID1234567"`, true},
		{"unique id with a newline", policy, `{"a":"AROAEXAMPLEID1234567:x\ny"}`, false},
		{"escapes", policy, `{"a\u0062":"arn:aws:iam::111122223333:role\/b","Effect":"\u0041llow"}`, false},
		{"lone surrogate", policy, `{"a":"\ud800arn"}`, false},
		{"number", policy, `{"a":"arn:aws:s3:::n","b":3600}`, false},
		{"number too large", policy, `{"a":"arn:aws:s3:::n","b":1e400}`, false},
		{"negative number", policy, `{"a":["arn:aws:s3:::n",-1]}`, false},
		{"invalid UTF-8", policy, "{\"a\":\"arn:aws:s3:::\xff\"}", false},
		{"trailing garbage", policy, `{"a":"arn:aws:s3:::n"} x`, false},
		{"two values", policy, `{"a":"arn:aws:s3:::n"}{}`, false},
		{"not JSON", policy, `arn:aws:s3:::n`, false},
		{"unterminated", policy, `{"a":"arn:aws:s3:::n"`, false},
		{"deeply nested", policy, deep, false},
		{"empty strings", policy, `{"a":"","b":[""]}`, true},
		{"json path", containers, `[{"name":"app","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/app","awslogs-region":"eu-west-1"}}},{"logConfiguration":{"options":{"awslogs-group":"/ecs/other"}}}]`, true},
		{"json path with a number", containers, `[{"cpu":256,"logConfiguration":{"options":{"awslogs-group":"/ecs/app"}}}]`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := plainDoc([]byte(c.doc)); got != c.plain {
				t.Errorf("plainDoc = %v, want %v", got, c.plain)
			}
			key := c.r.Segments[0].Key
			outer, err := json.Marshal(c.doc)
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(c.doc) {
				// Marshal would replace the bad byte: keep it as a plan could hold it.
				outer = bytes.ReplaceAll(outer, []byte(`\ufffd`), []byte("\xff"))
			}
			raw := []byte(`{"` + key + `":` + string(outer) + `}`)
			var attrs map[string]any
			if err := json.Unmarshal(raw, &attrs); err != nil {
				t.Fatal(err)
			}
			want := c.r.Values(attrs)
			got := c.r.ValuesIn(outer)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ValuesIn differs from Values (-want +got):\n%s", diff)
			}
		})
	}
}
