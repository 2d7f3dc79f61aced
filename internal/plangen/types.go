package plangen

import (
	"strconv"
)

func logGroup(c *vctx, name string, drift bool) object {
	tags, all := c.tags("")
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
	cd := `[{"environment":[{"name":"APP_ENV","value":"` + c.env + `"}],"essential":true,"image":"` + c.image() +
		`","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/` + family + `","awslogs-region":"` + c.region() + `","awslogs-stream-prefix":"app"` + extra + `,"mode":"` + mode + `"}},"name":"app","portMappings":[{"containerPort":8080,"protocol":"tcp"}]}]`
	rev := c.st.id.n("revision", 3, 60)
	tags, all := c.tags("")
	return obj("arn", c.comp(c.arn("ecs", "task-definition/"+family+":"+strconv.Itoa(rev))),
		"container_definitions", cd, "cpu", "512", "execution_role_arn", c.roleArn("task_exec"), "family", family,
		"id", c.comp(family), "memory", "1024", "network_mode", "awsvpc", "requires_compatibilities", strs("FARGATE"),
		"revision", c.comp(rev), "tags", tags, "tags_all", all, "task_role_arn", c.roleArn("task"), "volume", list{})
}

func ecsService(c *vctx) object {
	name := c.name("app")
	tags, all := c.tags("")
	family := c.name("app")
	rev := c.st.id.n("revision", 3, 60)
	td := c.ref("aws_ecs_task_definition.service", nil, c.arn("ecs", "task-definition/"+family+":"+strconv.Itoa(rev)))
	sg := c.ref("aws_security_group.service", nil, "sg-"+c.st.id.hex("sg/"+c.identEnv(), 17))
	return obj("cluster", c.g.clusterArn,
		"deployment_circuit_breaker", list{obj("enable", true, "rollback", true)},
		"deployment_controller", list{obj("type", "ECS")}, "deployment_maximum_percent", 200,
		"deployment_minimum_healthy_percent", 100, "desired_count", 2, "enable_execute_command", false,
		"id", c.comp(c.arn("ecs", "service/platform/"+name)), "launch_type", "FARGATE", "name", name,
		"network_configuration", list{obj("assign_public_ip", false, "security_groups", list{sg}, "subnets", c.g.subnets)},
		"platform_version", c.comp("LATEST"), "propagate_tags", "SERVICE", "scheduling_strategy", "REPLICA",
		"tags", tags, "tags_all", all, "task_definition", td, "wait_for_steady_state", false)
}

func dynamoTable(c *vctx) object {
	name := c.name("state")
	tags, all := c.tags("")
	return obj("arn", c.comp(c.arn("dynamodb", "table/"+name)),
		"attribute", list{obj("name", "pk", "type", "S"), obj("name", "sk", "type", "S")},
		"billing_mode", "PAY_PER_REQUEST", "deletion_protection_enabled", false, "global_secondary_index", list{},
		"hash_key", "pk", "id", c.comp(name), "name", name,
		"point_in_time_recovery", list{obj("enabled", true)}, "range_key", "sk", "stream_enabled", false,
		"table_class", "STANDARD", "tags", tags, "tags_all", all)
}

func lambdaFunction(c *vctx) object {
	name := c.name("worker")
	tags, all := c.tags("")
	arn := c.arn("lambda", "function:"+name)
	sha := c.st.id.chars("code", upperAlnum+"abcdefghijklmnopqrstuvwxyz+/", 43) + "="
	table := c.ref("aws_dynamodb_table.state", nil, c.name("state"))
	return obj("architectures", strs("arm64"), "arn", c.comp(arn), "code_sha256", c.comp(sha),
		"dead_letter_config", list{}, "environment", list{obj("variables", obj("APP_ENV", c.env, "TABLE_NAME", table))},
		"function_name", name, "handler", "app.handler", "id", c.comp(name),
		"kms_key_arn", nil, "last_modified", c.comp(c.st.id.when("lambda").Format("2006-01-02T15:04:05.000-0700")),
		"logging_config", list{obj("log_format", "JSON", "log_group", "/aws/lambda/"+name)},
		"memory_size", 256, "package_type", "Zip", "publish", false, "qualified_arn", c.comp(arn+":$LATEST"),
		"reserved_concurrent_executions", -1, "role", c.roleArn("lambda"), "runtime", "python3.12",
		"s3_bucket", c.g.artifactBucket, "s3_key", c.st.service+"/worker.zip", "source_code_hash", c.comp(sha),
		"tags", tags, "tags_all", all, "timeout", 30, "version", c.comp("$LATEST"))
}

func (c *vctx) bucketName(which string) string {
	return c.name(which) + "-" + c.acct()
}

func bucket(c *vctx, which string, forceDestroy, versioned bool) object {
	name := c.bucketName(which)
	tags, all := c.tags("")
	versioning := list{obj("enabled", versioned, "mfa_delete", false)}
	return obj("arn", c.comp("arn:aws:s3:::"+name), "bucket", name,
		"bucket_domain_name", c.comp(name+".s3.amazonaws.com"), "force_destroy", forceDestroy,
		"id", c.comp(name), "object_lock_enabled", c.comp(false), "region", c.comp(c.region()),
		"replication_configuration", c.comp(list{}), "server_side_encryption_configuration", c.comp(list{obj("rule", list{obj(
			"apply_server_side_encryption_by_default", list{obj("kms_master_key_id", "", "sse_algorithm", "AES256")},
			"bucket_key_enabled", false)})}),
		"tags", tags, "tags_all", all, "versioning", c.comp(versioning))
}

func versioning(c *vctx, which string) object {
	b := c.ref("aws_s3_bucket."+which, nil, c.bucketName(which))
	return obj("bucket", b, "expected_bucket_owner", nil, "id", c.comp(b), "mfa", nil,
		"versioning_configuration", list{obj("mfa_delete", c.comp("Disabled"), "status", "Enabled")})
}

func firehose(c *vctx) object {
	name := c.name("logs")
	tags, all := c.tags("")
	arn := c.arn("firehose", "deliverystream/"+name)
	bucketArn := c.ref("aws_s3_bucket.logs", nil, "arn:aws:s3:::"+c.bucketName("logs"))
	s3 := obj("bucket_arn", bucketArn, "buffering_interval", 300, "buffering_size", 5,
		"cloudwatch_logging_options", list{obj("enabled", true, "log_group_name", "/aws/kinesisfirehose/"+name, "log_stream_name", "DestinationDelivery")},
		"compression_format", "GZIP", "error_output_prefix", "errors/", "prefix", "logs/",
		"role_arn", c.roleArn("firehose"), "s3_backup_mode", "Disabled")
	return obj("arn", c.comp(arn), "destination", "extended_s3", "destination_id", c.comp("destinationId-000000000001"),
		"extended_s3_configuration", list{s3}, "id", c.comp(arn), "name", name,
		"server_side_encryption", list{obj("enabled", false, "key_type", "AWS_OWNED_CMK")},
		"tags", tags, "tags_all", all, "version_id", c.comp("1"))
}

func replication(c *vctx) object {
	b := c.ref("aws_s3_bucket.data", nil, c.bucketName("data"))
	dest := c.ref("aws_s3_bucket.replica", nil, "arn:aws:s3:::"+c.bucketName("replica"))
	rule := obj("delete_marker_replication", list{obj("status", "Enabled")},
		"destination", list{obj("account", "", "bucket", dest, "storage_class", "STANDARD_IA")},
		"filter", list{obj("prefix", "")}, "id", "replicate-all", "priority", 0, "status", "Enabled")
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
	tags, all := c.tags("")
	arn := c.arn("sns", name)
	return obj("arn", c.comp(arn), "content_based_deduplication", false, "delivery_policy", "", "display_name", "",
		"fifo_topic", false, "id", c.comp(arn), "kms_master_key_id", "alias/aws/sns", "name", name,
		"owner", c.comp(c.acct()), "signature_version", c.comp(0), "tags", tags, "tags_all", all)
}

func queue(c *vctx, name string, retention int, redrive any) object {
	tags, all := c.tags("")
	url := "https://sqs." + c.region() + ".amazonaws.com/" + c.acct() + "/" + name
	if redrive == "" {
		redrive = c.comp("")
	}
	return obj("arn", c.comp(c.arn("sqs", name)), "fifo_queue", false, "id", c.comp(url),
		"message_retention_seconds", retention, "name", name, "redrive_policy", redrive,
		"sqs_managed_sse_enabled", c.comp(true), "tags", tags, "tags_all", all, "url", c.comp(url),
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
	return obj("arn", arn, "endpoint", endpoint, "id", arn, "owner_id", c.comp(c.acct()),
		"pending_confirmation", c.comp(false), "protocol", "sqs", "raw_message_delivery", true,
		"redrive_policy", redrive, "topic_arn", topic)
}

func eventRule(c *vctx) object {
	name := c.name("reconcile")
	tags, all := c.tags("")
	return obj("arn", c.comp(c.arn("events", "rule/"+name)), "description", "Periodic reconciliation", "event_bus_name", "default",
		"event_pattern", nil, "id", c.comp(name), "name", name, "schedule_expression", "rate(5 minutes)",
		"state", "ENABLED", "tags", tags, "tags_all", all)
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
	return obj("arn", c.ref("aws_sns_topic.events", nil, c.arn("sns", c.name("events"))),
		"dead_letter_config", dlc, "event_bus_name", "default", "id", id, "input", "",
		"retry_policy", list{}, "role_arn", c.roleArn("events"), "rule", rule, "target_id", "sns")
}

func dbInstance(c *vctx) object {
	ident := c.name("db")
	tags, all := c.tags("")
	host := ident + "." + c.g.rdsSuffix + "." + c.region() + ".rds.amazonaws.com"
	kms := c.ref("aws_kms_key.this", nil, c.arn("kms", "key/"+c.st.id.uuid("kms/"+c.identEnv())))
	sg := c.ref("aws_security_group.service", nil, "sg-"+c.st.id.hex("sg/"+c.identEnv(), 17))
	prod := c.env == "prod" || c.env == "production"
	resID := "db-" + c.st.id.chars("rds/"+c.identEnv(), upperAlnum, 26)
	return obj("address", c.comp(host), "allocated_storage", 50, "arn", c.comp(c.arn("rds", "db:"+ident)),
		"backup_retention_period", 7, "db_name", "app", "db_subnet_group_name", c.comp("default"),
		"delete_automated_backups", true, "deletion_protection", prod, "endpoint", c.comp(host+":5432"), "engine", "postgres",
		"engine_version", "16.4", "final_snapshot_identifier", nil, "id", c.comp(resID), "identifier", ident,
		"instance_class", "db.t4g.medium", "kms_key_id", kms, "multi_az", c.comp(prod),
		"password", secret{CanaryPrefix + c.st.id.hex("password/"+c.identEnv(), 16)}, "port", c.comp(5432),
		"publicly_accessible", false, "resource_id", c.comp(resID), "skip_final_snapshot", !prod && c.env != "staging",
		"status", c.comp("available"), "storage_encrypted", true, "storage_type", c.comp("gp3"),
		"tags", tags, "tags_all", all, "username", "app", "vpc_security_group_ids", list{sg})
}
