package testaws

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Schema shorthands. "replace" mirrors ForceNew in the real provider: a change
// to the attribute plans the resource for replacement.

func stringMods(replace bool) []planmodifier.String {
	if replace {
		return []planmodifier.String{stringplanmodifier.RequiresReplace()}
	}
	return nil
}

func requiredString(replace bool) schema.StringAttribute {
	return schema.StringAttribute{Required: true, PlanModifiers: stringMods(replace)}
}

func optionalString(replace bool) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, PlanModifiers: stringMods(replace)}
}

func defaultString(def string, replace bool) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(def), PlanModifiers: stringMods(replace)}
}

// computedString is set by AWS at creation and never changes afterwards (arn,
// unique_id, id), so it stays known in later plans.
func computedString() schema.StringAttribute {
	return schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

// volatileString is set by AWS on every write (last_modified): unknown in any
// plan that updates the resource.
func volatileString() schema.StringAttribute {
	return schema.StringAttribute{Computed: true}
}

func optionalComputedString(replace bool) schema.StringAttribute {
	mods := append([]planmodifier.String{stringplanmodifier.UseStateForUnknown()}, stringMods(replace)...)
	return schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: mods}
}

func int64Mods(replace bool) []planmodifier.Int64 {
	if replace {
		return []planmodifier.Int64{int64planmodifier.RequiresReplace()}
	}
	return nil
}

func optionalInt64(replace bool) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, PlanModifiers: int64Mods(replace)}
}

func defaultInt64(def int64, replace bool) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(def), PlanModifiers: int64Mods(replace)}
}

func computedInt64() schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

func defaultBool(def bool) schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def)}
}

func stringSet(replace bool) schema.SetAttribute {
	a := schema.SetAttribute{ElementType: types.StringType, Optional: true}
	if replace {
		a.PlanModifiers = []planmodifier.Set{setplanmodifier.RequiresReplace()}
	}
	return a
}

func stringMap() schema.MapAttribute {
	return schema.MapAttribute{ElementType: types.StringType, Optional: true}
}

// block is a repeatable nested block (rule { … }); single blocks such as
// extended_s3_configuration are blocks the configuration writes once, as in the
// real provider's SDKv2 schema (a list of at most one).
func block(attrs map[string]schema.Attribute, blocks map[string]schema.Block, replace bool) schema.ListNestedBlock {
	b := schema.ListNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: attrs, Blocks: blocks}}
	if replace {
		b.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
	}
	return b
}
