package plangen

import (
	"slices"
	"strconv"
	"strings"
)

// The attribute sets follow the hashicorp/aws provider 5.x schemas: every
// attribute the provider stores, computed ones included, in the shapes the
// provider gives them (blocks as lists, sets as lists, maps as objects).

func (g *gen) roleSlots() []roleSlot {
	return []roleSlot{
		{"task_exec", "task-exec", "ecs-tasks.amazonaws.com", "ECS task execution"},
		{"task", "task", "ecs-tasks.amazonaws.com", "ECS task"},
		{"debug", "debug", "ecs-tasks.amazonaws.com", "Break-glass debugging"},
		{"lambda", "worker-lambda", "lambda.amazonaws.com", "Worker Lambda"},
		{"firehose", "firehose", "firehose.amazonaws.com", "Firehose to S3"},
		{"cwl_to_firehose", "cwl-to-firehose", "logs.amazonaws.com", "Logs to Firehose"},
		{"replication", "s3-replication", "s3.amazonaws.com", "S3 replication"},
		{"events", "events-to-sns", "events.amazonaws.com", "EventBridge to SNS"},
	}
}

func assumeRolePolicy(principal string) string {
	return `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"` + principal + `"}}],"Version":"2012-10-17"}`
}

func roleExpr(r roleSlot) string {
	// assume_role_policy = jsonencode({...}): a call, so no constant value
	return `{"assume_role_policy":{},` +
		`"description":{"constant_value":"` + r.description + `"},` +
		`"name":{"references":["var.environment","var.service"]}}`
}

func (g *gen) roleSlot(r roleSlot) slot {
	s := slot{
		typ: "aws_iam_role", name: r.name, keys: one, expr: roleExpr(r),
		replacePaths: func(g *gen, st *stack) [][]string {
			if g.stateEnv != g.configEnv {
				return [][]string{{"name"}}
			}
			return nil
		},
	}
	s.build = func(c *vctx) object {
		name := c.iamName(r.suffix)
		// roles carry only the provider's default tags
		tags, all := obj(), c.defaultTags()
		arn := "arn:aws:iam::" + c.acct() + ":role/" + name
		return obj(
			"arn", c.comp(arn),
			"assume_role_policy", assumeRolePolicy(r.principal),
			"create_date", c.comp(c.st.id.createDate(c.env+"/role/"+r.name)),
			"description", r.description,
			"id", c.comp(name),
			"managed_policy_arns", c.comp(list{}),
			"max_session_duration", 3600,
			"name", name,
			"path", "/",
			"tags", tags,
			"tags_all", all,
			"unique_id", c.comp(c.st.id.roleID(c.env+"/"+r.name)),
		)
	}
	if r.name == "debug" {
		s.newer = true
		s.keys = func(g *gen, st *stack, sd side) []any {
			if sd == configSide && !g.declares(&g.slots[g.slotIndex["aws_iam_role.debug"]]) {
				return nil
			}
			return []any{0}
		}
		s.countExpr = `{"references":["var.debug_role"]}`
	}
	return s
}

func iamReplace(g *gen, st *stack) [][]string {
	if g.stateEnv != g.configEnv {
		return [][]string{{"role"}}
	}
	return nil
}

func attachment(c *vctx, roleSlot, policyArn string) object {
	role := c.roleName(roleSlot)
	return obj(
		"id", c.comp(c.st.id.attachmentID(role, policyArn)),
		"policy_arn", policyArn,
		"role", role,
	)
}

func (g *gen) template() []slot {
	var slots []slot
	add := func(s slot) { slots = append(slots, s) }
	roles := map[string]roleSlot{}
	for _, r := range g.roleSlots() {
		roles[r.name] = r
	}
	g.roles = roles
	tagsExpr := `"tags":{"references":["local.tags"]}`

	add(slot{typ: "aws_kms_key", name: "this", keys: one,
		expr: `{"deletion_window_in_days":{"constant_value":30},"description":{"references":["var.service"]},"enable_key_rotation":{"constant_value":true},` + tagsExpr + `}`,
		build: func(c *vctx) object {
			kid := c.st.id.uuid("kms/" + c.identEnv())
			arn := c.arn("kms", "key/"+kid)
			tags, all := c.tags("")
			return obj("arn", c.comp(arn), "deletion_window_in_days", 30, "description", "Encryption key for "+c.st.service,
				"enable_key_rotation", true, "id", c.comp(kid), "is_enabled", true, "key_id", c.comp(kid),
				"key_usage", "ENCRYPT_DECRYPT", "multi_region", c.comp(false), "tags", tags, "tags_all", all)
		}})

	add(g.roleSlot(roles["task_exec"]))
	add(slot{typ: "aws_iam_role_policy_attachment", name: "task_exec",
		keys: func(_ *gen, st *stack, _ side) []any {
			keys := []any{"AmazonECSTaskExecutionRolePolicy", "AmazonSSMReadOnlyAccess", "CloudWatchAgentServerPolicy", "SecretsManagerReadWrite"}
			return keys[:2+int(st.id.h("execpolicies")%3)]
		},
		forEachExpr:  `{"references":["local.task_exec_managed_policies"]}`,
		expr:         `{"policy_arn":{"references":["each.value"]},"role":{"references":["aws_iam_role.task_exec.name","aws_iam_role.task_exec"]}}`,
		deps:         []string{"aws_iam_role.task_exec"},
		replacePaths: iamReplace,
		build: func(c *vctx) object {
			return attachment(c, "task_exec", managedPolicyArn(c.key.(string)))
		}})
	add(g.roleSlot(roles["task"]))
	add(slot{typ: "aws_iam_policy", name: "task", keys: one,
		expr: `{"description":{"constant_value":"Application permissions of the service task"},"name":{"references":["var.environment","var.service"]},"policy":{"references":["var.account_id","var.environment","var.service"]},` + tagsExpr + `}`,
		replacePaths: func(g *gen, st *stack) [][]string {
			if g.stateEnv != g.configEnv {
				return [][]string{{"name"}}
			}
			return nil
		},
		build: func(c *vctx) object {
			name := c.iamName("task")
			arn := "arn:aws:iam::" + c.acct() + ":policy/" + name
			tags, all := c.tags("")
			table := c.arn("dynamodb", "table/"+c.name("state"))
			bucket := "arn:aws:s3:::" + c.name("data") + "-" + c.acct()
			policy := `{"Statement":[{"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:Query","dynamodb:UpdateItem"],"Effect":"Allow","Resource":"` + table + `"},{"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Resource":"` + bucket + `/*"},{"Action":"sns:Publish","Effect":"Allow","Resource":"` + c.arn("sns", c.name("events")) + `"}],"Version":"2012-10-17"}`
			return obj("arn", c.comp(arn), "attachment_count", c.comp(1), "description", "Application permissions of the service task",
				"id", c.comp(arn), "name", name, "name_prefix", c.comp(""), "path", "/", "policy", policy,
				"policy_id", c.comp(c.st.id.policyID(c.env+"/task")), "tags", tags, "tags_all", all)
		}})
	add(slot{typ: "aws_iam_role_policy_attachment", name: "task",
		keys:         func(g *gen, st *stack, _ side) []any { return g.taskPolicyKeys(st) },
		forEachExpr:  `{"references":["local.task_policy_arns"]}`,
		expr:         `{"policy_arn":{"references":["each.value"]},"role":{"references":["aws_iam_role.task.name","aws_iam_role.task"]}}`,
		deps:         []string{"aws_iam_policy.task", "aws_iam_role.task"},
		replacePaths: iamReplace,
		build: func(c *vctx) object {
			k := c.key.(string)
			if k != "app" {
				return attachment(c, "task", managedPolicyArn(k))
			}
			o := attachment(c, "task", "arn:aws:iam::"+c.acct()+":policy/"+c.iamName("task"))
			o.set("policy_arn", c.ref("aws_iam_policy.task", nil, o.get("policy_arn")))
			return o
		}})
	add(g.roleSlot(roles["debug"]))
	add(slot{typ: "aws_iam_role_policy_attachment", name: "debug", newer: true,
		keys: func(g *gen, st *stack, sd side) []any {
			if sd == configSide && g.configEnv != g.opts.Env {
				return nil
			}
			return []any{"AWSSupportAccess", "ReadOnlyAccess"}
		},
		forEachExpr:  `{"references":["var.debug_role","local.debug_policies"]}`,
		expr:         `{"policy_arn":{"references":["each.value"]},"role":{"references":["aws_iam_role.debug[0].name","aws_iam_role.debug[0]","aws_iam_role.debug"]}}`,
		deps:         []string{"aws_iam_role.debug"},
		replacePaths: iamReplace,
		build: func(c *vctx) object {
			return attachment(c, "debug", managedPolicyArn(c.key.(string)))
		}})

	add(slot{typ: "aws_cloudwatch_log_group", name: "ecs", keys: one,
		expr: `{"kms_key_id":{"references":["aws_kms_key.this.arn","aws_kms_key.this"]},"name":{"references":["var.environment","var.service"]},"retention_in_days":{"references":["var.log_retention_days"]},` + tagsExpr + `}`,
		deps: []string{"aws_kms_key.this"},
		build: func(c *vctx) object {
			return logGroup(c, "/ecs/"+c.name("app"), c.st.retentionDrift)
		}})
	add(slot{typ: "aws_security_group", name: "service", keys: one,
		expr: `{"description":{"constant_value":"Service tasks"},"egress":{"constant_value":[{"cidr_blocks":["0.0.0.0/0"],"description":"","from_port":0,"ipv6_cidr_blocks":[],"prefix_list_ids":[],"protocol":"-1","security_groups":[],"self":false,"to_port":0}]},"name":{"references":["var.environment","var.service"]},` + tagsExpr + `,"vpc_id":{"references":["var.vpc_id"]}}`,
		build: func(c *vctx) object {
			name := c.name("svc")
			tags, all := c.tags(name)
			sg := "sg-" + c.st.id.hex("sg/"+c.identEnv(), 17)
			// ingress is managed by aws_vpc_security_group_ingress_rule; the
			// group shows the rules it had when last refreshed
			var https, grpc list
			for _, k := range c.g.ingressKeys(c.st, false) {
				switch ks := k.(string); ingressPort(ks) {
				case 443:
					https = append(https, ingressCIDR(ks))
				case 8443:
					grpc = append(grpc, ingressCIDR(ks))
				}
			}
			rule := func(port int, cidrs list) object {
				return obj("cidr_blocks", cidrs, "from_port", port, "protocol", "tcp", "security_groups", list{}, "to_port", port)
			}
			ingress := list{rule(443, https), rule(80, strs("10.0.0.0/16")), rule(8443, grpc)}
			ing := c.comp(ingress)
			return obj("arn", c.comp(c.arn("ec2", "security-group/"+sg)), "description", "Service tasks",
				"egress", list{obj("cidr_blocks", strs("0.0.0.0/0"), "from_port", 0, "protocol", "-1", "security_groups", list{}, "to_port", 0)},
				"id", c.comp(sg), "ingress", ing, "name", name, "owner_id", c.comp(c.acct()),
				"tags", tags, "tags_all", all, "vpc_id", c.g.vpcID)
		}})
	add(slot{typ: "aws_vpc_security_group_ingress_rule", name: "service",
		keys: func(g *gen, st *stack, sd side) []any {
			return g.ingressKeys(st, sd == configSide)
		},
		forEachExpr: `{"references":["var.ingress_rules"]}`,
		expr:        `{"cidr_ipv4":{"references":["each.value.cidr","each.value"]},"from_port":{"references":["each.value.port","each.value"]},"ip_protocol":{"constant_value":"tcp"},"security_group_id":{"references":["aws_security_group.service.id","aws_security_group.service"]},"to_port":{"references":["each.value.port","each.value"]}}`,
		deps:        []string{"aws_security_group.service"},
		build: func(c *vctx) object {
			k := c.key.(string)
			port := ingressPort(k)
			sgr := "sgr-" + c.st.id.hex("sgr/"+k+c.identEnv(), 17)
			sg := c.ref("aws_security_group.service", nil, "sg-"+c.st.id.hex("sg/"+c.identEnv(), 17))
			return obj("arn", c.comp(c.arn("ec2", "security-group-rule/"+sgr)), "cidr_ipv4", ingressCIDR(k),
				"from_port", port, "id", c.comp(sgr), "ip_protocol", "tcp", "security_group_id", sg,
				"security_group_rule_id", c.comp(sgr), "tags_all", c.defaultTags(), "to_port", port)
		}})
	add(slot{typ: "aws_ecs_task_definition", name: "service", schema: 1, keys: one, cbd: true,
		expr: `{"container_definitions":{"references":["var.image","var.environment","aws_cloudwatch_log_group.ecs.name","aws_cloudwatch_log_group.ecs","var.awslogs_mode"]},"cpu":{"constant_value":"512"},"execution_role_arn":{"references":["aws_iam_role.task_exec.arn","aws_iam_role.task_exec"]},"family":{"references":["var.environment","var.service"]},"memory":{"constant_value":"1024"},"network_mode":{"constant_value":"awsvpc"},"requires_compatibilities":{"constant_value":["FARGATE"]},` + tagsExpr + `,"task_role_arn":{"references":["aws_iam_role.task.arn","aws_iam_role.task"]}}`,
		deps: []string{"aws_cloudwatch_log_group.ecs", "aws_iam_role.task", "aws_iam_role.task_exec"},
		replacePaths: func(g *gen, st *stack) [][]string {
			switch {
			case g.stateEnv != g.configEnv:
				return [][]string{{"container_definitions"}, {"execution_role_arn"}, {"task_role_arn"}}
			case g.scenario == ScenarioMixed && st.imageBump:
				return [][]string{{"container_definitions"}}
			}
			return nil
		},
		build: taskDefinition})
	add(slot{typ: "aws_ecs_service", name: "service", schema: 1, keys: one,
		expr:  `{"cluster":{"references":["var.cluster_arn"]},"deployment_circuit_breaker":[{"enable":{"constant_value":true},"rollback":{"constant_value":true}}],"desired_count":{"references":["var.desired_count"]},"launch_type":{"constant_value":"FARGATE"},"name":{"references":["var.environment","var.service"]},"network_configuration":[{"assign_public_ip":{"constant_value":false},"security_groups":{"references":["aws_security_group.service.id","aws_security_group.service"]},"subnets":{"references":["var.private_subnet_ids"]}}],"propagate_tags":{"constant_value":"SERVICE"},` + tagsExpr + `,"task_definition":{"references":["aws_ecs_task_definition.service.arn","aws_ecs_task_definition.service"]}}`,
		deps:  []string{"aws_ecs_task_definition.service", "aws_security_group.service"},
		build: ecsService})

	add(g.roleSlot(roles["lambda"]))
	add(slot{typ: "aws_iam_role_policy_attachment", name: "lambda",
		keys: func(_ *gen, st *stack, _ side) []any {
			keys := []any{"AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole", "AWSXRayDaemonWriteAccess", "AmazonDynamoDBReadOnlyAccess", "CloudWatchLambdaInsightsExecutionRolePolicy"}
			return keys[:3+int(st.id.h("lambdapolicies")%3)]
		},
		forEachExpr:  `{"references":["local.lambda_managed_policies"]}`,
		expr:         `{"policy_arn":{"references":["each.value"]},"role":{"references":["aws_iam_role.lambda.name","aws_iam_role.lambda"]}}`,
		deps:         []string{"aws_iam_role.lambda"},
		replacePaths: iamReplace,
		build: func(c *vctx) object {
			return attachment(c, "lambda", managedPolicyArn(c.key.(string)))
		}})
	add(slot{typ: "aws_dynamodb_table", name: "state", schema: 1, keys: one,
		expr:  `{"attribute":[{"name":{"constant_value":"pk"},"type":{"constant_value":"S"}},{"name":{"constant_value":"sk"},"type":{"constant_value":"S"}}],"billing_mode":{"constant_value":"PAY_PER_REQUEST"},"hash_key":{"constant_value":"pk"},"name":{"references":["var.environment","var.service"]},"point_in_time_recovery":[{"enabled":{"constant_value":true}}],"range_key":{"constant_value":"sk"},` + tagsExpr + `}`,
		build: dynamoTable})
	add(slot{typ: "aws_cloudwatch_log_group", name: "lambda", keys: one,
		expr: `{"name":{"references":["var.environment","var.service"]},"retention_in_days":{"references":["var.log_retention_days"]},` + tagsExpr + `}`,
		build: func(c *vctx) object {
			return logGroup(c, "/aws/lambda/"+c.name("worker"), false)
		}})
	add(slot{typ: "aws_lambda_function", name: "worker", keys: one,
		expr:  `{"environment":[{"variables":{"references":["var.environment","aws_dynamodb_table.state.name","aws_dynamodb_table.state"]}}],"function_name":{"references":["var.environment","var.service"]},"handler":{"constant_value":"app.handler"},"logging_config":[{"log_format":{"constant_value":"JSON"},"log_group":{"references":["aws_cloudwatch_log_group.lambda.name","aws_cloudwatch_log_group.lambda"]}}],"memory_size":{"constant_value":256},"role":{"references":["aws_iam_role.lambda.arn","aws_iam_role.lambda"]},"runtime":{"constant_value":"python3.12"},"s3_bucket":{"references":["var.artifact_bucket"]},"s3_key":{"references":["var.service"]},` + tagsExpr + `,"timeout":{"constant_value":30}}`,
		deps:  []string{"aws_cloudwatch_log_group.lambda", "aws_dynamodb_table.state", "aws_iam_role.lambda"},
		build: lambdaFunction})

	add(slot{typ: "aws_s3_bucket", name: "logs", keys: one,
		expr:  `{"bucket":{"references":["var.environment","var.service","var.account_id"]},"force_destroy":{"constant_value":true},` + tagsExpr + `}`,
		build: func(c *vctx) object { return bucket(c, "logs", true, false) }})
	add(g.roleSlot(roles["firehose"]))
	add(slot{typ: "aws_kinesis_firehose_delivery_stream", name: "logs", schema: 1, keys: one,
		expr:  `{"destination":{"constant_value":"extended_s3"},"extended_s3_configuration":[{"bucket_arn":{"references":["aws_s3_bucket.logs.arn","aws_s3_bucket.logs"]},"compression_format":{"constant_value":"GZIP"},"error_output_prefix":{"constant_value":"errors/!{firehose:error-output-type}/"},"prefix":{"constant_value":"logs/"},"role_arn":{"references":["aws_iam_role.firehose.arn","aws_iam_role.firehose"]}}],"name":{"references":["var.environment","var.service"]},` + tagsExpr + `}`,
		deps:  []string{"aws_iam_role.firehose", "aws_s3_bucket.logs"},
		build: firehose})
	add(g.roleSlot(roles["cwl_to_firehose"]))
	add(slot{typ: "aws_cloudwatch_log_subscription_filter", name: "ecs",
		keys:      func(*gen, *stack, side) []any { return []any{0} },
		countExpr: `{"references":["var.ship_logs"]}`,
		expr:      `{"destination_arn":{"references":["aws_kinesis_firehose_delivery_stream.logs.arn","aws_kinesis_firehose_delivery_stream.logs"]},"filter_pattern":{"constant_value":""},"log_group_name":{"references":["aws_cloudwatch_log_group.ecs.name","aws_cloudwatch_log_group.ecs"]},"name":{"references":["var.environment","var.service"]},"role_arn":{"references":["aws_iam_role.cwl_to_firehose.arn","aws_iam_role.cwl_to_firehose"]}}`,
		deps:      []string{"aws_cloudwatch_log_group.ecs", "aws_iam_role.cwl_to_firehose", "aws_kinesis_firehose_delivery_stream.logs"},
		build: func(c *vctx) object {
			return obj("apply_on_transformed_logs", c.comp(false),
				"destination_arn", c.ref("aws_kinesis_firehose_delivery_stream.logs", nil, c.arn("firehose", "deliverystream/"+c.name("logs"))),
				"distribution", c.comp("ByLogStream"), "filter_pattern", "",
				"id", c.comp("cwlsf-"+strconv.FormatUint(c.st.id.h("cwlsf")%10000000000, 10)),
				"log_group_name", "/ecs/"+c.name("app"), "name", c.name("to-firehose"),
				"role_arn", c.roleArn("cwl_to_firehose"))
		}})

	add(slot{typ: "aws_s3_bucket", name: "data", keys: one,
		expr:  `{"bucket":{"references":["var.environment","var.service","var.account_id"]},"force_destroy":{"constant_value":false},` + tagsExpr + `}`,
		build: func(c *vctx) object { return bucket(c, "data", false, true) }})
	add(slot{typ: "aws_s3_bucket_versioning", name: "data", keys: one,
		expr:  `{"bucket":{"references":["aws_s3_bucket.data.id","aws_s3_bucket.data"]},"versioning_configuration":[{"status":{"constant_value":"Enabled"}}]}`,
		deps:  []string{"aws_s3_bucket.data"},
		build: func(c *vctx) object { return versioning(c, "data") }})
	add(slot{typ: "aws_s3_bucket", name: "replica", keys: one,
		expr:  `{"bucket":{"references":["var.environment","var.service","var.account_id"]},"force_destroy":{"constant_value":false},` + tagsExpr + `}`,
		build: func(c *vctx) object { return bucket(c, "replica", false, true) }})
	add(slot{typ: "aws_s3_bucket_versioning", name: "replica", keys: one,
		expr:  `{"bucket":{"references":["aws_s3_bucket.replica.id","aws_s3_bucket.replica"]},"versioning_configuration":[{"status":{"constant_value":"Enabled"}}]}`,
		deps:  []string{"aws_s3_bucket.replica"},
		build: func(c *vctx) object { return versioning(c, "replica") }})
	add(g.roleSlot(roles["replication"]))
	add(slot{typ: "aws_s3_bucket_replication_configuration", name: "data", keys: one,
		expr:  `{"bucket":{"references":["aws_s3_bucket.data.id","aws_s3_bucket.data"]},"role":{"references":["aws_iam_role.replication.arn","aws_iam_role.replication"]},"rule":[{"delete_marker_replication":[{"status":{"constant_value":"Enabled"}}],"destination":[{"bucket":{"references":["aws_s3_bucket.replica.arn","aws_s3_bucket.replica"]},"storage_class":{"constant_value":"STANDARD_IA"}}],"filter":[{}],"id":{"constant_value":"replicate-all"},"status":{"constant_value":"Enabled"}}]}`,
		deps:  []string{"aws_iam_role.replication", "aws_s3_bucket.data", "aws_s3_bucket.replica", "aws_s3_bucket_versioning.data"},
		build: replication})
	add(slot{typ: "aws_s3_bucket_policy", name: "replica", keys: one,
		expr:  `{"bucket":{"references":["aws_s3_bucket.replica.id","aws_s3_bucket.replica"]},"policy":{"references":["aws_s3_bucket.replica.arn","aws_s3_bucket.replica","aws_iam_role.replication.unique_id","aws_iam_role.replication","aws_iam_role.replication.arn"]}}`,
		deps:  []string{"aws_iam_role.replication", "aws_s3_bucket.replica"},
		build: bucketPolicy})

	add(slot{typ: "aws_sns_topic", name: "events", keys: one,
		expr:  `{"kms_master_key_id":{"constant_value":"alias/aws/sns"},"name":{"references":["var.environment","var.service"]},` + tagsExpr + `}`,
		build: snsTopic})
	add(slot{typ: "aws_sqs_queue", name: "dlq", keys: one,
		expr:  `{"message_retention_seconds":{"constant_value":1209600},"name":{"references":["var.environment","var.service"]},` + tagsExpr + `}`,
		build: func(c *vctx) object { return queue(c, c.name("dlq"), 1209600, "") }})
	add(slot{typ: "aws_sqs_queue", name: "worker",
		keys:      func(g *gen, st *stack, sd side) []any { return g.workerKeys(st, sd) },
		countExpr: `{"references":["var.worker_count"]}`,
		expr:      `{"name":{"references":["var.environment","var.service","count.index"]},"redrive_policy":{"references":["aws_sqs_queue.dlq.arn","aws_sqs_queue.dlq"]},` + tagsExpr + `,"visibility_timeout_seconds":{"constant_value":60}}`,
		deps:      []string{"aws_sqs_queue.dlq"},
		build: func(c *vctx) object {
			dlq := c.ref("aws_sqs_queue.dlq", nil, c.arn("sqs", c.name("dlq")))
			var redrive any = unknown
			if s, ok := dlq.(string); ok {
				redrive = `{"deadLetterTargetArn":"` + s + `","maxReceiveCount":5}`
			}
			return queue(c, c.name("worker-"+strconv.Itoa(c.key.(int))), 345600, redrive)
		}})
	add(slot{typ: "aws_sns_topic_subscription", name: "worker",
		keys:      func(g *gen, st *stack, sd side) []any { return g.workerKeys(st, sd) },
		countExpr: `{"references":["var.worker_count"]}`,
		expr:      `{"endpoint":{"references":["aws_sqs_queue.worker","count.index"]},"protocol":{"constant_value":"sqs"},"raw_message_delivery":{"constant_value":true},"redrive_policy":{"references":["aws_sqs_queue.dlq.arn","aws_sqs_queue.dlq"]},"topic_arn":{"references":["aws_sns_topic.events.arn","aws_sns_topic.events"]}}`,
		deps:      []string{"aws_sns_topic.events", "aws_sqs_queue.dlq", "aws_sqs_queue.worker"},
		build:     subscription})

	add(g.roleSlot(roles["events"]))
	add(slot{typ: "aws_cloudwatch_event_rule", name: "schedule", keys: one,
		expr:  `{"description":{"constant_value":"Periodic reconciliation"},"name":{"references":["var.environment","var.service"]},"schedule_expression":{"constant_value":"rate(5 minutes)"},` + tagsExpr + `}`,
		build: eventRule})
	add(slot{typ: "aws_cloudwatch_event_target", name: "sns", keys: one,
		expr:  `{"arn":{"references":["aws_sns_topic.events.arn","aws_sns_topic.events"]},"dead_letter_config":{"references":["var.events_dlq","aws_sqs_queue.dlq.arn","aws_sqs_queue.dlq"]},"role_arn":{"references":["aws_iam_role.events.arn","aws_iam_role.events"]},"rule":{"references":["aws_cloudwatch_event_rule.schedule.name","aws_cloudwatch_event_rule.schedule"]},"target_id":{"constant_value":"sns"}}`,
		deps:  []string{"aws_cloudwatch_event_rule.schedule", "aws_iam_role.events", "aws_sns_topic.events", "aws_sqs_queue.dlq"},
		build: eventTarget})

	add(slot{typ: "aws_db_instance", name: "main", schema: 2,
		keys: func(g *gen, st *stack, sd side) []any {
			if st.database {
				return []any{0}
			}
			return nil
		},
		countExpr: `{"references":["var.database_enabled"]}`,
		expr:      `{"allocated_storage":{"constant_value":50},"backup_retention_period":{"constant_value":7},"db_name":{"constant_value":"app"},"deletion_protection":{"references":["var.deletion_protection"]},"engine":{"constant_value":"postgres"},"engine_version":{"constant_value":"16.4"},"identifier":{"references":["var.environment","var.service"]},"instance_class":{"constant_value":"db.t4g.medium"},"kms_key_id":{"references":["aws_kms_key.this.arn","aws_kms_key.this"]},"password":{"references":["var.db_password"]},"skip_final_snapshot":{"references":["var.environment"]},"storage_encrypted":{"constant_value":true},` + tagsExpr + `,"username":{"constant_value":"app"},"vpc_security_group_ids":{"references":["aws_security_group.service.id","aws_security_group.service"]}}`,
		deps:      []string{"aws_kms_key.this", "aws_security_group.service"},
		build:     dbInstance})
	return slots
}

// ingressSources are the networks a service admits on 443.
const ingressSources = "alb alb-ext bastion ci mon ofc-fuk ofc-osa ofc-tyo p-acme p-globex p-hooli p-initech " +
	"p-umbrella p-vandelay peer-bi peer-data vpn-a vpn-b"

func ingressPort(k string) int {
	switch {
	case k == "http-vpc":
		return 80
	case k[:5] == "grpc-":
		return 8443
	}
	return 443
}

// ingressCIDR is the source network of an ingress rule key.
func ingressCIDR(k string) string {
	src := k[strings.IndexByte(k, '-')+1:]
	h := hashStr(7, src)
	switch {
	case src == "vpc":
		return "10.0.0.0/16"
	case strings.HasPrefix(src, "p-"):
		return "203.0.113." + strconv.Itoa(int(h%250)+1) + "/32"
	}
	return "10." + strconv.Itoa(int(h%200)+20) + ".0.0/20"
}

// ingressKeys are the for_each keys of the ingress rules on one side: http
// and https from the VPC, https from 10 to 18 more sources, and gRPC from
// the internal ones among them.
func (g *gen) ingressKeys(st *stack, config bool) []any {
	src := strings.Fields(ingressSources)
	n := 10 + int(st.id.h("ingress")%9)
	off := int(st.id.h("ingress/off") % uint64(len(src)))
	keys := make([]any, 0, 2*n+2)
	if !(config && g.scenario == ScenarioMixed && st.dropHTTP) {
		keys = append(keys, "http-vpc")
	}
	keys = append(keys, "https-vpc")
	for i := 0; i < n; i++ {
		s := src[(off+i)%len(src)]
		keys = append(keys, "https-"+s)
		if !strings.HasPrefix(s, "p-") {
			keys = append(keys, "grpc-"+s)
		}
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

// taskPolicyKeys are the policies attached to the task role: the
// service's own policy ("app") and four to nine AWS managed policies.
func (g *gen) taskPolicyKeys(st *stack) []any {
	managed := []string{"AWSXRayDaemonWriteAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonS3ReadOnlyAccess",
		"AmazonSQSFullAccess", "AmazonSSMReadOnlyAccess", "AmazonSNSFullAccess", "CloudWatchAgentServerPolicy",
		"SecretsManagerReadWrite", "AmazonKinesisFirehoseFullAccess"}
	n := 4 + int(st.id.h("taskpolicies")%6)
	keys := []any{"app"}
	for _, m := range managed[:n] {
		keys = append(keys, m)
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

// managedPolicyArn is the ARN of an AWS managed policy.
func managedPolicyArn(name string) string {
	switch name {
	case "AmazonECSTaskExecutionRolePolicy", "AWSLambdaBasicExecutionRole", "AWSLambdaSQSQueueExecutionRole", "AWSXrayWriteOnlyAccess":
		return "arn:aws:iam::aws:policy/service-role/" + name
	}
	return "arn:aws:iam::aws:policy/" + name
}

// workerKeys are the count indexes of the worker queues on one side.
func (g *gen) workerKeys(st *stack, sd side) []any {
	if sd == configSide && g.scenario == ScenarioMixed && st.shrinkWorkers {
		return []any{0}
	}
	return []any{0, 1}
}
