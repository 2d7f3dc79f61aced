package plangen

import (
	"strconv"
)

func logGroup(c *vctx, name string, drift bool) object {
	tags, all := c.tags(c.name("logs"))
	retention := 30
	if drift && c.drifted {
		retention = 14 // changed in the console
	}
	var kms any = nil
	if name[1] == 'e' { // /ecs/…
		kms = c.ref("aws_kms_key.this", nil, c.arn("kms", "key/"+c.st.id.uuid("kms/"+c.identEnv())))
	}
	return obj("arn", c.comp(c.arn("logs", "log-group:"+name)), "id", c.comp(name), "kms_key_id", kms,
		"log_group_class", "STANDARD", "name", name, "name_prefix", c.comp(""), "retention_in_days", retention,
		"skip_destroy", false, "tags", tags, "tags_all", all)
}

func (c *vctx) image() string {
	tag := "1." + strconv.Itoa(c.st.id.n("image", 0, 40)) + ".0"
	if c.planned && c.g.scenario == ScenarioMixed && c.st.imageBump {
		tag = "1." + strconv.Itoa(c.st.id.n("image", 0, 40)) + ".1"
	}
	return c.acct() + ".dkr.ecr." + c.region() + ".amazonaws.com/" + c.st.service + ":" + tag
}

func taskDefinition(c *vctx) object {
	family := c.name("app")
	mode := "blocking"
	extra := ""
	if c.st.nonBlocking {
		mode = "non-blocking"
		extra = `,"max-buffer-size":"25m"`
	}
	cd := `[{"environment":[{"name":"APP_ENV","value":"` + c.env + `"},{"name":"SERVICE","value":"` + c.st.service + `"}],"essential":true,"image":"` + c.image() +
		`","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/` + family + `","awslogs-region":"` + c.region() + `","awslogs-stream-prefix":"app"` + extra + `,"mode":"` + mode + `"}},"mountPoints":[],"name":"app","portMappings":[{"containerPort":8080,"hostPort":8080,"protocol":"tcp"}],"systemControls":[],"volumesFrom":[]}]`
	rev := c.st.id.n("revision", 3, 60)
	tags, all := c.tags(family)
	return obj("arn", c.comp(c.arn("ecs", "task-definition/"+family+":"+strconv.Itoa(rev))),
		"arn_without_revision", c.comp(c.arn("ecs", "task-definition/"+family)),
		"container_definitions", cd, "cpu", "512", "enable_fault_injection", c.comp(false), "ephemeral_storage", list{},
		"execution_role_arn", c.roleArn("task_exec"), "family", family, "id", c.comp(family),
		"inference_accelerator", list{}, "ipc_mode", nil, "memory", "1024", "network_mode", "awsvpc", "pid_mode", nil,
		"placement_constraints", list{}, "proxy_configuration", list{}, "requires_compatibilities", strs("FARGATE"),
		"revision", c.comp(rev), "runtime_platform", list{}, "skip_destroy", false, "tags", tags, "tags_all", all,
		"task_role_arn", c.roleArn("task"), "track_latest", false, "volume", list{})
}

func ecsService(c *vctx) object {
	name := c.name("app")
	tags, all := c.tags(name)
	family := c.name("app")
	rev := c.st.id.n("revision", 3, 60)
	td := c.ref("aws_ecs_task_definition.service", nil, c.arn("ecs", "task-definition/"+family+":"+strconv.Itoa(rev)))
	sg := c.ref("aws_security_group.service", nil, "sg-"+c.st.id.hex("sg/"+c.identEnv(), 17))
	return obj("alarms", list{}, "availability_zone_rebalancing", c.comp("DISABLED"), "capacity_provider_strategy", list{}, "cluster", c.g.clusterArn,
		"deployment_circuit_breaker", list{obj("enable", true, "rollback", true)},
		"deployment_controller", list{obj("type", "ECS")}, "deployment_maximum_percent", 200,
		"deployment_minimum_healthy_percent", 100, "desired_count", 2, "enable_ecs_managed_tags", false,
		"enable_execute_command", false, "force_delete", nil, "force_new_deployment", nil,
		"health_check_grace_period_seconds", 0, "iam_role", c.comp("/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
		"id", c.comp(c.arn("ecs", "service/platform/"+name)), "launch_type", "FARGATE", "load_balancer", list{}, "name", name,
		"network_configuration", list{obj("assign_public_ip", false, "security_groups", list{sg}, "subnets", c.g.subnets)},
		"ordered_placement_strategy", list{}, "placement_constraints", list{}, "platform_version", c.comp("LATEST"),
		"propagate_tags", "SERVICE", "scheduling_strategy", "REPLICA", "service_connect_configuration", list{},
		"service_registries", list{}, "tags", tags, "tags_all", all, "task_definition", td, "timeouts", nil,
		"triggers", c.comp(obj()), "volume_configuration", list{}, "vpc_lattice_configurations", list{},
		"wait_for_steady_state", false)
}

func dynamoTable(c *vctx) object {
	name := c.name("state")
	tags, all := c.tags(name)
	return obj("arn", c.comp(c.arn("dynamodb", "table/"+name)),
		"attribute", list{obj("name", "pk", "type", "S"), obj("name", "sk", "type", "S")},
		"billing_mode", "PAY_PER_REQUEST", "deletion_protection_enabled", false, "global_secondary_index", list{},
		"hash_key", "pk", "id", c.comp(name), "import_table", list{}, "local_secondary_index", list{}, "name", name,
		"on_demand_throughput", c.comp(list{}), "point_in_time_recovery", list{obj("enabled", true, "recovery_period_in_days", c.comp(35))},
		"range_key", "sk", "read_capacity", c.comp(0), "replica", list{}, "restore_date_time", nil, "restore_source_name", nil,
		"restore_source_table_arn", nil, "restore_to_latest_time", nil, "server_side_encryption", c.comp(list{}),
		"stream_arn", c.comp(""), "stream_enabled", false, "stream_label", c.comp(""), "stream_view_type", c.comp(""),
		"table_class", "STANDARD", "tags", tags, "tags_all", all, "timeouts", nil,
		"ttl", c.comp(list{obj("attribute_name", "", "enabled", false)}), "write_capacity", c.comp(0))
}

func lambdaFunction(c *vctx) object {
	name := c.name("worker")
	tags, all := c.tags(name)
	arn := c.arn("lambda", "function:"+name)
	invoke := "arn:aws:apigateway:" + c.region() + ":lambda:path/2015-03-31/functions/" + arn + "/invocations"
	sha := c.st.id.chars("code", upperAlnum+"abcdefghijklmnopqrstuvwxyz+/", 43) + "="
	table := c.ref("aws_dynamodb_table.state", nil, c.name("state"))
	return obj("architectures", strs("arm64"), "arn", c.comp(arn), "code_sha256", c.comp(sha), "code_signing_config_arn", nil,
		"dead_letter_config", list{}, "description", "", "environment", list{obj("variables", obj("APP_ENV", c.env, "TABLE_NAME", table))},
		"ephemeral_storage", c.comp(list{obj("size", 512)}), "file_system_config", list{}, "filename", nil,
		"function_name", name, "handler", "app.handler", "id", c.comp(name), "image_config", list{}, "image_uri", nil,
		"invoke_arn", c.comp(invoke), "kms_key_arn", nil, "last_modified", c.comp(c.st.id.when("lambda").Format("2006-01-02T15:04:05.000-0700")),
		"layers", list{}, "logging_config", list{obj("application_log_level", c.comp(""), "log_format", "JSON",
			"log_group", "/aws/lambda/"+name, "system_log_level", c.comp(""))},
		"memory_size", 256, "package_type", "Zip", "publish", false, "qualified_arn", c.comp(arn+":$LATEST"),
		"qualified_invoke_arn", c.comp("arn:aws:apigateway:"+c.region()+":lambda:path/2015-03-31/functions/"+arn+":$LATEST/invocations"),
		"replace_security_groups_on_destroy", nil, "replacement_security_group_ids", nil, "reserved_concurrent_executions", -1,
		"role", c.roleArn("lambda"), "runtime", "python3.12", "s3_bucket", c.g.artifactBucket, "s3_key", c.st.service+"/worker.zip",
		"s3_object_version", nil, "signing_job_arn", c.comp(""), "signing_profile_version_arn", c.comp(""), "skip_destroy", false,
		"snap_start", list{}, "source_code_hash", c.comp(sha), "source_code_size", c.comp(c.st.id.n("codesize", 20000, 900000)),
		"tags", tags, "tags_all", all, "timeout", 30, "timeouts", nil, "tracing_config", c.comp(list{obj("mode", "PassThrough")}),
		"version", c.comp("$LATEST"), "vpc_config", list{})
}

func (c *vctx) bucketName(which string) string {
	return c.name(which) + "-" + c.acct()
}

func bucket(c *vctx, which string, forceDestroy, versioned bool) object {
	name := c.bucketName(which)
	tags, all := c.tags(name)
	versioning := list{obj("enabled", versioned, "mfa_delete", false)}
	return obj("acceleration_status", c.comp(""), "acl", nil, "arn", c.comp("arn:aws:s3:::"+name), "bucket", name,
		"bucket_domain_name", c.comp(name+".s3.amazonaws.com"), "bucket_prefix", c.comp(""),
		"bucket_regional_domain_name", c.comp(name+".s3."+c.region()+".amazonaws.com"), "cors_rule", c.comp(list{}),
		"force_destroy", forceDestroy,
		"grant", c.comp(list{obj("id", c.g.canonicalID, "permissions", strs("FULL_CONTROL"), "type", "CanonicalUser", "uri", "")}),
		"hosted_zone_id", c.comp("Z3AQBSTGFYJSTF"), "id", c.comp(name), "lifecycle_rule", c.comp(list{}), "logging", c.comp(list{}),
		"object_lock_configuration", c.comp(list{}), "object_lock_enabled", c.comp(false), "policy", c.comp(""),
		"region", c.comp(c.region()), "replication_configuration", c.comp(list{}), "request_payer", c.comp("BucketOwner"),
		"server_side_encryption_configuration", c.comp(list{obj("rule", list{obj("apply_server_side_encryption_by_default",
			list{obj("kms_master_key_id", "", "sse_algorithm", "AES256")}, "bucket_key_enabled", false)})}),
		"tags", tags, "tags_all", all, "timeouts", nil, "versioning", c.comp(versioning), "website", c.comp(list{}),
		"website_domain", c.comp(nil), "website_endpoint", c.comp(nil))
}

func versioning(c *vctx, which string) object {
	b := c.ref("aws_s3_bucket."+which, nil, c.bucketName(which))
	return obj("bucket", b, "expected_bucket_owner", nil, "id", c.comp(b), "mfa", nil,
		"versioning_configuration", list{obj("mfa_delete", c.comp("Disabled"), "status", "Enabled")})
}

func firehose(c *vctx) object {
	name := c.name("logs")
	tags, all := c.tags(name)
	arn := c.arn("firehose", "deliverystream/"+name)
	bucketArn := c.ref("aws_s3_bucket.logs", nil, "arn:aws:s3:::"+c.bucketName("logs"))
	s3 := obj("bucket_arn", bucketArn, "buffering_interval", 300, "buffering_size", 5,
		"cloudwatch_logging_options", list{obj("enabled", true, "log_group_name", "/aws/kinesisfirehose/"+name, "log_stream_name", "DestinationDelivery")},
		"compression_format", "GZIP", "custom_time_zone", "UTC", "data_format_conversion_configuration", list{},
		"dynamic_partitioning_configuration", list{}, "error_output_prefix", "errors/!{firehose:error-output-type}/",
		"file_extension", "", "kms_key_arn", "", "prefix", "logs/", "processing_configuration", list{},
		"role_arn", c.roleArn("firehose"), "s3_backup_configuration", list{}, "s3_backup_mode", "Disabled")
	return obj("arn", c.comp(arn), "destination", "extended_s3", "destination_id", c.comp("destinationId-000000000001"),
		"elasticsearch_configuration", list{}, "extended_s3_configuration", list{s3}, "http_endpoint_configuration", list{},
		"iceberg_configuration", list{}, "id", c.comp(arn), "kinesis_source_configuration", list{}, "msk_source_configuration", list{},
		"name", name, "opensearch_configuration", list{}, "opensearchserverless_configuration", list{}, "redshift_configuration", list{},
		"server_side_encryption", list{obj("enabled", false, "key_arn", nil, "key_type", "AWS_OWNED_CMK")},
		"snowflake_configuration", list{}, "splunk_configuration", list{}, "tags", tags, "tags_all", all, "timeouts", nil,
		"version_id", c.comp("1"))
}

func replication(c *vctx) object {
	b := c.ref("aws_s3_bucket.data", nil, c.bucketName("data"))
	dest := c.ref("aws_s3_bucket.replica", nil, "arn:aws:s3:::"+c.bucketName("replica"))
	rule := obj("delete_marker_replication", list{obj("status", "Enabled")},
		"destination", list{obj("access_control_translation", list{}, "account", "", "bucket", dest, "encryption_configuration", list{},
			"metrics", list{}, "replication_time", list{}, "storage_class", "STANDARD_IA")},
		"existing_object_replication", list{}, "filter", list{obj("and", list{}, "prefix", "", "tag", list{})}, "id", "replicate-all",
		"prefix", "", "priority", 0, "source_selection_criteria", list{}, "status", "Enabled")
	return obj("bucket", b, "id", c.comp(b), "role", c.roleArn("replication"), "rule", list{rule}, "token", secret{nil})
}

func bucketPolicy(c *vctx) object {
	b := c.ref("aws_s3_bucket.replica", nil, c.bucketName("replica"))
	arn := "arn:aws:s3:::" + c.bucketName("replica")
	var policy any
	role := c.roleArn("replication")
	uid := c.roleUniqueID("replication")
	rs, ok1 := role.(string)
	us, ok2 := uid.(string)
	if !ok1 || !ok2 {
		policy = unknown
	} else if c.st.userIDPolicy {
		policy = `{"Statement":[{"Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Condition":{"StringLike":{"aws:userid":"` + us + `:*"}},"Effect":"Allow","Principal":{"AWS":"*"},"Resource":"` + arn + `/*","Sid":"ReplicationFromSource"},{"Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny","Principal":"*","Resource":["` + arn + `","` + arn + `/*"],"Sid":"DenyInsecureTransport"}],"Version":"2012-10-17"}`
	} else {
		policy = `{"Statement":[{"Action":["s3:ReplicateObject","s3:ReplicateDelete","s3:ReplicateTags"],"Effect":"Allow","Principal":{"AWS":"` + rs + `"},"Resource":"` + arn + `/*","Sid":"ReplicationFromSource"},{"Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}},"Effect":"Deny","Principal":"*","Resource":["` + arn + `","` + arn + `/*"],"Sid":"DenyInsecureTransport"}],"Version":"2012-10-17"}`
	}
	return obj("bucket", b, "id", c.comp(b), "policy", policy)
}

func snsTopic(c *vctx) object {
	name := c.name("events")
	tags, all := c.tags(name)
	arn := c.arn("sns", name)
	policy := `{"Id":"__default_policy_ID","Statement":[{"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Condition":{"StringEquals":{"AWS:SourceOwner":"` + c.acct() + `"}},"Effect":"Allow","Principal":{"AWS":"*"},"Resource":"` + arn + `","Sid":"__default_statement_ID"}],"Version":"2008-10-17"}`
	return obj("application_failure_feedback_role_arn", "", "application_success_feedback_role_arn", "",
		"application_success_feedback_sample_rate", 0, "archive_policy", "", "arn", c.comp(arn), "beginning_archive_time", c.comp(""),
		"content_based_deduplication", false, "delivery_policy", "", "display_name", "", "fifo_throughput_scope", c.comp(""), "fifo_topic", false,
		"firehose_failure_feedback_role_arn", "", "firehose_success_feedback_role_arn", "", "firehose_success_feedback_sample_rate", 0,
		"http_failure_feedback_role_arn", "", "http_success_feedback_role_arn", "", "http_success_feedback_sample_rate", 0,
		"id", c.comp(arn), "kms_master_key_id", "alias/aws/sns", "lambda_failure_feedback_role_arn", "",
		"lambda_success_feedback_role_arn", "", "lambda_success_feedback_sample_rate", 0, "name", name, "name_prefix", c.comp(""),
		"owner", c.comp(c.acct()), "policy", c.comp(policy), "signature_version", c.comp(0), "sqs_failure_feedback_role_arn", "",
		"sqs_success_feedback_role_arn", "", "sqs_success_feedback_sample_rate", 0, "tags", tags, "tags_all", all, "tracing_config", c.comp(""))
}

func queue(c *vctx, name string, retention int, redrive any) object {
	tags, all := c.tags(name)
	url := "https://sqs." + c.region() + ".amazonaws.com/" + c.acct() + "/" + name
	if redrive == "" {
		redrive = c.comp("")
	}
	return obj("arn", c.comp(c.arn("sqs", name)), "content_based_deduplication", false, "deduplication_scope", c.comp(""),
		"delay_seconds", 0, "fifo_queue", false, "fifo_throughput_limit", c.comp(""), "id", c.comp(url),
		"kms_data_key_reuse_period_seconds", c.comp(300), "kms_master_key_id", c.comp(""), "max_message_size", 262144,
		"message_retention_seconds", retention, "name", name, "name_prefix", c.comp(""), "policy", c.comp(""),
		"receive_wait_time_seconds", 0, "redrive_allow_policy", c.comp(""), "redrive_policy", redrive,
		"sqs_managed_sse_enabled", c.comp(true), "tags", tags, "tags_all", all, "timeouts", nil, "url", c.comp(url),
		"visibility_timeout_seconds", 60)
}

func subscription(c *vctx) object {
	i := c.key.(int)
	topic := c.ref("aws_sns_topic.events", nil, c.arn("sns", c.name("events")))
	endpoint := c.ref("aws_sqs_queue.worker", i, c.arn("sqs", c.name("worker-"+strconv.Itoa(i))))
	redrive := ""
	if i == 0 {
		dlq := c.ref("aws_sqs_queue.dlq", nil, c.arn("sqs", c.name("dlq")))
		if s, ok := dlq.(string); ok {
			redrive = `{"deadLetterTargetArn":"` + s + `"}`
		}
	}
	var arn any = unknown
	if t, ok := topic.(string); ok && !c.fresh {
		arn = t + ":" + c.st.id.uuid("sub/"+strconv.Itoa(i))
	}
	return obj("arn", arn, "confirmation_timeout_in_minutes", 1, "confirmation_was_authenticated", c.comp(true),
		"delivery_policy", "", "endpoint", endpoint, "endpoint_auto_confirms", false, "filter_policy", "",
		"filter_policy_scope", c.comp(""), "id", arn, "owner_id", c.comp(c.acct()), "pending_confirmation", c.comp(false),
		"protocol", "sqs", "raw_message_delivery", true, "redrive_policy", redrive, "replay_policy", "",
		"subscription_role_arn", "", "topic_arn", topic)
}

func eventRule(c *vctx) object {
	name := c.name("reconcile")
	tags, all := c.tags(name)
	return obj("arn", c.comp(c.arn("events", "rule/"+name)), "description", "Periodic reconciliation", "event_bus_name", "default",
		"event_pattern", nil, "force_destroy", false, "id", c.comp(name), "is_enabled", nil, "name", name, "name_prefix", c.comp(""),
		"role_arn", "", "schedule_expression", "rate(5 minutes)", "state", "ENABLED", "tags", tags, "tags_all", all)
}

func eventTarget(c *vctx) object {
	rule := c.ref("aws_cloudwatch_event_rule.schedule", nil, c.name("reconcile"))
	dlc := list{}
	if c.st.dlq {
		dlc = list{obj("arn", c.ref("aws_sqs_queue.dlq", nil, c.arn("sqs", c.name("dlq"))))}
	}
	var id any = unknown
	if r, ok := rule.(string); ok && !c.fresh {
		id = "default-" + r + "-sns"
	}
	return obj("appsync_target", list{}, "arn", c.ref("aws_sns_topic.events", nil, c.arn("sns", c.name("events"))),
		"batch_target", list{}, "dead_letter_config", dlc, "ecs_target", list{}, "event_bus_name", "default",
		"force_destroy", false, "http_target", list{}, "id", id, "input", "", "input_path", "", "input_transformer", list{},
		"kinesis_target", list{}, "redshift_target", list{}, "retry_policy", list{}, "role_arn", c.roleArn("events"),
		"rule", rule, "run_command_targets", list{}, "sagemaker_pipeline_target", list{}, "sqs_target", list{}, "target_id", "sns")
}

func dbInstance(c *vctx) object {
	ident := c.name("db")
	tags, all := c.tags(ident)
	host := ident + "." + c.g.rdsSuffix + "." + c.region() + ".rds.amazonaws.com"
	kms := c.ref("aws_kms_key.this", nil, c.arn("kms", "key/"+c.st.id.uuid("kms/"+c.identEnv())))
	sg := c.ref("aws_security_group.service", nil, "sg-"+c.st.id.hex("sg/"+c.identEnv(), 17))
	prod := c.env == "prod" || c.env == "production"
	resID := "db-" + c.st.id.chars("rds/"+c.identEnv(), upperAlnum, 26)
	az := "us-east-1" + string("abcdef"[c.st.id.n("az", 0, 6)])
	if c.region() != "us-east-1" {
		az = c.region() + "a"
	}
	return obj("address", c.comp(host), "allocated_storage", 50, "allow_major_version_upgrade", nil, "apply_immediately", false,
		"arn", c.comp(c.arn("rds", "db:"+ident)), "auto_minor_version_upgrade", true, "availability_zone", c.comp(az),
		"backup_retention_period", 7, "backup_target", c.comp("region"), "backup_window", c.comp("06:11-06:41"),
		"blue_green_update", list{}, "ca_cert_identifier", c.comp("rds-ca-rsa2048-g1"), "character_set_name", c.comp(""),
		"copy_tags_to_snapshot", false, "custom_iam_instance_profile", "", "customer_owned_ip_enabled", false,
		"database_insights_mode", c.comp("standard"), "db_name", "app", "db_subnet_group_name", c.comp("default"), "dedicated_log_volume", false,
		"delete_automated_backups", true, "deletion_protection", prod, "domain", "", "domain_auth_secret_arn", "",
		"domain_dns_ips", list{}, "domain_fqdn", c.comp(""), "domain_iam_role_name", "", "domain_ou", "",
		"enabled_cloudwatch_logs_exports", list{}, "endpoint", c.comp(host+":5432"), "engine", "postgres",
		"engine_lifecycle_support", c.comp("open-source-rds-extended-support"), "engine_version", "16.4",
		"engine_version_actual", c.comp("16.4"), "final_snapshot_identifier", nil, "hosted_zone_id", c.comp("Z2R2ITUGPM61AM"),
		"iam_database_authentication_enabled", false, "id", c.comp(resID), "identifier", ident, "identifier_prefix", c.comp(""),
		"instance_class", "db.t4g.medium", "iops", c.comp(3000), "kms_key_id", kms, "latest_restorable_time", c.comp(c.st.id.createDate("rds/restorable")),
		"license_model", c.comp("postgresql-license"), "listener_endpoint", c.comp(list{}), "maintenance_window", c.comp("sun:04:30-sun:05:00"),
		"manage_master_user_password", nil, "master_user_secret", c.comp(list{}), "master_user_secret_kms_key_id", nil,
		"max_allocated_storage", 0, "monitoring_interval", 0, "monitoring_role_arn", c.comp(""), "multi_az", c.comp(prod),
		"nchar_character_set_name", c.comp(""), "network_type", c.comp("IPV4"), "option_group_name", c.comp("default:postgres-16"),
		"parameter_group_name", c.comp("default.postgres16"),
		"password", secret{"plangen-canary-" + c.st.id.hex("password/"+c.identEnv(), 16)}, "password_wo", secret{nil}, "password_wo_version", nil,
		"performance_insights_enabled", false, "performance_insights_kms_key_id", c.comp(""),
		"performance_insights_retention_period", c.comp(0), "port", c.comp(5432), "publicly_accessible", false, "replica_mode", c.comp(""),
		"replicas", c.comp(list{}), "replicate_source_db", "", "resource_id", c.comp(resID), "restore_to_point_in_time", list{},
		"s3_import", list{}, "skip_final_snapshot", !prod && c.env != "staging", "snapshot_identifier", c.comp(nil),
		"status", c.comp("available"), "storage_encrypted", true, "storage_throughput", c.comp(125), "storage_type", c.comp("gp3"),
		"tags", tags, "tags_all", all, "timeouts", nil, "timezone", c.comp(""), "upgrade_storage_config", nil, "username", "app",
		"vpc_security_group_ids", list{sg})
}
