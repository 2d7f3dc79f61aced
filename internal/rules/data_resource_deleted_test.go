package rules

import (
	"strings"
	"testing"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func bucket(name string, forceDestroy bool, versioning bool) map[string]any {
	return map[string]any{
		"arn": "arn:aws:s3:::" + name, "bucket": name, "force_destroy": forceDestroy,
		"versioning":          []any{map[string]any{"enabled": versioning, "mfa_delete": false}},
		"object_lock_enabled": false,
	}
}

func rds(deletionProtection, skipFinalSnapshot bool, finalID any) map[string]any {
	return map[string]any{
		"arn": "arn:aws:rds:eu-west-1:111111111111:db:orders", "identifier": "orders",
		"deletion_protection": deletionProtection, "skip_final_snapshot": skipFinalSnapshot,
		"final_snapshot_identifier": finalID, "delete_automated_backups": true,
		"password": nil,
	}
}

func TestDataResourceDeleted(t *testing.T) {
	messageHas := func(parts ...string) func(t *testing.T, fs []report.Finding) {
		return func(t *testing.T, fs []report.Finding) {
			for _, p := range parts {
				if !strings.Contains(fs[0].Message, p) {
					t.Errorf("message %q lacks %q", fs[0].Message, p)
				}
			}
		}
	}
	runCases(t, dataResourceDeleted{}, []ruleCase{
		{
			name:  "bucket with force_destroy is critical",
			doc:   planOf(change("aws_s3_bucket.logs", "delete").before(bucket("logs", true, true))),
			want:  []brief{{"aws_s3_bucket.logs", report.Critical}},
			check: messageHas("holds objects and is deleted", "force_destroy = true", "versioning enabled"),
		},
		{
			name:  "bucket without force_destroy is high: the delete fails while it holds objects",
			doc:   planOf(change("aws_s3_bucket.logs", "delete").before(bucket("logs", false, false))),
			want:  []brief{{"aws_s3_bucket.logs", report.High}},
			check: messageHas("force_destroy = false"),
		},
		{
			name: "bucket evidence names the bucket and the protection attributes",
			doc:  planOf(change("aws_s3_bucket.logs", "delete").before(bucket("logs", true, false))),
			want: []brief{{"aws_s3_bucket.logs", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				for path, want := range map[string]string{"bucket": "logs", "arn": "arn:aws:s3:::logs", "force_destroy": "true", "versioning.0.enabled": "false"} {
					if got, ok := evidenceValue(fs[0], path); !ok || got != want {
						t.Errorf("evidence %s = %q (present %v), want %q", path, got, ok, want)
					}
				}
			},
		},
		{
			name:  "database without protection or final snapshot is critical",
			doc:   planOf(change("aws_db_instance.orders", "delete").before(rds(false, true, nil))),
			want:  []brief{{"aws_db_instance.orders", report.Critical}},
			check: messageHas("deletion_protection = false", "skip_final_snapshot = true", "automated backups go too"),
		},
		{
			name:  "database with deletion protection is high",
			doc:   planOf(change("aws_db_instance.orders", "delete").before(rds(true, true, nil))),
			want:  []brief{{"aws_db_instance.orders", report.High}},
			check: messageHas("AWS refuses the delete"),
		},
		{
			name:  "database with a final snapshot is high and names the snapshot",
			doc:   planOf(change("aws_rds_cluster.main", "delete").before(rds(false, false, "orders-final"))),
			want:  []brief{{"aws_rds_cluster.main", report.High}},
			check: messageHas("a final snapshot orders-final is taken"),
		},
		{
			name:  "database keeping final snapshot but without its identifier: the delete fails",
			doc:   planOf(change("aws_db_instance.orders", "delete").before(rds(false, false, nil))),
			want:  []brief{{"aws_db_instance.orders", report.Critical}},
			check: messageHas("final_snapshot_identifier is empty"),
		},
		{
			name: "dynamodb with point-in-time recovery is high, without it critical",
			doc: planOf(
				change("aws_dynamodb_table.a", "delete").before(map[string]any{"name": "a", "deletion_protection_enabled": false, "point_in_time_recovery": []any{map[string]any{"enabled": true}}}),
				change("aws_dynamodb_table.b", "delete").before(map[string]any{"name": "b", "deletion_protection_enabled": false, "point_in_time_recovery": []any{map[string]any{"enabled": false}}}),
			),
			want: []brief{{"aws_dynamodb_table.a", report.High}, {"aws_dynamodb_table.b", report.Critical}},
		},
		{
			name: "secrets with no recovery window are critical, with one high",
			doc: planOf(
				change("aws_secretsmanager_secret.now", "delete").before(map[string]any{"name": "now", "recovery_window_in_days": 0}),
				change("aws_secretsmanager_secret.later", "delete").before(map[string]any{"name": "later", "recovery_window_in_days": 30}),
			),
			want: []brief{{"aws_secretsmanager_secret.now", report.Critical}, {"aws_secretsmanager_secret.later", report.High}},
		},
		{
			name: "stores without known protections are critical: nothing protects the data",
			doc: planOf(
				change("aws_sqs_queue.jobs", "delete").before(map[string]any{"name": "jobs", "arn": "arn:aws:sqs:eu-west-1:111111111111:jobs"}),
				change("aws_efs_file_system.home", "delete").before(map[string]any{"arn": "arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-1"}),
				change("aws_cloudwatch_log_group.app", "delete").before(map[string]any{"name": "/app", "retention_in_days": 14, "skip_destroy": false}),
			),
			want: []brief{
				{"aws_sqs_queue.jobs", report.Critical},
				{"aws_efs_file_system.home", report.Critical},
				{"aws_cloudwatch_log_group.app", report.Critical},
			},
			check: func(t *testing.T, fs []report.Finding) {
				if !strings.Contains(fs[0].Message, "nothing in the configuration protects the data") {
					t.Errorf("queue message: %q", fs[0].Message)
				}
				if !strings.Contains(fs[2].Message, "retention_in_days = 14") {
					t.Errorf("log group message: %q", fs[2].Message)
				}
			},
		},
		{
			name: "replace destroys the data too, in either order",
			doc: planOf(
				change("aws_s3_bucket.a", "delete", "create").before(bucket("a", true, false)),
				change("aws_s3_bucket.b", "create", "delete").before(bucket("b", true, false)),
			),
			want:  []brief{{"aws_s3_bucket.a", report.Critical}, {"aws_s3_bucket.b", report.Critical}},
			check: messageHas("replaced (the existing one is destroyed)"),
		},
		{
			name: "does not fire on create, update, no-op, forget, reads or stateless types",
			doc: planOf(
				change("aws_s3_bucket.c", "create").after(bucket("c", true, false)),
				change("aws_s3_bucket.u", "update").before(bucket("u", true, false)).after(bucket("u", false, false)),
				change("aws_s3_bucket.n", "no-op").before(bucket("n", true, false)).after(bucket("n", true, false)),
				change("aws_s3_bucket.f", "forget").before(bucket("f", true, false)),
				change("data.aws_s3_bucket.r", "read"),
				change("aws_security_group.sg", "delete").before(map[string]any{"name": "sg"}),
				change("aws_iam_role.r", "delete").before(role("r")),
			),
		},
		{
			name: "sensitive protection and name attributes are hidden and not judged",
			doc: planOf(change("aws_db_instance.s", "delete").
				before(map[string]any{"identifier": canary, "deletion_protection": false, "skip_final_snapshot": false, "final_snapshot_identifier": canary}).
				beforeSensitive(map[string]any{"identifier": true, "final_snapshot_identifier": true})),
			want: []brief{{"aws_db_instance.s", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				if got, _ := evidenceValue(fs[0], "identifier"); got != "(sensitive)" {
					t.Errorf("identifier evidence = %q, want (sensitive)", got)
				}
			},
		},
		{
			name: "a sensitive protection flag is shown as (sensitive) and leaves the data unprotected",
			doc: planOf(change("aws_s3_bucket.s", "delete").
				before(map[string]any{"bucket": canary, "force_destroy": false}).
				beforeSensitive(map[string]any{"bucket": true, "force_destroy": true})),
			want: []brief{{"aws_s3_bucket.s", report.Critical}},
			check: func(t *testing.T, fs []report.Finding) {
				if got, _ := evidenceValue(fs[0], "force_destroy"); got != "(sensitive)" {
					t.Errorf("force_destroy evidence = %q, want (sensitive)", got)
				}
			},
		},
		{
			name: "one finding per destroyed store, in plan order",
			doc: planOf(
				change(`module.data["eu"].aws_s3_bucket.b`, "delete").before(bucket("eu", true, false)),
				change("aws_kinesis_stream.s[1]", "delete").before(map[string]any{"name": "s", "retention_period": 24}),
			),
			want: []brief{{`module.data["eu"].aws_s3_bucket.b`, report.Critical}, {"aws_kinesis_stream.s[1]", report.Critical}},
		},
	})
}
