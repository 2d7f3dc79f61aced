package rules

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hiyari-dev/hiyari/internal/report"
)

func TestECSAwslogsBlockingMode(t *testing.T) {
	// container is one container definition logging with driver and options (nil: no
	// logConfiguration).
	container := func(name, driver string, options map[string]any) map[string]any {
		d := map[string]any{"name": name, "image": "nginx:1.27", "essential": true}
		if driver != "" {
			d["logConfiguration"] = map[string]any{"logDriver": driver, "options": options}
		}
		return d
	}
	defs := func(t *testing.T, containers ...map[string]any) string {
		b, err := json.Marshal(containers)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	awslogs := func(mode string) map[string]any {
		o := map[string]any{"awslogs-group": "/ecs/stg-web", "awslogs-region": "ap-northeast-1", "awslogs-stream-prefix": "web"}
		if mode != "" {
			o["mode"] = mode
		}
		return o
	}
	task := func(addr string, cd string, actions ...string) rc {
		return change(addr, actions...).after(map[string]any{"family": "stg-web", "container_definitions": cd})
	}
	mode := func(f report.Finding, addr, container string) string {
		for _, e := range f.Evidence {
			if e.Address == addr && e.Path == "container_definitions["+container+"].logConfiguration.options.mode" {
				return e.Value
			}
		}
		return ""
	}
	runPlannedCases(t, ecsAwslogsBlockingMode{}, []ruleCase{
		{
			name: "explicit blocking is medium and names the container",
			doc:  planOf(task("aws_ecs_task_definition.web", defs(t, container("web", "awslogs", awslogs("blocking")), container("sidecar", "awslogs", awslogs("non-blocking"))), "create")),
			want: []brief{{"aws_ecs_task_definition.web", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "blocking mode", "task execution role", "non-blocking", "max-buffer-size")
				if got := mode(fs[0], "aws_ecs_task_definition.web", "web"); got != "blocking" {
					t.Errorf("web mode evidence = %q", got)
				}
				if got := mode(fs[0], "aws_ecs_task_definition.web", "sidecar"); got != "" {
					t.Errorf("a non-blocking container is reported: %q", got)
				}
			},
		},
		{
			name: "mode unset is info, says which default applies and that the account setting decides",
			doc:  planOf(task("aws_ecs_task_definition.api", defs(t, container("api", "awslogs", awslogs(""))), "update")),
			want: []brief{{"aws_ecs_task_definition.api", report.Info}},
			check: func(t *testing.T, fs []report.Finding) {
				wantText(t, fs[0], "until 2025-06-25 the default was blocking", "non-blocking", "defaultLogDriverMode", "list-account-settings")
				if got := mode(fs[0], "aws_ecs_task_definition.api", "api"); got != "(not set: account default)" {
					t.Errorf("api mode evidence = %q", got)
				}
			},
		},
		{
			name: "explicit and unset in one task definition: medium, both shown; other tasks grouped by severity",
			doc: planOf(
				task("aws_ecs_task_definition.mixed", defs(t, container("app", "awslogs", awslogs("blocking")), container("proxy", "awslogs", nil)), "delete", "create"),
				task("aws_ecs_task_definition.b", defs(t, container("b", "awslogs", awslogs("BLOCKING"))), "create"),
				task("aws_ecs_task_definition.c", defs(t, container("c", "awslogs", awslogs(""))), "create"),
			),
			want: []brief{{"aws_ecs_task_definition.mixed", report.Medium}, {"aws_ecs_task_definition.c", report.Info}},
			check: func(t *testing.T, fs []report.Finding) {
				if diff := cmp.Diff([]string{"aws_ecs_task_definition.mixed", "aws_ecs_task_definition.b"}, fs[0].Addresses); diff != "" {
					t.Errorf("addresses (-want +got):\n%s", diff)
				}
				wantText(t, fs[0], "2 ECS task definitions have containers")
				if got := mode(fs[0], "aws_ecs_task_definition.mixed", "proxy"); got != "(not set: account default)" {
					t.Errorf("proxy mode evidence = %q", got)
				}
			},
		},
		{name: "non-blocking everywhere", doc: planOf(task("aws_ecs_task_definition.ok", defs(t, container("web", "awslogs", awslogs("non-blocking"))), "create"))},
		{name: "other log drivers and no logging", doc: planOf(task("aws_ecs_task_definition.fl", defs(t, container("web", "awsfirelens", map[string]any{"Name": "cloudwatch"}), container("quiet", "", nil)), "create"))},
		{
			name: "container_definitions known only after apply",
			doc: planOf(change("aws_ecs_task_definition.later", "create").after(map[string]any{"family": "x"}).
				afterUnknown(map[string]any{"container_definitions": true})),
		},
		{name: "malformed container_definitions", doc: planOf(task("aws_ecs_task_definition.bad", `[{"name":"web","logConfiguration":`, "create"))},
		{name: "container_definitions not an array", doc: planOf(task("aws_ecs_task_definition.obj", `{"name":"web"}`, "create"))},
		{
			name: "sensitive container_definitions are not read",
			doc: planOf(task("aws_ecs_task_definition.s", defs(t, container(canary, "awslogs", awslogs("blocking"))), "create").
				afterSensitive(map[string]any{"container_definitions": true})),
		},
		{
			name: "a container without a name is shown by position",
			doc:  planOf(task("aws_ecs_task_definition.anon", `[{"logConfiguration":{"logDriver":"awslogs","options":{"mode":"blocking"}}}]`, "create")),
			want: []brief{{"aws_ecs_task_definition.anon", report.Medium}},
			check: func(t *testing.T, fs []report.Finding) {
				if got := mode(fs[0], "aws_ecs_task_definition.anon", "0"); got != "blocking" {
					t.Errorf("evidence = %+v", fs[0].Evidence)
				}
			},
		},
		{name: "deleted task definition", doc: planOf(change("aws_ecs_task_definition.gone", "delete").before(map[string]any{"family": "x"}))},
	})
}
