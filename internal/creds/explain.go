package creds

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Options tune Explain.
type Options struct {
	// IMDSBudget bounds the whole IMDS probe (token, role list, credentials) and each
	// container endpoint probe. Zero means DefaultIMDSBudget.
	IMDSBudget time.Duration
	// Now is the clock used for expiry; nil means time.Now.
	Now func() time.Time
	// SDK, when set, cross-checks each context's winner with the real SDK chain.
	SDK SDKResolver
	// Verify calls sts:GetCallerIdentity for every source hiyari holds credentials
	// for, and through the SDK for the winner.
	Verify bool
}

// DefaultIMDSBudget keeps explain under two seconds even when IMDS is black-holed.
const DefaultIMDSBudget = 1500 * time.Millisecond

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) budget() time.Duration {
	if o.IMDSBudget > 0 {
		return o.IMDSBudget
	}
	return DefaultIMDSBudget
}

// ContextReport is the explanation of one context.
type ContextReport struct {
	// Context is the context explained.
	Context Context
	// Profile is the selected profile and ProfileFrom the variable that chose it.
	Profile, ProfileFrom string
	// Region is the region a process would use, and RegionFrom where it came from.
	Region, RegionFrom string
	// ConfigFile and CredentialsFile are the shared file paths the SDK reads.
	ConfigFile, CredentialsFile string
	// Sources are every source the chain considers, in the chain's order.
	Sources []Source
	// Winner is the source the AWS SDK for Go v2 picks ("" when it fails to load).
	Winner SourceID
	// LoadError is set when the SDK cannot even load its configuration: every AWS
	// call in this context fails with it.
	LoadError string
	// CLIWinner is the source the AWS CLI v2 (botocore) would use, and CLINote why it
	// differs, if it does.
	CLIWinner SourceID
	CLINote   string
	// SDK is the real SDK's answer, when cross-checked.
	SDK *SDKResult
	// FileIssues are lines of the shared files the SDK ignores.
	FileIssues []FileIssue
	// WinnerVerify is the SDK's own GetCallerIdentity with the winning chain.
	WinnerVerify *Verification

	view *profileView
}

// FileIssue is a line of a shared file the SDK ignores.
type FileIssue struct {
	// File and Line locate the line.
	File string
	Line int
	// Message says what is wrong.
	Message string
}

// Source returns the context's source with id, or nil.
func (r *ContextReport) Source(id SourceID) *Source {
	for i := range r.Sources {
		if r.Sources[i].ID == id {
			return &r.Sources[i]
		}
	}
	return nil
}

// Explain inspects every credential source in each context. It never fails as a whole:
// what cannot be read becomes the state of the source concerned.
func Explain(ctx context.Context, contexts []Context, o Options) *Report {
	probes := &imdsCache{m: map[string]*imdsOnce{}}
	reports := make([]ContextReport, len(contexts))
	var wg sync.WaitGroup
	for i, c := range contexts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reports[i] = explainContext(ctx, c, o, probes)
		}()
	}
	wg.Wait()
	rep := &Report{Contexts: reports}
	rep.Findings = findings(rep)
	return rep
}

type imdsOnce struct {
	once  sync.Once
	probe *IMDSProbe
}

type imdsCache struct {
	mu sync.Mutex
	m  map[string]*imdsOnce
}

func (c *imdsCache) get(ctx context.Context, env map[string]string, o Options) *IMDSProbe {
	key := imdsSettingsFrom(env).key()
	c.mu.Lock()
	e, ok := c.m[key]
	if !ok {
		e = &imdsOnce{}
		c.m[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.probe = ProbeIMDS(ctx, env, o.budget(), o.now()) })
	cp := *e.probe
	return &cp
}

func explainContext(ctx context.Context, c Context, o Options, probes *imdsCache) ContextReport {
	env := c.Env
	r := ContextReport{Context: c}
	cfgPath, cfgFrom, credPath, credFrom := sharedFilePaths(env, c.Home)
	r.ConfigFile, r.CredentialsFile = cfgPath, credPath
	cfg := loadSharedFile(cfgPath, cfgFrom)
	cred := loadSharedFile(credPath, credFrom)
	for _, f := range []sharedFile{cred, cfg} {
		if f.file != nil {
			for _, is := range f.file.Issues {
				r.FileIssues = append(r.FileIssues, FileIssue{File: f.path, Line: is.Line, Message: is.Message})
			}
		}
	}

	r.Profile, r.ProfileFrom = "default", "default"
	if p := env["AWS_DEFAULT_PROFILE"]; p != "" {
		r.Profile, r.ProfileFrom = p, "AWS_DEFAULT_PROFILE"
	}
	if p := env["AWS_PROFILE"]; p != "" {
		r.Profile, r.ProfileFrom = p, "AWS_PROFILE"
	}
	view := viewProfile(cfg, cred, r.Profile)
	r.view = view
	r.Region, r.RegionFrom = regionOf(env, view)

	now := o.now()
	env1 := envKeysSource(env)
	webID := envWebIdentitySource(env)
	role := assumeRoleSource(view, cfg, cred)
	credSrc := staticSource(SourceSharedCredentialsFile, view.credKeys, cred, view.inCredentials, r.Profile)
	cfgSrc := staticSource(SourceSharedConfigFile, view.cfgKeys, cfg, view.inConfig, r.Profile)
	pweb := profileWebIdentitySource(view)
	sso := ssoSource(view, cfg, c.Home, now)
	login := loginSource(view)
	proc := processSource(view)
	cont := containerSource(ctx, env, o, now)
	imds := imdsSource(probes.get(ctx, env, o))

	// Chain order: a source_profile role is resolved before the profile's own keys.
	order := []*Source{&env1, &webID}
	if _, ok := view.get("source_profile"); ok {
		order = append(order, &role, &credSrc, &cfgSrc)
	} else {
		order = append(order, &credSrc, &cfgSrc, &role)
	}
	order = append(order, &pweb, &sso, &login, &proc, &cont, &imds)
	for _, s := range order {
		r.Sources = append(r.Sources, *s)
	}

	r.LoadError = loadError(env, view, cfg, cred, r.Profile, r.ProfileFrom)
	if r.LoadError == "" {
		r.Winner = goWinner(env, view)
	}
	markShadowed(&r)
	r.CLIWinner, r.CLINote = cliWinner(&r)

	if o.SDK != nil {
		if why := sdkUnsafeFile(credPath, cfgPath); why != "" {
			// The SDK reads shared files whole: /dev/zero or a pipe would take it (and
			// the machine's memory) down. hiyari's own bounded read already reported it.
			r.SDK = &SDKResult{Error: "not cross-checked with the SDK: " + why}
		} else {
			r.SDK = o.SDK.Resolve(ctx, sdkEnv(c), SDKRequest{Verify: o.Verify})
		}
		if r.SDK != nil {
			r.SDK.Winner = sdkWinner(r.SDK, credPath, cfgPath)
			r.WinnerVerify = r.SDK.Verify
		}
	}
	if o.Verify {
		verifySources(ctx, &r)
	}
	return r
}

// sdkEnv is the environment the SDK child gets for a context: exactly the context's,
// plus HOME when the context's home comes from a password database entry the child
// would not find on its own.
func sdkEnv(c Context) map[string]string {
	env := copyEnv(c.Env)
	if _, ok := env["HOME"]; !ok && c.ImpersonatedHome {
		env["HOME"] = c.Home
	}
	return env
}

func regionOf(env map[string]string, v *profileView) (string, string) {
	if r := env["AWS_REGION"]; r != "" {
		return r, "AWS_REGION"
	}
	if r := env["AWS_DEFAULT_REGION"]; r != "" {
		return r, "AWS_DEFAULT_REGION"
	}
	if l, ok := v.get("region"); ok {
		return l.value, l.where()
	}
	return "", ""
}

func envKeysSource(env map[string]string) Source {
	s := Source{ID: SourceEnv, State: StateAbsent}
	idVar, id := firstSet(env, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")
	secVar, sec := firstSet(env, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")
	switch {
	case id == "" && sec == "":
		return s
	case id == "":
		s.State, s.Location = StateError, secVar
		s.Error = secVar + " is set without AWS_ACCESS_KEY_ID; the SDK ignores the pair and moves on"
		return s
	case sec == "":
		s.State, s.Location = StateError, idVar
		s.Error = idVar + " is set without AWS_SECRET_ACCESS_KEY; the SDK ignores the pair and moves on"
		return s
	}
	vars := []string{idVar, secVar}
	tok := env["AWS_SESSION_TOKEN"]
	if tok != "" {
		vars = append(vars, "AWS_SESSION_TOKEN")
	}
	s.Location = strings.Join(vars, ", ")
	s.State = StateUsable
	s.setKey(&Secret{AccessKeyID: id, SecretAccessKey: sec, SessionToken: tok})
	if s.KeyType == KeyTemporary && tok == "" {
		s.State = StateError
		s.Error = "temporary key (ASIA…) without AWS_SESSION_TOKEN: every call fails with InvalidClientTokenId"
	}
	return s
}

func firstSet(env map[string]string, keys ...string) (string, string) {
	for _, k := range keys {
		if v := env[k]; v != "" {
			return k, v
		}
	}
	return keys[0], ""
}

func envWebIdentitySource(env map[string]string) Source {
	s := Source{ID: SourceWebIdentity, State: StateAbsent}
	f := env["AWS_WEB_IDENTITY_TOKEN_FILE"]
	if f == "" {
		return s
	}
	s.Location = "AWS_WEB_IDENTITY_TOKEN_FILE=" + f
	return tokenFileState(s, f, env["AWS_ROLE_ARN"], "AWS_ROLE_ARN")
}

func tokenFileState(s Source, file, roleARN, roleVar string) Source {
	if roleARN == "" {
		s.State, s.Error = StateError, "web identity token file set but "+roleVar+" is not: the SDK fails to load (role ARN is not set)"
		return s
	}
	s.Detail = "assumes " + roleARN + " with the token"
	if _, err := os.Stat(file); err != nil {
		s.State, s.Error = StateError, "token file unreadable: "+err.Error()
		return s
	}
	s.State = StatePresent
	return s
}

func profileWebIdentitySource(v *profileView) Source {
	s := Source{ID: SourceProfileWebIdentity, State: StateAbsent}
	l, ok := v.get("web_identity_token_file")
	if !ok {
		return s
	}
	s.Location = fmt.Sprintf("%s [%s] web_identity_token_file", l.where(), v.name)
	arn, _ := v.get("role_arn")
	return tokenFileState(s, l.value, arn.value, "role_arn")
}

func staticSource(id SourceID, k *staticKeys, f sharedFile, section *located, profile string) Source {
	s := Source{ID: id, State: StateAbsent, Location: f.describe()}
	switch {
	case f.err != nil:
		s.State = StateError
		s.Error = f.err.Error() + " (the SDK skips a file it cannot open silently)"
		if f.readFailed {
			s.Error = f.err.Error() + " (the SDK opens it, fails to read it, and refuses to load)"
		}
		return s
	case f.missing:
		return s
	case section == nil:
		s.Location = fmt.Sprintf("%s (no [%s] section)", f.path, sectionName(id, profile))
		return s
	}
	s.Location = fmt.Sprintf("%s:%d [%s]", f.path, section.line, sectionName(id, profile))
	if k == nil {
		s.Detail = "profile has no static keys here"
		return s
	}
	if k.partial != "" {
		s.State, s.Error = StateError, k.partial
		return s
	}
	if !k.complete() {
		s.Detail = "aws_access_key_id or aws_secret_access_key is empty"
		return s
	}
	s.Location = fmt.Sprintf("%s [%s]", k.id.where(), sectionName(id, profile))
	s.State = StateUsable
	s.setKey(&Secret{AccessKeyID: k.id.value, SecretAccessKey: k.secret.value, SessionToken: k.token.value})
	if s.KeyType == KeyTemporary && k.token.value == "" {
		s.State = StateError
		s.Error = fmt.Sprintf("%s: temporary key (ASIA…) without aws_session_token: every call fails with InvalidClientTokenId", k.id.where())
	}
	return s
}

func sectionName(id SourceID, profile string) string {
	if id == SourceSharedConfigFile && profile != "default" {
		return "profile " + profile
	}
	return profile
}

func assumeRoleSource(v *profileView, cfg, cred sharedFile) Source {
	s := Source{ID: SourceAssumeRole, State: StateAbsent}
	arn, hasARN := v.get("role_arn")
	src, hasSrc := v.get("source_profile")
	cs, hasCS := v.get("credential_source")
	if !hasARN {
		switch {
		case hasSrc:
			s.State, s.Location = StateError, src.where()
			s.Error = fmt.Sprintf("%s: source_profile without role_arn in profile %q: the SDK fails to load", src.where(), v.name)
		case hasCS:
			s.State, s.Location = StateError, cs.where()
			s.Error = fmt.Sprintf("%s: credential_source without role_arn in profile %q: the SDK fails to load", cs.where(), v.name)
		}
		return s
	}
	if _, web := v.get("web_identity_token_file"); web && !hasSrc && !hasCS {
		return s // the role belongs to the web identity source
	}
	s.Location = fmt.Sprintf("%s [%s] role_arn", arn.where(), v.name)
	s.State = StatePresent
	switch {
	case hasSrc:
		if src.value == v.name {
			s.Detail = "assumes " + arn.value + " with this profile's own static keys"
			break
		}
		base := viewProfile(cfg, cred, src.value)
		if !base.exists() {
			s.State = StateError
			s.Error = fmt.Sprintf("%s: source_profile %q does not exist: the SDK fails to load", src.where(), src.value)
			break
		}
		s.Detail = fmt.Sprintf("assumes %s with the credentials of profile %q (%s)", arn.value, src.value, describeBase(base))
	case hasCS:
		switch cs.value {
		case "Ec2InstanceMetadata", "Environment", "EcsContainer":
			s.Detail = fmt.Sprintf("assumes %s with credentials from %s", arn.value, cs.value)
		default:
			s.State = StateError
			s.Error = fmt.Sprintf("%s: credential_source %q is not EcsContainer, Ec2InstanceMetadata or Environment", cs.where(), cs.value)
		}
	default:
		s.Detail = "assumes " + arn.value + " on top of the profile's other credentials"
	}
	return s
}

func describeBase(v *profileView) string {
	if k, id := v.effectiveStatic(); k != nil {
		return fmt.Sprintf("static keys %s in %s", MaskKeyID(k.id.value), id)
	}
	for _, key := range []string{"role_arn", "credential_source", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"} {
		if l, ok := v.get(key); ok {
			return key + " at " + l.where()
		}
	}
	return "no credentials"
}

func ssoSource(v *profileView, cfg sharedFile, home string, now time.Time) Source {
	s := Source{ID: SourceSSO, State: StateAbsent}
	sess, hasSess := v.get("sso_session")
	start, hasStart := v.get("sso_start_url")
	if !hasSess && !hasStart {
		return s
	}
	key := start.value
	if hasSess {
		s.Location = fmt.Sprintf("%s [%s] sso_session = %s", sess.where(), v.name, sess.value)
		key = sess.value
		if cfg.file == nil || cfg.file.Section("sso-session "+sess.value) == nil {
			s.State = StateError
			s.Error = fmt.Sprintf("%s: [sso-session %s] is missing from %s: the SDK fails to load", sess.where(), sess.value, cfg.path)
			return s
		}
	} else {
		s.Location = fmt.Sprintf("%s [%s] sso_start_url", start.where(), v.name)
	}
	sum := sha1.Sum([]byte(key))
	cache := filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
	b, err := os.ReadFile(cache)
	if err != nil {
		s.State = StateError
		s.Error = "no cached SSO token at " + cache + ": run aws sso login --profile " + v.name
		return s
	}
	var tok struct {
		ExpiresAt    time.Time `json:"expiresAt"`
		RefreshToken string    `json:"refreshToken"`
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		s.State, s.Error = StateError, "SSO token cache "+cache+" is not valid JSON: run aws sso login --profile "+v.name
		return s
	}
	t := tok.ExpiresAt.UTC()
	s.ExpiresAt = &t
	if !tok.ExpiresAt.After(now) {
		if hasSess && tok.RefreshToken != "" {
			s.State, s.Detail = StatePresent, "SSO access token expired; the SDK refreshes it with the cached refresh token"
			return s
		}
		s.State, s.Error = StateExpired, "SSO session expired: run aws sso login --profile "+v.name
		return s
	}
	s.State, s.Detail = StatePresent, "SSO token cached in "+cache
	return s
}

func loginSource(v *profileView) Source {
	s := Source{ID: SourceLogin, State: StateAbsent}
	if l, ok := v.get("login_session"); ok {
		s.State, s.Location = StatePresent, fmt.Sprintf("%s [%s] login_session", l.where(), v.name)
	}
	return s
}

func processSource(v *profileView) Source {
	s := Source{ID: SourceCredentialProcess, State: StateAbsent}
	l, ok := v.get("credential_process")
	if !ok {
		return s
	}
	s.Location = fmt.Sprintf("%s [%s] credential_process", l.where(), v.name)
	prog := strings.Fields(l.value)
	s.State = StatePresent
	if len(prog) > 0 {
		s.Detail = "runs " + prog[0] + " (not run by explain; --verify runs it through the SDK when it wins)"
	}
	return s
}

func containerSource(ctx context.Context, env map[string]string, o Options, now time.Time) Source {
	s := Source{ID: SourceContainer, State: StateAbsent}
	endpoint, from, err := containerEndpoint(env)
	if endpoint == "" {
		return s
	}
	s.Location = from + "=" + endpoint
	if err != nil {
		s.State, s.Error = StateError, err.Error()
		return s
	}
	sec, err := fetchContainer(ctx, env, o.budget())
	if err != nil {
		s.State, s.Error = StateError, err.Error()
		return s
	}
	s.setKey(sec)
	s.State = StateUsable
	if sec.Expires != nil && !sec.Expires.After(now) {
		s.State, s.Error = StateExpired, "container endpoint serves expired credentials"
	}
	return s
}

func imdsSource(p *IMDSProbe) Source {
	s := Source{ID: SourceIMDS, Location: p.Endpoint, IMDS: p}
	if p.EndpointFrom != "default" {
		s.Location = p.EndpointFrom + "=" + p.Endpoint
	}
	switch p.Status {
	case IMDSOK, IMDSV1Fallback:
		s.State = StateUsable
		s.Detail = "instance role " + p.Role + " (IMDS" + p.Version + ")"
		if p.Hint != "" {
			s.Detail += "; " + p.Hint
		}
	case IMDSExpired:
		s.State, s.Error = StateExpired, p.Hint
	case IMDSDisabled, IMDSUnreachable, IMDSNoRole:
		s.State, s.Detail = StateAbsent, p.Hint
	default:
		s.State, s.Error = StateError, p.Hint
	}
	if p.secret != nil {
		s.setKey(p.secret)
	}
	return s
}

// loadError reproduces the configuration errors that make the SDK's LoadDefaultConfig
// fail outright, whatever source would have won.
func loadError(env map[string]string, v *profileView, cfg, cred sharedFile, profile, from string) string {
	for _, f := range []sharedFile{cfg, cred} {
		if f.readFailed {
			return f.err.Error()
		}
	}
	if from == "AWS_PROFILE" && !v.exists() {
		return fmt.Sprintf("profile %q named by AWS_PROFILE is in neither %s nor %s", profile, cfg.describe(), cred.describe())
	}
	if msg := v.partialError(); msg != "" {
		return msg + ": the SDK refuses the whole profile (partial credentials)"
	}
	kinds := 0
	for _, k := range []string{"source_profile", "credential_source", "credential_process", "web_identity_token_file"} {
		if _, ok := v.get(k); ok {
			kinds++
		}
	}
	if kinds > 1 {
		return fmt.Sprintf("profile %q sets more than one of source_profile, credential_source, credential_process, web_identity_token_file", profile)
	}
	_, hasARN := v.get("role_arn")
	if l, ok := v.get("source_profile"); ok {
		if !hasARN {
			return fmt.Sprintf("%s: source_profile without role_arn in profile %q", l.where(), profile)
		}
		if l.value != profile {
			base := viewProfile(cfg, cred, l.value)
			if !base.exists() {
				return fmt.Sprintf("%s: source_profile %q does not exist", l.where(), l.value)
			}
			if describeBase(base) == "no credentials" {
				return fmt.Sprintf("%s: source_profile %q has no credentials", l.where(), l.value)
			}
		}
	}
	if l, ok := v.get("credential_source"); ok && !hasARN {
		return fmt.Sprintf("%s: credential_source without role_arn in profile %q", l.where(), profile)
	}
	if l, ok := v.get("sso_session"); ok && (cfg.file == nil || cfg.file.Section("sso-session "+l.value) == nil) {
		return fmt.Sprintf("%s: [sso-session %s] is missing", l.where(), l.value)
	}
	if env["AWS_ACCESS_KEY_ID"] == "" && env["AWS_ACCESS_KEY"] == "" || env["AWS_SECRET_ACCESS_KEY"] == "" && env["AWS_SECRET_KEY"] == "" {
		if env["AWS_WEB_IDENTITY_TOKEN_FILE"] != "" && env["AWS_ROLE_ARN"] == "" {
			return "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN (role ARN is not set)"
		}
	}
	return ""
}

// goWinner is the AWS SDK for Go v2's choice (config/resolve_credentials.go): it picks
// by what is configured, never falling back when the chosen source fails.
func goWinner(env map[string]string, v *profileView) SourceID {
	_, id := firstSet(env, "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")
	_, sec := firstSet(env, "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")
	switch {
	case id != "" && sec != "":
		return SourceEnv
	case env["AWS_WEB_IDENTITY_TOKEN_FILE"] != "":
		return SourceWebIdentity
	}
	return profileWinner(env, v)
}

func profileWinner(env map[string]string, v *profileView) SourceID {
	_, hasARN := v.get("role_arn")
	if _, ok := v.get("source_profile"); ok {
		return SourceAssumeRole
	}
	if _, ok := v.get("web_identity_token_file"); ok {
		// web identity returns before the role_arn step; static keys still come first.
		if _, sid := v.effectiveStatic(); sid != "" {
			return roleOr(hasARN, sid)
		}
		if _, ok := v.get("credential_source"); ok {
			return SourceAssumeRole
		}
		return SourceProfileWebIdentity
	}
	var base SourceID
	_, sid := v.effectiveStatic()
	_, hasCS := v.get("credential_source")
	_, hasSess := v.get("sso_session")
	_, hasStart := v.get("sso_start_url")
	_, hasLogin := v.get("login_session")
	_, hasProc := v.get("credential_process")
	switch {
	case sid != "":
		base = sid
	case hasCS:
		return SourceAssumeRole
	case hasSess || hasStart:
		base = SourceSSO
	case hasLogin:
		base = SourceLogin
	case hasProc:
		base = SourceCredentialProcess
	case env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] != "" || env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] != "":
		base = SourceContainer
	default:
		base = SourceIMDS
	}
	return roleOr(hasARN, base)
}

func roleOr(hasARN bool, base SourceID) SourceID {
	if hasARN {
		return SourceAssumeRole
	}
	return base
}

// markShadowed flags every source that would hand out credentials but loses.
func markShadowed(r *ContextReport) {
	if r.Winner == "" {
		return
	}
	base := SourceID("")
	if r.Winner == SourceAssumeRole {
		base = profileBase(r)
	}
	for i := range r.Sources {
		s := &r.Sources[i]
		if s.ID == r.Winner || s.ID == base {
			continue
		}
		s.Shadowed = s.offers()
	}
}

// profileBase is the source whose credentials the winning assume_role uses, within
// the same profile.
func profileBase(r *ContextReport) SourceID {
	v := r.view
	if v == nil {
		return ""
	}
	if l, ok := v.get("source_profile"); ok && l.value != v.name {
		return ""
	}
	if cs, ok := v.get("credential_source"); ok {
		switch cs.value {
		case "Ec2InstanceMetadata":
			return SourceIMDS
		case "Environment":
			return SourceEnv
		case "EcsContainer":
			return SourceContainer
		}
	}
	if _, sid := v.effectiveStatic(); sid != "" {
		return sid
	}
	for _, c := range []struct {
		key string
		id  SourceID
	}{{"sso_session", SourceSSO}, {"sso_start_url", SourceSSO}, {"login_session", SourceLogin}, {"credential_process", SourceCredentialProcess}} {
		if _, ok := v.get(c.key); ok {
			return c.id
		}
	}
	if r.Source(SourceContainer).State != StateAbsent {
		return SourceContainer
	}
	return SourceIMDS
}

// maxSDKSharedFile is the largest shared file handed to the SDK's cross-check.
const maxSDKSharedFile = 4 << 20

// sdkUnsafeFile says why a shared file must not be given to the SDK (which reads it
// whole, without a bound): a device, a pipe or a file over 4 MiB (an organisation's generated config of thousands of profiles is well under). "" when both are fine.
func sdkUnsafeFile(paths ...string) string {
	for _, p := range paths {
		if p == "" {
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			continue // missing or unreadable: the SDK copes, and the sources say so
		}
		switch {
		case info.IsDir():
			continue
		case !info.Mode().IsRegular():
			return p + " is not a regular file"
		case info.Size() > maxSDKSharedFile:
			return fmt.Sprintf("%s is larger than %d MiB", p, maxSDKSharedFile>>20)
		}
	}
	return ""
}
