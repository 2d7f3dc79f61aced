package plangen

import (
	"slices"
	"strconv"
)

const providerName = "registry.terraform.io/hashicorp/aws"

// document writes the plan's top-level keys in the order Terraform writes
// them.
func (g *gen) document(o *out) {
	o.raw(`{"format_version":"` + FormatVersion + `","terraform_version":"` + TerraformVersion + `",`)
	g.variables(o)
	o.raw(`,"planned_values":`)
	g.plannedValues(o)
	if g.scenario == ScenarioMixed {
		o.raw(`,"resource_drift":[`)
		g.resourceDrift(o)
		o.byte(']')
	}
	o.raw(`,"resource_changes":[`)
	g.resourceChanges(o)
	o.raw(`],"output_changes":`)
	g.outputChanges(o)
	o.raw(`,"prior_state":{"format_version":"1.0","terraform_version":"` + TerraformVersion + `","values":`)
	g.priorState(o)
	o.raw(`},"configuration":`)
	g.configuration(o)
	if g.scenario == ScenarioMixed || g.scenario == ScenarioWrongState {
		o.raw(`,"relevant_attributes":[`)
		g.relevantAttributes(o)
		o.byte(']')
	}
	o.raw(`,"timestamp":"2025-06-12T09:41:27Z","applyable":`)
	if g.scenario == ScenarioNoChanges {
		o.raw("false")
	} else {
		o.raw("true")
	}
	o.raw(`,"complete":true,"errored":false}`)
	o.byte('\n')
}

// rootVars are the root module's variables and their values for env.
func (g *gen) rootVars(env string) object {
	return obj(
		"account_id", g.opts.Account,
		"artifact_bucket", g.artifactBucket,
		"cluster_arn", g.clusterArn,
		"db_password", CanaryPrefix+newIDGen(g.opts.Seed, 0).hex("dbpw/"+env, 16),
		"debug_role", env == g.opts.Env,
		"environment", env,
		"private_subnet_ids", g.subnets,
		"region", g.region,
		"vpc_id", g.vpcID,
	)
}

func (g *gen) variables(o *out) {
	o.raw(`"variables":{`)
	for i, a := range g.rootVars(g.configEnv) {
		if i > 0 {
			o.byte(',')
		}
		o.key(a.k)
		o.raw(`{"value":`)
		o.value(a.v)
		o.byte('}')
	}
	o.byte('}')
}

// change is one instance's planned change.
type change struct {
	st            *stack
	sl            *slot
	key           any
	kind          kind
	reason        string
	before, after object
	paths         [][]string
}

func (g *gen) ctx(st *stack, key any) vctx { return vctx{g: g, st: st, key: key} }

// stateValues are the instance's values in the (refreshed) prior state.
func (g *gen) stateValues(st *stack, sl *slot, key any) object {
	c := g.ctx(st, key)
	c.env = g.stateEnv
	c.drifted = true
	return sl.build(&c)
}

// changeOf decides and builds one instance's change.
func (g *gen) changeOf(st *stack, in instance) change {
	sl := &g.slots[in.slot]
	ch := change{st: st, sl: sl, key: in.key}
	ch.kind, ch.reason = g.plan(st, sl, in.key)
	if g.scenario == ScenarioNoChanges {
		ch.kind, ch.reason = update, ""
	}
	if ch.kind != create {
		ch.before = g.stateValues(st, sl, in.key)
	}
	if ch.kind != remove {
		c := g.ctx(st, in.key)
		c.env = g.configEnv
		c.planned = true
		c.fresh = ch.kind == create || ch.kind == replace
		ch.after = sl.build(&c)
	}
	switch ch.kind {
	case update:
		if equal(ch.before, ch.after) {
			ch.kind = noChange
		}
	case replace:
		ch.paths = sl.replacePaths(g, st)
	}
	return ch
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case unknownValue:
		return false
	case secret:
		y, ok := b.(secret)
		return ok && equal(x.v, y.v)
	case object:
		y, ok := b.(object)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i].k != y[i].k || !equal(x[i].v, y[i].v) {
				return false
			}
		}
		return true
	case list:
		y, ok := b.(list)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	if _, ok := b.(unknownValue); ok {
		return false
	}
	return a == b
}

func (k kind) actions(cbd bool) string {
	switch k {
	case create:
		return `["create"]`
	case update:
		return `["update"]`
	case remove:
		return `["delete"]`
	case replace:
		if cbd {
			return `["create","delete"]`
		}
		return `["delete","create"]`
	}
	return `["no-op"]`
}

// header writes the address, module_address, mode, type, name and index.
func (g *gen) header(o *out, st *stack, sl *slot, key any, withModule bool) {
	o.raw(`{"address":`)
	o.str("module." + st.module + "." + instanceAddr(sl, key))
	if withModule {
		o.raw(`,"module_address":`)
		o.str("module." + st.module)
	}
	o.raw(`,"mode":"managed","type":`)
	o.str(sl.typ)
	o.raw(`,"name":`)
	o.str(sl.name)
	if key != nil {
		o.raw(`,"index":`)
		o.value(key)
	}
	o.raw(`,"provider_name":"` + providerName + `"`)
}

// changeBody writes a change object: actions, before, after and the shapes.
func (o *out) changeBody(actions string, before, after object, paths [][]string) {
	o.raw(`{"actions":` + actions + `,"before":`)
	writeOrNull(o, before)
	o.raw(`,"after":`)
	writeOrNull(o, after)
	o.raw(`,"after_unknown":`)
	if after != nil && hasUnknown(after) {
		o.shape(after, unknownShape)
	} else {
		o.raw("{}")
	}
	o.raw(`,"before_sensitive":`)
	shapeOrFalse(o, before)
	o.raw(`,"after_sensitive":`)
	shapeOrFalse(o, after)
	if len(paths) > 0 {
		o.raw(`,"replace_paths":[`)
		for i, p := range paths {
			if i > 0 {
				o.byte(',')
			}
			o.value(strs(p...))
		}
		o.byte(']')
	}
	o.byte('}')
}

func writeOrNull(o *out, v object) {
	if v == nil {
		o.raw("null")
		return
	}
	o.value(v)
}

func shapeOrFalse(o *out, v object) {
	if v == nil {
		o.raw("false")
		return
	}
	o.shape(v, sensitiveShape)
}

func (g *gen) resourceChanges(o *out) {
	first := true
	g.forStacks(func(st *stack, insts []instance, _ int) {
		for _, in := range g.sorted(insts) {
			ch := g.changeOf(st, in)
			if !first {
				o.byte(',')
			}
			first = false
			g.header(o, st, ch.sl, ch.key, true)
			o.raw(`,"change":`)
			o.changeBody(ch.kind.actions(ch.sl.cbd), ch.before, ch.after, ch.paths)
			if ch.reason != "" {
				o.raw(`,"action_reason":"` + ch.reason + `"`)
			}
			o.byte('}')
		}
	})
}

// drifted lists the instances whose refreshed state differs from the state
// last applied: log groups whose retention was changed in the console.
func (g *gen) drifted(st *stack, insts []instance) []instance {
	if g.scenario != ScenarioMixed || !st.retentionDrift || !st.inState {
		return nil
	}
	var out []instance
	for _, in := range insts {
		sl := &g.slots[in.slot]
		if sl.typ == "aws_cloudwatch_log_group" && sl.name == "ecs" {
			out = append(out, in)
		}
	}
	return out
}

func (g *gen) resourceDrift(o *out) {
	first := true
	g.forStacks(func(st *stack, insts []instance, _ int) {
		for _, in := range g.drifted(st, insts) {
			sl := &g.slots[in.slot]
			c := g.ctx(st, in.key)
			c.env = g.stateEnv
			applied := sl.build(&c)
			refreshed := g.stateValues(st, sl, in.key)
			if !first {
				o.byte(',')
			}
			first = false
			g.header(o, st, sl, in.key, true)
			o.raw(`,"change":`)
			o.changeBody(`["update"]`, applied, refreshed, nil)
			o.byte('}')
		}
	})
}

func (g *gen) relevantAttributes(o *out) {
	first := true
	emit := func(addr string, attrs ...string) {
		for _, a := range attrs {
			if !first {
				o.byte(',')
			}
			first = false
			o.raw(`{"resource":`)
			o.str(addr)
			o.raw(`,"attribute":[`)
			o.str(a)
			o.raw(`]}`)
		}
	}
	g.forStacks(func(st *stack, insts []instance, _ int) {
		for _, in := range g.drifted(st, insts) {
			emit("module."+st.module+"."+instanceAddr(&g.slots[in.slot], in.key), "retention_in_days")
		}
		if g.scenario != ScenarioWrongState || !st.inState || !st.inConfig {
			return
		}
		for _, in := range g.sorted(insts) {
			sl := &g.slots[in.slot]
			if sl.typ != "aws_iam_role" || !has(g.keysOf(st, sl, configSide), in.key) {
				continue
			}
			addr := "module." + st.module + "." + instanceAddr(sl, in.key)
			if sl.name == "replication" {
				emit(addr, "arn", "unique_id")
			} else {
				emit(addr, "arn")
			}
		}
	})
}

// resource writes a planned_values or prior_state resource.
func (g *gen) resource(o *out, st *stack, sl *slot, key any, values object, dependsOn bool) {
	g.header(o, st, sl, key, false)
	o.raw(`,"schema_version":`)
	o.int(int64(sl.schema))
	o.raw(`,"values":`)
	o.value(values)
	o.raw(`,"sensitive_values":`)
	o.shape(values, sensitiveShape)
	if dependsOn && len(sl.deps) > 0 {
		o.raw(`,"depends_on":[`)
		deps := slices.Clone(sl.deps)
		slices.Sort(deps)
		for i, d := range deps {
			if i > 0 {
				o.byte(',')
			}
			o.str("module." + st.module + "." + d)
		}
		o.byte(']')
	}
	o.byte('}')
}

// modules writes child_modules: one entry per stack with at least one
// resource that values returns non-nil for.
func (g *gen) modules(o *out, values func(st *stack, in instance) object, dependsOn bool) {
	o.raw(`{"child_modules":[`)
	firstMod := true
	g.forStacks(func(st *stack, insts []instance, _ int) {
		firstRes := true
		for _, in := range g.sorted(insts) {
			v := values(st, in)
			if v == nil {
				continue
			}
			if firstRes {
				if !firstMod {
					o.byte(',')
				}
				firstMod = false
				o.raw(`{"resources":[`)
			} else {
				o.byte(',')
			}
			firstRes = false
			g.resource(o, st, &g.slots[in.slot], in.key, v, dependsOn)
		}
		if !firstRes {
			o.raw(`],"address":`)
			o.str("module." + st.module)
			o.byte('}')
		}
	})
	o.raw(`]}`)
}

func (g *gen) plannedValues(o *out) {
	if g.scenario == ScenarioDestroy {
		o.raw(`{"root_module":{}}`)
		return
	}
	o.raw(`{"outputs":{`)
	env, arn := g.outputValues(true)
	if arn != nil {
		o.raw(`"environment":{"sensitive":false,"type":"string","value":`)
		o.str(env)
		o.raw(`},"primary_task_exec_role_arn":{"sensitive":false`)
		if s, ok := arn.(string); ok {
			o.raw(`,"type":"string","value":`)
			o.str(s)
		}
		o.byte('}')
	} else {
		o.raw(`"environment":{"sensitive":false,"type":"string","value":`)
		o.str(env)
		o.byte('}')
	}
	o.raw(`},"root_module":`)
	g.modules(o, func(st *stack, in instance) object {
		ch := g.changeOf(st, in)
		if ch.kind == remove {
			return nil
		}
		return ch.after
	}, false)
	o.byte('}')
}

func (g *gen) priorState(o *out) {
	env, arn := g.outputValues(false)
	o.raw(`{"outputs":{"environment":{"sensitive":false,"value":`)
	o.str(env)
	o.raw(`,"type":"string"}`)
	if s, ok := arn.(string); ok {
		o.raw(`,"primary_task_exec_role_arn":{"sensitive":false,"value":`)
		o.str(s)
		o.raw(`,"type":"string"}`)
	}
	o.raw(`},"root_module":`)
	g.modules(o, func(st *stack, in instance) object {
		sl := &g.slots[in.slot]
		if !has(g.keysOf(st, sl, stateSide), in.key) {
			return nil
		}
		return g.stateValues(st, sl, in.key)
	}, true)
	o.byte('}')
}

// outputValues returns the root outputs on one side: the environment and
// the first service's task execution role ARN (nil when not declared,
// unknown when the role is created by the plan).
func (g *gen) outputValues(planned bool) (string, any) {
	st := g.newStack(1)
	env := g.stateEnv
	if planned {
		env = g.configEnv
	}
	if !g.roleOut {
		return env, nil
	}
	c := g.ctx(st, nil)
	c.env = env
	c.planned = planned
	if !planned && !st.inState {
		return env, nil
	}
	return env, c.roleArn("task_exec")
}

func (g *gen) outputChanges(o *out) {
	benv, barn := g.outputValues(false)
	aenv, aarn := g.outputValues(true)
	write := func(name string, before, after any) {
		actions := `["no-op"]`
		switch {
		case g.scenario == ScenarioDestroy:
			actions, after = `["delete"]`, nil
		case !equal(before, after):
			actions = `["update"]`
		}
		o.key(name)
		o.raw(`{"actions":` + actions + `,"before":`)
		o.value(before)
		o.raw(`,"after":`)
		o.value(after)
		o.raw(`,"after_unknown":`)
		_, unk := after.(unknownValue)
		o.raw(strconv.FormatBool(unk))
		o.raw(`,"before_sensitive":false,"after_sensitive":false}`)
	}
	o.byte('{')
	write("environment", benv, aenv)
	if g.roleOut {
		o.byte(',')
		write("primary_task_exec_role_arn", barn, aarn)
	}
	o.byte('}')
}
