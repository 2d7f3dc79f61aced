package tfconfig

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBackendCredentialsInsideValues: a credential inside another setting's value (an
// object with an expression in it, a list of objects, a function's argument) is
// redacted like a credential setting of its own. The fuzz target found these: the
// source text of a non-literal object and the text of a list of objects kept them.
func TestBackendCredentialsInsideValues(t *testing.T) {
	const secret = "s3cr3t-inside-a-value"
	tests := []struct {
		name string
		file string
		src  string
		want map[string]string
	}{
		{
			name: "object with an expression",
			src:  `assume_role = { role_arn = var.role, session_token = "` + secret + `", duration = "1h" }`,
			want: map[string]string{
				"assume_role.role_arn":      NotLiteral + "var.role",
				"assume_role.session_token": Redacted,
				"assume_role.duration":      "1h",
			},
		},
		{
			name: "nested object with an expression",
			src:  `assume_role = { tags = { env = var.env }, web_identity = { token = "` + secret + `" } }`,
			want: map[string]string{
				"assume_role.tags.env":           NotLiteral + "var.env",
				"assume_role.web_identity.token": Redacted,
			},
		},
		{
			name: "list of objects",
			src:  `assume_role = [{ role_arn = "arn:aws:iam::111122223333:role/tf", session_token = "` + secret + `" }]`,
			want: map[string]string{"assume_role": "[{role_arn=arn:aws:iam::111122223333:role/tf, session_token=" + Redacted + "}]"},
		},
		{
			name: "list of objects with an expression",
			src:  `assume_role = [{ role_arn = var.role, session_token = "` + secret + `" }]`,
			want: map[string]string{"assume_role": NotLiteral + "(source not shown: it names session_token, a credential setting)"},
		},
		{
			name: "function argument",
			src:  `assume_role = merge(var.base, { token = "` + secret + `" })`,
			want: map[string]string{"assume_role": NotLiteral + "(source not shown: it names token, a credential setting)"},
		},
		{
			name: "expression without credentials keeps its source",
			src:  `key = "${var.env}/terraform.tfstate"`,
			want: map[string]string{"key": NotLiteral + `"${var.env}/terraform.tfstate"`},
		},
		{
			name: "JSON list of objects",
			file: "envs/x/backend.tf.json",
			src:  `{"terraform": {"backend": {"s3": {"assume_role": [{"session_token": "` + secret + `"}]}}}}`,
			want: map[string]string{"assume_role": "[{session_token=" + Redacted + "}]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, src := tt.file, tt.src
			if file == "" {
				file = "envs/x/backend.tf"
				src = "terraform {\n  backend \"s3\" {\n    " + src + "\n  }\n}\n"
			}
			m, err := LoadModule(tree(map[string]string{file: src}), "envs/x")
			if err != nil {
				t.Fatal(err)
			}
			got := settings(m.Backend)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
			for n, v := range got {
				if strings.Contains(v, secret) {
					t.Errorf("setting %s keeps the credential: %q", n, v)
				}
			}
		})
	}
}
