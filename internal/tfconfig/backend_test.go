package tfconfig

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func tree(files map[string]string) *MapTree {
	t := &MapTree{Label: "test", Content: map[string][]byte{}}
	for k, v := range files {
		t.Content[k] = []byte(v)
	}
	return t
}

func settings(b *Backend) map[string]string {
	out := map[string]string{}
	for n, v := range b.Settings {
		out[n] = v.Text
	}
	return out
}

func TestBackendExtraction(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		file    string
		typ     string
		want    map[string]string
		line    LineRange
		stateID string
	}{
		{
			name: "s3 in depth",
			src: `terraform {
  backend "s3" {
    bucket               = "acme-tfstate"
    key                  = "envs/dev/terraform.tfstate"
    workspace_key_prefix = "ws"
    region               = "ap-northeast-1"
    dynamodb_table       = "tf-locks"
    use_lockfile         = true
    encrypt              = true
    endpoints            = { s3 = "http://127.0.0.1:9000", dynamodb = "http://127.0.0.1:8000" }
    max_retries          = 5
    allowed_account_ids  = ["111122223333"]
  }
}
`,
			typ: "s3",
			want: map[string]string{
				"bucket": "acme-tfstate", "key": "envs/dev/terraform.tfstate", "workspace_key_prefix": "ws",
				"region": "ap-northeast-1", "dynamodb_table": "tf-locks", "use_lockfile": "true", "encrypt": "true",
				"endpoints.s3": "http://127.0.0.1:9000", "endpoints.dynamodb": "http://127.0.0.1:8000",
				"max_retries": "5", "allowed_account_ids": "[111122223333]",
			},
			line:    LineRange{Start: 2, End: 13},
			stateID: "s3://acme-tfstate/envs/dev/terraform.tfstate",
		},
		{
			name: "secrets are redacted at the parser",
			src: `terraform {
  backend "s3" {
    bucket           = "b"
    key              = "k"
    access_key       = "AKIAIOSFODNN7EXAMPLE"
    secret_key       = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    token            = "FwoGZXIvYXdzEXAMPLETOKEN"
    sse_customer_key = "c2VjcmV0IGtleSBzZWNyZXQga2V5IHNlY3JldCBrZXk="
    assume_role {
      role_arn = "arn:aws:iam::111122223333:role/tf"
      session_token = "another"
    }
  }
}
`,
			typ: "s3",
			want: map[string]string{
				"bucket": "b", "key": "k", "access_key": Redacted, "secret_key": Redacted, "token": Redacted,
				"sse_customer_key": Redacted, "assume_role.role_arn": "arn:aws:iam::111122223333:role/tf",
				"assume_role.session_token": Redacted,
			},
			line:    LineRange{Start: 2, End: 13},
			stateID: "s3://b/k",
		},
		{
			name: "non-literal values are not evaluated",
			src: `terraform {
  backend "s3" {
    bucket = var.bucket
    key    = "${local.env}/terraform.tfstate"
  }
}
`,
			typ:  "s3",
			want: map[string]string{"bucket": NotLiteral + "var.bucket", "key": NotLiteral + `"${local.env}/terraform.tfstate"`},
			line: LineRange{Start: 2, End: 5},
		},
		{
			name:    "gcs",
			src:     "terraform {\n  backend \"gcs\" {\n    bucket = \"tf\"\n    prefix = \"prod/app\"\n    credentials = \"{\\\"private_key\\\": \\\"x\\\"}\"\n  }\n}\n",
			typ:     "gcs",
			want:    map[string]string{"bucket": "tf", "prefix": "prod/app", "credentials": Redacted},
			line:    LineRange{Start: 2, End: 6},
			stateID: "gcs://tf/prod/app/default.tfstate",
		},
		{
			name: "azurerm",
			src: `terraform {
  backend "azurerm" {
    resource_group_name  = "rg"
    storage_account_name = "acmetf"
    container_name       = "tfstate"
    key                  = "prod.terraform.tfstate"
    client_secret        = "s3cr3t"
  }
}`,
			typ:     "azurerm",
			want:    map[string]string{"resource_group_name": "rg", "storage_account_name": "acmetf", "container_name": "tfstate", "key": "prod.terraform.tfstate", "client_secret": Redacted},
			line:    LineRange{Start: 2, End: 8},
			stateID: "azurerm://acmetf/tfstate/prod.terraform.tfstate",
		},
		{
			name:    "http",
			src:     "terraform {\n  backend \"http\" {\n    address = \"https://tf.example.com/state/app\"\n    password = \"pw\"\n  }\n}\n",
			typ:     "http",
			want:    map[string]string{"address": "https://tf.example.com/state/app", "password": Redacted},
			line:    LineRange{Start: 2, End: 5},
			stateID: "http://https://tf.example.com/state/app",
		},
		{
			name:    "local",
			src:     "terraform {\n  backend \"local\" {\n    path = \"state/app.tfstate\"\n  }\n}\n",
			typ:     "local",
			want:    map[string]string{"path": "state/app.tfstate"},
			line:    LineRange{Start: 2, End: 4},
			stateID: "local://envs/x/state/app.tfstate",
		},
		{
			name: "remote with workspaces",
			src: `terraform {
  backend "remote" {
    organization = "acme"
    token        = "atlasv1.secret"
    workspaces {
      prefix = "app-"
    }
  }
}`,
			typ:  "remote",
			want: map[string]string{"organization": "acme", "token": Redacted, "workspaces.prefix": "app-"},
			line: LineRange{Start: 2, End: 8},
		},
		{
			name: "cloud block",
			src: `terraform {
  cloud {
    organization = "acme"
    hostname     = "tfe.example.com"
    workspaces {
      name = "networking-prod"
    }
  }
}`,
			typ:     "cloud",
			want:    map[string]string{"organization": "acme", "hostname": "tfe.example.com", "workspaces.name": "networking-prod"},
			line:    LineRange{Start: 2, End: 8},
			stateID: "cloud://tfe.example.com/acme/networking-prod",
		},
		{
			name: "tf.json",
			file: "envs/x/backend.tf.json",
			src: `{"terraform": {"backend": {"s3": {"bucket": "j", "key": "json/terraform.tfstate",
  "secret_key": "nope", "endpoints": {"s3": "http://x"}}}}}`,
			typ:     "s3",
			want:    map[string]string{"bucket": "j", "key": "json/terraform.tfstate", "secret_key": Redacted, "endpoints.s3": "http://x"},
			line:    LineRange{Start: 1, End: 1},
			stateID: "s3://j/json/terraform.tfstate",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "envs/x/backend.tf"
			}
			m, err := LoadModule(tree(map[string]string{file: tc.src}), "envs/x")
			if err != nil {
				t.Fatal(err)
			}
			if m.Backend == nil {
				t.Fatal("no backend found")
			}
			if m.Backend.Type != tc.typ {
				t.Errorf("type = %q, want %q", m.Backend.Type, tc.typ)
			}
			if diff := cmp.Diff(tc.want, settings(m.Backend)); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Location{File: file, Lines: tc.line}, m.Backend.Location); diff != "" {
				t.Errorf("location (-want +got):\n%s", diff)
			}
			id, ok := m.Backend.StateID(m.Dir, "")
			if id != tc.stateID || ok != (tc.stateID != "") {
				t.Errorf("StateID = %q, %v; want %q", id, ok, tc.stateID)
			}
			for _, secret := range []string{"AKIA", "wJalr", "FwoG", "c2Vj", "s3cr3t", "atlasv1", "private_key", "nope", "another", `"pw"`} {
				for n, v := range m.Backend.Settings {
					if strings.Contains(v.Text, secret) {
						t.Errorf("setting %s keeps a secret: %q", n, v.Text)
					}
				}
			}
		})
	}
}

func TestPartialConfiguration(t *testing.T) {
	tr := tree(map[string]string{
		"envs/stg/backend.tf": "terraform {\n  backend \"s3\" {\n    region = \"ap-northeast-1\"\n  }\n}\n",
		"envs/stg/stg.s3.tfbackend": `bucket     = "acme-tfstate"
key        = "envs/stg/terraform.tfstate"
secret_key = "should-not-survive"
`,
		"envs/stg/override.tfbackend": "key = \"envs/stg/v2/terraform.tfstate\"\n",
	})
	m, err := LoadModule(tr, "envs/stg")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"envs/stg/stg.s3.tfbackend", "envs/stg/override.tfbackend"} {
		if err := m.Backend.MergeConfigFile(tr, f); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]Value{
		"region":     {Text: "ap-northeast-1", Literal: true, From: "envs/stg/backend.tf"},
		"bucket":     {Text: "acme-tfstate", Literal: true, From: "envs/stg/stg.s3.tfbackend"},
		"key":        {Text: "envs/stg/v2/terraform.tfstate", Literal: true, From: "envs/stg/override.tfbackend"},
		"secret_key": {Text: Redacted, Literal: true, Secret: true, From: "envs/stg/stg.s3.tfbackend"},
	}
	if diff := cmp.Diff(want, m.Backend.Settings); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if err := m.Backend.MergeConfigFile(tr, "envs/stg/missing.tfbackend"); err == nil || !strings.Contains(err.Error(), "missing.tfbackend") {
		t.Errorf("missing file: err = %v, want one naming the file", err)
	}
}

func TestStateIDWorkspaces(t *testing.T) {
	tests := []struct {
		settings map[string]string
		ws, want string
	}{
		{map[string]string{"bucket": "b", "key": "app/tf.tfstate"}, "staging", "s3://b/env:/staging/app/tf.tfstate"},
		{map[string]string{"bucket": "b", "key": "app/tf.tfstate", "workspace_key_prefix": "ws"}, "staging", "s3://b/ws/staging/app/tf.tfstate"},
		{map[string]string{"bucket": "b", "key": "app/tf.tfstate", "workspace_key_prefix": "ws"}, "default", "s3://b/app/tf.tfstate"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			b := &Backend{Type: "s3", Settings: map[string]Value{}}
			for k, v := range tc.settings {
				b.Settings[k] = Value{Text: v, Literal: true}
			}
			if got, _ := b.StateID(".", tc.ws); got != tc.want {
				t.Errorf("StateID(%q) = %q, want %q", tc.ws, got, tc.want)
			}
		})
	}
}
