// Package testaws is a Terraform provider that stands in for hashicorp/aws in
// tests. It serves a small set of AWS resource types with the real provider's
// attribute names and plan behaviour, and keeps the "AWS" objects as JSON files
// in a directory, so plans, applies and refreshes behave as they would against
// an account, without one.
package testaws

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Settings come from the provider process's environment (see docs/testenv.md);
// the configuration's provider block holds only what a real one would.
type Settings struct {
	// StateDir is where the account's objects live (HIYARI_TESTAWS_STATE_DIR).
	StateDir string
	// AccountID is the fake account, used in ARNs (HIYARI_TESTAWS_ACCOUNT_ID).
	AccountID string
	// Region is used when the provider block sets none (AWS_REGION, AWS_DEFAULT_REGION).
	Region string
	// Version is reported to Terraform.
	Version string
	// Now returns the time for creation timestamps; nil means time.Now.
	Now func() time.Time
}

// DefaultAccountID is the account used when HIYARI_TESTAWS_ACCOUNT_ID is unset.
const DefaultAccountID = "111111111111"

// New returns the provider constructor that providerserver.Serve expects.
func New(s Settings) func() provider.Provider {
	return func() provider.Provider { return &awsProvider{settings: s} }
}

type awsProvider struct {
	settings Settings
}

// account is what resources get from Configure: the fake AWS account.
type account struct {
	id          string
	region      string
	defaultTags map[string]string
	store       *store
	now         func() time.Time
}

// arn builds a regional ARN in this account.
func (a *account) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, a.region, a.id, resource)
}

// globalARN builds an ARN for a global service such as IAM (no region).
func (a *account) globalARN(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s::%s:%s", service, a.id, resource)
}

type providerConfig struct {
	Region            types.String `tfsdk:"region"`
	AllowedAccountIDs types.Set    `tfsdk:"allowed_account_ids"`
	DefaultTags       []struct {
		Tags types.Map `tfsdk:"tags"`
	} `tfsdk:"default_tags"`
}

func (p *awsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aws"
	resp.Version = p.settings.Version
}

func (p *awsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Test stand-in for hashicorp/aws: objects are JSON files under $HIYARI_TESTAWS_STATE_DIR.",
		Attributes: map[string]schema.Attribute{
			"region":              schema.StringAttribute{Optional: true},
			"allowed_account_ids": schema.SetAttribute{ElementType: types.StringType, Optional: true},
		},
		Blocks: map[string]schema.Block{
			"default_tags": schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{"tags": schema.MapAttribute{ElementType: types.StringType, Optional: true}},
			}},
		},
	}
}

func (p *awsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if p.settings.StateDir == "" {
		resp.Diagnostics.AddError("No state directory",
			"The test AWS provider keeps its objects in a directory: set HIYARI_TESTAWS_STATE_DIR for the terraform process.")
		return
	}
	a := &account{
		id:          p.settings.AccountID,
		region:      cfg.Region.ValueString(),
		defaultTags: map[string]string{},
		store:       &store{dir: p.settings.StateDir},
		now:         p.settings.Now,
	}
	if a.id == "" {
		a.id = DefaultAccountID
	}
	if a.region == "" {
		a.region = p.settings.Region
	}
	if a.region == "" {
		resp.Diagnostics.AddError("Missing region value", "Set region in the provider block, or AWS_REGION.")
		return
	}
	if a.now == nil {
		a.now = time.Now
	}
	if !cfg.AllowedAccountIDs.IsNull() && !cfg.AllowedAccountIDs.IsUnknown() {
		var allowed []string
		resp.Diagnostics.Append(cfg.AllowedAccountIDs.ElementsAs(ctx, &allowed, false)...)
		ok := false
		for _, id := range allowed {
			ok = ok || id == a.id
		}
		if !ok {
			resp.Diagnostics.AddError("Invalid account", fmt.Sprintf("AWS account ID not allowed: %s", a.id))
			return
		}
	}
	for _, dt := range cfg.DefaultTags {
		tags := map[string]string{}
		resp.Diagnostics.Append(dt.Tags.ElementsAs(ctx, &tags, false)...)
		for k, v := range tags {
			a.defaultTags[k] = v
		}
	}
	resp.ResourceData = a
}

func (p *awsProvider) Resources(context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, k := range kinds() {
		out = append(out, func() resource.Resource { return &awsResource{kind: k} })
	}
	return out
}

func (p *awsProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
