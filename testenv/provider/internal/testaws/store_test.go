package testaws

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStore(t *testing.T) {
	s := &store{dir: t.TempDir()}
	obj := map[string]any{"name": "dev-api-task"}

	if err := s.put("aws_iam_role", "dev-api-task", obj, true); err != nil {
		t.Fatalf("first create: %v", err)
	}
	if err := s.put("aws_iam_role", "dev-api-task", obj, true); !errors.Is(err, errAlreadyExists) {
		t.Errorf("second create of one name: err = %v, want errAlreadyExists", err)
	}
	if err := s.put("aws_iam_role", "dev-api-task", obj, false); err != nil {
		t.Errorf("update: %v", err)
	}
	got, ok, err := s.get("aws_iam_role", "dev-api-task")
	if err != nil || !ok {
		t.Fatalf("get = %v, %v", ok, err)
	}
	if diff := cmp.Diff(any(obj), got); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	// Keys with slashes (log group names, ARNs) stay one file.
	if err := s.put("aws_cloudwatch_log_group", "/ecs/dev-api", obj, true); err != nil {
		t.Fatalf("create log group: %v", err)
	}
	if _, ok, _ := s.get("aws_cloudwatch_log_group", "/ecs/dev-api"); !ok {
		t.Error("log group /ecs/dev-api not found after create")
	}
	if err := s.remove("aws_iam_role", "dev-api-task"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if _, ok, _ := s.get("aws_iam_role", "dev-api-task"); ok {
		t.Error("role still there after remove: refresh would not see the deletion")
	}
	if err := s.remove("aws_iam_role", "dev-api-task"); err != nil {
		t.Errorf("remove of a missing object: %v", err)
	}
}

func TestStoreCounterNeverGoesBack(t *testing.T) {
	s := &store{dir: t.TempDir()}
	for want := int64(1); want <= 3; want++ {
		got, err := s.next("ecs-task-definition/dev-api")
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("next = %d, want %d", got, want)
		}
	}
	if got, _ := s.next("ecs-task-definition/staging-api"); got != 1 {
		t.Errorf("another family's first revision = %d, want 1", got)
	}
}

func TestStoreClaim(t *testing.T) {
	s := &store{dir: t.TempDir()}
	if err := s.claim("aws_security_group", "vpc-1/staging-api"); err != nil {
		t.Fatalf("first claim: %v", err)
	}
	if err := s.claim("aws_security_group", "vpc-1/staging-api"); !errors.Is(err, errAlreadyExists) {
		t.Errorf("second claim of one group name in one VPC: err = %v, want errAlreadyExists", err)
	}
	if err := s.claim("aws_security_group", "vpc-2/staging-api"); err != nil {
		t.Errorf("same name in another VPC: %v", err)
	}
	if err := s.release("aws_security_group", "vpc-1/staging-api"); err != nil {
		t.Fatalf("release: %v", err)
	}
	if err := s.claim("aws_security_group", "vpc-1/staging-api"); err != nil {
		t.Errorf("claim after release: %v", err)
	}
}
