package creds

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// SourceSpecs lists the --source forms export and exec accept.
func SourceSpecs() []string {
	return []string{"imds", "env", "profile:NAME", "container", "web-identity"}
}

// Pinned is one credential source pinned for export or exec.
type Pinned struct {
	// Spec is the --source value.
	Spec string
	// Provider hands out the source's credentials, refreshing them when they expire.
	Provider aws.CredentialsProvider
	// Refreshable is true for sources whose credentials expire and can be fetched again.
	Refreshable bool
	// Region is the region that goes with the source, when one is known.
	Region string

	// raw is Provider without the cache, whose expiry window shifts Expires earlier;
	// export reports the real expiry.
	raw aws.CredentialsProvider
}

// PinOptions are what PinSource needs from the caller.
type PinOptions struct {
	// Env is the current environment.
	Env map[string]string
	// Home is the home directory the shared files are read from.
	Home string
	// IMDSBudget bounds each IMDS fetch; zero means 5s.
	IMDSBudget time.Duration
	// Notes receives what the user should know (an IMDSv1 fallback); may be nil.
	Notes io.Writer
}

// PinSource resolves --source SRC to a provider for that one source, ignoring every
// other source the chain would consider.
func PinSource(ctx context.Context, spec string, o PinOptions) (*Pinned, error) {
	region, _ := regionOf(o.Env, &profileView{keys: map[string]located{}})
	p := &Pinned{Spec: spec, Region: region}
	kind, arg, _ := strings.Cut(spec, ":")
	switch {
	case spec == "imds":
		budget := o.IMDSBudget
		if budget == 0 {
			budget = 5 * time.Second
		}
		p.raw = imdsProvider{env: o.Env, budget: budget, notes: o.Notes}
		p.Provider = aws.NewCredentialsCache(p.raw, func(co *aws.CredentialsCacheOptions) { co.ExpiryWindow = 5 * time.Minute })
		p.Refreshable = true
		if p.Region == "" {
			p.Region = imdsRegion(ctx, o.Env, budget)
		}
	case spec == "env":
		s := envKeysSource(o.Env)
		if s.State != StateUsable {
			msg := s.Error
			if msg == "" {
				msg = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
			}
			return nil, fmt.Errorf("pin source env: %s", msg)
		}
		sec := s.secret
		p.Provider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sec.AccessKeyID, SecretAccessKey: sec.SecretAccessKey, SessionToken: sec.SessionToken, Source: "env"}, nil
		})
	case spec == "container":
		if ep, _, _ := containerEndpoint(o.Env); ep == "" {
			return nil, fmt.Errorf("pin source container: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
		}
		env := o.Env
		p.raw = aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			sec, err := fetchContainer(ctx, env, 5*time.Second)
			if err != nil {
				return aws.Credentials{}, err
			}
			return sec.credentials("container"), nil
		})
		p.Provider = aws.NewCredentialsCache(p.raw, func(co *aws.CredentialsCacheOptions) { co.ExpiryWindow = 5 * time.Minute })
		p.Refreshable = true
	case spec == "web-identity":
		file, role := o.Env["AWS_WEB_IDENTITY_TOKEN_FILE"], o.Env["AWS_ROLE_ARN"]
		if file == "" || role == "" {
			return nil, fmt.Errorf("pin source web-identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN must both be set")
		}
		r := p.Region
		if r == "" {
			r = "us-east-1"
		}
		cfg := aws.Config{Region: r}
		if e := stsEndpoint(o.Env); e != "" {
			cfg.BaseEndpoint = aws.String(e)
		}
		session := o.Env["AWS_ROLE_SESSION_NAME"]
		if session == "" {
			session = fmt.Sprintf("hiyari-%d", time.Now().Unix())
		}
		p.Provider = aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(sts.NewFromConfig(cfg), role,
			stscreds.IdentityTokenFile(file), func(wo *stscreds.WebIdentityRoleOptions) { wo.RoleSessionName = session }))
		p.Refreshable = true
	case kind == "profile" && arg != "":
		cfgPath, _, credPath, _ := sharedFilePaths(o.Env, o.Home)
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(arg),
			config.WithSharedConfigFiles([]string{cfgPath}), config.WithSharedCredentialsFiles([]string{credPath}))
		if err != nil {
			return nil, fmt.Errorf("pin source %s: load profile %q from %s and %s: %w", spec, arg, cfgPath, credPath, err)
		}
		p.Provider = cfg.Credentials
		p.Refreshable = !isStatic(providerSources(cfg.Credentials))
		if p.Region == "" {
			p.Region = cfg.Region
		}
	default:
		return nil, fmt.Errorf("parse --source %q: use one of %s", spec, strings.Join(SourceSpecs(), ", "))
	}
	return p, nil
}

func (s *Secret) credentials(source string) aws.Credentials {
	c := aws.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Source: source}
	if s.Expires != nil {
		c.CanExpire, c.Expires = true, *s.Expires
	}
	return c
}

// imdsProvider fetches the instance role's credentials with the probe, so an IMDSv1
// fallback is said out loud instead of happening silently.
type imdsProvider struct {
	env    map[string]string
	budget time.Duration
	notes  io.Writer
}

func (p imdsProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	pr := ProbeIMDS(ctx, p.env, p.budget, time.Now())
	switch pr.Status {
	case IMDSOK:
	case IMDSV1Fallback:
		if p.notes != nil {
			fmt.Fprintf(p.notes, "hiyari: %s\n", pr.Hint)
		}
	default:
		msg := pr.Hint
		if msg == "" {
			msg = string(pr.Status)
		}
		return aws.Credentials{}, fmt.Errorf("get instance role credentials from IMDS (%s): %s: %s", pr.Endpoint, pr.Status, msg)
	}
	return pr.secret.credentials("imds:" + pr.Role), nil
}

// imdsRegion asks IMDS for the instance's region, as the AWS CLI does.
func imdsRegion(ctx context.Context, env map[string]string, budget time.Duration) string {
	s := imdsSettingsFrom(env)
	if s.disabled {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	c := noProxyClient(budget)
	tok, _ := imdsToken(ctx, c, s.endpoint, budget)
	body, code, err := imdsGet(ctx, c, s.endpoint+"/latest/meta-data/placement/region", tok)
	if err != nil || code != 200 {
		return ""
	}
	return strings.TrimSpace(body)
}
