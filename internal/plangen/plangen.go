// Package plangen writes deterministic, realistic AWS-shaped Terraform plans
// in the `terraform show -json` format (format_version 1.2, Terraform
// 1.11.4), for benchmarks and scale tests of plan review.
//
// A plan is a run of service stacks — one call of a shared service module
// each (module.svc_0001, module.svc_0002, …) — holding the IAM roles and the
// ECS, Lambda, CloudWatch Logs, Firehose, S3 replication, SNS/SQS,
// EventBridge, DynamoDB and RDS resources that use them. The document is
// streamed: memory stays constant however many resources are asked for,
// because every section rebuilds each instance from (seed, stack, slot)
// instead of remembering it.
package plangen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Scenario names accepted in Options.Scenario.
const (
	// ScenarioMixed is a healthy pull request: mostly no-op, a few services
	// added, tags and images changed, a task definition replaced, a worker
	// queue and an ingress rule removed, and some drift.
	ScenarioMixed = "mixed"
	// ScenarioWrongState is the wrong-state-key incident at scale: the
	// configuration of TargetEnv planned against the state of Env.
	ScenarioWrongState = "wrong-state"
	// ScenarioNoChanges is a plan in which every resource is a no-op.
	ScenarioNoChanges = "no-changes"
	// ScenarioDestroy is `terraform plan -destroy`: everything deleted.
	ScenarioDestroy = "destroy"
)

// Scenarios returns the accepted scenario names.
func Scenarios() []string {
	return []string{ScenarioMixed, ScenarioWrongState, ScenarioNoChanges, ScenarioDestroy}
}

// TerraformVersion is the terraform_version written into every plan.
const TerraformVersion = "1.11.4"

// FormatVersion is the plan format_version written into every plan.
const FormatVersion = "1.2"

// CanaryPrefix starts every sensitive value the generator writes (database
// passwords, the db_password variable). A reviewer of the plan must never
// show a string with this prefix.
const CanaryPrefix = "plangen-canary-"

// Options configures a generated plan. Zero values take the defaults noted.
type Options struct {
	// Resources is the number of resource changes in the plan (at least 1).
	Resources int
	// Scenario is one of Scenarios(); default ScenarioMixed.
	Scenario string
	// Seed selects the plan; the same options give the same bytes.
	Seed int64
	// Env is the environment whose state the plan starts from; default "dev".
	Env string
	// TargetEnv is the environment of the configuration in the wrong-state
	// scenario; default "staging".
	TargetEnv string
	// Account is the 12-digit AWS account id in ARNs; default "123456789012".
	Account string
}

// validAccount reports whether s is a 12-digit account id.
func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validEnv reports whether s is a short lowercase environment name.
func validEnv(s string) bool {
	if len(s) == 0 || len(s) > 16 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func (o Options) withDefaults() (Options, error) {
	if o.Scenario == "" {
		o.Scenario = ScenarioMixed
	}
	if o.Env == "" {
		o.Env = "dev"
	}
	if o.TargetEnv == "" {
		o.TargetEnv = "staging"
	}
	if o.Account == "" {
		o.Account = "123456789012"
	}
	switch {
	case o.Resources < 1:
		return o, fmt.Errorf("resources %d: must be at least 1", o.Resources)
	case !slices.Contains(Scenarios(), o.Scenario):
		return o, fmt.Errorf("scenario %q: unknown, use one of %v", o.Scenario, Scenarios())
	case !validAccount(o.Account):
		return o, fmt.Errorf("account %q: must be 12 digits", o.Account)
	case !validEnv(o.Env):
		return o, fmt.Errorf("env %q: must be a short lowercase name such as dev", o.Env)
	case !validEnv(o.TargetEnv):
		return o, fmt.Errorf("target env %q: must be a short lowercase name such as staging", o.TargetEnv)
	case o.Scenario == ScenarioWrongState && o.Env == o.TargetEnv:
		return o, fmt.Errorf("env and target env are both %q: the wrong-state scenario needs two environments", o.Env)
	}
	return o, nil
}

// gen holds what one Write needs; nothing in it grows with Resources.
type gen struct {
	opts      Options
	scenario  string
	stateEnv  string
	configEnv string
	region    string
	moduleFmt string

	words     []string
	slots     []slot
	slotIndex map[string]int
	roles     map[string]roleSlot

	vpcID          string
	subnets        list
	clusterArn     string
	artifactBucket string
	canonicalID    string
	rdsSuffix      string

	nStacks   int
	lastLimit int
	roleOut   bool // module.svc_0001 declares the role the root output reads
}

// Write streams a plan for opts to w.
func Write(w io.Writer, opts Options) error {
	g, err := newGen(opts)
	if err != nil {
		return fmt.Errorf("generate plan: %w", err)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	o := &out{w: bw}
	g.document(o)
	if o.err == nil {
		o.err = bw.Flush()
	}
	if o.err != nil {
		return fmt.Errorf("write plan: %w", o.err)
	}
	return nil
}

func newGen(opts Options) (*gen, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &gen{opts: opts, words: strings.Fields(serviceWords), scenario: opts.Scenario, stateEnv: opts.Env, configEnv: opts.Env, region: "us-east-1"}
	if g.scenario == ScenarioWrongState {
		g.configEnv = opts.TargetEnv
	}
	acct := newIDGen(opts.Seed, 0)
	g.vpcID = "vpc-" + acct.hex("vpc", 17)
	g.subnets = strs("subnet-"+acct.hex("subnet-a", 17), "subnet-"+acct.hex("subnet-b", 17), "subnet-"+acct.hex("subnet-c", 17))
	g.clusterArn = "arn:aws:ecs:" + g.region + ":" + opts.Account + ":cluster/platform"
	g.artifactBucket = "platform-artifacts-" + opts.Account
	g.canonicalID = acct.hex("canonical", 64)
	g.rdsSuffix = acct.chars("rds", lowerAlnum, 12)
	g.moduleFmt = "svc_%04d"
	g.slots = g.template()
	g.slotIndex = make(map[string]int, len(g.slots))
	for i := range g.slots {
		g.slotIndex[g.slots[i].addr()] = i
	}
	// size the run of stacks; a stack is about 40 instances, so this is
	// one cheap pass
	total := 0
	for idx := 1; ; idx++ {
		if idx > 10_000_000 {
			return nil, errors.New("resources: too many, at most about 400 million")
		}
		n, _ := g.universe(g.newStack(idx), math.MaxInt)
		if total+len(n) >= opts.Resources {
			g.nStacks, g.lastLimit = idx, opts.Resources-total
			break
		}
		total += len(n)
	}
	switch {
	case g.nStacks >= 1_000_000:
		g.moduleFmt = "svc_%07d"
	case g.nStacks >= 10_000:
		g.moduleFmt = "svc_%06d"
	}
	g.finish()
	return g, nil
}

func (g *gen) finish() {
	_, declared := g.stackUniverse(g.newStack(1))
	g.roleOut = declared > g.slotIndex["aws_iam_role.task_exec"]
}

// stackUniverse is the stack's instance list in this plan (the last stack
// is cut short to make Resources exactly).
func (g *gen) stackUniverse(st *stack) ([]instance, int) {
	limit := math.MaxInt
	if st.idx == g.nStacks {
		limit = g.lastLimit
	}
	return g.universe(st, limit)
}

// forStacks calls fn for every stack of the plan, in module order.
func (g *gen) forStacks(fn func(st *stack, insts []instance, declared int)) {
	for idx := 1; idx <= g.nStacks; idx++ {
		st := g.newStack(idx)
		insts, declared := g.stackUniverse(st)
		fn(st, insts, declared)
	}
}
