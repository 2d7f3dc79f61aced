package rules

import (
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// dataResourceDeleted flags stateful resources the plan destroys (deleted or replaced),
// and reports what, if anything, protects their data.
type dataResourceDeleted struct{}

func (dataResourceDeleted) ID() string                { return "data_resource_deleted" }
func (dataResourceDeleted) Severity() report.Severity { return report.Critical }
func (dataResourceDeleted) Summary() string {
	return "A resource that holds data (bucket, database, table, file system, queue, stream, log group, …) is destroyed"
}

// protection is what one attribute says about the data's safety when the resource goes.
type protection struct {
	path string
	// judge says, from the attribute's text, whether the data survives ("protects")
	// and a phrase for the report.
	judge func(v string, c *plan.Change) (protects bool, note string)
}

// dataStore describes a stateful type: what it holds and which attributes protect it.
type dataStore struct {
	holds       string
	protections []protection
}

func isTrue(v string) bool { return v == "true" }

var (
	forceDestroy = protection{"force_destroy", func(v string, _ *plan.Change) (bool, string) {
		if isTrue(v) {
			return false, "force_destroy = true: every object is deleted with the bucket"
		}
		return true, "force_destroy = false: the delete fails while the bucket holds objects"
	}}
	deletionProtection = protection{"deletion_protection", func(v string, _ *plan.Change) (bool, string) {
		if isTrue(v) {
			return true, "deletion_protection = true: AWS refuses the delete (the apply fails)"
		}
		return false, "deletion_protection = false"
	}}
	finalSnapshot = protection{"skip_final_snapshot", func(v string, c *plan.Change) (bool, string) {
		if isTrue(v) {
			return false, "skip_final_snapshot = true: no final snapshot is taken"
		}
		id, _ := before(c, "final_snapshot_identifier")
		if id == "" {
			return false, "skip_final_snapshot = false but final_snapshot_identifier is empty: the delete fails"
		}
		return true, "a final snapshot " + id + " is taken"
	}}
)

// dataStores lists the stateful AWS types and their protections, with attribute names
// as the AWS provider spells them.
var dataStores = map[string]dataStore{
	"aws_s3_bucket": {"objects", []protection{forceDestroy,
		{"versioning.0.enabled", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return false, "versioning enabled (versions are deleted with the bucket)"
			}
			return false, ""
		}},
		{"object_lock_enabled", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return true, "object_lock_enabled = true: locked objects cannot be deleted"
			}
			return false, ""
		}}}},
	"aws_db_instance":        {"a database", []protection{deletionProtection, finalSnapshot, {"delete_automated_backups", backups}}},
	"aws_rds_cluster":        {"a database cluster", []protection{deletionProtection, finalSnapshot, {"delete_automated_backups", backups}}},
	"aws_rds_global_cluster": {"a global database", []protection{deletionProtection}},
	"aws_docdb_cluster":      {"a document database", []protection{deletionProtection, finalSnapshot}},
	"aws_neptune_cluster":    {"a graph database", []protection{deletionProtection, finalSnapshot}},
	"aws_redshift_cluster":   {"a data warehouse", []protection{finalSnapshot}},
	"aws_dynamodb_table": {"table items", []protection{
		{"deletion_protection_enabled", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return true, "deletion_protection_enabled = true: AWS refuses the delete (the apply fails)"
			}
			return false, "deletion_protection_enabled = false"
		}},
		{"point_in_time_recovery.0.enabled", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return true, "point-in-time recovery enabled: the table can be restored from its backups for 35 days"
			}
			return false, "point-in-time recovery disabled"
		}}}},
	"aws_efs_file_system":               {"files", nil},
	"aws_fsx_lustre_file_system":        {"files", []protection{{"skip_final_backup", skipFinalBackup}}},
	"aws_fsx_windows_file_system":       {"files", []protection{{"skip_final_backup", skipFinalBackup}}},
	"aws_fsx_ontap_file_system":         {"files", nil},
	"aws_fsx_openzfs_file_system":       {"files", []protection{{"skip_final_backup", skipFinalBackup}}},
	"aws_elasticache_cluster":           {"cached data", []protection{{"final_snapshot_identifier", namedSnapshot}}},
	"aws_elasticache_replication_group": {"cached data", []protection{{"final_snapshot_identifier", namedSnapshot}}},
	"aws_memorydb_cluster":              {"a durable in-memory database", []protection{{"final_snapshot_name", namedSnapshot}}},
	"aws_opensearch_domain":             {"search indexes", nil},
	"aws_elasticsearch_domain":          {"search indexes", nil},
	"aws_cloudwatch_log_group": {"log events", []protection{
		{"skip_destroy", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return true, "skip_destroy = true: Terraform removes it from state but keeps the log group"
			}
			return false, ""
		}},
		{"retention_in_days", func(v string, _ *plan.Change) (bool, string) { return false, "retention_in_days = " + v }}}},
	"aws_sqs_queue":                        {"queued messages", nil},
	"aws_kinesis_stream":                   {"stream records", []protection{{"retention_period", func(v string, _ *plan.Change) (bool, string) { return false, "retention_period = " + v + " h" }}}},
	"aws_kinesis_firehose_delivery_stream": {"records in flight", nil},
	"aws_msk_cluster":                      {"topic data", nil},
	"aws_ecr_repository": {"container images", []protection{
		{"force_delete", func(v string, _ *plan.Change) (bool, string) {
			if isTrue(v) {
				return false, "force_delete = true: all images are deleted with the repository"
			}
			return true, "force_delete = false: the delete fails while the repository holds images"
		}}}},
	"aws_secretsmanager_secret": {"a secret value", []protection{
		{"recovery_window_in_days", func(v string, _ *plan.Change) (bool, string) {
			if v == "0" {
				return false, "recovery_window_in_days = 0: deleted at once, no recovery"
			}
			return true, "recoverable for " + v + " days (recovery_window_in_days)"
		}}}},
	"aws_ebs_volume": {"block storage", []protection{{"final_snapshot", func(v string, _ *plan.Change) (bool, string) {
		if isTrue(v) {
			return true, "final_snapshot = true: a snapshot is taken before the delete"
		}
		return false, "final_snapshot = false: no snapshot is taken"
	}}}},
	"aws_backup_vault": {"recovery points", []protection{{"force_destroy", func(v string, _ *plan.Change) (bool, string) {
		if isTrue(v) {
			return false, "force_destroy = true: recovery points are deleted with the vault"
		}
		return true, "force_destroy = false: the delete fails while the vault holds recovery points"
	}}}},
	"aws_timestreamwrite_table": {"time series", nil},
	"aws_glacier_vault":         {"archives", nil},
}

func backups(v string, _ *plan.Change) (bool, string) {
	if isTrue(v) {
		return false, "delete_automated_backups = true: automated backups go too"
	}
	return true, "delete_automated_backups = false: automated backups are kept for their retention period"
}

func skipFinalBackup(v string, _ *plan.Change) (bool, string) {
	if isTrue(v) {
		return false, "skip_final_backup = true: no final backup"
	}
	return true, "a final backup is taken"
}

func namedSnapshot(v string, _ *plan.Change) (bool, string) {
	if v == "" {
		return false, "no final snapshot"
	}
	return true, "a final snapshot " + v + " is taken"
}

func (r dataResourceDeleted) Check(in *Input) []report.Finding {
	var out []report.Finding
	for _, c := range in.Plan.Changes {
		store, ok := dataStores[c.Type]
		if !ok || c.Mode != "managed" || !c.Actions.Destroys() {
			continue
		}
		verb := "deleted"
		if c.Actions.Replace() {
			verb = "replaced (the existing one is destroyed)"
		}
		var notes []string
		var ev []report.Evidence
		protected := false
		for _, p := range store.protections {
			path := strings.Split(p.path, ".")
			v, ok := before(c, path...)
			if !ok {
				continue
			}
			ev = append(ev, report.Evidence{Path: p.path, Value: v})
			if v == sensitiveText {
				continue
			}
			prot, note := p.judge(v, c)
			protected = protected || prot
			if note != "" {
				notes = append(notes, note)
			}
		}
		ev = append(evidence(c, "arn", "bucket", "identifier", "name"), ev...)
		sev := report.Critical
		protectionText := "nothing in the configuration protects the data"
		if protected {
			sev = report.High
		}
		if len(notes) > 0 {
			protectionText = strings.Join(notes, "; ")
		}
		out = append(out, report.Finding{
			Severity:    sev,
			Address:     c.Address,
			Message:     fmt.Sprintf("%s holds %s and is %s: %s", c.Address, store.holds, verb, protectionText),
			Evidence:    ev,
			Remediation: "If the data must survive, stop: add `lifecycle { prevent_destroy = true }`, enable deletion protection or a final snapshot/backup first, or move the resource with a `moved` block instead of deleting it. If this plan runs against the wrong state or workspace, do not apply it.",
		})
	}
	return out
}
