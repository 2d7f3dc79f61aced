package plangen

import (
	"strconv"
	"strings"
)

// moduleVariables are the service module's input variables, sorted.
const moduleVariables = `{"account_id":{},` +
	`"artifact_bucket":{},` +
	`"awslogs_mode":{"default":"blocking"},` +
	`"cluster_arn":{},` +
	`"database_enabled":{"default":false},` +
	`"db_password":{"sensitive":true},` +
	`"debug_role":{"default":false},` +
	`"deletion_protection":{"default":false},` +
	`"desired_count":{"default":2},` +
	`"environment":{},` +
	`"events_dlq":{"default":false},` +
	`"image":{},` +
	`"ingress_rules":{},` +
	`"log_retention_days":{"default":30},` +
	`"private_subnet_ids":{},` +
	`"service":{},` +
	`"ship_logs":{"default":true},` +
	`"vpc_id":{},` +
	`"worker_count":{"default":2}}`

// rootVariables declares the root module's variables, sorted.
const rootVariables = `{"account_id":{"description":"AWS account of this environment"},` +
	`"artifact_bucket":{"description":"Bucket holding Lambda deployment packages"},` +
	`"cluster_arn":{"description":"Shared ECS cluster"},` +
	`"db_password":{"description":"Master password of the service databases","sensitive":true},` +
	`"debug_role":{"default":false,"description":"Create break-glass debugging roles"},` +
	`"environment":{"description":"Environment name"},` +
	`"private_subnet_ids":{"description":"Private subnets"},` +
	`"region":{"default":"us-east-1","description":"AWS region"},` +
	`"vpc_id":{"description":"VPC id"}}`

func (g *gen) configuration(o *out) {
	o.raw(`{"provider_config":{"aws":{"name":"aws","full_name":"` + providerName + `","version_constraint":"~> 5.90",` +
		`"expressions":{"allowed_account_ids":{"references":["var.account_id"]},"default_tags":[{"tags":{"references":["var.environment"]}}],"region":{"references":["var.region"]}}}},`)
	o.raw(`"root_module":{"outputs":{"environment":{"expression":{"references":["var.environment"]},"description":"Environment this configuration manages"}`)
	if g.roleOut {
		first := "module." + g.newStack(1).module
		o.raw(`,"primary_task_exec_role_arn":{"expression":{"references":["` + first + `.task_exec_role_arn","` + first + `"]},"description":"Task execution role of the first service"}`)
	}
	o.raw(`},"module_calls":{`)
	first := true
	g.forStacks(func(st *stack, _ []instance, declared int) {
		if !st.inConfig {
			return
		}
		if !first {
			o.byte(',')
		}
		first = false
		g.moduleCall(o, st, declared)
	})
	o.raw(`},"variables":` + rootVariables + `}}`)
}

func (g *gen) moduleCall(o *out, st *stack, declared int) {
	o.key(st.module)
	c := g.ctx(st, nil)
	c.env = g.configEnv
	c.planned = true
	mode := "blocking"
	if st.nonBlocking {
		mode = "non-blocking"
	}
	workers := "2"
	if g.scenario == ScenarioMixed && st.shrinkWorkers {
		workers = "1"
	}
	var rules strings.Builder
	rules.WriteByte('{')
	for i, k := range g.ingressKeys(st, true) {
		if i > 0 {
			rules.WriteByte(',')
		}
		ks := k.(string)
		rules.WriteString(`"` + ks + `":{"cidr":"` + ingressCIDR(ks) + `","port":` + strconv.Itoa(ingressPort(ks)) + `}`)
	}
	rules.WriteByte('}')
	ref := func(v string) string { return `{"references":["var.` + v + `"]}` }
	source := "git::https://github.example.com/platform/terraform-modules.git//service?ref=v1.9.0"
	if g.configEnv != g.opts.Env {
		source = "git::https://github.example.com/platform/terraform-modules.git//service?ref=v1.8.2"
	}
	o.raw(`{"source":"` + source + `","expressions":{"account_id":` + ref("account_id") +
		`,"artifact_bucket":` + ref("artifact_bucket") +
		`,"awslogs_mode":{"constant_value":"` + mode + `"}` +
		`,"cluster_arn":` + ref("cluster_arn") +
		`,"database_enabled":{"constant_value":` + boolStr(st.database) + `}` +
		`,"db_password":` + ref("db_password") +
		`,"debug_role":` + ref("debug_role") +
		`,"environment":` + ref("environment") +
		`,"events_dlq":{"constant_value":` + boolStr(st.dlq) + `}` +
		`,"image":{"constant_value":`)
	o.str(c.image())
	o.raw(`},"ingress_rules":{"constant_value":` + rules.String() + `}` +
		`,"private_subnet_ids":` + ref("private_subnet_ids") +
		`,"service":{"constant_value":"` + st.service + `"}` +
		`,"vpc_id":` + ref("vpc_id") +
		`,"worker_count":{"constant_value":` + workers + `}},"module":{"outputs":{`)
	outs := 0
	output := func(name, slotAddr, attr, desc string) {
		if g.slotIndex[slotAddr] >= declared {
			return
		}
		if outs > 0 {
			o.byte(',')
		}
		outs++
		o.raw(`"` + name + `":{"expression":{"references":["` + slotAddr + `.` + attr + `","` + slotAddr + `"]},"description":"` + desc + `"}`)
	}
	output("data_bucket", "aws_s3_bucket.data", "bucket", "Bucket holding the service's data")
	output("task_exec_role_arn", "aws_iam_role.task_exec", "arn", "Task execution role")
	o.raw(`},"resources":[`)
	first := true
	for i := 0; i < declared; i++ {
		sl := &g.slots[i]
		if !g.declares(sl) {
			continue
		}
		if !first {
			o.byte(',')
		}
		first = false
		o.raw(`{"address":"` + sl.addr() + `","mode":"managed","type":"` + sl.typ + `","name":"` + sl.name +
			`","provider_config_key":"aws","expressions":` + sl.expr + `,"schema_version":`)
		o.int(int64(sl.schema))
		if sl.countExpr != "" {
			o.raw(`,"count_expression":` + sl.countExpr)
		}
		if sl.forEachExpr != "" {
			o.raw(`,"for_each_expression":` + sl.forEachExpr)
		}
		o.byte('}')
	}
	o.raw(`],"variables":` + moduleVariables + `}}`)
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
