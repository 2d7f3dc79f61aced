package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// SDKRequest says what the SDK child should do beyond naming its provider.
type SDKRequest struct {
	// Verify retrieves credentials through the chain and calls sts:GetCallerIdentity.
	Verify bool
	// Retrieve fetches credentials through the chain (network for non-static sources)
	// and reports their masked key id.
	Retrieve bool
}

// SDKResult is the real AWS SDK for Go v2's answer in a context.
type SDKResult struct {
	// ProviderSources is the SDK's ProviderSources() of the resolved provider, by name.
	ProviderSources []string `json:"provider_sources,omitempty"`
	// CredentialSource is aws.Credentials.Source for static providers (it names the
	// file the keys came from); other providers are not retrieved unless verifying.
	CredentialSource string `json:"credential_source,omitempty"`
	// KeyID is the masked access key id retrieved, when asked to retrieve.
	KeyID string `json:"key_id,omitempty"`
	// RetrieveError is why retrieving failed, when asked to retrieve.
	RetrieveError string `json:"retrieve_error,omitempty"`
	// Error is LoadDefaultConfig's error, if it failed.
	Error string `json:"error,omitempty"`
	// Verify is the GetCallerIdentity result through the SDK's chain.
	Verify *Verification `json:"verify,omitempty"`
	// Winner is the SDK's choice mapped to a hiyari source id (set by the parent).
	Winner SourceID `json:"-"`
}

// SDKResolver runs the SDK's default chain with a given environment.
type SDKResolver interface {
	Resolve(ctx context.Context, env map[string]string, req SDKRequest) *SDKResult
}

// ChildResolver runs the SDK in a child process started with exactly the context's
// environment. The SDK reads the process environment itself (os.Getenv), so a child is
// the only faithful way to see what it does with another environment.
type ChildResolver struct {
	// Command is the argv that runs RunSDKResolve, e.g. {"/usr/bin/hiyari", "creds", "sdk-resolve"}.
	Command []string
	// Timeout bounds the child; zero means 10s (verification may call STS).
	Timeout time.Duration
}

// Resolve implements SDKResolver.
func (c ChildResolver) Resolve(ctx context.Context, env map[string]string, req SDKRequest) *SDKResult {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := append([]string(nil), c.Command[1:]...)
	if req.Verify {
		args = append(args, "--verify")
	}
	cmd := exec.CommandContext(ctx, c.Command[0], args...)
	cmd.Env = envPairs(env)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return &SDKResult{Error: fmt.Sprintf("run SDK cross-check: %v: %s", err, firstLine(errb.String()))}
	}
	var res SDKResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return &SDKResult{Error: fmt.Sprintf("read SDK cross-check: %v", err)}
	}
	return &res
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func envPairs(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// RunSDKResolve is the child side of ChildResolver: it loads the SDK's default config
// from this process's environment and writes an SDKResult as JSON to w. It makes no
// network call unless verify is set. Secrets are never written.
func RunSDKResolve(ctx context.Context, w io.Writer, req SDKRequest) error {
	res := SDKResult{}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		res.Error = err.Error()
		return json.NewEncoder(w).Encode(res)
	}
	srcs := providerSources(cfg.Credentials)
	for _, s := range srcs {
		res.ProviderSources = append(res.ProviderSources, sourceName(s))
	}
	if len(srcs) > 0 && isStatic(srcs) || req.Retrieve {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		c, err := cfg.Credentials.Retrieve(rctx)
		cancel()
		if err == nil {
			res.CredentialSource = c.Source
			if req.Retrieve {
				res.KeyID = MaskKeyID(c.AccessKeyID)
			}
		} else if req.Retrieve {
			res.RetrieveError = err.Error()
		}
	}
	if req.Verify {
		if cfg.Region == "" {
			cfg.Region = "us-east-1"
		}
		res.Verify = callerIdentity(ctx, cfg)
	}
	return json.NewEncoder(w).Encode(res)
}

func providerSources(p aws.CredentialsProvider) []aws.CredentialSource {
	if s, ok := p.(aws.CredentialProviderSource); ok {
		return s.ProviderSources()
	}
	return nil
}

func isStatic(srcs []aws.CredentialSource) bool {
	return len(srcs) == 1 && (srcs[0] == aws.CredentialSourceEnvVars || srcs[0] == aws.CredentialSourceProfile)
}

func sourceName(s aws.CredentialSource) string {
	switch s {
	case aws.CredentialSourceCode:
		return "Code"
	case aws.CredentialSourceEnvVars:
		return "EnvVars"
	case aws.CredentialSourceEnvVarsSTSWebIDToken:
		return "EnvVarsSTSWebIDToken"
	case aws.CredentialSourceSTSAssumeRole:
		return "STSAssumeRole"
	case aws.CredentialSourceSTSAssumeRoleSaml:
		return "STSAssumeRoleSaml"
	case aws.CredentialSourceSTSAssumeRoleWebID:
		return "STSAssumeRoleWebID"
	case aws.CredentialSourceSTSFederationToken:
		return "STSFederationToken"
	case aws.CredentialSourceSTSSessionToken:
		return "STSSessionToken"
	case aws.CredentialSourceProfile:
		return "Profile"
	case aws.CredentialSourceProfileSourceProfile:
		return "ProfileSourceProfile"
	case aws.CredentialSourceProfileNamedProvider:
		return "ProfileNamedProvider"
	case aws.CredentialSourceProfileSTSWebIDToken:
		return "ProfileSTSWebIDToken"
	case aws.CredentialSourceProfileSSO:
		return "ProfileSSO"
	case aws.CredentialSourceSSO:
		return "SSO"
	case aws.CredentialSourceProfileSSOLegacy:
		return "ProfileSSOLegacy"
	case aws.CredentialSourceSSOLegacy:
		return "SSOLegacy"
	case aws.CredentialSourceProfileProcess:
		return "ProfileProcess"
	case aws.CredentialSourceProcess:
		return "Process"
	case aws.CredentialSourceHTTP:
		return "HTTP"
	case aws.CredentialSourceIMDS:
		return "IMDS"
	case aws.CredentialSourceProfileLogin:
		return "ProfileLogin"
	case aws.CredentialSourceLogin:
		return "Login"
	}
	return fmt.Sprintf("CredentialSource(%d)", int(s))
}

// sdkWinner maps the SDK's provider sources to a hiyari source id.
func sdkWinner(r *SDKResult, credPath, cfgPath string) SourceID {
	if r.Error != "" || len(r.ProviderSources) == 0 {
		return ""
	}
	has := func(n string) bool {
		for _, s := range r.ProviderSources {
			if s == n {
				return true
			}
		}
		return false
	}
	lastName := r.ProviderSources[len(r.ProviderSources)-1]
	switch {
	case lastName == "STSAssumeRole":
		return SourceAssumeRole
	case has("ProfileSTSWebIDToken"):
		return SourceProfileWebIdentity
	case has("EnvVarsSTSWebIDToken"):
		return SourceWebIdentity
	case lastName == "EnvVars":
		return SourceEnv
	case lastName == "Profile":
		path := strings.TrimPrefix(r.CredentialSource, "SharedConfigCredentials: ")
		switch path {
		case credPath:
			return SourceSharedCredentialsFile
		case cfgPath:
			return SourceSharedConfigFile
		}
		return SourceID("profile:" + path)
	case has("SSO") || has("SSOLegacy"):
		return SourceSSO
	case has("Login"):
		return SourceLogin
	case has("Process"):
		return SourceCredentialProcess
	case lastName == "HTTP":
		return SourceContainer
	case lastName == "IMDS":
		return SourceIMDS
	}
	return SourceID(strings.ToLower(lastName))
}
