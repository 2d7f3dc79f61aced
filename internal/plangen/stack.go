package plangen

import (
	"fmt"
	"slices"
	"strconv"
)

// A stack is one service's infrastructure, declared by one call of the
// shared ./modules/service module (module.svc_0001, module.svc_0002, …).
// Every stack has the same template; flags derived from the seed vary what a
// particular plan does to it.

// serviceWords name the stacks; a stack's service is a word and its number.
const serviceWords = "orders billing payments search catalog inventory shipping notify auth " +
	"profile ledger reports ingest media pricing reviews cart checkout events audit quotes loyalty fraud"

type stack struct {
	idx     int // 1-based
	module  string
	service string
	id      idgen
	flags   uint64

	inState  bool // the prior state holds the stack
	inConfig bool // the configuration declares the stack

	database       bool // stack has an RDS instance (count 1, else 0)
	dlq            bool // EventBridge target has a dead-letter queue
	nonBlocking    bool // awslogs in non-blocking mode
	costCenter     bool // mixed: the PR adds a CostCenter tag
	imageBump      bool // mixed: new image, task definition replaced
	shrinkWorkers  bool // mixed: worker_count 2 → 1
	dropHTTP       bool // mixed: the http ingress rule is removed
	retentionDrift bool // mixed: log retention changed outside Terraform
	userIDPolicy   bool // replica bucket policy keyed on the role unique id
}

// side selects the prior state or the configuration.
type side int

const (
	stateSide side = iota
	configSide
)

func (g *gen) newStack(idx int) *stack {
	st := &stack{idx: idx, id: newIDGen(g.opts.Seed, idx)}
	st.module = fmt.Sprintf(g.moduleFmt, idx)
	h := st.id.h("flags")
	st.flags = h
	w := g.words[int(h%uint64(len(g.words)))]
	st.service = w + "-" + strconv.Itoa(idx)
	pick := func(what string, n uint64) bool { return st.id.h(what)%n == 0 }
	st.database = idx == 1 || pick("database", 3)
	st.dlq = idx == 2 || pick("dlq", 2)
	st.nonBlocking = pick("nonblocking", 4)
	st.userIDPolicy = idx == 1 || pick("userid", 2)
	st.inState, st.inConfig = true, true
	switch g.scenario {
	case ScenarioMixed:
		if idx > 2 && pick("new", 8) {
			st.inState = false // a service added by the PR
		}
		st.costCenter = idx == 2 || pick("costcenter", 20)
		st.imageBump = idx == 1 || pick("image", 60)
		st.shrinkWorkers = idx == 2 || pick("shrink", 90)
		st.dropHTTP = idx == 3 || pick("drophttp", 120)
		st.retentionDrift = idx == 1 || pick("drift", 150)
	case ScenarioWrongState:
		switch {
		case idx == 1:
		case idx == 2 || pick("envonly", 5):
			st.inConfig = false // only Env's configuration has this service
		case pick("targetonly", 23):
			st.inState = false // only TargetEnv's configuration has it
		}
	}
	return st
}

// slot is one resource block of the service module.
type slot struct {
	typ, name string
	schema    int
	// keys returns the instance keys for one side; nil means one
	// instance without a key.
	keys        func(g *gen, st *stack, s side) []any
	build       func(c *vctx) object
	deps        []string // resource addresses (module-relative) it refers to
	expr        string   // configuration expressions, JSON
	countExpr   string
	forEachExpr string
	// replace, when the resource must be replaced rather than updated for a
	// given plan, lists the attributes forcing it.
	replacePaths func(g *gen, st *stack) [][]string
	cbd          bool // lifecycle create_before_destroy
	// newer marks blocks added in the module version Env runs; the
	// configuration of TargetEnv pins the version before them.
	newer bool
}

// declares reports whether the configuration's service module has the
// slot's resource block.
func (g *gen) declares(sl *slot) bool {
	return !(sl.newer && g.configEnv != g.opts.Env)
}

func (s *slot) addr() string { return s.typ + "." + s.name }

// instance is one resource instance of a stack.
type instance struct {
	slot int
	key  any
}

// instanceAddr formats the module-relative address of an instance.
func instanceAddr(s *slot, key any) string {
	switch k := key.(type) {
	case int:
		return s.addr() + "[" + strconv.Itoa(k) + "]"
	case string:
		return s.addr() + `["` + k + `"]`
	}
	return s.addr()
}

func one(*gen, *stack, side) []any { return []any{nil} }

func present(g *gen, st *stack, s side) bool {
	if s == stateSide {
		return st.inState
	}
	return st.inConfig
}

// keysOf returns the keys of a slot on one side of the plan.
func (g *gen) keysOf(st *stack, sl *slot, s side) []any {
	if !present(g, st, s) {
		return nil
	}
	return sl.keys(g, st, s)
}

// universe lists the stack's instances — those in the prior state, the
// configuration or both — in template (dependency) order, truncated to at
// most limit instances; declared is the number of template slots the
// module's configuration declares.
func (g *gen) universe(st *stack, limit int) (insts []instance, declared int) {
	for i := range g.slots {
		sl := &g.slots[i]
		a := g.keysOf(st, sl, stateSide)
		b := g.keysOf(st, sl, configSide)
		keys := unionKeys(a, b)
		if len(keys) > 0 && len(insts) >= limit {
			break
		}
		declared = i + 1
		for _, k := range keys {
			if len(insts) >= limit {
				break
			}
			insts = append(insts, instance{slot: i, key: k})
		}
	}
	return insts, declared
}

func unionKeys(a, b []any) []any {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := slices.Clone(a)
	for _, k := range b {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, compareKeys)
	return out
}

func compareKeys(a, b any) int {
	switch x := a.(type) {
	case int:
		y, _ := b.(int)
		return x - y
	case string:
		y, _ := b.(string)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// sorted returns the instances in the order Terraform lists them within a
// module: by resource type, name, then key.
func (g *gen) sorted(insts []instance) []instance {
	out := slices.Clone(insts)
	slices.SortStableFunc(out, func(a, b instance) int {
		sa, sb := &g.slots[a.slot], &g.slots[b.slot]
		if sa.typ != sb.typ {
			if sa.typ < sb.typ {
				return -1
			}
			return 1
		}
		if sa.name != sb.name {
			if sa.name < sb.name {
				return -1
			}
			return 1
		}
		return compareKeys(a.key, b.key)
	})
	return out
}

func has(keys []any, k any) bool { return slices.Contains(keys, k) }

// kind is what the plan does to one instance.
type kind int

const (
	noChange kind = iota
	create
	update
	remove
	replace
)

// plan decides the action for an instance (update versus no-op is decided by
// comparing values, see change).
func (g *gen) plan(st *stack, sl *slot, key any) (k kind, reason string) {
	inState := has(g.keysOf(st, sl, stateSide), key)
	inConfig := has(g.keysOf(st, sl, configSide), key)
	switch {
	case g.scenario == ScenarioDestroy:
		return remove, ""
	case !inState:
		return create, ""
	case !inConfig:
		switch {
		case !st.inConfig:
			return remove, "delete_because_no_module"
		case !g.declares(sl):
			return remove, "delete_because_no_resource_config"
		case sl.forEachExpr != "":
			return remove, "delete_because_each_key"
		default:
			return remove, "delete_because_count_index"
		}
	case sl.replacePaths != nil && sl.replacePaths(g, st) != nil:
		return replace, "replace_because_cannot_update"
	}
	return update, ""
}

// fresh reports whether the instance gets new identifiers in this plan
// (created or replaced), so references to it are unknown until apply.
func (g *gen) fresh(st *stack, slotAddr string, key any) bool {
	sl := &g.slots[g.slotIndex[slotAddr]]
	if !has(g.keysOf(st, sl, configSide), key) {
		return false
	}
	k, _ := g.plan(st, sl, key)
	return k == create || k == replace
}
