package knowledge

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The seed incident: IAM roles deleted by an apply on the wrong state. Its
// impact table, per service, must be derivable from the data for an
// aws_iam_role target, with the recovery the team had to discover.
func TestSeedImpactTable(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	deps := b.ReferencesTo("aws_iam_role")
	find := func(typ, path string) *Reference {
		t.Helper()
		for _, d := range deps {
			if d.Type.Name == typ && d.Reference.Path == path {
				return d.Reference
			}
		}
		t.Fatalf("no reference %s %s to aws_iam_role", typ, path)
		return nil
	}

	tests := []struct {
		service    string // the seed table's service column
		typ, path  string
		impact     []string // phrases the impact must contain
		class      DataLossClass
		window     string // phrase the window must contain, if any
		recovery   []string
		stepPhrase map[string][]string // step id → phrases its text must contain
	}{
		{
			service: "ECS", typ: "aws_ecs_task_definition", path: "execution_role_arn",
			impact:   []string{"Tasks fail to start", "log delivery to CloudWatch Logs fails", "blocking mode"},
			class:    LossAvailability,
			recovery: []string{"iam-recreate-role", "ecs-force-new-deployment", "ecs-awslogs-non-blocking"},
			stepPhrase: map[string][]string{
				"iam-recreate-role":        {"Recreate the deleted role with Terraform first"},
				"ecs-awslogs-non-blocking": {"blocking until 2025-06-25, non-blocking since", "defaultLogDriverMode"},
			},
		},
		{
			service: "CloudWatch Logs", typ: "aws_cloudwatch_log_subscription_filter", path: "role_arn",
			impact:   []string{"fails at once", "is not retried"},
			class:    LossLost,
			recovery: []string{"iam-recreate-role", "logs-reput-events"},
			stepPhrase: map[string][]string{
				"logs-reput-events": {"putting them into the log group once more", "put-log-events", "14 days"},
			},
		},
		{
			service: "Firehose", typ: "aws_kinesis_firehose_delivery_stream", path: "extended_s3_configuration[*].role_arn",
			impact:   []string{"writing failed records to the error output prefix in S3"},
			class:    LossRetried,
			window:   "24 h",
			recovery: []string{"iam-recreate-role", "firehose-check-delivery"},
			stepPhrase: map[string][]string{
				"firehose-check-delivery": {"could not write its error output to S3"},
			},
		},
		{
			service: "Firehose", typ: "aws_kinesis_firehose_delivery_stream", path: "http_endpoint_configuration[*].s3_configuration[*].role_arn",
			impact:   []string{"cannot write failed records (error output)"},
			class:    LossRetried,
			window:   "24 h",
			recovery: []string{"iam-recreate-role", "firehose-check-delivery"},
		},
		{
			service: "Lambda", typ: "aws_lambda_function", path: "role",
			impact:   []string{"Invocations fail", "Status Code: 502; Error Code: KMSAccessDeniedException"},
			class:    LossRetried,
			window:   "6 h",
			recovery: []string{"iam-recreate-role", "lambda-role-swap"},
			stepPhrase: map[string][]string{
				"lambda-role-swap": {"assign a different execution role", "deploy the function", "assign the original role again"},
			},
		},
		{
			service: "S3", typ: "aws_s3_bucket_replication_configuration", path: "role",
			impact:   []string{"Replication fails", "FAILED", "never retries"},
			class:    LossLost,
			recovery: []string{"iam-recreate-role", "s3-batch-replicate-failed", "s3-update-bucket-policy-role-id"},
			stepPhrase: map[string][]string{
				"s3-batch-replicate-failed":       {"S3 Batch Operations", "operation Replicate", "filter replication status FAILED", "ObjectReplicationStatuses"},
				"s3-update-bucket-policy-role-id": {"unique id", "AROA", "replication destination bucket"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.service+" "+tt.path, func(t *testing.T) {
			r := find(tt.typ, tt.path)
			ty, _ := b.Type(tt.typ)
			if ty.Service != tt.service {
				t.Errorf("service of %s = %q, want %q", tt.typ, ty.Service, tt.service)
			}
			for _, ph := range tt.impact {
				if !strings.Contains(r.Impact, ph) {
					t.Errorf("impact %q\nlacks %q", r.Impact, ph)
				}
			}
			if r.DataLoss.Class != tt.class {
				t.Errorf("data loss class = %s, want %s", r.DataLoss.Class, tt.class)
			}
			if !strings.Contains(r.DataLoss.Window, tt.window) {
				t.Errorf("window %q lacks %q", r.DataLoss.Window, tt.window)
			}
			for _, id := range tt.recovery {
				if !contains(r.Recovery, id) {
					t.Errorf("recovery %v lacks %s", r.Recovery, id)
				}
			}
			for id, phrases := range tt.stepPhrase {
				s, ok := b.Step(id)
				if !ok {
					t.Fatalf("step %s missing", id)
				}
				for _, ph := range phrases {
					if !strings.Contains(s.Text, ph) {
						t.Errorf("step %s text %q\nlacks %q", id, s.Text, ph)
					}
				}
			}
		})
	}

	// Recreating the roles comes first in every runbook.
	first, _ := b.Step("iam-recreate-role")
	for _, s := range b.Steps() {
		if s.Priority < first.Priority {
			t.Errorf("step %s (priority %d) would run before recreating the role (%d)", s.ID, s.Priority, first.Priority)
		}
	}
	if first.AppliesTo(true) {
		t.Error("iam-recreate-role must not apply to a replaced role: Terraform recreates it itself")
	}
}

// The replace hazards of a role carry the seed's unique-id lessons.
func TestSeedRoleReplaceHazards(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	role, _ := b.Type("aws_iam_role")
	all := ""
	steps := map[string]bool{}
	for _, h := range role.ReplaceHazards {
		all += h.Text + "\n"
		for _, s := range h.Recovery {
			steps[s] = true
		}
	}
	for _, ph := range []string{"new unique id (AROA…)", "aws:userid", "old unique id", "KMS key policies and grants", "KMSAccessDeniedException"} {
		if !strings.Contains(all, ph) {
			t.Errorf("aws_iam_role replace hazards lack %q", ph)
		}
	}
	for _, s := range []string{"iam-fix-unique-id-policies", "s3-update-bucket-policy-role-id", "iam-resave-arn-principal-policies", "lambda-role-swap"} {
		if !steps[s] {
			t.Errorf("aws_iam_role replace hazards do not lead to step %s", s)
		}
	}
	if len(role.IdentifiersOf(KindUniqueID)) == 0 {
		t.Error("aws_iam_role has no unique_id identifier")
	}
}

// The seed's "what if it had lasted longer" facts.
func TestSeedWhatIfFacts(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ, path string
		phrases   []string // in impact, window or detail
	}{
		{"aws_cloudwatch_event_target", "arn", []string{"24 h / 185 attempts", "DLQ", "no error log to CloudWatch Logs"}},
		{"aws_cloudwatch_event_target", "role_arn", []string{"not retried", "DLQ", "24 h / 185 attempts"}},
		{"aws_sns_topic_subscription", "endpoint", []string{"23 days", "DLQ", "does not", "retry"}},
	}
	for _, tt := range tests {
		ty, _ := b.Type(tt.typ)
		var r *Reference
		for i := range ty.References {
			if ty.References[i].Path == tt.path {
				r = &ty.References[i]
			}
		}
		if r == nil {
			t.Errorf("%s %s missing", tt.typ, tt.path)
			continue
		}
		text := r.Impact + " " + r.DataLoss.Window + " " + r.DataLoss.Detail
		for _, ph := range tt.phrases {
			if !strings.Contains(text, ph) {
				t.Errorf("%s %s lacks %q in %q", tt.typ, tt.path, ph, text)
			}
		}
	}
}

// TestSeedImpactGolden renders the seed's impact table from the data, per
// service, as a reviewer would read it (golden: testdata/seed_impact.golden.md).
func TestSeedImpactGolden(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	seed := map[string]string{
		"aws_ecs_task_definition":                 "execution_role_arn",
		"aws_cloudwatch_log_subscription_filter":  "role_arn",
		"aws_kinesis_firehose_delivery_stream":    "extended_s3_configuration[*].role_arn",
		"aws_lambda_function":                     "role",
		"aws_s3_bucket_replication_configuration": "role",
	}
	var w strings.Builder
	w.WriteString("| service | dependent | attribute | impact | data loss |\n|---|---|---|---|---|\n")
	stepSet := map[string]bool{}
	for _, d := range b.ReferencesTo("aws_iam_role") {
		if seed[d.Type.Name] != d.Reference.Path {
			continue
		}
		r := d.Reference
		loss := string(r.DataLoss.Class)
		if r.DataLoss.Window != "" {
			loss += " (" + r.DataLoss.Window + ")"
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %s |\n", d.Type.Service, d.Type.Name, r.Path, cell(r.Impact), cell(loss))
		for _, s := range r.Recovery {
			stepSet[s] = true
		}
	}
	var steps []*Step
	for id := range stepSet {
		s, _ := b.Step(id)
		if s.AppliesTo(false) {
			steps = append(steps, s)
		}
	}
	sort.Slice(steps, func(i, j int) bool {
		if steps[i].Priority != steps[j].Priority {
			return steps[i].Priority < steps[j].Priority
		}
		return steps[i].ID < steps[j].ID
	})
	w.WriteString("\nRunbook (roles deleted):\n\n")
	for i, s := range steps {
		fmt.Fprintf(&w, "%d. [%s] %s\n", i+1, s.Service, s.Text)
	}
	checkGolden(t, filepath.Join("testdata", "seed_impact.golden.md"), w.String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
