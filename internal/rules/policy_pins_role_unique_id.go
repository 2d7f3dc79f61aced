package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// policyPinsRoleUniqueID flags policy documents in planned values whose principals or
// conditions hold an IAM unique id (AROA… for roles, AIDA… for users): such a policy
// matches only that exact principal, and a principal recreated with the same name is a
// new principal with a new id (seed incident 000: bucket policies keyed on the old role
// id broke S3 replication after the roles were recreated).
type policyPinsRoleUniqueID struct{}

func (policyPinsRoleUniqueID) ID() string                { return "policy_pins_role_unique_id" }
func (policyPinsRoleUniqueID) Severity() report.Severity { return report.High }
func (policyPinsRoleUniqueID) Summary() string {
	return "A policy names an IAM role or user by unique id (AROA…/AIDA…), which a recreated principal does not keep"
}

// policyAttributes lists, per resource type, the attributes that hold a JSON policy
// document (provider attribute names); "inline_policy.*.policy" reads a nested block's
// attribute in every element.
var policyAttributes = map[string][]string{
	"aws_s3_bucket_policy":                           {"policy"},
	"aws_s3_bucket":                                  {"policy"},
	"aws_s3control_bucket_policy":                    {"policy"},
	"aws_s3_access_point":                            {"policy"},
	"aws_kms_key":                                    {"policy"},
	"aws_kms_key_policy":                             {"policy"},
	"aws_kms_replica_key":                            {"policy"},
	"aws_iam_role":                                   {"assume_role_policy", "inline_policy.*.policy"},
	"aws_iam_role_policy":                            {"policy"},
	"aws_iam_policy":                                 {"policy"},
	"aws_iam_user_policy":                            {"policy"},
	"aws_iam_group_policy":                           {"policy"},
	"aws_sqs_queue_policy":                           {"policy"},
	"aws_sqs_queue":                                  {"policy"},
	"aws_sns_topic_policy":                           {"policy"},
	"aws_sns_topic":                                  {"policy"},
	"aws_secretsmanager_secret_policy":               {"policy"},
	"aws_secretsmanager_secret":                      {"policy"},
	"aws_ecr_repository_policy":                      {"policy"},
	"aws_efs_file_system_policy":                     {"policy"},
	"aws_backup_vault_policy":                        {"policy"},
	"aws_glacier_vault":                              {"access_policy"},
	"aws_cloudwatch_log_destination_policy":          {"access_policy"},
	"aws_cloudwatch_log_resource_policy":             {"policy_document"},
	"aws_cloudwatch_event_bus_policy":                {"policy"},
	"aws_opensearch_domain_policy":                   {"access_policies"},
	"aws_opensearch_domain":                          {"access_policies"},
	"aws_elasticsearch_domain_policy":                {"access_policies"},
	"aws_elasticsearch_domain":                       {"access_policies"},
	"aws_api_gateway_rest_api_policy":                {"policy"},
	"aws_dynamodb_resource_policy":                   {"policy"},
	"aws_kinesis_resource_policy":                    {"policy"},
	"aws_vpc_endpoint":                               {"policy"},
	"aws_codeartifact_repository_permissions_policy": {"policy_document"},
}

// uniqueIDPattern matches an IAM unique id at the start of a value ("AROA…" alone, or
// "AROA…:session" as aws:userid holds it). Unique ids are 21 upper-case letters and
// digits; a little slack keeps unusual lengths.
var uniqueIDPattern = regexp.MustCompile(`^(AROA|AIDA|AIPA)[A-Z0-9]{12,28}\b`)

// uniqueIDKinds names what each unique id prefix identifies.
var uniqueIDKinds = map[string]string{"AROA": "IAM role", "AIDA": "IAM user", "AIPA": "EC2 instance profile"}

// pinnedID is one unique id found in a policy, with where it was.
type pinnedID struct {
	id, where string
}

// pinnedIDs returns the unique ids in a policy document's principals and conditions;
// a document that is not valid JSON has none.
func pinnedIDs(doc string) []pinnedID {
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil || len(p.Statement) == 0 {
		return nil
	}
	var statements []map[string]any
	if err := json.Unmarshal(p.Statement, &statements); err != nil {
		var one map[string]any
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return nil
		}
		statements = []map[string]any{one}
	}
	var out []pinnedID
	for i, s := range statements {
		label := fmt.Sprintf("Statement[%d]", i)
		if sid, ok := s["Sid"].(string); ok && sid != "" {
			label = fmt.Sprintf("Statement[%s]", strconv.Quote(sid))
		}
		for _, k := range []string{"Principal", "NotPrincipal", "Condition"} {
			collectIDs(s[k], label+"."+k, &out)
		}
	}
	return out
}

// collectIDs walks a principal or condition block for unique ids.
func collectIDs(v any, where string, out *[]pinnedID) {
	switch x := v.(type) {
	case string:
		if m := uniqueIDPattern.FindString(x); m != "" {
			*out = append(*out, pinnedID{id: m, where: where})
		}
	case []any:
		for _, e := range x {
			collectIDs(e, where, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			collectIDs(x[k], where+"."+k, out)
		}
	}
}

// principal is an IAM role or user the plan shows, found by its unique id.
type principal struct {
	address string
	kind    plan.Kind
}

// principalsByID indexes the unique_id of every IAM role and user whose values the plan
// carries (prior values of changed ones, planned values where known).
func principalsByID(p *plan.Plan) map[string]principal {
	out := map[string]principal{}
	for _, c := range p.Changes {
		if c.Mode != "managed" || (c.Type != "aws_iam_role" && c.Type != "aws_iam_user") {
			continue
		}
		for _, v := range []plan.Value{c.BeforeAttr("unique_id"), c.AfterAttr("unique_id")} {
			if id, ok := v.Str(); ok && id != "" {
				out[id] = principal{address: c.Address, kind: c.Actions.Kind()}
			}
		}
	}
	return out
}

// mayPinIDs reports whether the raw planned bytes of some policy attribute could hold a
// unique id: one of the prefixes, or an escape that could spell one. Most policies
// hold neither, and are then not decoded at all (on a 100,000-resource plan that was
// 25 MB of allocations and a tenth of a second).
func mayPinIDs(c *plan.Change, attrs []string) bool {
	for _, a := range attrs {
		top, _, _ := strings.Cut(a, ".")
		if mayHoldUniqueID(c.AfterAttr(top)) {
			return true
		}
	}
	return false
}

// mayHoldUniqueID reports whether raw JSON bytes hold a unique id prefix (a key of
// uniqueIDKinds) or a \u escape, which could spell one.
func mayHoldUniqueID(raw []byte) bool {
	for i := 0; i+4 <= len(raw); i++ {
		switch raw[i] {
		case 'A':
			if _, ok := uniqueIDKinds[string(raw[i:i+4])]; ok {
				return true
			}
		case '\\':
			if raw[i+1] == 'u' {
				return true
			}
		}
	}
	return false
}

// policyDocuments returns a planned object's policy documents with their attribute
// paths, skipping values that are unknown, sensitive or empty.
func policyDocuments(c *plan.Change, attrs []string) (paths, docs []string) {
	for _, a := range attrs {
		parts := strings.Split(a, ".")
		if len(parts) == 3 && parts[1] == "*" {
			i := 0
			c.AfterAttr(parts[0]).Elements(func(plan.Value) bool {
				if v := after(c, parts[0], strconv.Itoa(i), parts[2]); v.Set && !v.Sensitive && v.Text != "" {
					paths = append(paths, fmt.Sprintf("%s[%d].%s", parts[0], i, parts[2]))
					docs = append(docs, v.Text)
				}
				i++
				return true
			})
			continue
		}
		if v := after(c, parts...); v.Set && !v.Sensitive && v.Text != "" {
			paths = append(paths, a)
			docs = append(docs, v.Text)
		}
	}
	return paths, docs
}

func (r policyPinsRoleUniqueID) Check(in *Input) []report.Finding {
	var out []report.Finding
	var known map[string]principal
	for _, c := range in.Plan.Changes {
		attrs, ok := policyAttributes[c.Type]
		if !ok || !planned(c) || !mayPinIDs(c, attrs) {
			continue
		}
		paths, docs := policyDocuments(c, attrs)
		f := report.Finding{Severity: report.Medium, Address: c.Address}
		var ids, named []string
		seen := map[string]bool{}
		for i, doc := range docs {
			for _, p := range pinnedIDs(doc) {
				f.Evidence = append(f.Evidence, report.Evidence{Path: paths[i] + ": " + p.where, Value: p.id})
				if seen[p.id] {
					continue
				}
				seen[p.id] = true
				ids = append(ids, p.id)
				if known == nil {
					known = principalsByID(in.Plan)
				}
				who, ok := known[p.id]
				if !ok {
					continue
				}
				switch who.kind {
				case plan.KindReplace, plan.KindReplaceCBD, plan.KindForgetReplace:
					f.Severity = report.High
					named = append(named, fmt.Sprintf("%s is %s's, which this plan replaces: after the apply it matches nothing", p.id, who.address))
				case plan.KindDelete:
					f.Severity = report.High
					named = append(named, fmt.Sprintf("%s is %s's, which this plan deletes; recreating it will not bring the id back", p.id, who.address))
				default:
					named = append(named, fmt.Sprintf("%s is %s's", p.id, who.address))
				}
				f.Evidence = append(f.Evidence, report.Evidence{Path: "unique id of", Value: who.address + " (" + string(who.kind) + ")"})
			}
		}
		if len(ids) == 0 {
			continue
		}
		kinds := map[string]bool{}
		for _, id := range ids {
			kinds[uniqueIDKinds[id[:4]]] = true
		}
		var kindWords []string
		for k := range kinds {
			kindWords = append(kindWords, k)
		}
		sort.Strings(kindWords)
		f.Message = fmt.Sprintf("%s pins %s unique id %s in its principals or conditions: it matches only that exact %s, and one deleted and recreated — even with the same name — gets a new id, so this policy stops matching",
			c.Address, strings.Join(kindWords, "/"), strings.Join(ids, ", "), verbKind(kindWords))
		if len(named) > 0 {
			f.Message += " (" + strings.Join(named, "; ") + ")"
		}
		f.Remediation = "Name principals by ARN (Principal { AWS = aws_iam_role.x.arn }) or match aws:PrincipalArn (ArnLike) instead of aws:userid, so a recreated role with the same name matches again; if the unique id is deliberate (to exclude a recreated impostor), reference aws_iam_role.x.unique_id in Terraform so the policy is re-saved with the new id in the same apply. An id in a Principal you never wrote is AWS's rendering of a principal that was deleted: recreate the role and put its ARN back."
		out = append(out, f)
	}
	return out
}

// verbKind is the noun for "that exact …" from the kinds found.
func verbKind(kinds []string) string {
	if len(kinds) == 1 {
		return strings.TrimPrefix(strings.TrimPrefix(kinds[0], "IAM "), "EC2 ")
	}
	return "principal"
}
