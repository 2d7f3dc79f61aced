package rules

import (
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// identityResourceReplaced flags IAM principals and KMS keys the plan destroys and
// recreates: a recreated principal is a new principal to AWS even with the same name.
type identityResourceReplaced struct{}

func (identityResourceReplaced) ID() string                { return "identity_resource_replaced" }
func (identityResourceReplaced) Severity() report.Severity { return report.High }
func (identityResourceReplaced) Summary() string {
	return "An IAM role, user, policy, instance profile or KMS key is destroyed and recreated"
}

func (r identityResourceReplaced) Check(in *Input) []report.Finding {
	replaced := func(c *plan.Change) bool {
		_, ok := identityKinds[c.Type]
		return ok && c.Mode == "managed" && c.Actions.Replace()
	}
	return perChange(in.Plan.Changes, replaced, func(c *plan.Change) report.Finding {
		kind := identityKinds[c.Type]
		order := "destroyed, then recreated"
		if c.Actions.CreateBeforeDestroy() {
			order = "recreated, then the old one destroyed (create_before_destroy)"
		}
		f := report.Finding{
			Severity: identitySeverity(c.Type),
			Address:  c.Address,
			Evidence: evidence(c, "arn", "name", "unique_id", "key_id"),
		}
		// The message is built in one concatenation, one allocation: there are tens of
		// thousands of these in a plan that replaces an environment's roles.
		why := ""
		switch c.Type {
		case "aws_iam_role", "aws_iam_user":
			why = ". The new principal gets a new unique id (AROA…/AIDA…): bucket, KMS and trust policies that name the old id or were saved with it stop matching"
		case "aws_kms_key", "aws_kms_replica_key":
			why = ". Data encrypted with the old key needs the old key to decrypt"
		}
		f.Message = kind + " " + c.Address + " is " + order + replaceCause(c) + why
		switch c.Type {
		case "aws_iam_role", "aws_iam_user":
			f.Remediation = "Avoid the replace if you can (e.g. keep the name; use name_prefix or `moved` blocks instead of renaming). If it must happen: list policies that pin the old unique id (aws:userid conditions, principal ids) and re-save them after apply; for Lambda functions using the role, expect KMSAccessDeniedException until the function is switched to another role and back."
		case "aws_kms_key", "aws_kms_replica_key":
			f.Remediation = "Re-encrypting is not automatic: keep the old key (deletion window) until all data and grants move to the new key."
		default:
			f.Remediation = "With delete-before-create there is a gap in which the resource does not exist; prefer create_before_destroy or an in-place change."
			if c.Actions.CreateBeforeDestroy() {
				f.Remediation = "The new object exists before the old one goes, so there is no gap; check that nothing refers to the old object by its id or ARN, which change."
			}
		}
		return f
	})
}

// replaceCause says which attributes force the replacement, from replace_paths.
func replaceCause(c *plan.Change) string {
	var paths []string
	c.ReplacePaths.Elements(func(p plan.Value) bool {
		var parts []string
		p.Elements(func(step plan.Value) bool {
			if s, ok := step.Scalar(); ok {
				parts = append(parts, s)
			}
			return true
		})
		if len(parts) > 0 {
			paths = append(paths, strings.Join(parts, "."))
		}
		return true
	})
	if len(paths) == 0 {
		return ""
	}
	return " because " + strings.Join(paths, ", ") + " cannot change in place"
}
