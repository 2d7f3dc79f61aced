package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type resourceChange struct {
	Address string `json:"address"`
	Type    string `json:"type"`
	Change  struct {
		Actions []string        `json:"actions"`
		Before  json.RawMessage `json:"before"`
	} `json:"change"`
	ActionReason string `json:"action_reason"`
}

type plan struct {
	FormatVersion    string           `json:"format_version"`
	TerraformVersion string           `json:"terraform_version"`
	ResourceChanges  []resourceChange `json:"resource_changes"`
}

type state struct {
	Lineage   string `json:"lineage"`
	Resources []struct {
		Type      string `json:"type"`
		Instances []struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// TestIncident runs the whole scenario (versitygw, the test provider, Terraform's
// S3 backend, both environments, the pull request branch) and checks that the
// plan it produced is the incident: staging's configuration against dev's state.
func TestIncident(t *testing.T) {
	root := repoRoot(t)
	for _, tool := range []string{"terraform", "go", "git", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not on PATH: run scripts/setup.sh on a machine with Go and Terraform (%v)", tool, err)
		}
	}
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts/incident/run.sh"), out)
	// On timeout, SIGTERM lets the script's trap stop versitygw; SIGKILL would orphan it.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("scripts/incident/run.sh failed: %v\n%s", err, log.String())
	}
	t.Logf("scenario ran in %s", time.Since(start).Round(time.Millisecond))

	t.Run("outputs", func(t *testing.T) {
		for _, f := range []string{"plan.json", "plan.txt", "tfplan", "plan-intended.json", "dev.tfstate.json",
			"staging.tfstate.json", "repo.bundle", "manifest.txt", "apply.txt", "repo/envs/staging/backend.tf"} {
			fi, err := os.Stat(filepath.Join(out, f))
			if err != nil || fi.Size() == 0 {
				t.Errorf("%s missing or empty (%v)", f, err)
			}
		}
		if b := read(t, out, "tfplan"); !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("tfplan is not a Terraform planfile (a zip archive)")
		}
		if _, err := os.Stat(filepath.Join(out, "repo/.git")); err == nil {
			t.Errorf("repo/ contains a .git directory; it must be plain files")
		}
		backend := string(read(t, out, "repo/envs/staging/backend.tf"))
		if !strings.Contains(backend, `key          = "envs/dev/terraform.tfstate"`) {
			t.Errorf("the branch's staging backend does not point at dev's key:\n%s", backend)
		}
	})

	var p plan
	decode(t, read(t, out, "plan.json"), &p)

	t.Run("dev IAM roles deleted", func(t *testing.T) {
		var got []string
		for _, rc := range p.ResourceChanges {
			if rc.Type == "aws_iam_role" && slices.Contains(rc.Change.Actions, "delete") {
				var before struct{ Name string }
				decode(t, rc.Change.Before, &before)
				got = append(got, before.Name)
			}
		}
		slices.Sort(got)
		want := []string{"dev-api-task", "dev-cwlogs-to-firehose", "dev-developer-sandbox", "dev-ecs-task-execution",
			"dev-firehose-to-s3", "dev-log-processor", "dev-s3-replication"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("roles the plan deletes (-want +got):\n%s", diff)
		}
	})

	t.Run("actions", func(t *testing.T) {
		got := map[string]string{}
		for _, rc := range p.ResourceChanges {
			if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
				got[rc.Address] = strings.Join(rc.Change.Actions, ",") + " " + rc.ActionReason
			}
		}
		tests := []struct {
			address, want string
		}{
			{"aws_iam_role.developer_sandbox", "delete delete_because_no_resource_config"},
			{"aws_iam_role_policy_attachment.developer_sandbox", "delete delete_because_no_resource_config"},
			{"aws_s3_bucket.scratch", "delete delete_because_no_resource_config"},
			{"aws_vpc_security_group_ingress_rule.https_vpn", "delete delete_because_no_resource_config"},
			{"aws_vpc_security_group_ingress_rule.https_partner", "create "},
			{"module.app.aws_iam_role.ecs_task_execution", "delete,create replace_because_cannot_update"},
			{"module.app.aws_ecs_task_definition.api", "delete,create replace_because_cannot_update"},
			{"module.app.aws_s3_bucket_replication_configuration.logs", "delete,create replace_because_cannot_update"},
		}
		for _, tt := range tests {
			t.Run(tt.address, func(t *testing.T) {
				if got[tt.address] != tt.want {
					t.Errorf("%s: got %q, want %q", tt.address, got[tt.address], tt.want)
				}
			})
		}
	})

	t.Run("intended plan changes only the edited rule", func(t *testing.T) {
		var intended plan
		decode(t, read(t, out, "plan-intended.json"), &intended)
		var got []string
		for _, rc := range intended.ResourceChanges {
			if !slices.Equal(rc.Change.Actions, []string{"no-op"}) {
				got = append(got, rc.Address+" "+strings.Join(rc.Change.Actions, ","))
			}
		}
		if diff := cmp.Diff([]string{"aws_vpc_security_group_ingress_rule.https_partner update"}, got); diff != "" {
			t.Errorf("changes against staging's own state (-want +got):\n%s", diff)
		}
	})

	t.Run("states", func(t *testing.T) {
		var dev, staging state
		decode(t, read(t, out, "dev.tfstate.json"), &dev)
		decode(t, read(t, out, "staging.tfstate.json"), &staging)
		if dev.Lineage == "" || dev.Lineage == staging.Lineage {
			t.Errorf("lineages: dev %q, staging %q; want two different ones", dev.Lineage, staging.Lineage)
		}
		roleID := regexp.MustCompile(`^AROA[A-Z2-7]{17}$`)
		roles := 0
		for _, r := range dev.Resources {
			if r.Type != "aws_iam_role" {
				continue
			}
			for _, in := range r.Instances {
				roles++
				if id, _ := in.Attributes["unique_id"].(string); !roleID.MatchString(id) {
					t.Errorf("role %v: unique_id %q is not AROA + 17 characters", in.Attributes["name"], id)
				}
			}
		}
		if roles != 7 {
			t.Errorf("dev state holds %d roles, want 7", roles)
		}
	})

	t.Run("apply deletes dev's roles", func(t *testing.T) {
		objects := string(read(t, out, "aws-objects-after-apply.txt"))
		if strings.Contains(objects, "aws_iam_role/dev-") {
			t.Errorf("dev roles survived the apply:\n%s", objects)
		}
		apply := string(read(t, out, "apply.txt"))
		if !strings.Contains(apply, "already exists") {
			t.Errorf("apply.txt: want the staging-* creates refused as already existing")
		}
		if strings.Contains(apply, "Creation complete") {
			t.Errorf("apply.txt: a create succeeded although staging's objects all exist:\n%s", apply)
		}
	})
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts/incident/run.sh")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("scripts/incident/run.sh not found above the working directory")
		}
		dir = parent
	}
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
}
