package creds

import (
	"fmt"
	"sort"
	"strings"
)

// Severity ranks a finding.
type Severity string

// Severities.
const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Finding is one thing an operator should know, from one rule with a stable id
// (documented in docs/creds-findings.md).
type Finding struct {
	// Rule is the stable rule id.
	Rule string
	// Severity ranks the finding.
	Severity Severity
	// Context is the context it concerns ("" for findings across contexts).
	Context string
	// Source is the source it concerns, if one.
	Source SourceID
	// Message says what was found and what to do.
	Message string
}

// Finding rule ids.
const (
	RuleCredentialsFileShadowsInstanceRole  = "credentials_file_shadows_instance_role"
	RuleCredentialsFileShadowsContainerRole = "credentials_file_shadows_container_role"
	RuleEnvKeysShadowProfile                = "env_keys_shadow_profile"
	RuleExpiredCredentials                  = "expired_credentials"
	RuleWinnerBroken                        = "winner_broken"
	RuleNoCredentials                       = "no_credentials"
	RuleSDKLoadError                        = "sdk_load_error"
	RuleContextsDisagree                    = "contexts_disagree"
	RuleAWSCLIResolvesDifferently           = "aws_cli_resolves_differently"
	RuleSDKDisagrees                        = "sdk_disagrees"
	RuleSharedFileIgnoredLines              = "shared_file_ignored_lines"
	RuleSharedFileUnreadable                = "shared_file_unreadable"
	RuleIMDSTokenTimeout                    = "imds_token_timeout"
	RuleIMDSV1Fallback                      = "imds_v1_fallback"
	RuleIMDSV1Disabled                      = "imds_v1_disabled"
	RuleProfileVariablesDisagree            = "profile_variables_disagree"
	RuleVerifyFailed                        = "verify_failed"
)

// Rules lists every finding rule id, for docs and tests.
func Rules() []string {
	return []string{
		RuleCredentialsFileShadowsInstanceRole, RuleCredentialsFileShadowsContainerRole,
		RuleEnvKeysShadowProfile, RuleExpiredCredentials, RuleWinnerBroken, RuleNoCredentials,
		RuleSDKLoadError, RuleContextsDisagree, RuleAWSCLIResolvesDifferently, RuleSDKDisagrees,
		RuleSharedFileIgnoredLines, RuleSharedFileUnreadable, RuleIMDSTokenTimeout,
		RuleIMDSV1Fallback, RuleIMDSV1Disabled, RuleProfileVariablesDisagree, RuleVerifyFailed,
	}
}

func findings(rep *Report) []Finding {
	var out []Finding
	for i := range rep.Contexts {
		out = append(out, contextFindings(&rep.Contexts[i])...)
	}
	out = append(out, crossContextFindings(rep)...)
	rank := map[Severity]int{SeverityError: 0, SeverityWarning: 1, SeverityInfo: 2}
	sort.SliceStable(out, func(a, b int) bool { return rank[out[a].Severity] < rank[out[b].Severity] })
	return out
}

func contextFindings(r *ContextReport) []Finding {
	var out []Finding
	add := func(rule string, sev Severity, src SourceID, format string, args ...any) {
		out = append(out, Finding{Rule: rule, Severity: sev, Context: r.Context.Name, Source: src,
			Message: fmt.Sprintf(format, args...)})
	}
	name := r.Context.Name
	env := r.Context.Env
	if p, d := env["AWS_PROFILE"], env["AWS_DEFAULT_PROFILE"]; p != "" && d != "" && p != d {
		add(RuleProfileVariablesDisagree, SeverityWarning, "",
			"%s: AWS_PROFILE=%s and AWS_DEFAULT_PROFILE=%s: the Go SDK and AWS CLI v2 use %s, while AWS CLI v1 and boto3 use %s; set only one",
			name, p, d, p, d)
	}
	if r.LoadError != "" {
		add(RuleSDKLoadError, SeverityError, "", "%s: the AWS SDK cannot load its configuration, so every AWS call fails: %s", name, r.LoadError)
	}
	win := r.Source(r.Winner)
	imds := r.Source(SourceIMDS)
	cont := r.Source(SourceContainer)
	if win != nil {
		switch {
		case (r.Winner == SourceSharedCredentialsFile || r.Winner == SourceSharedConfigFile) && imds.offers():
			add(RuleCredentialsFileShadowsInstanceRole, SeverityWarning, r.Winner,
				"%s: static keys %s at %s win over the instance role %s from IMDS; the SDK never falls back, so if these keys are stale every call fails (InvalidAccessKeyId / InvalidClientTokenId). Remove them, or pin the role: hiyari creds exec --source imds -- CMD",
				name, win.KeyID, win.Location, imds.IMDS.Role)
		case (r.Winner == SourceSharedCredentialsFile || r.Winner == SourceSharedConfigFile) && cont.offers():
			add(RuleCredentialsFileShadowsContainerRole, SeverityWarning, r.Winner,
				"%s: static keys %s at %s win over the container's role credentials (%s); remove them, or pin the role: hiyari creds exec --source container -- CMD",
				name, win.KeyID, win.Location, cont.Location)
		}
		if r.Winner == SourceEnv {
			var lost []string
			for _, s := range r.Sources {
				if s.Shadowed && s.ID != SourceContainer && s.ID != SourceIMDS && s.ID != SourceWebIdentity {
					lost = append(lost, string(s.ID))
				}
			}
			if len(lost) > 0 || r.ProfileFrom != "default" {
				what := "profile " + r.Profile
				if len(lost) > 0 {
					what += " (" + strings.Join(lost, ", ") + ")"
				}
				add(RuleEnvKeysShadowProfile, SeverityWarning, SourceEnv,
					"%s: keys in %s win over %s; %s is ignored while they are set. Unset them to use the profile",
					name, win.Location, what, r.ProfileFrom)
			}
		}
		switch win.State {
		case StateExpired:
			add(RuleExpiredCredentials, SeverityError, r.Winner, "%s: the winning source %s holds expired credentials: %s", name, r.Winner, win.Error)
		case StateError:
			add(RuleWinnerBroken, SeverityError, r.Winner, "%s: the winning source %s is broken, so every call fails: %s", name, r.Winner, win.Error)
		case StateAbsent:
			msg := win.Detail
			if msg == "" {
				msg = "nothing configured"
			}
			add(RuleNoCredentials, SeverityError, r.Winner, "%s: no source offers credentials; the SDK ends at %s: %s", name, r.Winner, msg)
		}
	}
	for _, s := range r.Sources {
		if s.ID != r.Winner && s.State == StateExpired {
			add(RuleExpiredCredentials, SeverityInfo, s.ID, "%s: %s holds expired credentials (not the winner): %s", name, s.ID, s.Error)
		}
		if (s.ID == SourceSharedCredentialsFile || s.ID == SourceSharedConfigFile) && s.State == StateError && strings.Contains(s.Error, "silently") {
			add(RuleSharedFileUnreadable, SeverityWarning, s.ID, "%s: %s", name, s.Error)
		}
		if s.Verify.Unchecked() {
			add(RuleVerifyFailed, SeverityWarning, s.ID, "%s: %s %s could not be checked with sts:GetCallerIdentity: %s", name, s.ID, s.KeyID, describeVerify(s.Verify))
		} else if s.Verify != nil && !s.Verify.OK() {
			add(RuleVerifyFailed, verifySeverity(s.ID == r.Winner), s.ID, "%s: %s %s rejected by sts:GetCallerIdentity: %s", name, s.ID, s.KeyID, describeVerify(s.Verify))
		}
	}
	if r.WinnerVerify.Unchecked() && (win == nil || win.Verify == nil) {
		add(RuleVerifyFailed, SeverityWarning, r.Winner, "%s: the SDK's chain (%s) could not be checked with sts:GetCallerIdentity: %s", name, r.Winner, describeVerify(r.WinnerVerify))
	} else if r.WinnerVerify != nil && !r.WinnerVerify.OK() && (win == nil || win.Verify == nil) {
		add(RuleVerifyFailed, SeverityError, r.Winner, "%s: the SDK's chain (%s) failed sts:GetCallerIdentity: %s", name, r.Winner, describeVerify(r.WinnerVerify))
	} else if r.WinnerVerify != nil && !r.WinnerVerify.OK() && !r.WinnerVerify.Unchecked() && win != nil && win.Verify.OK() {
		// hiyari got and verified the winner's credentials, the real SDK did not: what
		// differs (a slow IMDS, a stricter client) is what breaks the user's programs.
		add(RuleVerifyFailed, SeverityError, r.Winner, "%s: the SDK's chain (%s) failed sts:GetCallerIdentity although hiyari fetched and verified %s: %s", name, r.Winner, win.KeyID, describeVerify(r.WinnerVerify))
	}
	if p := imds.IMDS; p != nil {
		relevant := r.Winner == SourceIMDS
		switch p.Status {
		case IMDSTokenTimeout:
			add(RuleIMDSTokenTimeout, sevIf(relevant), SourceIMDS, "%s: %s", name, p.Hint)
		case IMDSV1Fallback:
			add(RuleIMDSV1Fallback, SeverityWarning, SourceIMDS, "%s: %s", name, p.Hint)
		case IMDSV1Disabled:
			add(RuleIMDSV1Disabled, sevIf(relevant), SourceIMDS, "%s: %s", name, p.Hint)
		}
	}
	if len(r.FileIssues) > 0 {
		for _, is := range r.FileIssues {
			add(RuleSharedFileIgnoredLines, SeverityWarning, "", "%s: %s:%d: %s", name, is.File, is.Line, is.Message)
		}
	}
	if r.CLINote != "" {
		add(RuleAWSCLIResolvesDifferently, SeverityWarning, r.CLIWinner, "%s: %s", name, r.CLINote)
	}
	if r.SDK != nil && r.SDK.Winner != r.Winner && !(r.SDK.Error != "" && r.LoadError != "") {
		sdk := string(r.SDK.Winner)
		if r.SDK.Error != "" {
			sdk = "a load error (" + r.SDK.Error + ")"
		}
		model := string(r.Winner)
		if model == "" {
			model = "a load error"
		}
		add(RuleSDKDisagrees, SeverityError, "", "%s: hiyari's model picks %s but the AWS SDK for Go v2 picks %s; trust the SDK and report this to hiyari", name, model, sdk)
	}
	return out
}

func sevIf(winnerConcerned bool) Severity {
	if winnerConcerned {
		return SeverityError
	}
	return SeverityWarning
}

func verifySeverity(winner bool) Severity {
	if winner {
		return SeverityError
	}
	return SeverityWarning
}

func describeVerify(v *Verification) string {
	if v.ErrorCode != "" {
		if v.Meaning != "" {
			return v.ErrorCode + " (" + v.Meaning + ")"
		}
		return v.ErrorCode
	}
	return v.Error
}

func crossContextFindings(rep *Report) []Finding {
	if len(rep.Contexts) < 2 {
		return nil
	}
	winners := map[SourceID][]string{}
	var order []SourceID
	for _, c := range rep.Contexts {
		if _, ok := winners[c.Winner]; !ok {
			order = append(order, c.Winner)
		}
		winners[c.Winner] = append(winners[c.Winner], c.Context.Name)
	}
	if len(winners) < 2 {
		return nil
	}
	var parts []string
	for _, w := range order {
		label := string(w)
		if w == "" {
			label = "no source (load error)"
		}
		parts = append(parts, strings.Join(winners[w], ", ")+" → "+label)
	}
	why := whyDiffer(rep)
	return []Finding{{Rule: RuleContextsDisagree, Severity: SeverityWarning,
		Message: "the same command gets different credentials depending on how it runs: " + strings.Join(parts, "; ") + why}}
}

// whyDiffer names the difference between the first two contexts with different winners.
func whyDiffer(rep *Report) string {
	a := rep.Contexts[0]
	for _, b := range rep.Contexts[1:] {
		if b.Winner == a.Winner {
			continue
		}
		var why []string
		if a.Context.Home != b.Context.Home {
			why = append(why, fmt.Sprintf("%s reads %s (home %s, from %s) while %s reads %s (home %s, from %s)",
				a.Context.Name, a.CredentialsFile, a.Context.Home, a.Context.HomeFrom,
				b.Context.Name, b.CredentialsFile, b.Context.Home, b.Context.HomeFrom))
		}
		if a.Profile != b.Profile {
			why = append(why, fmt.Sprintf("profile %s vs %s", a.Profile, b.Profile))
		}
		if len(why) == 0 {
			return ""
		}
		return ". Why: " + strings.Join(why, "; ")
	}
	return ""
}
