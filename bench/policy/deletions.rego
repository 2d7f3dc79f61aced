# The conftest side of bench/compare.sh: hiyari's identity_resource_deleted,
# identity_resource_replaced and data_resource_deleted rules written in Rego, over the
# same plan JSON, firing on the same resource changes. Types are the
# ones those rules cover (internal/rules/attributes.go and data_resource_deleted.go).
package main

import rego.v1

identity_types := {
	"aws_iam_role", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
	"aws_iam_policy_attachment", "aws_iam_role_policies_exclusive", "aws_iam_user",
	"aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_access_key", "aws_iam_group",
	"aws_iam_group_policy", "aws_iam_group_policy_attachment", "aws_iam_group_membership",
	"aws_iam_user_group_membership", "aws_iam_instance_profile", "aws_iam_openid_connect_provider",
	"aws_iam_saml_provider", "aws_iam_service_linked_role", "aws_kms_key", "aws_kms_replica_key",
	"aws_kms_alias", "aws_kms_grant",
}

data_types := {
	"aws_s3_bucket", "aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster",
	"aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster", "aws_dynamodb_table",
	"aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system",
	"aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "aws_elasticache_cluster",
	"aws_elasticache_replication_group", "aws_memorydb_cluster", "aws_opensearch_domain",
	"aws_elasticsearch_domain", "aws_cloudwatch_log_group", "aws_sqs_queue", "aws_kinesis_stream",
	"aws_kinesis_firehose_delivery_stream", "aws_msk_cluster", "aws_ecr_repository",
	"aws_secretsmanager_secret", "aws_ebs_volume", "aws_backup_vault", "aws_timestreamwrite_table",
	"aws_glacier_vault",
}

deleted(rc) if {
	rc.mode == "managed"
	rc.change.actions == ["delete"]
}

replaced(rc) if {
	rc.mode == "managed"
	"delete" in rc.change.actions
	"create" in rc.change.actions
}

destroyed(rc) if {
	rc.mode == "managed"
	"delete" in rc.change.actions
}

deny contains msg if {
	some rc in input.resource_changes
	identity_types[rc.type]
	deleted(rc)
	msg := sprintf("identity_resource_deleted: %s", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	identity_types[rc.type]
	replaced(rc)
	msg := sprintf("identity_resource_replaced: %s", [rc.address])
}

deny contains msg if {
	some rc in input.resource_changes
	data_types[rc.type]
	destroyed(rc)
	msg := sprintf("data_resource_deleted: %s", [rc.address])
}
