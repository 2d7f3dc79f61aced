package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestPolicyPinsRoleUniqueID(t *testing.T) {
	const (
		roleID = "AROAEXAMPLEROLE000001"
		userID = "AIDAEXAMPLEUSER000002"
	)
	policy := func(t *testing.T, statements ...map[string]any) string {
		b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	useridCondition := map[string]any{
		"Sid": "ReplicationOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  "arn:aws:s3:::stg-replica/*",
		"Condition": map[string]any{"StringNotLike": map[string]any{"aws:userid": []any{roleID + ":*", "111111111111"}}},
	}
	byARN := map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:role/stg-replication"},
		"Action": "s3:ReplicateObject", "Resource": "arn:aws:s3:::stg-replica/*",
	}
	bucketPolicy := func(t *testing.T, addr string, statements ...map[string]any) rc {
		return change(addr, "update").
			before(map[string]any{"bucket": "stg-replica", "policy": "{}"}).
			after(map[string]any{"bucket": "stg-replica", "policy": policy(t, statements...)})
	}
	role := func(addr, id string, actions ...string) rc {
		return change(addr, actions...).before(map[string]any{"name": "stg-replication", "unique_id": id, "arn": "arn:aws:iam::111111111111:role/stg-replication"}).
			after(map[string]any{"name": "stg-replication", "assume_role_policy": ""}).
			afterUnknown(map[string]any{"unique_id": true, "arn": true})
	}
	runPlannedCases(t, policyPinsRoleUniqueID{}, []ruleCase{
		{
			name: "bucket policy keyed on aws:userid of a role the plan replaces: high, names policy, id and role",
			doc:  planOf(bucketPolicy(t, "aws_s3_bucket_policy.replica", useridCondition), role("aws_iam_role.replication", roleID, "delete", "create")),
			want: []brief{{"aws_s3_bucket_policy.replica", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "aws_s3_bucket_policy.replica pins IAM role unique id "+roleID, "aws_iam_role.replication", "replaces", "aws:PrincipalArn")
				want := []report.Evidence{
					{Path: `policy: Statement["ReplicationOnly"].Condition.StringNotLike.aws:userid`, Value: roleID},
					{Path: "unique id of", Value: "aws_iam_role.replication (replace)"},
				}
				if diff := cmp.Diff(want, fs[0].Evidence); diff != "" {
					t.Errorf("evidence (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "role id in a principal, role unknown to the plan: medium",
			doc: planOf(change("aws_kms_key.data", "create").after(map[string]any{"policy": policy(t, map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"AWS": []any{roleID, "arn:aws:iam::111111111111:root"}}, "Action": "kms:Decrypt", "Resource": "*"})})),
			want: []brief{{"aws_kms_key.data", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				if v, _ := evidenceValue(fs[0], "policy: Statement[0].Principal.AWS"); v != roleID {
					t.Errorf("evidence = %+v", fs[0].Evidence)
				}
				wantText(t, fs[0], "that exact role", "deleted and recreated")
			},
		},
		{
			name: "role updated in place: medium, but named",
			doc:  planOf(bucketPolicy(t, "aws_s3_bucket_policy.replica", useridCondition), role("aws_iam_role.replication", roleID, "update")),
			want: []brief{{"aws_s3_bucket_policy.replica", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], roleID+" is aws_iam_role.replication's")
			},
		},
		{
			name: "role deleted: high",
			doc:  planOf(bucketPolicy(t, "aws_s3_bucket_policy.replica", useridCondition), change("aws_iam_role.replication", "delete").before(map[string]any{"unique_id": roleID})),
			want: []brief{{"aws_s3_bucket_policy.replica", report.High}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "this plan deletes")
			},
		},
		{
			name: "user id in a trust policy and a role's inline policy",
			doc: planOf(change("aws_iam_role.ci", "create").after(map[string]any{
				"assume_role_policy": policy(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": userID}, "Action": "sts:AssumeRole"}),
				"inline_policy": []any{
					map[string]any{"name": "a", "policy": policy(t, byARN)},
					map[string]any{"name": "b", "policy": policy(t, useridCondition)},
				},
			})),
			want: []brief{{"aws_iam_role.ci", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "IAM role/IAM user unique id "+userID+", "+roleID)
				if _, ok := evidenceValue(fs[0], `inline_policy[1].policy: Statement["ReplicationOnly"].Condition.StringNotLike.aws:userid`); !ok {
					t.Errorf("evidence = %+v", fs[0].Evidence)
				}
			},
		},
		{
			name: "single statement object, NotPrincipal",
			doc:  planOf(change("aws_sqs_queue_policy.q", "create").after(map[string]any{"policy": `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"` + roleID + `"},"Action":"sqs:*","Resource":"*"}}`})),
			want: []brief{{"aws_sqs_queue_policy.q", report.Medium}},
		},
		{
			// Terraform writes letters unescaped, but JSON allows \u escapes: the cheap
			// test before decoding must not skip an id spelled with one.
			name: "unique id spelled with a \\u escape",
			doc:  planOf(change("aws_sqs_queue_policy.esc", "create").after(map[string]any{"policy": `{"Statement":{"Principal":{"AWS":"\u0041ROAEXAMPLEROLE000001"}}}`})),
			want: []brief{{"aws_sqs_queue_policy.esc", report.Medium}},
		},
		{name: "principals by ARN only", doc: planOf(bucketPolicy(t, "aws_s3_bucket_policy.ok", byARN))},
		{
			name: "an id-like string outside principals and conditions is ignored",
			doc: planOf(change("aws_iam_policy.p", "create").after(map[string]any{"policy": policy(t, map[string]any{
				"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/" + roleID})})),
		},
		{name: "malformed policy JSON", doc: planOf(change("aws_s3_bucket_policy.bad", "create").after(map[string]any{"policy": `{"Statement":[{"Principal":{"AWS":"` + roleID}))},
		{name: "policy that is not an object", doc: planOf(change("aws_s3_bucket_policy.arr", "create").after(map[string]any{"policy": `["` + roleID + `"]`}))},
		{name: "Statement of the wrong shape", doc: planOf(change("aws_s3_bucket_policy.odd", "create").after(map[string]any{"policy": `{"Statement":"` + roleID + `"}`}))},
		{
			name: "policy known only after apply",
			doc:  planOf(change("aws_s3_bucket_policy.later", "create").after(map[string]any{"bucket": "b"}).afterUnknown(map[string]any{"policy": true})),
		},
		{
			name: "sensitive policy is not read",
			doc: planOf(change("aws_s3_bucket_policy.s", "create").after(map[string]any{"policy": policy(t, useridCondition) + canary}).
				afterSensitive(map[string]any{"policy": true})),
		},
		{name: "deleted policy", doc: planOf(change("aws_s3_bucket_policy.gone", "delete").before(map[string]any{"policy": policy(t, useridCondition)}))},
		{name: "types without policies", doc: planOf(change("aws_instance.web", "create").after(map[string]any{"user_data": roleID}))},
	})
}

func TestPinnedIDs(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`{"Statement":[{"Condition":{"StringLike":{"aws:userid":"AROAEXAMPLEROLE000001:*"}}}]}`, []string{"AROAEXAMPLEROLE000001"}},
		{`{"Statement":[{"Condition":{"StringEquals":{"aws:PrincipalId":["AIDAEXAMPLEUSER000002"]}}}]}`, []string{"AIDAEXAMPLEUSER000002"}},
		{`{"Statement":[{"Principal":{"AWS":"AIPAEXAMPLEPROFILE003"}}]}`, []string{"AIPAEXAMPLEPROFILE003"}},
		{`{"Statement":[{"Principal":{"AWS":"AKIAEXAMPLEKEY000004"}}]}`, nil},
		{`{"Statement":[{"Principal":{"AWS":"arn:aws:iam::111111111111:role/AROAEXAMPLEROLE000001"}}]}`, nil},
		{`{"Statement":[{"Principal":{"AWS":"AROA"}}]}`, nil},
		{`not json`, nil},
		{``, nil},
	} {
		var got []string
		for _, p := range pinnedIDs(tc.doc) {
			got = append(got, p.id)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("pinnedIDs(%s) (-want +got):\n%s", strings.TrimSpace(tc.doc), diff)
		}
	}
}

func TestMayHoldUniqueID(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{`"{\"Principal\":{\"AWS\":\"AROAEXAMPLEROLE000001\"}}"`, true},
		{`"AIDAX"`, true},
		{`"AIPA"`, true},
		{`"\\u0041ROA"`, true},
		{`"{\"Principal\":{\"AWS\":\"arn:aws:iam::1:role/x\"}}"`, false},
		{`"AROx AIDx AKIAEXAMPLE"`, false},
		{`"ARO"`, false},
		{``, false},
	} {
		if got := mayHoldUniqueID([]byte(tc.raw)); got != tc.want {
			t.Errorf("mayHoldUniqueID(%s) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}
