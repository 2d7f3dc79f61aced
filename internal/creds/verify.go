package creds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Verification is the result of sts:GetCallerIdentity, which needs no permission: it
// fails only when the credentials themselves are bad.
type Verification struct {
	// Account and ARN identify the caller when the call succeeded.
	Account string `json:"account,omitempty"`
	ARN     string `json:"arn,omitempty"`
	// ErrorCode is STS's error code (InvalidClientTokenId, SignatureDoesNotMatch, …).
	ErrorCode string `json:"error_code,omitempty"`
	// Meaning says what the error code means for these credentials.
	Meaning string `json:"meaning,omitempty"`
	// Error is the error when there is no code (network, timeout).
	Error string `json:"error,omitempty"`
}

// OK reports whether the credentials were accepted.
func (v *Verification) OK() bool { return v != nil && v.ARN != "" }

// ErrorMeaning explains an STS/IAM authentication error code.
func ErrorMeaning(code string) string {
	switch code {
	case "InvalidClientTokenId", "InvalidAccessKeyId":
		return "the access key id does not exist: deleted, deactivated, never valid, or a temporary key used without its session token (S3 calls this InvalidAccessKeyId)"
	case "SignatureDoesNotMatch":
		return "the key id exists but the secret access key does not belong to it"
	case "ExpiredToken", "ExpiredTokenException":
		return "the temporary credentials (session token) have expired: fetch new ones"
	case "RequestExpired":
		return "the request timestamp is too far from AWS's clock: fix the host clock (chrony)"
	case "IncompleteSignature":
		return "the request was not signed completely: a malformed key or a broken proxy"
	case "AccessDenied":
		return "the credentials are valid but an explicit deny (SCP or permissions boundary) blocks sts:GetCallerIdentity"
	case "InvalidToken":
		return "the session token is malformed or belongs to other credentials"
	case "UnrecognizedClientException":
		return "the key id or session token is not recognised"
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return "STS throttled the call (rate exceeded), so the credentials were not checked: try again in a minute, or verify fewer sources at once"
	case "InternalFailure", "InternalError", "ServiceUnavailable", "ServiceFailure":
		return "STS failed on its side, so the credentials were not checked: try again, and see the AWS Health Dashboard for STS in this region"
	}
	return ""
}

// Unchecked reports whether verification failed before STS judged the credentials
// (throttling, an STS-side error, no answer): the failure says nothing about them.
func (v *Verification) Unchecked() bool {
	if v == nil || v.OK() {
		return false
	}
	if v.ErrorCode == "" {
		// No STS error code: STS kept silent, or the credentials could not even be
		// had (the SDK's chain failed to fetch them), which is a verdict.
		return strings.HasPrefix(v.Error, stsSilent)
	}
	switch v.ErrorCode {
	case "UnknownError", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
		"InternalFailure", "InternalError", "ServiceUnavailable", "ServiceFailure":
		return true
	}
	return false
}

// stsSilent starts the error of a verification STS never answered.
const stsSilent = "STS did not answer"

// verifyTimeout bounds one sts:GetCallerIdentity call, retries included.
const verifyTimeout = 8 * time.Second

// stsEndpoint returns the STS endpoint override in env, if any.
func stsEndpoint(env map[string]string) string {
	if e := env["AWS_ENDPOINT_URL_STS"]; e != "" {
		return e
	}
	return env["AWS_ENDPOINT_URL"]
}

// VerifySecret calls sts:GetCallerIdentity with sec, honouring AWS_ENDPOINT_URL_STS and
// AWS_ENDPOINT_URL from env.
func VerifySecret(ctx context.Context, sec *Secret, env map[string]string, region string) *Verification {
	if region == "" {
		region = "us-east-1"
	}
	cfg := aws.Config{
		Region: region,
		Credentials: credentials.NewStaticCredentialsProvider(
			sec.AccessKeyID, sec.SecretAccessKey, sec.SessionToken),
		Retryer: func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 2) },
	}
	if e := stsEndpoint(env); e != "" {
		cfg.BaseEndpoint = aws.String(e)
	}
	return callerIdentity(ctx, cfg)
}

func callerIdentity(ctx context.Context, cfg aws.Config) *Verification {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) {
			v := &Verification{ErrorCode: api.ErrorCode(), Meaning: ErrorMeaning(api.ErrorCode())}
			var re *awshttp.ResponseError
			if v.Meaning == "" && errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
				v.Meaning = fmt.Sprintf("STS answered HTTP %d without an STS error (a proxy or load balancer in the way?), so the credentials were not checked: try again", re.HTTPStatusCode())
			}
			return v
		}
		// Only this call's own deadline means STS kept silent: a deadline inside the
		// error can be the SDK's IMDS client giving up while fetching credentials.
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
			return &Verification{Error: fmt.Sprintf("%s within %s, so the credentials were not checked: check the network path to STS (proxy, VPC endpoint, AWS_ENDPOINT_URL_STS)", stsSilent, verifyTimeout)}
		}
		return &Verification{Error: redactErr(err)}
	}
	return &Verification{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
}

// redactErr shortens an SDK error to its cause; SDK errors carry no secrets, but a
// shorter message keeps the report readable.
func redactErr(err error) string {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		return fmt.Sprintf("%s %s: %v", oe.ServiceID, oe.OperationName, errors.Unwrap(oe))
	}
	return err.Error()
}

// verifySources verifies every source hiyari holds credentials for, all at once, so a
// slow or unreachable STS costs one verification's bound, not one per source.
func verifySources(ctx context.Context, r *ContextReport) {
	var wg sync.WaitGroup
	for i := range r.Sources {
		s := &r.Sources[i]
		if s.secret == nil || s.State == StateAbsent {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Verify = VerifySecret(ctx, s.secret, r.Context.Env, r.Region)
		}()
	}
	wg.Wait()
}
