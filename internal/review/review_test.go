package review

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hiyari-dev/hiyari/internal/config"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/rules"
)

const canary = "CANARY-review-5e1d"

// rc renders one resource_changes element as `terraform show -json` writes it.
func rc(address string, actions []string, before string, extra string) string {
	if before == "" {
		before = "null"
	}
	parts := strings.Split(plan.ConfigAddress(address), ".")
	typ, name := parts[len(parts)-2], parts[len(parts)-1]
	mode := "managed"
	if len(parts) >= 3 && parts[len(parts)-3] == "data" {
		mode = "data"
	}
	acts, _ := json.Marshal(actions)
	addr, _ := json.Marshal(address)
	s := fmt.Sprintf(`{"address":%s,"mode":%q,"type":%q,"name":%q,"provider_name":"registry.terraform.io/hashicorp/aws",`+
		`"change":{"actions":%s,"before":%s,"after":null,"before_sensitive":false,"after_sensitive":false%s}`, addr, mode, typ, name, acts, before, extra)
	return s + "}"
}

func planDoc(t *testing.T, changes []string, drift []string, tail string) *plan.Plan {
	t.Helper()
	doc := `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[` + strings.Join(changes, ",") + `]`
	if drift != nil {
		doc += `,"resource_drift":[` + strings.Join(drift, ",") + `]`
	}
	doc += tail + `}`
	p, err := plan.Decode(strings.NewReader(doc), "review-test.json")
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, doc)
	}
	return p
}

var (
	del    = []string{"delete"}
	upd    = []string{"update"}
	create = []string{"create"}
	noop   = []string{"no-op"}
)

func TestSummaryOfAMixedPlan(t *testing.T) {
	changes := []string{
		rc("aws_sqs_queue.create", create, "", ""),
		rc("aws_sqs_queue.update", upd, `{"name":"u"}`, ""),
		rc("aws_sqs_queue.delete", del, `{"name":"d"}`, ""),
		rc("aws_sqs_queue.replace", []string{"delete", "create"}, `{"name":"r"}`, ""),
		rc("aws_sqs_queue.cbd", []string{"create", "delete"}, `{"name":"c"}`, ""),
		rc("data.aws_caller_identity.me", []string{"read"}, "", ""),
		rc("aws_sqs_queue.noop", noop, `{"name":"n"}`, ""),
		rc("aws_sqs_queue.forget", []string{"forget"}, `{"name":"f"}`, ""),
		rc("aws_sqs_queue.forget_create", []string{"forget", "create"}, `{"name":"fc"}`, ""),
		strings.Replace(rc("aws_sqs_queue.moved_to", noop, `{"name":"m"}`, ""), `"address":"aws_sqs_queue.moved_to"`,
			`"address":"aws_sqs_queue.moved_to","previous_address":"aws_sqs_queue.moved_from"`, 1),
		rc("aws_sqs_queue.imported", noop, `{"name":"i"}`, `,"importing":{"id":"https://sqs/i"}`),
	}
	changes[1] = strings.Replace(changes[1], `"provider_name"`, `"action_reason":"replace_because_tainted","provider_name"`, 1)
	drift := []string{rc("aws_sqs_queue.update", upd, `{"name":"u"}`, ""), rc("aws_sqs_queue.gone", del, `{"name":"g"}`, "")}
	p := planDoc(t, changes, drift, `,"output_changes":{"a":{"actions":["update"],"after_sensitive":true},"b":{"actions":["no-op"]}},`+
		`"prior_state":{"values":{"root_module":{"resources":[{"mode":"managed"},{"mode":"managed"},{"mode":"data"}]}}}`)

	rep := Review(p, Options{Config: config.Default(), FailOn: report.Critical, ToolVersion: "v0.0.0-test"})
	want := report.Summary{
		Create: 1, Update: 1, Delete: 1, Replace: 1, ReplaceCreateFirst: 1, Read: 1, NoOp: 3, Forget: 2,
		Move: 1, Import: 1, Drift: 2, PriorResources: 2, OutputChanges: 1,
	}
	if diff := cmp.Diff(want, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	var listed []string
	for _, c := range rep.ChangeRange(0, rep.NumChanges()) {
		listed = append(listed, c.Address+" "+c.Action)
	}
	wantListed := []string{
		"aws_sqs_queue.create create", "aws_sqs_queue.update update", "aws_sqs_queue.delete delete",
		"aws_sqs_queue.replace replace", "aws_sqs_queue.cbd replace-create-first", "aws_sqs_queue.forget forget",
		"aws_sqs_queue.forget_create forget-create", "aws_sqs_queue.moved_to no-op", "aws_sqs_queue.imported no-op",
	}
	if diff := cmp.Diff(wantListed, listed); diff != "" {
		t.Errorf("change list (-want +got):\n%s", diff)
	}
	byAddr := map[string]report.Change{}
	for _, c := range rep.ChangeRange(0, rep.NumChanges()) {
		byAddr[c.Address] = c
	}
	if c := byAddr["aws_sqs_queue.update"]; c.ActionReason != "replace_because_tainted" {
		t.Errorf("action_reason not carried: %+v", c)
	}
	if c := byAddr["aws_sqs_queue.moved_to"]; c.PreviousAddress != "aws_sqs_queue.moved_from" {
		t.Errorf("previous_address not carried: %+v", c)
	}
	if c := byAddr["aws_sqs_queue.imported"]; !c.Importing {
		t.Errorf("importing not carried: %+v", c)
	}
	if c := byAddr["aws_sqs_queue.cbd"]; c.Actions != "create,delete" {
		t.Errorf("raw actions not carried: %+v", c)
	}
	if len(rep.Drift) != 2 || rep.Drift[1].Address != "aws_sqs_queue.gone" {
		t.Errorf("drift = %+v", rep.Drift)
	}
	if diff := cmp.Diff([]report.Output{{Name: "a", Action: "update", Sensitive: true}, {Name: "b", Action: "no-op"}}, rep.Outputs); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	if rep.SchemaVersion != report.SchemaVersion || rep.Tool.Version != "v0.0.0-test" || rep.Input.Source != "review-test.json" || rep.Input.FormatVersion != "1.2" {
		t.Errorf("report header: %+v %+v %+v", rep.SchemaVersion, rep.Tool, rep.Input)
	}
}

func TestNoChanges(t *testing.T) {
	p := planDoc(t, []string{rc("aws_iam_role.a", noop, `{"name":"a"}`, ""), rc("data.aws_iam_role.d", []string{"read"}, "", "")}, nil,
		`,"prior_state":{"values":{"root_module":{"resources":[{"mode":"managed"}]}}},"configuration":{"root_module":{"resources":[{"address":"aws_iam_role.a","mode":"managed","type":"aws_iam_role","name":"a"}]}}`)
	for _, failOn := range []report.Severity{report.Critical, report.Info, ""} {
		rep := Review(p, Options{Config: config.Default(), Env: "staging", Accounts: []string{"111111111111"}, FailOn: failOn})
		if rep.Findings == nil || len(rep.Findings) != 0 {
			t.Errorf("fail-on %q: findings = %#v, want an empty list", failOn, rep.Findings)
		}
		if rep.Verdict.Status != "pass" || rep.Verdict.Reason != "no changes" || rep.Verdict.Highest != "" {
			t.Errorf("fail-on %q: verdict = %+v", failOn, rep.Verdict)
		}
		if diff := cmp.Diff([]string{"hiyari:no-changes"}, rep.Labels); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
		for _, l := range [][]report.Impact{rep.BlastRadius} {
			if l == nil {
				t.Error("blast_radius must be an empty list, not null")
			}
		}
		if rep.ChangeRange(0, rep.NumChanges()) == nil || rep.Drift == nil || rep.Outputs == nil || rep.Runbook == nil {
			t.Error("lists in the report must be empty, not nil")
		}
	}
}

// riskyPlan yields findings of three severities: a bucket with force_destroy deleted
// (critical), a role deleted (high) and a policy attachment deleted (medium).
func riskyPlan(t *testing.T) *plan.Plan {
	return planDoc(t, []string{
		rc("aws_iam_role_policy_attachment.att", del, `{"role":"r","policy_arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}`, ""),
		rc("aws_iam_role.task", del, `{"name":"task","arn":"arn:aws:iam::111111111111:role/task"}`, ""),
		rc("aws_s3_bucket.data", del, `{"bucket":"data","force_destroy":true}`, ""),
		rc("aws_sqs_queue.keep", upd, `{"name":"keep"}`, ""),
	}, nil, `,"prior_state":{"values":{"root_module":{"resources":[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]}}}`)
}

func mediumOnlyPlan(t *testing.T) *plan.Plan {
	return planDoc(t, []string{rc("aws_iam_role_policy_attachment.att", del, `{"role":"r"}`, "")}, nil,
		`,"prior_state":{"values":{"root_module":{"resources":[{},{},{},{},{},{},{},{},{},{}]}}}`)
}

func TestVerdictThresholds(t *testing.T) {
	tests := []struct {
		plan    func(*testing.T) *plan.Plan
		failOn  string
		status  string
		highest report.Severity
		reason  string
	}{
		{riskyPlan, "critical", "fail", report.Critical, "1 finding(s) at or above critical"},
		{riskyPlan, "high", "fail", report.Critical, "2 finding(s) at or above high"},
		{riskyPlan, "medium", "fail", report.Critical, "3 finding(s) at or above medium"},
		{riskyPlan, "low", "fail", report.Critical, "3 finding(s) at or above low"},
		{riskyPlan, "never", "pass", report.Critical, "highest finding is critical; the gate is off (--fail-on never)"},
		{mediumOnlyPlan, "critical", "pass", report.Medium, "highest finding is medium, below the critical threshold"},
		{mediumOnlyPlan, "high", "pass", report.Medium, "highest finding is medium, below the high threshold"},
		{mediumOnlyPlan, "medium", "fail", report.Medium, "1 finding(s) at or above medium"},
		{mediumOnlyPlan, "low", "fail", report.Medium, "1 finding(s) at or above low"},
		{mediumOnlyPlan, "never", "pass", report.Medium, "the gate is off"},
	}
	for _, tc := range tests {
		p := tc.plan(t)
		t.Run(fmt.Sprintf("%d findings, fail-on %s", len(p.Changes), tc.failOn), func(t *testing.T) {
			failOn, err := report.ParseThreshold(tc.failOn)
			if err != nil {
				t.Fatal(err)
			}
			rep := Review(p, Options{Config: config.Default(), FailOn: failOn})
			v := rep.Verdict
			if v.Status != tc.status || v.Highest != tc.highest || !strings.Contains(v.Reason, tc.reason) {
				t.Errorf("verdict = %+v; want status %s, highest %s, reason containing %q", v, tc.status, tc.highest, tc.reason)
			}
			if v.FailOn != tc.failOn {
				t.Errorf("verdict fail_on = %q, want %q", v.FailOn, tc.failOn)
			}
			total := 0
			for _, s := range report.Severities {
				n, ok := v.Counts[s]
				if !ok {
					t.Errorf("counts lack %s: every severity is listed", s)
				}
				total += n
			}
			if total != len(rep.Findings) {
				t.Errorf("counts add up to %d, want %d findings", total, len(rep.Findings))
			}
		})
	}
}

func TestFindingsSortedBySeverity(t *testing.T) {
	rep := Review(riskyPlan(t), Options{Config: config.Default(), FailOn: report.Critical})
	var got []string
	for _, f := range rep.Findings {
		got = append(got, string(f.Severity)+" "+f.Rule+" "+f.Address)
		if f.DocURL != rules.DocURL(f.Rule) || f.Rule == "" {
			t.Errorf("finding lacks rule or doc url: %+v", f)
		}
	}
	want := []string{
		"critical data_resource_deleted aws_s3_bucket.data",
		"high identity_resource_deleted aws_iam_role.task",
		"medium identity_resource_deleted aws_iam_role_policy_attachment.att",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestEqualSeverityKeepsRuleOrder: findings of one severity stay in registry order, then
// plan order, so reports are stable.
func TestEqualSeverityKeepsRuleOrder(t *testing.T) {
	p := planDoc(t, []string{
		rc("aws_iam_role.b", del, `{"name":"b","tags":{"Environment":"dev"}}`, ""),
		rc("aws_iam_role.a", del, `{"name":"a","tags":{"Environment":"dev"}}`, ""),
		rc("aws_iam_role.c", []string{"delete", "create"}, `{"name":"c","tags":{"Environment":"staging"}}`, ""),
	}, nil, `,"configuration":{"root_module":{"resources":[{"address":"aws_iam_role.c","mode":"managed","type":"aws_iam_role","name":"c"}]}}`)
	rep := Review(p, Options{Config: config.Default(), Env: "staging", FailOn: report.Critical})
	var got []string
	for _, f := range rep.Findings {
		got = append(got, string(f.Severity)+" "+f.Rule+" "+f.Address)
	}
	want := []string{
		"critical environment_mismatch aws_iam_role.b",
		"high undeclared_resource_deleted aws_iam_role.b",
		"high identity_resource_deleted aws_iam_role.b",
		"high identity_resource_deleted aws_iam_role.a",
		"high identity_resource_replaced aws_iam_role.c",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestAcknowledgement(t *testing.T) {
	p := planDoc(t, []string{
		rc("module.legacy.aws_iam_role.old", del, `{"name":"old"}`, ""),
		rc("aws_iam_role.other", del, `{"name":"other"}`, ""),
	}, nil, `,"configuration":{"root_module":{"resources":[]}}`)
	ack := func(rule, addr string) config.Acknowledgement {
		return config.Acknowledgement{Rule: rule, Address: addr, Reason: "reviewed in PR 7"}
	}
	type state struct {
		Rule, Address string
		Acknowledged  bool
		Reason        string
	}
	tests := []struct {
		name     string
		acks     []config.Acknowledgement
		want     []state
		status   string
		reason   string
		labels   []string
		ackCount int
	}{
		{
			name: "nothing acknowledged",
			want: []state{
				{"undeclared_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "aws_iam_role.other", false, ""},
			},
			status: "fail", labels: []string{"hiyari:destroy", "hiyari:high"},
		},
		{
			name: "per-resource finding acknowledged by glob; an aggregated one needs every address",
			acks: []config.Acknowledgement{ack("identity_resource_deleted", "module.legacy.*"), ack("undeclared_resource_deleted", "module.legacy.*")},
			want: []state{
				{"undeclared_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "module.legacy.aws_iam_role.old", true, "reviewed in PR 7"},
				{"identity_resource_deleted", "aws_iam_role.other", false, ""},
			},
			status: "fail", labels: []string{"hiyari:destroy", "hiyari:high"}, ackCount: 1,
		},
		{
			name: "aggregated finding acknowledged when each of its addresses matches",
			acks: []config.Acknowledgement{ack("undeclared_resource_deleted", "module.legacy.*"), ack("undeclared_resource_deleted", "aws_iam_role.other")},
			want: []state{
				{"undeclared_resource_deleted", "module.legacy.aws_iam_role.old", true, "reviewed in PR 7"},
				{"identity_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "aws_iam_role.other", false, ""},
			},
			status: "fail", labels: []string{"hiyari:destroy", "hiyari:high"}, ackCount: 1,
		},
		{
			name: "everything acknowledged: shown, but the gate passes",
			acks: []config.Acknowledgement{ack("*", "*")},
			want: []state{
				{"undeclared_resource_deleted", "module.legacy.aws_iam_role.old", true, "reviewed in PR 7"},
				{"identity_resource_deleted", "module.legacy.aws_iam_role.old", true, "reviewed in PR 7"},
				{"identity_resource_deleted", "aws_iam_role.other", true, "reviewed in PR 7"},
			},
			status: "pass", reason: "every finding (3) is acknowledged in configuration", labels: []string{"hiyari:destroy"}, ackCount: 3,
		},
		{
			name: "an acknowledgement for another rule does not apply",
			acks: []config.Acknowledgement{ack("data_resource_deleted", "*")},
			want: []state{
				{"undeclared_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "module.legacy.aws_iam_role.old", false, ""},
				{"identity_resource_deleted", "aws_iam_role.other", false, ""},
			},
			status: "fail", labels: []string{"hiyari:destroy", "hiyari:high"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Acknowledge = tc.acks
			rep := Review(p, Options{Config: cfg, FailOn: report.High})
			var got []state
			for _, f := range rep.Findings {
				got = append(got, state{f.Rule, f.Address, f.Acknowledged, f.AcknowledgeReason})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if rep.Verdict.Status != tc.status || rep.Verdict.Acknowledged != tc.ackCount {
				t.Errorf("verdict = %+v, want status %s with %d acknowledged", rep.Verdict, tc.status, tc.ackCount)
			}
			if tc.reason != "" && rep.Verdict.Reason != tc.reason {
				t.Errorf("verdict reason = %q, want %q", rep.Verdict.Reason, tc.reason)
			}
			if diff := cmp.Diff(tc.labels, rep.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	envPlan := planDoc(t, []string{rc("aws_sqs_queue.q", upd, `{"name":"q","tags":{"Environment":"dev"}}`, "")}, nil, "")
	tests := []struct {
		name string
		p    *plan.Plan
		cfg  func(*config.Config)
		env  string
		want []string
	}{
		{"create only", planDoc(t, []string{rc("aws_sqs_queue.q", create, "", "")}, nil, ""), nil, "", []string{"hiyari:add-or-update"}},
		{"replace counts as destroy", planDoc(t, []string{rc("aws_instance.web", []string{"create", "delete"}, `{"id":"i-1"}`, "")}, nil, ""), nil, "",
			[]string{"hiyari:destroy"}},
		{"wrong state and risk", envPlan, nil, "staging", []string{"hiyari:add-or-update", "hiyari:critical", "hiyari:wrong-state"}},
		{"acknowledged wrong-state finding adds no label", envPlan, func(c *config.Config) {
			c.Acknowledge = []config.Acknowledgement{{Rule: "environment_mismatch", Address: "*", Reason: "migration"}}
		}, "staging", []string{"hiyari:add-or-update"}},
		{"disabled rule reports nothing", envPlan, func(c *config.Config) { c.Rules.Disabled = []string{"environment_mismatch"} }, "staging",
			[]string{"hiyari:add-or-update"}},
		{"move only is a change", planDoc(t, []string{strings.Replace(rc("aws_sqs_queue.b", noop, `{}`, ""), `"address":"aws_sqs_queue.b"`, `"address":"aws_sqs_queue.b","previous_address":"aws_sqs_queue.a"`, 1)}, nil, ""),
			nil, "", []string{"hiyari:add-or-update"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			rep := Review(tc.p, Options{Config: cfg, Env: tc.env, FailOn: report.Critical})
			if diff := cmp.Diff(tc.want, rep.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReportHasNoSensitiveValues: a value marked sensitive never reaches the report,
// whichever rule looks at the resource.
func TestReportHasNoSensitiveValues(t *testing.T) {
	p := planDoc(t, []string{
		rc("aws_iam_role.s", del, `{"name":"`+canary+`-dev","arn":"arn:aws:iam::222222222222:role/`+canary+`","tags":{"Environment":"`+canary+`"}}`, ""),
		rc("aws_db_instance.db", del, `{"identifier":"`+canary+`","password":"`+canary+`","deletion_protection":false,"skip_final_snapshot":false,"final_snapshot_identifier":"`+canary+`"}`, ""),
	}, nil, "")
	p.Changes[0].BeforeSensitive = plan.Value(`true`)
	p.Changes[1].BeforeSensitive = plan.Value(`{"identifier":true,"password":true,"final_snapshot_identifier":true}`)
	rep := Review(p, Options{Config: config.Default(), Env: "staging", Accounts: []string{"111111111111"}, FailOn: report.Critical})
	if len(rep.Findings) == 0 {
		t.Fatal("expected findings for the deleted role and database")
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), canary) {
		t.Errorf("report leaks a sensitive value:\n%s", b)
	}
}
