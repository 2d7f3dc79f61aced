package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// accountMismatch flags existing resources whose own ARN or owner names an AWS account
// this directory is not meant to touch: a wrong provider role, profile or state.
type accountMismatch struct{}

func (accountMismatch) ID() string                { return "account_mismatch" }
func (accountMismatch) Severity() report.Severity { return report.Critical }
func (accountMismatch) Summary() string {
	return "The plan changes resources that live in an AWS account other than the expected ones"
}

var arnAccountRE = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)

// ownAccount returns the account a resource lives in, from its own arn or owner id.
func ownAccount(c *plan.Change) (account, path, value string) {
	for _, attr := range []string{"arn", "id"} {
		if v, ok := before(c, attr); ok {
			if m := arnAccountRE.FindStringSubmatch(v); m != nil {
				return m[1], attr, v
			}
		}
	}
	for _, attr := range []string{"owner_id", "account_id"} {
		if v, ok := before(c, attr); ok && len(v) == 12 && strings.Trim(v, "0123456789") == "" {
			return v, attr, v
		}
	}
	return "", "", ""
}

func (r accountMismatch) Check(in *Input) []report.Finding {
	if len(in.Accounts) == 0 {
		return nil
	}
	allowed := map[string]bool{}
	for _, a := range in.Accounts {
		allowed[a] = true
	}
	byAccount := grouped{}
	for _, c := range in.Plan.Changes {
		if c.Mode != "managed" || !c.Actions.Changes() || c.Before == nil {
			continue
		}
		acct, path, value := ownAccount(c)
		if acct == "" || allowed[acct] {
			continue
		}
		byAccount.add(acct, c, path, value)
	}
	return byAccount.findings(report.Critical, func(acct string, n int, counts string) (string, string) {
		return fmt.Sprintf("%d resources this plan changes live in account %s, which is not one of the expected accounts (%s): %s",
				n, acct, strings.Join(in.Accounts, ", "), counts),
			"Do not apply. Check the provider's assume_role / profile and the backend: the plan was made with credentials or a state of another account. If the account is expected, add it to `accounts` in .hiyari.yaml or --account."
	})
}
