package creds

import (
	"strings"
	"time"
)

// SourceID names a credential source the SDK chain considers.
type SourceID string

// The sources, in the order of the SDK's chain (the profile's sources are reordered per
// profile: a source_profile role comes before the profile's own keys).
const (
	SourceEnv                   SourceID = "env"
	SourceWebIdentity           SourceID = "web_identity"
	SourceAssumeRole            SourceID = "assume_role"
	SourceSharedCredentialsFile SourceID = "shared_credentials_file"
	SourceSharedConfigFile      SourceID = "shared_config_file"
	SourceProfileWebIdentity    SourceID = "profile_web_identity"
	SourceSSO                   SourceID = "sso"
	SourceLogin                 SourceID = "login"
	SourceCredentialProcess     SourceID = "credential_process"
	SourceContainer             SourceID = "container"
	SourceIMDS                  SourceID = "imds"
)

// State is what hiyari found for a source.
type State string

// Source states.
const (
	// StateAbsent means nothing configures the source.
	StateAbsent State = "absent"
	// StatePresent means the source is configured but its credentials were not
	// fetched (a role to assume, an SSO session, a process to run).
	StatePresent State = "present"
	// StateUsable means hiyari holds unexpired credentials from the source.
	StateUsable State = "usable"
	// StateExpired means the source's credentials have expired.
	StateExpired State = "expired"
	// StateError means the source is configured but broken.
	StateError State = "error"
)

// KeyType tells long-term access keys from temporary ones by their prefix.
type KeyType string

// Key types.
const (
	KeyLongTerm  KeyType = "long-term"
	KeyTemporary KeyType = "temporary"
	KeyUnknown   KeyType = "unknown"
)

// Source is one credential source as seen in one context.
type Source struct {
	// ID names the source.
	ID SourceID
	// State is what was found.
	State State
	// Location says where: variables, file:line [profile], URL.
	Location string
	// KeyID is the access key id, masked.
	KeyID string
	// KeyType is long-term (AKIA) or temporary (ASIA).
	KeyType KeyType
	// ExpiresAt is when temporary credentials expire, if known.
	ExpiresAt *time.Time
	// Shadowed is true when the source is usable or present but another source wins.
	Shadowed bool
	// Error says what is broken, naming file and line where there is one.
	Error string
	// Detail adds what an operator needs to know (role name, token cache, fallback).
	Detail string
	// IMDS is the probe result, for the imds source only.
	IMDS *IMDSProbe
	// Verify is the sts:GetCallerIdentity result, when verification ran.
	Verify *Verification

	secret *Secret
}

// Secret holds credentials taken from a source. Its String method never shows them.
type Secret struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expires         *time.Time
}

// String implements fmt.Stringer without revealing anything secret.
func (s *Secret) String() string {
	if s == nil {
		return "<nil>"
	}
	return "credentials " + MaskKeyID(s.AccessKeyID)
}

// GoString keeps %#v from printing secrets.
func (s *Secret) GoString() string { return s.String() }

// offers reports whether the source would hand out credentials if it won.
func (s Source) offers() bool { return s.State == StateUsable || s.State == StatePresent }

// MaskKeyID shows an access key id's type prefix and last four characters only.
func MaskKeyID(id string) string {
	if id == "" {
		return ""
	}
	if len(id) < 12 {
		return "…" + last(id, 2)
	}
	return id[:4] + "…" + last(id, 4)
}

func last(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// KeyTypeOf tells an access key id's type from its prefix.
func KeyTypeOf(id string) KeyType {
	switch {
	case id == "":
		return ""
	case strings.HasPrefix(id, "AKIA"):
		return KeyLongTerm
	case strings.HasPrefix(id, "ASIA"):
		return KeyTemporary
	}
	return KeyUnknown
}

func (s *Source) setKey(sec *Secret) {
	s.secret = sec
	s.KeyID = MaskKeyID(sec.AccessKeyID)
	s.KeyType = KeyTypeOf(sec.AccessKeyID)
	if sec.Expires != nil {
		t := sec.Expires.UTC()
		s.ExpiresAt = &t
	}
}
