package creds

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
)

func TestVerifySecret(t *testing.T) {
	sts := credstest.StartSTS(t, map[string]credstest.Identity{
		"AKIAVALIDUSERKEY0001": {SecretAccessKey: "right", Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"},
		"ASIAEXPIREDSESSION01": {SecretAccessKey: "s", SessionToken: "tok", Account: "111122223333", ARN: "arn:aws:sts::111122223333:assumed-role/r/x", Expired: true},
	})
	tests := []struct {
		name string
		sec  Secret
		env  map[string]string
		want Verification
	}{
		{name: "valid", sec: Secret{AccessKeyID: "AKIAVALIDUSERKEY0001", SecretAccessKey: "right"}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL},
			want: Verification{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}},
		{name: "general endpoint variable", sec: Secret{AccessKeyID: "AKIAVALIDUSERKEY0001", SecretAccessKey: "right"}, env: map[string]string{"AWS_ENDPOINT_URL": sts.URL},
			want: Verification{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}},
		{name: "unknown key", sec: Secret{AccessKeyID: "AKIADELETEDKEY000001", SecretAccessKey: "x"}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL},
			want: Verification{ErrorCode: "InvalidClientTokenId", Meaning: ErrorMeaning("InvalidClientTokenId")}},
		{name: "wrong secret", sec: Secret{AccessKeyID: "AKIAVALIDUSERKEY0001", SecretAccessKey: "wrong"}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL},
			want: Verification{ErrorCode: "SignatureDoesNotMatch", Meaning: ErrorMeaning("SignatureDoesNotMatch")}},
		{name: "expired session", sec: Secret{AccessKeyID: "ASIAEXPIREDSESSION01", SecretAccessKey: "s", SessionToken: "tok"}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL},
			want: Verification{ErrorCode: "ExpiredToken", Meaning: ErrorMeaning("ExpiredToken")}},
		{name: "temporary key without its token", sec: Secret{AccessKeyID: "ASIAEXPIREDSESSION01", SecretAccessKey: "s"}, env: map[string]string{"AWS_ENDPOINT_URL_STS": sts.URL},
			want: Verification{ErrorCode: "InvalidClientTokenId", Meaning: ErrorMeaning("InvalidClientTokenId")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := VerifySecret(context.Background(), &tt.sec, tt.env, "")
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
