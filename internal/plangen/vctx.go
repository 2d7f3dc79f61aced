package plangen

// vctx is what a builder needs to produce one instance's attribute values
// for one side of the plan.
type vctx struct {
	g       *gen
	st      *stack
	key     any
	env     string // environment of this side: IAM names, Environment tags
	planned bool   // after values: references to fresh instances are unknown
	fresh   bool   // the instance itself is created: computed attributes unknown
	drifted bool   // the refreshed state after an out-of-band change
}

// comp returns v, or unknown when the instance is being created.
func (c *vctx) comp(v any) any {
	if c.fresh {
		return unknown
	}
	return v
}

// ref returns v, or unknown when the referenced instance is created or
// replaced by this plan.
func (c *vctx) ref(slotAddr string, key any, v any) any {
	if c.planned && c.g.fresh(c.st, slotAddr, key) {
		return unknown
	}
	return v
}

// identEnv is the environment in the names of non-IAM resources. Those
// names force replacement when changed, so an instance already in the state
// keeps its name; the service module derives them once per stack.
func (c *vctx) identEnv() string {
	if c.st.inState {
		return c.g.stateEnv
	}
	return c.g.configEnv
}

func (c *vctx) acct() string   { return c.g.opts.Account }
func (c *vctx) region() string { return c.g.region }

// name is a non-IAM resource name: <env>-<service>-<suffix>.
func (c *vctx) name(suffix string) string {
	return c.identEnv() + "-" + c.st.service + "-" + suffix
}

// iamName is an IAM resource name: <env>-<service>-<suffix>.
func (c *vctx) iamName(suffix string) string {
	return c.env + "-" + c.st.service + "-" + suffix
}

func (c *vctx) arn(service, resource string) string {
	return "arn:aws:" + service + ":" + c.region() + ":" + c.acct() + ":" + resource
}

// tags returns tags and tags_all. Environment, Service and ManagedBy come
// from the provider's default_tags; only EC2 resources carry a Name tag of
// their own (name is "" for the others).
func (c *vctx) tags(name string) (object, object) {
	var t []any
	if name != "" {
		t = append(t, "Name", name)
	}
	if c.g.scenario == ScenarioMixed && c.planned && c.st.costCenter {
		t = append(t, "CostCenter", "cc-"+c.st.id.hex("cc", 4))
	}
	all := append(append([]any{}, t...), "Environment", c.env, "ManagedBy", "terraform", "Service", c.st.service)
	return obj(t...), obj(all...)
}

// defaultTags is tags_all of a resource without tags of its own.
func (c *vctx) defaultTags() object {
	return obj("Environment", c.env, "ManagedBy", "terraform", "Service", c.st.service)
}

// roleSlot describes one IAM role of the template.
type roleSlot struct {
	name        string // slot name, aws_iam_role.<name>
	suffix      string // role name suffix
	principal   string
	description string
}

func (c *vctx) roleName(slotName string) string {
	return c.iamName(c.g.roles[slotName].suffix)
}

// roleArn is the ARN of one of the stack's roles as seen from this side.
func (c *vctx) roleArn(slotName string) any {
	return c.ref("aws_iam_role."+slotName, nil, "arn:aws:iam::"+c.acct()+":role/"+c.roleName(slotName))
}

// roleUniqueID is the role's unique id (AROA…), new for every role created.
func (c *vctx) roleUniqueID(slotName string) any {
	return c.ref("aws_iam_role."+slotName, nil, c.st.id.roleID(c.env+"/"+slotName))
}
