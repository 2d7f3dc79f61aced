package creds

import "fmt"

// cliWinner predicts the source the AWS CLI v2 (its bundled botocore) would use in the
// same context, and explains a difference from the Go SDK. botocore walks a real chain:
// env, assume-role, web identity, SSO, the credentials file, credential_process, the
// config file, the container endpoint, IMDS — each provider either returns credentials
// or passes.
func cliWinner(r *ContextReport) (SourceID, string) {
	v := r.view
	env := r.Context.Env
	if len(r.FileIssues) > 0 {
		is := r.FileIssues[0]
		return "", fmt.Sprintf("the AWS CLI refuses to parse %s:%d (%s), while the Go SDK ignores the line", is.File, is.Line, is.Message)
	}
	if r.ProfileFrom != "default" && !v.exists() {
		return "", fmt.Sprintf("the AWS CLI stops with ProfileNotFound: profile %q (from %s) does not exist", r.Profile, r.ProfileFrom)
	}
	id, sec := env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
	switch {
	case id != "" && sec != "":
		return SourceEnv, note(r, SourceEnv, "")
	case id != "" || sec != "":
		return "", "the AWS CLI stops with PartialCredentialsError: only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set"
	}
	_, hasARN := v.get("role_arn")
	_, hasSrc := v.get("source_profile")
	_, hasCS := v.get("credential_source")
	if hasARN && (hasSrc || hasCS) {
		return SourceAssumeRole, note(r, SourceAssumeRole, "botocore tries the profile's role before any web identity token in the environment")
	}
	_, hasWeb := v.get("web_identity_token_file")
	if hasARN && !hasWeb {
		return "", note(r, "", "the AWS CLI stops with \"Partial credentials found in assume-role, missing: source_profile or credential_source\"")
	}
	if hasWeb && hasARN {
		return SourceProfileWebIdentity, note(r, SourceProfileWebIdentity, "botocore tries web identity before the profile's static keys")
	}
	if env["AWS_WEB_IDENTITY_TOKEN_FILE"] != "" && env["AWS_ROLE_ARN"] != "" {
		return SourceWebIdentity, note(r, SourceWebIdentity, "")
	}
	_, sess := v.get("sso_session")
	_, start := v.get("sso_start_url")
	if sess || start {
		return SourceSSO, note(r, SourceSSO, "botocore tries SSO before the profile's static keys")
	}
	if v.credKeys != nil {
		if v.credKeys.partial != "" {
			return "", "the AWS CLI stops with PartialCredentialsError: " + v.credKeys.partial
		}
		if v.credKeys.complete() {
			return SourceSharedCredentialsFile, note(r, SourceSharedCredentialsFile, "")
		}
	}
	if _, ok := v.get("credential_process"); ok {
		return SourceCredentialProcess, note(r, SourceCredentialProcess, "botocore runs credential_process before reading static keys from the config file")
	}
	if v.cfgKeys.complete() {
		return SourceSharedConfigFile, note(r, SourceSharedConfigFile, "")
	}
	if env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != "" || env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != "" {
		return SourceContainer, note(r, SourceContainer, "")
	}
	if s := r.Source(SourceIMDS); s != nil && (s.State == StateUsable || s.State == StateExpired) {
		return SourceIMDS, note(r, SourceIMDS, "")
	}
	if r.Winner == SourceIMDS || r.Winner == "" {
		return "", "" // both end without credentials: no difference worth reporting
	}
	return "", "the AWS CLI finds no credentials (Unable to locate credentials)"
}

func note(r *ContextReport, cli SourceID, why string) string {
	if cli == r.Winner {
		return ""
	}
	if cli == "" {
		return why + ", while the Go SDK uses " + string(r.Winner)
	}
	if r.Winner == "" {
		return fmt.Sprintf("the AWS CLI would use %s, while the Go SDK fails to load: %s", cli, r.LoadError)
	}
	msg := fmt.Sprintf("the AWS CLI would use %s where the Go SDK uses %s", cli, r.Winner)
	if why != "" {
		msg += ": " + why
	}
	return msg
}
