package testaws

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestSchemas checks, through the same protocol Terraform uses, that every
// resource type's schema is valid and carries the real provider's attribute
// names that hiyari's rules and the scenario rely on.
func TestSchemas(t *testing.T) {
	server, err := providerserver.NewProtocol6WithError(New(Settings{StateDir: t.TempDir(), Version: "test"})())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	tests := []struct {
		typ      string
		required []string
		computed []string
		blocks   []string
	}{
		{"aws_iam_role", []string{"name", "assume_role_policy"}, []string{"id", "arn", "unique_id", "create_date", "tags_all"}, nil},
		{"aws_iam_role_policy_attachment", []string{"role", "policy_arn"}, []string{"id"}, nil},
		{"aws_security_group", []string{"name"}, []string{"id", "arn", "owner_id", "tags_all"}, nil},
		{"aws_vpc_security_group_ingress_rule", []string{"security_group_id", "ip_protocol"}, []string{"id", "arn", "security_group_rule_id"}, nil},
		{"aws_vpc_security_group_egress_rule", []string{"security_group_id", "ip_protocol"}, []string{"id", "arn", "security_group_rule_id"}, nil},
		{"aws_lambda_function", []string{"function_name", "role"}, []string{"id", "arn", "invoke_arn", "qualified_arn", "last_modified"}, []string{"environment"}},
		{"aws_ecs_task_definition", []string{"family", "container_definitions"}, []string{"id", "arn", "arn_without_revision", "revision"}, nil},
		{"aws_cloudwatch_log_group", []string{"name"}, []string{"id", "arn"}, nil},
		{"aws_cloudwatch_log_subscription_filter", []string{"name", "log_group_name", "filter_pattern", "destination_arn"}, []string{"id"}, nil},
		{"aws_kinesis_firehose_delivery_stream", []string{"name", "destination"}, []string{"id", "arn"}, []string{"extended_s3_configuration"}},
		{"aws_s3_bucket", []string{"bucket"}, []string{"id", "arn", "bucket_domain_name"}, nil},
		{"aws_s3_bucket_replication_configuration", []string{"bucket", "role"}, []string{"id"}, []string{"rule"}},
		{"aws_s3_bucket_policy", []string{"bucket", "policy"}, []string{"id"}, nil},
	}
	if len(resp.ResourceSchemas) != len(tests) {
		t.Errorf("provider serves %d resource types, this test knows %d: add the new ones here", len(resp.ResourceSchemas), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			s, ok := resp.ResourceSchemas[tt.typ]
			if !ok {
				t.Fatalf("resource type %s not served", tt.typ)
			}
			attrs := map[string]*tfprotov6.SchemaAttribute{}
			for _, a := range s.Block.Attributes {
				attrs[a.Name] = a
			}
			for _, n := range tt.required {
				if a, ok := attrs[n]; !ok || !a.Required {
					t.Errorf("%s.%s: want a required attribute", tt.typ, n)
				}
			}
			for _, n := range tt.computed {
				if a, ok := attrs[n]; !ok || !a.Computed {
					t.Errorf("%s.%s: want a computed attribute", tt.typ, n)
				}
			}
			blocks := map[string]bool{}
			for _, b := range s.Block.BlockTypes {
				blocks[b.TypeName] = true
			}
			for _, n := range tt.blocks {
				if !blocks[n] {
					t.Errorf("%s: want a %s block", tt.typ, n)
				}
			}
		})
	}
}
