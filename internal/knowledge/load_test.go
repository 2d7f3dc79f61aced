package knowledge

import (
	"strings"
	"testing"
	"testing/fstest"
)

// validFile is a small, valid data file the loader tests break one key at a time.
const validFile = `
service: Test
types:
  aws_iam_role:
    identifiers:
      - {attribute: arn, kind: arn}
      - {attribute: unique_id, kind: unique_id}
  aws_lambda_function:
    identifiers:
      - {attribute: arn, kind: arn}
    references:
      - path: role
        targets: [aws_iam_role]
        via: [arn]
        impact: Invocations fail.
        data_loss:
          class: retried
          window: 6 h
        recovery: [recreate]
steps:
  - id: recreate
    priority: 10
    text: Recreate it.
`

func TestLoadValid(t *testing.T) {
	b, err := load(fstest.MapFS{"data/test.yaml": {Data: []byte(validFile)}}, "data")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := strings.Join(b.Types(), ","); got != "aws_iam_role,aws_lambda_function" {
		t.Errorf("Types() = %s", got)
	}
	fn, ok := b.Type("aws_lambda_function")
	if !ok {
		t.Fatal("aws_lambda_function missing")
	}
	if fn.File != "test.yaml" || fn.Service != "Test" {
		t.Errorf("File, Service = %q, %q", fn.File, fn.Service)
	}
	if len(fn.References) != 1 || fn.References[0].DataLoss.Class != LossRetried {
		t.Errorf("References = %+v", fn.References)
	}
}

func TestLoadRejectsBadData(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want []string // every string must appear in the error
	}{
		{
			name: "unknown top-level key",
			edit: func(s string) string { return s + "extra: 1\n" },
			want: []string{"bad.yaml", `unknown key "extra"`, "line"},
		},
		{
			name: "unknown key in a reference",
			edit: func(s string) string { return strings.Replace(s, "impact:", "impacts:", 1) },
			want: []string{"bad.yaml", `unknown key "impacts"`},
		},
		{
			name: "unknown target type",
			edit: func(s string) string {
				return strings.Replace(s, "targets: [aws_iam_role]", "targets: [aws_iam_rol]", 1)
			},
			want: []string{"bad.yaml", "types.aws_lambda_function", "references[0] role", "key targets", `unknown type "aws_iam_rol"`},
		},
		{
			name: "unknown recovery step",
			edit: func(s string) string { return strings.Replace(s, "recovery: [recreate]", "recovery: [recreat]", 1) },
			want: []string{"bad.yaml", "key recovery", `unknown step "recreat"`},
		},
		{
			name: "invalid data-loss class",
			edit: func(s string) string { return strings.Replace(s, "class: retried", "class: maybe", 1) },
			want: []string{"bad.yaml", "key data_loss.class", `"maybe"`},
		},
		{
			name: "retried without a window",
			edit: func(s string) string { return strings.Replace(s, "          window: 6 h\n", "", 1) },
			want: []string{"bad.yaml", "key data_loss.window", "required for class retried"},
		},
		{
			name: "via kind the target does not have",
			edit: func(s string) string { return strings.Replace(s, "via: [arn]", "via: [name]", 1) },
			want: []string{"bad.yaml", "key via", "aws_iam_role has no identifier of kind [name]"},
		},
		{
			name: "invalid identifier kind",
			edit: func(s string) string { return strings.Replace(s, "kind: unique_id", "kind: uid", 1) },
			want: []string{"bad.yaml", "types.aws_iam_role", "identifiers[1]", "key kind", `"uid"`},
		},
		{
			name: "bad path",
			edit: func(s string) string { return strings.Replace(s, "path: role", "path: role[x]", 1) },
			want: []string{"bad.yaml", "key path", `index "x"`},
		},
		{
			name: "step without text",
			edit: func(s string) string { return strings.Replace(s, "text: Recreate it.", "text: \"\"", 1) },
			want: []string{"bad.yaml", "steps[0]", "key text: missing"},
		},
		{
			name: "invalid when",
			edit: func(s string) string {
				return strings.Replace(s, "priority: 10", "priority: 10\n    when: [always]", 1)
			},
			want: []string{"bad.yaml", "key when", `"always"`},
		},
		{
			name: "json_path without json",
			edit: func(s string) string {
				return strings.Replace(s, "path: role\n", "path: role\n        json_path: a.b\n", 1)
			},
			want: []string{"bad.yaml", "key json_path: only allowed with json: true"},
		},
		{
			name: "not a resource type name",
			edit: func(s string) string { return strings.Replace(s, "aws_lambda_function:", "lambda:", 1) },
			want: []string{"bad.yaml", "types.lambda", "not a Terraform AWS resource type name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"data/bad.yaml": {Data: []byte(tt.edit(validFile))}}
			_, err := load(fsys, "data")
			if err == nil {
				t.Fatal("load succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadRejectsDuplicates(t *testing.T) {
	other := `
service: Other
types:
  aws_iam_role:
    identifiers:
      - {attribute: arn, kind: arn}
steps:
  - id: recreate
    priority: 10
    text: Again.
`
	fsys := fstest.MapFS{
		"data/a.yaml": {Data: []byte(validFile)},
		"data/b.yaml": {Data: []byte(other)},
	}
	_, err := load(fsys, "data")
	if err == nil {
		t.Fatal("load succeeded, want an error")
	}
	for _, w := range []string{
		"b.yaml: types.aws_iam_role: already defined in a.yaml",
		`b.yaml: steps[0]: step id "recreate" already defined`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\ndoes not contain %q", err, w)
		}
	}
}

func TestLoadEmbedded(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatalf("embedded knowledge data does not load: %v", err)
	}
	again, err := Load()
	if err != nil || again != b {
		t.Errorf("Load() parsed the data twice (or failed): %v", err)
	}
	if len(b.Types()) == 0 || len(b.Steps()) == 0 {
		t.Fatalf("empty knowledge base: %d types, %d steps", len(b.Types()), len(b.Steps()))
	}
}

// TestEveryStepAndTypeIsUsed keeps the data free of dead entries: every step
// is used by a reference or a hazard, and every type is a dependent or a
// target of some reference.
func TestEveryStepAndTypeIsUsed(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	usedSteps := map[string]bool{}
	usedTypes := map[string]bool{}
	for _, name := range b.Types() {
		ty, _ := b.Type(name)
		if len(ty.References) > 0 {
			usedTypes[name] = true
		}
		for _, r := range ty.References {
			for _, tt := range r.Targets {
				usedTypes[tt] = true
			}
			for _, s := range r.Recovery {
				usedSteps[s] = true
			}
		}
		for _, h := range ty.ReplaceHazards {
			for _, s := range h.Recovery {
				usedSteps[s] = true
			}
		}
	}
	for _, s := range b.Steps() {
		if !usedSteps[s.ID] {
			t.Errorf("step %s (%s) is used by no reference or hazard", s.ID, s.Service)
		}
	}
	for _, name := range b.Types() {
		ty, _ := b.Type(name)
		if !usedTypes[name] && !ty.Stateful {
			t.Errorf("type %s has no references, is no reference's target and is not stateful", name)
		}
	}
}

func TestStepAppliesTo(t *testing.T) {
	tests := []struct {
		when              []Condition
		deleted, replaced bool
	}{
		{when: nil, deleted: true, replaced: true},
		{when: []Condition{WhenDeleted}, deleted: true, replaced: false},
		{when: []Condition{WhenReplaced}, deleted: false, replaced: true},
		{when: []Condition{WhenDeleted, WhenReplaced}, deleted: true, replaced: true},
	}
	for _, tt := range tests {
		s := &Step{ID: "x", When: tt.when}
		if got := s.AppliesTo(false); got != tt.deleted {
			t.Errorf("when %v: AppliesTo(deleted) = %v, want %v", tt.when, got, tt.deleted)
		}
		if got := s.AppliesTo(true); got != tt.replaced {
			t.Errorf("when %v: AppliesTo(replaced) = %v, want %v", tt.when, got, tt.replaced)
		}
	}
}
