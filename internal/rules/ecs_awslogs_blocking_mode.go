package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hiyari-dev/hiyari/internal/plan"
	"github.com/hiyari-dev/hiyari/internal/report"
)

// ecsAwslogsBlockingMode flags ECS task definitions whose containers ship logs with the
// awslogs driver in blocking mode: when CloudWatch Logs cannot take the logs (the
// execution role is gone, the log group is missing, throttling), writes to stdout and
// stderr block and the application stalls.
type ecsAwslogsBlockingMode struct{}

func (ecsAwslogsBlockingMode) ID() string                { return "ecs_awslogs_blocking_mode" }
func (ecsAwslogsBlockingMode) Severity() report.Severity { return report.Medium }
func (ecsAwslogsBlockingMode) Summary() string {
	return "An ECS container logs through awslogs in blocking mode: a logging outage stalls the application"
}

// defaultModeChange is when AWS changed the awslogs default mode from blocking to
// non-blocking for containers that set no mode.
const defaultModeChange = "2025-06-25"

// containerLogging is the part of a container definition this rule reads.
type containerLogging struct {
	Name             string `json:"name"`
	LogConfiguration *struct {
		LogDriver string         `json:"logDriver"`
		Options   map[string]any `json:"options"`
	} `json:"logConfiguration"`
}

// awslogsModes returns the awslogs containers of a task definition's planned
// container_definitions that block explicitly and those that set no mode; ok is false
// when the definitions are unknown at plan time, sensitive or not valid JSON.
func awslogsModes(c *plan.Change) (blocking, unset []string, ok bool) {
	v := after(c, "container_definitions")
	if !v.Set || v.Sensitive || v.Unknown {
		return nil, nil, false
	}
	var defs []containerLogging
	if err := json.Unmarshal([]byte(v.Text), &defs); err != nil {
		return nil, nil, false
	}
	for i, d := range defs {
		lc := d.LogConfiguration
		if lc == nil || lc.LogDriver != "awslogs" {
			continue
		}
		name := d.Name
		if name == "" {
			name = fmt.Sprint(i)
		}
		mode, has := lc.Options["mode"]
		switch {
		case !has || mode == nil || mode == "":
			unset = append(unset, name)
		case strings.EqualFold(fmt.Sprint(mode), "blocking"):
			blocking = append(blocking, name)
		}
	}
	return blocking, unset, true
}

func (r ecsAwslogsBlockingMode) Check(in *Input) []report.Finding {
	h := hits{}
	for _, c := range in.Plan.Changes {
		if c.Type != "aws_ecs_task_definition" || !planned(c) {
			continue
		}
		blocking, unset, ok := awslogsModes(c)
		if !ok || len(blocking)+len(unset) == 0 {
			continue
		}
		var ev []report.Evidence
		for _, n := range blocking {
			ev = append(ev, report.Evidence{Path: "container_definitions[" + n + "].logConfiguration.options.mode", Value: "blocking"})
		}
		for _, n := range unset {
			ev = append(ev, report.Evidence{Path: "container_definitions[" + n + "].logConfiguration.options.mode", Value: "(not set: account default)"})
		}
		sev := report.Info
		if len(blocking) > 0 {
			sev = report.Medium
		}
		h.add(sev, c, ev...)
	}
	check := "hiyari cannot see the account setting: check it with `aws ecs list-account-settings --name defaultLogDriverMode --effective-settings` in each account and Region."
	fix := `Decide per container: set "mode": "non-blocking" and "max-buffer-size": "25m" in logConfiguration.options where the application must keep running when logs cannot be delivered (lines are dropped when the buffer is full), or keep "blocking" deliberately where every line must be kept (audit, regulated logs) and acknowledge this finding with that reason. To change the default for containers without a mode: ` + "`aws ecs put-account-setting-default --name defaultLogDriverMode --value non-blocking`."
	return h.findings(func(sev report.Severity, addrs []string) (string, string) {
		if sev == report.Medium {
			return fmt.Sprintf("%s %s containers that ship logs with awslogs in blocking mode: when CloudWatch Logs cannot take them (the task execution role deleted, the log group missing, throttling), writes to stdout/stderr block, the application stalls, health checks fail and tasks are stopped; a container that cannot create its log stream does not start",
				countNoun(addrs, "ECS task definition"), verb(addrs, "has", "have")), fix
		}
		return fmt.Sprintf("%s %s awslogs containers that set no mode, so the account decides: until %s the default was blocking (a logging outage stalls the application); since then it is non-blocking (lines are dropped when the buffer fills) unless the account setting defaultLogDriverMode is blocking. %s",
			countNoun(addrs, "ECS task definition"), verb(addrs, "has", "have"), defaultModeChange, check), fix
	})
}
