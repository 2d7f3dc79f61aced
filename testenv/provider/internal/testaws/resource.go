package testaws

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// kind describes one AWS resource type: its schema, as close to the real
// provider's as this harness needs, and how "AWS" fills in computed attributes.
type kind struct {
	name   string
	attrs  map[string]schema.Attribute
	blocks map[string]schema.Block
	// tagged adds tags and tags_all; tags_all is planned as default_tags + tags.
	tagged bool
	// compute fills the computed attributes left unknown in a plan. It runs on
	// create and update, so it fills only what is unknown (object.fill).
	compute func(o *object, a *account) error
	// key names the object in the store; nil means the id attribute.
	key func(o *object) string
	// uniqueName, when set, is a name AWS refuses twice although the object's
	// key differs (a security group's name within its VPC).
	uniqueName func(o *object) string
}

func (k *kind) storeKey(o *object) string {
	if k.key != nil {
		return k.key(o)
	}
	return o.str("id")
}

// awsResource serves one kind through terraform-plugin-framework. It works on
// raw values so every kind shares one implementation of the CRUD verbs.
type awsResource struct {
	kind    *kind
	account *account
}

var (
	_ resource.ResourceWithConfigure  = (*awsResource)(nil)
	_ resource.ResourceWithModifyPlan = (*awsResource)(nil)
)

func (r *awsResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.kind.name
}

func (r *awsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{"id": computedString()}
	for n, a := range r.kind.attrs {
		attrs[n] = a
	}
	if r.kind.tagged {
		attrs["tags"] = schema.MapAttribute{ElementType: types.StringType, Optional: true}
		attrs["tags_all"] = schema.MapAttribute{ElementType: types.StringType, Computed: true}
	}
	resp.Schema = schema.Schema{Attributes: attrs, Blocks: r.kind.blocks}
}

func (r *awsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	a, ok := req.ProviderData.(*account)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("got %T", req.ProviderData))
		return
	}
	r.account = a
}

// ModifyPlan plans tags_all as the real provider does: default_tags merged with
// the resource's tags, known at plan time.
func (r *awsResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !r.kind.tagged || req.Plan.Raw.IsNull() || r.account == nil {
		return
	}
	o, err := newObject(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Planning tags_all", err.Error())
		return
	}
	tags, known := o.strMap("tags")
	if !known {
		o.attrs["tags_all"] = tftypes.NewValue(o.typ.AttributeTypes["tags_all"], tftypes.UnknownValue)
	} else {
		all := map[string]string{}
		for k, v := range r.account.defaultTags {
			all[k] = v
		}
		for k, v := range tags {
			all[k] = v
		}
		o.set("tags_all", all)
	}
	resp.Plan.Raw = o.value()
}

func (r *awsResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	o, err := r.apply(req.Plan.Raw, true)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("creating %s", r.kind.name), err.Error())
		return
	}
	resp.State.Raw = o.value()
}

func (r *awsResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	o, err := r.apply(req.Plan.Raw, false)
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("updating %s", r.kind.name), err.Error())
		return
	}
	resp.State.Raw = o.value()
}

// apply computes what AWS would return for a planned object and stores it.
func (r *awsResource) apply(planned tftypes.Value, create bool) (*object, error) {
	if r.account == nil {
		return nil, errors.New("the provider is not configured")
	}
	o, err := newObject(planned)
	if err != nil {
		return nil, err
	}
	if r.kind.compute != nil {
		if err := r.kind.compute(o, r.account); err != nil {
			return nil, err
		}
	}
	data, err := encodeValue(o.value())
	if err != nil {
		return nil, fmt.Errorf("%w (a computed attribute was left unknown)", err)
	}
	if create && r.kind.uniqueName != nil {
		if err := r.account.store.claim(r.kind.name, r.kind.uniqueName(o)); err != nil {
			return nil, err
		}
	}
	if err := r.account.store.put(r.kind.name, r.kind.storeKey(o), data, create); err != nil {
		return nil, err
	}
	return o, nil
}

// Read refreshes from the store: an object deleted from disk leaves the state,
// and attributes edited on disk show up as drift.
func (r *awsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.account == nil {
		resp.Diagnostics.AddError("Reading "+r.kind.name, "the provider is not configured")
		return
	}
	o, err := newObject(req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Reading "+r.kind.name, err.Error())
		return
	}
	data, ok, err := r.account.store.get(r.kind.name, r.kind.storeKey(o))
	if err != nil {
		resp.Diagnostics.AddError("Reading "+r.kind.name, err.Error())
		return
	}
	if !ok {
		resp.State.RemoveResource(ctx)
		return
	}
	v, err := decodeValue(req.State.Raw.Type(), data)
	if err != nil {
		resp.Diagnostics.AddError("Reading "+r.kind.name, err.Error())
		return
	}
	resp.State.Raw = v
}

func (r *awsResource) Delete(_ context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if r.account == nil {
		resp.Diagnostics.AddError("Deleting "+r.kind.name, "the provider is not configured")
		return
	}
	o, err := newObject(req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Deleting "+r.kind.name, err.Error())
		return
	}
	if err := r.account.store.remove(r.kind.name, r.kind.storeKey(o)); err != nil {
		resp.Diagnostics.AddError("Deleting "+r.kind.name, err.Error())
		return
	}
	if r.kind.uniqueName != nil {
		if err := r.account.store.release(r.kind.name, r.kind.uniqueName(o)); err != nil {
			resp.Diagnostics.AddError("Deleting "+r.kind.name, err.Error())
		}
	}
}
