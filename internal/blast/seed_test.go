package blast

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/knowledge"
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
	"github.com/hiyari-dev/hiyari/internal/state"
)

// seedDir holds plans and a state made by real Terraform and the test provider
// (scripts/fixtures/seed-roles.sh): root module A's roles, root module B's consumers.
const seedDir = "testdata/seed"

func loadKB(t testing.TB) *knowledge.Base {
	t.Helper()
	kb, err := knowledge.Load()
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

func loadPlan(t testing.TB, kb *knowledge.Base, path string) *plan.Plan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (regenerate with scripts/fixtures/seed-roles.sh)", err)
	}
	defer f.Close()
	keep := RetainUnchanged(kb)
	p, err := plan.DecodeRetaining(f, filepath.Base(path), plan.Retain{After: keep, Unchanged: keep})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func loadState(t testing.TB, path string) *state.State {
	t.Helper()
	st, err := state.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// row is an impact as the seed's impact table reads it.
type row struct {
	Root, Dependent, Via, Class string
	Depth                       int
	Hazard                      string
}

func rows(impacts []report.Impact) []row {
	out := make([]row, len(impacts))
	for i, im := range impacts {
		out[i] = row{Root: im.Root, Dependent: im.Dependent, Via: im.Via, Class: im.DataLoss, Depth: im.Depth, Hazard: im.Hazard}
	}
	return out
}

// The seed incident: IAM roles deleted by a plan whose consumers live in another
// state. Every consumer of the seed's impact table is found, with its data-loss class
// and the recovery the team had to discover.
func TestSeedRolesDeleted(t *testing.T) {
	kb := loadKB(t)
	p := loadPlan(t, kb, filepath.Join(seedDir, "plan-delete.json"))
	consumers := loadState(t, filepath.Join(seedDir, "consumers.tfstate.json"))
	res := Analyze(p, []*state.State{consumers}, kb, Options{})

	role := func(k string) string { return `aws_iam_role.this["` + k + `"]` }
	want := []row{
		{role("api_task"), "aws_ecs_task_definition.api", "task_role_arn", "availability", 1, ""},
		{role("cwlogs_to_firehose"), "aws_cloudwatch_log_subscription_filter.api_to_firehose", "role_arn", "lost", 1, ""},
		{role("ecs_task_execution"), "aws_ecs_task_definition.api", "execution_role_arn", "availability", 1, ""},
		{role("firehose"), "aws_kinesis_firehose_delivery_stream.api_logs", "extended_s3_configuration[*].role_arn", "retried", 1, ""},
		// Depth 2: the subscription filter delivers to the Firehose stream that broke.
		{role("firehose"), "aws_cloudwatch_log_subscription_filter.api_to_firehose", "destination_arn", "lost", 2, ""},
		{role("log_processor"), "aws_lambda_function.log_processor", "role", "retried", 1, ""},
		{role("s3_replication"), "aws_s3_bucket_replication_configuration.logs", "role", "lost", 1, ""},
		// The replica bucket's policy is keyed on the role's unique id (AROA…).
		{role("s3_replication"), "aws_s3_bucket_policy.logs_replica", "policy", "availability", 1, "new-unique-id"},
	}
	if diff := cmp.Diff(want, rows(res.Impacts)); diff != "" {
		t.Errorf("impacts (-want +got):\n%s", diff)
	}
	for _, im := range res.Impacts {
		if im.Source != consumers.Source || im.CauseAction != "deleted" && im.Depth == 1 || im.Impact == "" || len(im.Recovery) == 0 {
			t.Errorf("impact %+v: want source %s, cause deleted, an impact and recovery", im, consumers.Source)
		}
	}

	// The recovery the seed team had to discover, each step for the right dependents.
	steps := map[string]report.Step{}
	var order []string
	for _, s := range res.Runbook {
		steps[s.ID] = s
		order = append(order, s.ID)
	}
	for id, dependents := range map[string][]string{
		"iam-recreate-role":               {"aws_lambda_function.log_processor", "aws_s3_bucket_replication_configuration.logs"},
		"logs-reput-events":               {"aws_cloudwatch_log_subscription_filter.api_to_firehose"},
		"lambda-role-swap":                {"aws_lambda_function.log_processor"},
		"s3-batch-replicate-failed":       {"aws_s3_bucket_replication_configuration.logs"},
		"s3-update-bucket-policy-role-id": {"aws_s3_bucket_policy.logs_replica"},
		"ecs-awslogs-non-blocking":        {"aws_ecs_task_definition.api"},
		"firehose-check-delivery":         {"aws_kinesis_firehose_delivery_stream.api_logs"},
	} {
		s, ok := steps[id]
		if !ok {
			t.Errorf("runbook lacks %s; has %v", id, order)
			continue
		}
		for _, d := range dependents {
			if !contains(s.For, d) {
				t.Errorf("step %s is for %v, not %s", id, s.For, d)
			}
		}
	}
	if order[0] != "iam-recreate-role" {
		t.Errorf("runbook starts with %s, want iam-recreate-role", order[0])
	}
	for i := 1; i < len(res.Runbook); i++ {
		if res.Runbook[i].Priority < res.Runbook[i-1].Priority {
			t.Errorf("runbook out of priority order at %d: %v", i, order)
		}
	}
	for _, phrase := range []string{"S3 Batch Operations", "filter replication status FAILED", "operation Replicate"} {
		if !strings.Contains(steps["s3-batch-replicate-failed"].Text, phrase) {
			t.Errorf("S3 Batch Operations step lacks %q", phrase)
		}
	}
	if !strings.Contains(steps["lambda-role-swap"].Text, "KMSAccessDeniedException") {
		t.Error("Lambda role swap step does not name KMSAccessDeniedException")
	}
	if got := res.Summary; got.Causes != 6 || got.Dependents != 6 || got.ByClass["lost"] != 3 || got.Depth != DefaultDepth {
		t.Errorf("summary = %+v", got)
	}
}

// A replaced role keeps its name and ARN but gets a new unique id: the bucket policy
// keyed on the old id is named, with the policy update and no "recreate the role"
// step (Terraform recreates it).
func TestSeedRoleReplacedFlagsUniqueIDPolicy(t *testing.T) {
	kb := loadKB(t)
	p := loadPlan(t, kb, filepath.Join(seedDir, "plan-replace.json"))
	consumers := loadState(t, filepath.Join(seedDir, "consumers.tfstate.json"))
	res := Analyze(p, []*state.State{consumers}, kb, Options{})

	var policy *report.Impact
	for i := range res.Impacts {
		im := &res.Impacts[i]
		if im.CauseAction != "replaced" || im.Cause != `aws_iam_role.this["s3_replication"]` {
			t.Errorf("impact caused by %s (%s); only the replication role is replaced", im.Cause, im.CauseAction)
		}
		if im.Dependent == "aws_s3_bucket_policy.logs_replica" {
			policy = im
		}
		if contains(im.Recovery, "iam-recreate-role") {
			t.Errorf("%s: recovery recreates a role that the plan replaces itself", im.Dependent)
		}
	}
	if policy == nil {
		t.Fatalf("the replica bucket policy keyed on the old unique id is not flagged: %+v", rows(res.Impacts))
	}
	if policy.Hazard != "new-unique-id" || policy.IdentifierKind != "unique_id" || !strings.HasPrefix(policy.Identifier, "AROA") {
		t.Errorf("policy impact = %+v, want hazard new-unique-id through the AROA… id", *policy)
	}
	for _, id := range []string{"s3-update-bucket-policy-role-id", "iam-fix-unique-id-policies"} {
		if !contains(policy.Recovery, id) {
			t.Errorf("policy recovery %v lacks %s", policy.Recovery, id)
		}
	}
}

// Without the extra state the plan alone holds no consumer of the roles: the blast
// radius is empty rather than guessed.
func TestSeedWithoutStateIsEmpty(t *testing.T) {
	kb := loadKB(t)
	p := loadPlan(t, kb, filepath.Join(seedDir, "plan-delete.json"))
	res := Analyze(p, nil, kb, Options{})
	if len(res.Impacts) != 0 || len(res.Runbook) != 0 {
		t.Errorf("impacts %v, runbook %d steps; want none", rows(res.Impacts), len(res.Runbook))
	}
}

// Depth 1 stops at direct dependents.
func TestSeedDepthOne(t *testing.T) {
	kb := loadKB(t)
	p := loadPlan(t, kb, filepath.Join(seedDir, "plan-delete.json"))
	consumers := loadState(t, filepath.Join(seedDir, "consumers.tfstate.json"))
	res := Analyze(p, []*state.State{consumers}, kb, Options{Depth: 1})
	for _, im := range res.Impacts {
		if im.Depth != 1 {
			t.Errorf("depth-1 search reported %+v", im)
		}
	}
	if len(res.Impacts) != 7 {
		t.Errorf("%d impacts, want 7", len(res.Impacts))
	}
}
