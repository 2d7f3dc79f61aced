package testaws

import (
	"fmt"
	"hash/crc32"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// kinds lists every resource type the test provider serves. Attribute names,
// which attributes force replacement, and the shape of computed values (ARNs,
// AROA… role ids, sg-… ids, task definition revisions) follow the real
// hashicorp/aws provider, so plans made with it read like real ones.
func kinds() []*kind {
	return []*kind{
		iamRole(), iamRolePolicyAttachment(),
		securityGroup(), securityGroupRule("aws_vpc_security_group_ingress_rule"), securityGroupRule("aws_vpc_security_group_egress_rule"),
		lambdaFunction(), ecsTaskDefinition(),
		logGroup(), logSubscriptionFilter(), firehoseDeliveryStream(),
		s3Bucket(), s3BucketReplicationConfiguration(), s3BucketPolicy(),
	}
}

func iamRole() *kind {
	return &kind{
		name:   "aws_iam_role",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"name":                  requiredString(true),
			"assume_role_policy":    requiredString(false),
			"description":           optionalString(false),
			"path":                  defaultString("/", true),
			"max_session_duration":  defaultInt64(3600, false),
			"force_detach_policies": defaultBool(false),
			"permissions_boundary":  optionalString(false),
			"arn":                   computedString(),
			"unique_id":             computedString(),
			"create_date":           computedString(),
		},
		compute: func(o *object, a *account) error {
			name := o.str("name")
			o.fill("id", name)
			o.fill("arn", a.globalARN("iam", "role"+o.str("path")+name))
			o.fill("unique_id", "AROA"+randomString(upperAlnum, 17))
			o.fill("create_date", timestamp(a.now()))
			return nil
		},
	}
}

func iamRolePolicyAttachment() *kind {
	return &kind{
		name: "aws_iam_role_policy_attachment",
		attrs: map[string]schema.Attribute{
			"role":       requiredString(true),
			"policy_arn": requiredString(true),
		},
		compute: func(o *object, a *account) error {
			// The real provider's id is the role name plus a unique suffix.
			o.fill("id", o.str("role")+"-"+a.now().UTC().Format("20060102150405")+randomString(digits, 12))
			return nil
		},
	}
}

func securityGroup() *kind {
	return &kind{
		name:   "aws_security_group",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"name":                   requiredString(true),
			"description":            defaultString("Managed by Terraform", true),
			"vpc_id":                 optionalComputedString(true),
			"revoke_rules_on_delete": defaultBool(false),
			"arn":                    computedString(),
			"owner_id":               computedString(),
		},
		compute: func(o *object, a *account) error {
			id := "sg-" + randomString(lowerHex, 17)
			o.fill("id", id)
			o.fill("arn", a.arn("ec2", "security-group/"+id))
			o.fill("owner_id", a.id)
			o.fill("vpc_id", "vpc-"+randomString(lowerHex, 17))
			return nil
		},
		uniqueName: func(o *object) string { return o.str("vpc_id") + "/" + o.str("name") },
	}
}

// securityGroupRule serves aws_vpc_security_group_ingress_rule and
// aws_vpc_security_group_egress_rule: only the group forces a new rule; ports,
// protocol and peers are modified in place (ModifySecurityGroupRules).
func securityGroupRule(name string) *kind {
	return &kind{
		name:   name,
		tagged: true,
		attrs: map[string]schema.Attribute{
			"security_group_id":            requiredString(true),
			"ip_protocol":                  requiredString(false),
			"from_port":                    optionalInt64(false),
			"to_port":                      optionalInt64(false),
			"cidr_ipv4":                    optionalString(false),
			"cidr_ipv6":                    optionalString(false),
			"prefix_list_id":               optionalString(false),
			"referenced_security_group_id": optionalString(false),
			"description":                  optionalString(false),
			"arn":                          computedString(),
			"security_group_rule_id":       computedString(),
		},
		compute: func(o *object, a *account) error {
			id := "sgr-" + randomString(lowerHex, 17)
			o.fill("id", id)
			o.fill("security_group_rule_id", id)
			o.fill("arn", a.arn("ec2", "security-group-rule/"+id))
			return nil
		},
	}
}

func lambdaFunction() *kind {
	return &kind{
		name:   "aws_lambda_function",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"function_name":    requiredString(true),
			"role":             requiredString(false),
			"handler":          optionalString(false),
			"runtime":          optionalString(false),
			"filename":         optionalString(false),
			"source_code_hash": optionalComputedString(false),
			"memory_size":      defaultInt64(128, false),
			"timeout":          defaultInt64(3, false),
			"kms_key_arn":      optionalString(false),
			"package_type":     defaultString("Zip", true),
			"arn":              computedString(),
			"invoke_arn":       computedString(),
			"qualified_arn":    computedString(),
			"version":          computedString(),
			"last_modified":    volatileString(),
		},
		blocks: map[string]schema.Block{
			"environment": block(map[string]schema.Attribute{"variables": stringMap()}, nil, false),
		},
		compute: func(o *object, a *account) error {
			name := o.str("function_name")
			arn := a.arn("lambda", "function:"+name)
			o.fill("id", name)
			o.fill("arn", arn)
			o.fill("qualified_arn", arn+":$LATEST")
			o.fill("invoke_arn", fmt.Sprintf("arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", a.region, arn))
			o.fill("version", "$LATEST")
			o.fill("source_code_hash", "")
			o.fill("last_modified", a.now().UTC().Format("2006-01-02T15:04:05.000+0000"))
			return nil
		},
	}
}

// ecsTaskDefinition: every argument but tags forces a new revision, as a task
// definition revision is immutable in ECS.
func ecsTaskDefinition() *kind {
	return &kind{
		name:   "aws_ecs_task_definition",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"family":                   requiredString(true),
			"container_definitions":    requiredString(true),
			"execution_role_arn":       optionalString(true),
			"task_role_arn":            optionalString(true),
			"network_mode":             optionalComputedString(true),
			"requires_compatibilities": stringSet(true),
			"cpu":                      optionalString(true),
			"memory":                   optionalString(true),
			"arn":                      computedString(),
			"arn_without_revision":     computedString(),
			"revision":                 computedInt64(),
		},
		compute: func(o *object, a *account) error {
			family := o.str("family")
			if o.unknown("revision") {
				rev, err := a.store.next("ecs-task-definition/" + family)
				if err != nil {
					return err
				}
				o.fill("revision", rev)
				o.fill("arn", a.arn("ecs", fmt.Sprintf("task-definition/%s:%d", family, rev)))
			}
			o.fill("id", family)
			o.fill("arn_without_revision", a.arn("ecs", "task-definition/"+family))
			o.fill("network_mode", "bridge")
			return nil
		},
		key: func(o *object) string { return o.str("arn") },
	}
}

func logGroup() *kind {
	return &kind{
		name:   "aws_cloudwatch_log_group",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"name":              requiredString(true),
			"retention_in_days": defaultInt64(0, false),
			"kms_key_id":        optionalString(false),
			"log_group_class":   defaultString("STANDARD", true),
			"skip_destroy":      defaultBool(false),
			"arn":               computedString(),
		},
		compute: func(o *object, a *account) error {
			o.fill("id", o.str("name"))
			o.fill("arn", a.arn("logs", "log-group:"+o.str("name")))
			return nil
		},
	}
}

// logSubscriptionFilter: CloudWatch Logs delivers to destination_arn with
// role_arn; a failed delivery is dropped, not retried.
func logSubscriptionFilter() *kind {
	return &kind{
		name: "aws_cloudwatch_log_subscription_filter",
		attrs: map[string]schema.Attribute{
			"name":            requiredString(true),
			"log_group_name":  requiredString(true),
			"filter_pattern":  requiredString(false),
			"destination_arn": requiredString(true),
			"role_arn":        optionalComputedString(false),
			"distribution":    defaultString("ByLogStream", false),
		},
		compute: func(o *object, a *account) error {
			// The real provider's id: "cwlsf-" and a hash of the log group name.
			o.fill("id", fmt.Sprintf("cwlsf-%d", crc32.ChecksumIEEE([]byte(o.str("log_group_name")+"-"))))
			o.fill("role_arn", "")
			return nil
		},
		key: func(o *object) string { return o.str("log_group_name") + "|" + o.str("name") },
	}
}

func firehoseDeliveryStream() *kind {
	return &kind{
		name:   "aws_kinesis_firehose_delivery_stream",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"name":           requiredString(true),
			"destination":    requiredString(true),
			"arn":            computedString(),
			"version_id":     volatileString(),
			"destination_id": computedString(),
		},
		blocks: map[string]schema.Block{
			"extended_s3_configuration": block(map[string]schema.Attribute{
				"role_arn":            requiredString(false),
				"bucket_arn":          requiredString(false),
				"prefix":              optionalString(false),
				"error_output_prefix": optionalString(false),
				"buffering_size":      optionalInt64(false),
				"buffering_interval":  optionalInt64(false),
				"compression_format":  optionalString(false),
			}, nil, false),
		},
		compute: func(o *object, a *account) error {
			arn := a.arn("firehose", "deliverystream/"+o.str("name"))
			o.fill("id", arn)
			o.fill("arn", arn)
			o.fill("destination_id", "destinationId-000000000001")
			if o.unknown("version_id") {
				version, err := a.store.next("firehose-version/" + o.str("name"))
				if err != nil {
					return err
				}
				o.fill("version_id", fmt.Sprint(version))
			}
			return nil
		},
		key: func(o *object) string { return o.str("name") },
	}
}

func s3Bucket() *kind {
	return &kind{
		name:   "aws_s3_bucket",
		tagged: true,
		attrs: map[string]schema.Attribute{
			"bucket":                      requiredString(true),
			"force_destroy":               defaultBool(false),
			"arn":                         computedString(),
			"bucket_domain_name":          computedString(),
			"bucket_regional_domain_name": computedString(),
			"region":                      computedString(),
		},
		compute: func(o *object, a *account) error {
			b := o.str("bucket")
			o.fill("id", b)
			o.fill("arn", "arn:aws:s3:::"+b)
			o.fill("bucket_domain_name", b+".s3.amazonaws.com")
			o.fill("bucket_regional_domain_name", b+".s3."+a.region+".amazonaws.com")
			o.fill("region", a.region)
			return nil
		},
	}
}

func s3BucketReplicationConfiguration() *kind {
	return &kind{
		name: "aws_s3_bucket_replication_configuration",
		attrs: map[string]schema.Attribute{
			"bucket": requiredString(true),
			"role":   requiredString(false),
		},
		blocks: map[string]schema.Block{
			"rule": block(map[string]schema.Attribute{
				"id":       optionalString(false),
				"priority": optionalInt64(false),
				"status":   requiredString(false),
			}, map[string]schema.Block{
				"filter":                    block(map[string]schema.Attribute{"prefix": optionalString(false)}, nil, false),
				"delete_marker_replication": block(map[string]schema.Attribute{"status": requiredString(false)}, nil, false),
				"destination": block(map[string]schema.Attribute{
					"bucket":        requiredString(false),
					"storage_class": optionalString(false),
					"account":       optionalString(false),
				}, nil, false),
			}, false),
		},
		compute: func(o *object, _ *account) error {
			o.fill("id", o.str("bucket"))
			return nil
		},
	}
}

func s3BucketPolicy() *kind {
	return &kind{
		name: "aws_s3_bucket_policy",
		attrs: map[string]schema.Attribute{
			"bucket": requiredString(true),
			"policy": requiredString(false),
		},
		compute: func(o *object, _ *account) error {
			o.fill("id", o.str("bucket"))
			return nil
		},
	}
}
