package rules

import (
	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// identityResourceDeleted flags IAM principals, policies and KMS keys the plan deletes:
// everything that assumes, uses or decrypts with them stops working at apply time.
type identityResourceDeleted struct{}

func (identityResourceDeleted) ID() string                { return "identity_resource_deleted" }
func (identityResourceDeleted) Severity() report.Severity { return report.High }
func (identityResourceDeleted) Summary() string {
	return "An IAM role, user, policy, instance profile, OIDC provider or KMS key is deleted"
}

func (r identityResourceDeleted) Check(in *Input) []report.Finding {
	deleted := func(c *plan.Change) bool {
		_, ok := identityKinds[c.Type]
		return ok && c.Mode == "managed" && c.Actions.Delete()
	}
	return perChange(in.Plan.Changes, deleted, func(c *plan.Change) report.Finding {
		f := report.Finding{
			Severity: identitySeverity(c.Type),
			Address:  c.Address,
			Message:  identityKinds[c.Type] + " " + c.Address + " is deleted: whatever uses it loses access when the apply runs",
			Evidence: evidence(c, "arn", "name", "unique_id", "policy_arn", "role", "key_id", "deletion_window_in_days"),
		}
		switch c.Type {
		case "aws_iam_role":
			f.Remediation = "Confirm nothing still assumes this role (ECS tasks, Lambda, log subscriptions, Firehose, S3 replication, EventBridge). If it must go, remove its consumers first in the same or an earlier apply. Recreating it later gives a new unique id (AROA…), which breaks policies keyed on the old one."
		case "aws_kms_key", "aws_kms_replica_key":
			f.Remediation = "Deleting a KMS key schedules it for deletion after deletion_window_in_days; data encrypted with it becomes unreadable once it is gone. Cancel with `aws kms cancel-key-deletion` inside the window if this was not intended."
		default:
			f.Remediation = "Confirm the delete is intended and that no workload still depends on it; if the plan was run against the wrong state or workspace, stop and re-plan against the right one."
		}
		return f
	})
}
