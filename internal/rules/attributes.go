package rules

import (
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// sensitiveText replaces any value Terraform marks sensitive.
const sensitiveText = "(sensitive)"

// before returns the text of a scalar attribute of a change's prior object, with
// sensitive values hidden; ok is false when the attribute is absent or not a scalar.
func before(c *plan.Change, path ...string) (string, bool) {
	// The text shares the kept prior value's bytes: evidence quotes tens of thousands
	// of them in a large plan.
	v, ok := c.BeforeAttr(path[0]).Get(path[1:]...).ScalarShared()
	if !ok {
		return "", false
	}
	if plan.SensitiveAt(c.BeforeSensitive, path) {
		return sensitiveText, true
	}
	return v, true
}

// evidence builds evidence for whichever of the attributes exist on the prior object.
func evidence(c *plan.Change, attrs ...string) []report.Evidence {
	// Gathered on the stack and kept in a slice of the exact size: tens of thousands of
	// findings carry evidence in a large plan.
	var buf [8]report.Evidence
	out := buf[:0]
	for _, a := range attrs {
		var one [1]string
		path := one[:]
		if strings.Contains(a, ".") {
			path = strings.Split(a, ".")
		} else {
			one[0] = a
		}
		if v, ok := before(c, path...); ok && v != "" {
			out = append(out, report.Evidence{Path: a, Value: v})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append(make([]report.Evidence, 0, len(out)), out...)
}

// perChange returns find's finding for each change that matches, in a slice sized
// first: a plan that deletes or replaces a whole environment's roles gives tens of
// thousands of findings, and a growing slice would copy them over and over.
func perChange(changes []*plan.Change, match func(*plan.Change) bool, find func(*plan.Change) report.Finding) []report.Finding {
	n := 0
	for _, c := range changes {
		if match(c) {
			n++
		}
	}
	out := make([]report.Finding, 0, n)
	for _, c := range changes {
		if match(c) {
			out = append(out, find(c))
		}
	}
	return out
}

// identityKinds are the IAM and KMS resource types whose loss breaks other resources'
// access, with a word for what each is.
var identityKinds = map[string]string{
	"aws_iam_role":                    "IAM role",
	"aws_iam_policy":                  "IAM managed policy",
	"aws_iam_role_policy":             "IAM inline role policy",
	"aws_iam_role_policy_attachment":  "IAM role policy attachment",
	"aws_iam_policy_attachment":       "IAM exclusive policy attachment",
	"aws_iam_role_policies_exclusive": "IAM exclusive inline policies",
	"aws_iam_user":                    "IAM user",
	"aws_iam_user_policy":             "IAM inline user policy",
	"aws_iam_user_policy_attachment":  "IAM user policy attachment",
	"aws_iam_access_key":              "IAM access key",
	"aws_iam_group":                   "IAM group",
	"aws_iam_group_policy":            "IAM inline group policy",
	"aws_iam_group_policy_attachment": "IAM group policy attachment",
	"aws_iam_group_membership":        "IAM group membership",
	"aws_iam_user_group_membership":   "IAM user group membership",
	"aws_iam_instance_profile":        "EC2 instance profile",
	"aws_iam_openid_connect_provider": "IAM OIDC identity provider",
	"aws_iam_saml_provider":           "IAM SAML identity provider",
	"aws_iam_service_linked_role":     "IAM service-linked role",
	"aws_kms_key":                     "KMS key",
	"aws_kms_replica_key":             "KMS replica key",
	"aws_kms_alias":                   "KMS alias",
	"aws_kms_grant":                   "KMS grant",
}

// identitySeverity is high for the principals and keys others depend on, medium for
// the attachments and aliases that only change what they may do.
func identitySeverity(typ string) report.Severity {
	switch typ {
	case "aws_iam_role", "aws_iam_user", "aws_iam_instance_profile", "aws_iam_openid_connect_provider",
		"aws_iam_saml_provider", "aws_kms_key", "aws_kms_replica_key", "aws_iam_policy", "aws_iam_service_linked_role", "aws_iam_group":
		return report.High
	}
	return report.Medium
}
