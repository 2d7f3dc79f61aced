package blast

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// rc is one resource change of a hand-made plan.
type rc struct {
	addr    string
	actions []string
	before  map[string]any
	after   map[string]any
	// sensitive marks top-level attributes of before as sensitive.
	sensitive []string
}

const (
	roleARN  = "arn:aws:iam::123456789012:role/app"
	roleID   = "AROAEXAMPLEROLE000001"
	queueARN = "arn:aws:sqs:us-east-1:123456789012:jobs"
)

func role(actions ...string) rc {
	return rc{addr: "aws_iam_role.app", actions: actions, before: map[string]any{"arn": roleARN, "name": "app", "id": "app", "unique_id": roleID}}
}

// planJSON renders changes (and configuration references, address → attribute →
// references) as `terraform show -json` would.
func planJSON(t *testing.T, changes []rc, config map[string]map[string][]string) string {
	t.Helper()
	var rcs []any
	for _, c := range changes {
		typ := c.addr
		if i := strings.LastIndex(typ, "."); i >= 0 {
			typ = typ[:i]
		}
		if i := strings.LastIndex(typ, "."); i >= 0 {
			typ = typ[i+1:]
		}
		sens := map[string]any{}
		for _, s := range c.sensitive {
			sens[s] = true
		}
		rcs = append(rcs, map[string]any{
			"address": c.addr, "mode": "managed", "type": typ, "name": "x",
			"change": map[string]any{"actions": c.actions, "before": c.before, "after": c.after, "before_sensitive": sens},
		})
	}
	doc := map[string]any{"format_version": "1.2", "resource_changes": rcs}
	if config != nil {
		var resources []any
		for addr, attrs := range config {
			exprs := map[string]any{}
			for attr, refs := range attrs {
				exprs[attr] = map[string]any{"references": refs}
			}
			parts := strings.Split(addr, ".")
			resources = append(resources, map[string]any{"address": addr, "mode": "managed", "type": parts[0], "name": parts[1], "expressions": exprs})
		}
		doc["configuration"] = map[string]any{"root_module": map[string]any{"resources": resources}}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func analyze(t *testing.T, doc string, states ...*state.State) *Result {
	t.Helper()
	kb := loadKB(t)
	keep := RetainUnchanged(kb)
	p, err := plan.DecodeRetaining(strings.NewReader(doc), "test", plan.Retain{After: keep, Unchanged: keep})
	if err != nil {
		t.Fatal(err)
	}
	return Analyze(p, states, kb, Options{})
}

// brief is what each case checks of an impact.
type brief struct {
	Cause, Dependent, Via, FoundBy, Class, Identifier, Hazard string
}

func briefs(impacts []report.Impact) []brief {
	var out []brief
	for _, im := range impacts {
		out = append(out, brief{im.Cause, im.Dependent, im.Via, im.FoundBy, im.DataLoss, im.Identifier, im.Hazard})
	}
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name    string
		changes []rc
		config  map[string]map[string][]string
		want    []brief
	}{
		{
			name: "lambda refers to a deleted role by ARN",
			changes: []rc{role("delete"),
				{addr: "aws_lambda_function.f", actions: []string{"no-op"}, before: map[string]any{"arn": "arn:aws:lambda:us-east-1:123456789012:function:f", "role": roleARN}}},
			want: []brief{{"aws_iam_role.app", "aws_lambda_function.f", "role", "identifier", "retried", roleARN, ""}},
		},
		{
			name: "found through configuration when the value is not known yet",
			changes: []rc{role("delete"),
				{addr: "aws_lambda_function.f", actions: []string{"update"}, before: map[string]any{"role": "arn:aws:iam::123456789012:role/other"}, after: map[string]any{}}},
			config: map[string]map[string][]string{"aws_lambda_function.f": {"role": {"aws_iam_role.app.arn", "aws_iam_role.app"}}},
			want:   []brief{{"aws_iam_role.app", "aws_lambda_function.f", "role", "configuration", "retried", "", ""}},
		},
		{
			name: "a resource the plan deletes is a cause, not a dependent",
			changes: []rc{role("delete"),
				{addr: "aws_lambda_function.f", actions: []string{"delete"}, before: map[string]any{"role": roleARN}}},
		},
		{
			name: "names must match whole",
			changes: []rc{role("delete"),
				{addr: "aws_iam_role_policy_attachment.a", actions: []string{"no-op"}, before: map[string]any{"id": "app-1", "role": "app", "policy_arn": "arn:aws:iam::aws:policy/P"}},
				{addr: "aws_iam_role_policy_attachment.b", actions: []string{"no-op"}, before: map[string]any{"id": "app-2", "role": "app-other", "policy_arn": "arn:aws:iam::aws:policy/P"}}},
			want: []brief{{"aws_iam_role.app", "aws_iam_role_policy_attachment.a", "role", "identifier", "availability", "app", ""}},
		},
		{
			name: "unknown type holding the ARN gets a generic impact",
			changes: []rc{role("delete"),
				{addr: "aws_widget_thing.w", actions: []string{"update"}, before: map[string]any{"id": "w", "settings": []any{map[string]any{"runner": roleARN}}}}},
			want: []brief{{"aws_iam_role.app", "aws_widget_thing.w", "settings[*].runner", "identifier", "availability", roleARN, ""}},
		},
		{
			name: "unique id inside a JSON policy of an unknown type is a replace hazard",
			changes: []rc{role("delete", "create"),
				{addr: "aws_widget_policy.p", actions: []string{"update"}, before: map[string]any{"id": "p", "document": `{"Statement":[{"Effect":"Allow","Condition":{"StringLike":{"aws:userid":"` + roleID + `:*"}}}]}`}}},
			want: []brief{{"aws_iam_role.app", "aws_widget_policy.p", "document", "identifier", "availability", roleID, "new-unique-id"}},
		},
		{
			name: "an ARN contained in a longer one (bucket objects)",
			changes: []rc{
				{addr: "aws_s3_bucket.b", actions: []string{"delete"}, before: map[string]any{"arn": "arn:aws:s3:::data", "bucket": "data", "id": "data"}},
				{addr: "aws_widget_reader.r", actions: []string{"update"}, before: map[string]any{"id": "r", "paths": []any{"arn:aws:s3:::data/*", "arn:aws:s3:::database/*"}}}},
			want: []brief{{"aws_s3_bucket.b", "aws_widget_reader.r", "paths[*]", "identifier", "availability", "arn:aws:s3:::data", ""}},
		},
		{
			// A resource's own identifying attributes are not references, even when
			// they begin with another's ARN; its other attributes are searched.
			name: "own identifying attributes are not searched",
			changes: []rc{
				{addr: "aws_s3_bucket.b", actions: []string{"delete"}, before: map[string]any{"arn": "arn:aws:s3:::data", "bucket": "data", "id": "data"}},
				{addr: "aws_widget_reader.own", actions: []string{"update"}, before: map[string]any{"arn": "arn:aws:s3:::data/reader", "id": "arn:aws:s3:::data/r"}},
				{addr: "aws_widget_reader.other", actions: []string{"update"}, before: map[string]any{"arn": "arn:aws:widget:::r", "id": "r", "source": "arn:aws:s3:::data/in"}}},
			want: []brief{{"aws_s3_bucket.b", "aws_widget_reader.other", "source", "identifier", "availability", "arn:aws:s3:::data", ""}},
		},
		{
			name:    "a replaced role is not its own dependent",
			changes: []rc{role("create", "delete")},
		},
		{
			name: "a sensitive identifier is never reported",
			changes: []rc{
				{addr: "aws_sqs_queue.q", actions: []string{"delete"}, before: map[string]any{"arn": queueARN, "name": "jobs", "id": "https://sqs/jobs"}, sensitive: []string{"arn"}},
				{addr: "aws_widget_consumer.c", actions: []string{"update"}, before: map[string]any{"id": "c", "queue": queueARN}}},
			want: []brief{{"aws_sqs_queue.q", "aws_widget_consumer.c", "queue", "identifier", "availability", "", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := analyze(t, planJSON(t, tt.changes, tt.config))
			if diff := cmp.Diff(tt.want, briefs(res.Impacts)); diff != "" {
				t.Errorf("impacts (-want +got):\n%s", diff)
			}
		})
	}
}

// A dependent in an extra state is found; the deleted object itself, present in the
// state it came from, is not its own dependent.
func TestExtraStates(t *testing.T) {
	doc := planJSON(t, []rc{role("delete")}, nil)
	st := &state.State{Source: "other.tfstate", Resources: []state.Resource{
		{Address: "aws_iam_role.app", Type: "aws_iam_role", Mode: "managed", Attributes: plan.Value(`{"arn":"` + roleARN + `","name":"app","unique_id":"` + roleID + `"}`)},
		{Address: "aws_sqs_queue_policy.p", Type: "aws_sqs_queue_policy", Mode: "managed", Attributes: plan.Value(`{"id":"q","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"` + roleARN + `\"},\"Action\":\"sqs:SendMessage\"}]}"}`)},
	}}
	res := analyze(t, doc, st)
	got := briefs(res.Impacts)
	if len(got) != 1 || got[0].Dependent != "aws_sqs_queue_policy.p" || got[0].Via != "policy" || res.Impacts[0].Source != "other.tfstate" {
		t.Errorf("impacts = %+v, want the queue policy in other.tfstate", res.Impacts)
	}
	if res.Summary.States[0] != "other.tfstate" {
		t.Errorf("summary states = %v", res.Summary.States)
	}
}

// The same state given twice is one source: its dependent is reported once and
// counted once.
func TestExtraStateGivenTwice(t *testing.T) {
	doc := planJSON(t, []rc{role("delete")}, nil)
	st := &state.State{Source: "other.tfstate", Resources: []state.Resource{
		{Address: "aws_sqs_queue_policy.p", Type: "aws_sqs_queue_policy", Mode: "managed", Attributes: plan.Value(`{"id":"q","policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"` + roleARN + `\"},\"Action\":\"sqs:SendMessage\"}]}"}`)},
	}}
	again := &state.State{Source: st.Source, Resources: slices.Clone(st.Resources)}
	res := analyze(t, doc, st, again)
	if len(res.Impacts) != 1 || res.Impacts[0].Source != "other.tfstate" {
		t.Errorf("impacts = %+v, want the queue policy once", briefs(res.Impacts))
	}
	if res.Summary.Dependents != 1 || res.Summary.Causes != 1 {
		t.Errorf("summary = %+v, want 1 cause and 1 dependent", res.Summary)
	}
}

// Two different keys with the same hash are both recorded; each is then found again,
// whichever of them the hash points at.
func TestImpactSetCollision(t *testing.T) {
	impacts := []report.Impact{
		{Root: "r", Cause: "r", Source: "plan", Dependent: "a", Via: "role"},
		{Root: "r", Cause: "r", Source: "plan", Dependent: "b", Via: "role"},
		{Root: "r", Cause: "r", Source: "plan", Dependent: "a", Via: "role"},
		{Root: "r", Cause: "r", Source: "plan", Dependent: "b", Via: "role"},
		{Root: "r", Cause: "r", Source: "other.tfstate", Dependent: "a", Via: "role"},
	}
	s := newImpactSet()
	const h = 42 // every key gets the same hash
	for i, want := range []bool{true, true, false, false, true} {
		if got := s.add(h, impacts, i, i); got != want {
			t.Errorf("add(impact %d) = %v, want %v", i, got, want)
		}
	}
	if s.hash(&impacts[0]) != s.hash(&impacts[2]) || s.hash(&impacts[0]) == s.hash(&impacts[1]) {
		t.Error("hash: equal keys must hash alike and these different ones apart")
	}
}

// A level's causes filed by configuration address come back in level order.
func TestConfigCauses(t *testing.T) {
	level := []int{10, 11, 12, 13, 14}
	cc := newConfigCauses(level)
	if !cc.empty() {
		t.Fatal("new set is not empty")
	}
	a, b := configKey{"module.x", "aws_iam_role.r"}, configKey{"", "aws_iam_role.r"}
	cc.add(a, 0)
	cc.add(b, 1)
	cc.add(a, 2)
	cc.add(a, 4)
	for _, tc := range []struct {
		k    configKey
		want []int
	}{{a, []int{10, 12, 14}}, {b, []int{11}}, {configKey{"", "aws_s3_bucket.b"}, nil}} {
		if got := slices.Collect(cc.causes(tc.k)); !slices.Equal(got, tc.want) {
			t.Errorf("causes(%v) = %v, want %v", tc.k, got, tc.want)
		}
	}
	for range cc.causes(a) {
		break // stopping early must not panic
	}
}

func TestIndexLookup(t *testing.T) {
	x := newIndex(0)
	x.add("arn:aws:logs:us-east-1:1:log-group:/ecs/api", hit{cause: 0, kind: knowledge.KindARN})
	x.add(roleID, hit{cause: 1, kind: knowledge.KindUniqueID})
	x.add("api", hit{cause: 2, kind: knowledge.KindName})
	x.add("a", hit{cause: 3, kind: knowledge.KindName}) // too short to index
	tests := []struct {
		value string
		want  []int
	}{
		{"arn:aws:logs:us-east-1:1:log-group:/ecs/api:*", []int{0}},
		{"arn:aws:logs:us-east-1:1:log-group:/ecs/api", []int{0}},
		{"arn:aws:logs:us-east-1:1:log-group:/ecs/api-v2", nil},
		{roleID + ":*", []int{1}},
		{"api", []int{2}},
		{"api/v1", nil}, // names are matched whole
		{"a", nil},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var got []int
			x.lookup(tt.value, func(_ string, h hit) { got = append(got, h.cause) })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lookup (-want +got):\n%s", diff)
			}
		})
	}
	if !x.mayHit([]byte(`{"policy":"{\"Condition\":{\"StringLike\":{\"aws:userid\":\"`+roleID+`:*\"}}}"}`), -1) {
		t.Error("mayHit misses a unique id inside an escaped JSON policy")
	}
	if x.mayHit([]byte(`{"name":"apis","arn":"arn:aws:logs:us-east-1:1:log-group:/ecs/apiary"}`), -1) {
		t.Error("mayHit matches values that only share a prefix")
	}
}

// TestIndexSignatures checks that the signature sets never turn away an indexed
// value (of any length, short or long) and that a name is not taken for an ARN.
func TestIndexSignatures(t *testing.T) {
	x := newIndex(0)
	values := []string{"abc", "abcdefg", "abcdefgh", "dev-inventory-1-task", "arn:aws:iam::123456789012:role/dev-inventory-1-task"}
	for i, v := range values {
		x.add(v, hit{cause: i, kind: knowledge.KindName})
		x.add("arn:"+v, hit{cause: i, kind: knowledge.KindARN})
	}
	for _, v := range values {
		if !x.maybe([]byte(v), false) || !x.maybe([]byte("arn:"+v), false) || !x.maybe([]byte("arn:"+v), true) {
			t.Errorf("%q or its ARN is indexed but its signature is not marked", v)
		}
		if !x.mayHitKinds([]byte(`{"a":"arn:`+v+`"}`), -1, true) {
			t.Errorf("mayHitKinds misses the ARN arn:%s", v)
		}
	}
	if x.mayHitKinds([]byte(`{"name":"dev-inventory-1-task"}`), -1, true) {
		t.Error("a name passes the ARN-only test")
	}
	if !x.mayHitKinds([]byte(`{"name":"dev-inventory-1-task"}`), -1, false) {
		t.Error("an indexed name is missed")
	}
}

func TestResourceOf(t *testing.T) {
	for ref, want := range map[string]string{
		"aws_iam_role.app.arn":      "aws_iam_role.app",
		"aws_iam_role.app":          "aws_iam_role.app",
		`aws_iam_role.app["a"].arn`: "aws_iam_role.app",
		"data.aws_iam_role.r.arn":   "data.aws_iam_role.r",
		"var.role_arn":              "",
		"module.roles.role_arn":     "",
		"local.arns":                "",
		"each.value":                "",
		"aws_iam_role":              "",
		"count.index":               "",
	} {
		if got := resourceOf(ref); got != want {
			t.Errorf("resourceOf(%q) = %q, want %q", ref, got, want)
		}
	}
	if got := modulePath(`module.a.module.b.aws_x.y`); got != "module.a.module.b" {
		t.Errorf("modulePath = %q", got)
	}
}

// TestPermute checks the in-place permutation against a copy, on every permutation of
// five elements (cycles of every length, fixed points).
func TestPermute(t *testing.T) {
	var each func(p []int32, k int)
	each = func(p []int32, k int) {
		if k == len(p) {
			want := make([]string, len(p))
			s := []string{"a", "b", "c", "d", "e"}
			for i, from := range p {
				want[i] = s[from]
			}
			perm := slices.Clone(p)
			permute(s, perm)
			if !slices.Equal(s, want) {
				t.Errorf("permute by %v = %v, want %v", p, s, want)
			}
			return
		}
		for i := k; i < len(p); i++ {
			p[k], p[i] = p[i], p[k]
			each(p, k+1)
			p[k], p[i] = p[i], p[k]
		}
	}
	each([]int32{0, 1, 2, 3, 4}, 0)
}

// TestScheduleIndependent runs the blast radius of a generated wrong-state plan
// (2,555 causes at the first level, 3,613 candidates: every parallel step runs on several
// goroutines; under -race, it checks them) on one processor and on four: the
// result must be the same, impact for impact.
func TestScheduleIndependent(t *testing.T) {
	kb := loadKB(t)
	p := wrongStatePlan(t, kb, 5_000, 3)
	analyze := func(procs int) *Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return Analyze(p, nil, kb, Options{Depth: 3})
	}
	one, four := analyze(1), analyze(4)
	if len(one.Impacts) < 1000 {
		t.Fatalf("%d impacts; the generated plan has 1,262", len(one.Impacts))
	}
	if diff := cmp.Diff(one, four); diff != "" {
		t.Errorf("the result on four processors differs from the one on one processor (-one +four):\n%s", diff)
	}
}

// finish orders impacts by root, depth, cause, data-loss class, dependent and path;
// impacts equal in all of those (one dependent in the plan and in an extra state,
// say) keep the order they were found in, however many there are.
func TestFinishOrderIsStable(t *testing.T) {
	e := &engine{kb: loadKB(t), steps: map[string]bool{}}
	for _, addr := range []string{"aws_iam_role.b", "aws_iam_role.a"} {
		obj := &object{change: &plan.Change{Address: addr, Type: "aws_iam_role"}}
		e.causes = append(e.causes, &cause{obj: obj, depth: 1})
	}
	var want []string
	for i := range 60 {
		root := e.causes[i%2].obj.address()
		src := []string{"plan", "other.tfstate"}[i%3%2]
		im := report.Impact{Root: root, Cause: root, Depth: 1, DataLoss: "availability",
			Dependent: "aws_lambda_function.f", Via: "role", Source: src, Identifier: fmt.Sprintf("found-%02d", i)}
		if i%5 == 0 {
			im.DataLoss = "lost" // ranked before availability
		}
		e.impacts = append(e.impacts, im)
	}
	// The expected order: roots in cause order (b first), lost before availability,
	// and otherwise the order found.
	for _, root := range []string{"aws_iam_role.b", "aws_iam_role.a"} {
		for _, class := range []string{"lost", "availability"} {
			for _, im := range e.impacts {
				if im.Root == root && im.DataLoss == class {
					want = append(want, im.Identifier)
				}
			}
		}
	}
	res := &Result{Summary: report.BlastSummary{ByClass: map[string]int{}}}
	e.finish(res)
	var got []string
	for _, im := range res.Impacts {
		got = append(got, im.Identifier)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("impacts in order\n%v\nwant\n%v", got, want)
	}
	if res.Summary.Causes != 2 || res.Summary.Dependents != 2 || res.Summary.ByClass["lost"] != 12 || res.Summary.ByClass["availability"] != 48 {
		t.Fatalf("summary %+v: want 2 causes, 2 dependents (one in the plan, one in a state), 12 lost and 48 availability", res.Summary)
	}
}
