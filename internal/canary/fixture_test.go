package canary

import (
	"archive/zip"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/hiyari-dev/hiyari/internal/creds/credstest"
	"github.com/hiyari-dev/hiyari/internal/repotest"
)

// A canary is a secret value planted in one place. Its random middle makes it
// unique to the run; a leak is the value, or either half of its random middle (a
// truncated or masked-looking rendering still gives itself away).
type canary struct {
	name  string
	value string
	where string // where it was planted, for the failure message and the docs
}

func newCanary(name, where string) canary {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return canary{name: name, value: "CANARY-" + name + "-" + hex.EncodeToString(b), where: where}
}

// tells returns the substrings whose presence means the canary leaked.
func (c canary) tells() []string {
	rnd := c.value[strings.LastIndex(c.value, "-")+1:]
	return []string{c.value, rnd[:8], rnd[8:]}
}

// The canaries, by what they stand for.
const (
	cSensBefore     = "SENSITIVE-ATTR-BEFORE"
	cSensAfter      = "SENSITIVE-ATTR-AFTER"
	cSensDeleted    = "SENSITIVE-ATTR-DELETED"
	cSensDrift      = "SENSITIVE-ATTR-DRIFTED"
	cSensARN        = "SENSITIVE-ARN-OTHER-ACCOUNT"
	cSensRef        = "SENSITIVE-REFERENCE-TO-DELETED"
	cVarDefault     = "SENSITIVE-VARIABLE-DEFAULT"
	cOutBefore      = "SENSITIVE-OUTPUT-BEFORE"
	cOutAfter       = "SENSITIVE-OUTPUT-AFTER"
	cTFSecret       = "BACKEND-TF-SECRET-KEY"
	cTFToken        = "BACKEND-TF-TOKEN"
	cPartialSecret  = "BACKEND-PARTIAL-SECRET-KEY"
	cPartialToken   = "BACKEND-PARTIAL-TOKEN"
	cEnvSecret      = "ENV-SECRET-ACCESS-KEY"
	cEnvToken       = "ENV-SESSION-TOKEN"
	cFileSecret     = "CREDFILE-SECRET-ACCESS-KEY"
	cFileToken      = "CREDFILE-SESSION-TOKEN"
	cSSOBearer      = "SSO-CACHE-ACCESS-TOKEN"
	cSSOSecret      = "SSO-ROLE-SECRET-ACCESS-KEY"
	cSSOToken       = "SSO-ROLE-SESSION-TOKEN"
	cIMDSSecret     = "IMDS-SECRET-ACCESS-KEY"
	cIMDSToken      = "IMDS-SESSION-TOKEN"
	cContainerAuth  = "CONTAINER-AUTHORIZATION-TOKEN"
	cContainerSec   = "CONTAINER-SECRET-ACCESS-KEY"
	cContainerToken = "CONTAINER-SESSION-TOKEN"
	cGitHubToken    = "GITHUB-TOKEN"
)

// Access key ids are not secrets (hiyari shows them masked); these are the ones that
// go with the canary secrets.
const (
	keyEnv       = "ASIAENVKEYCANARY0001"
	keyFile      = "ASIAFILEKEYCANARY001"
	keySSO       = "ASIASSOKEYCANARY0001"
	keyIMDS      = "ASIAIMDSKEYCANARY001"
	keyContainer = "ASIACONTAINERCANARY1"
	keyBackend   = "AKIABACKENDCANARY001"
	account      = "111111111111"
	region       = "us-east-1"
	ssoStartURL  = "https://acme.awsapps.com/start"
)

// world is everything the commands run against.
type world struct {
	hiyari   string
	root     string // scratch root: every file hiyari may write is below it
	repo     string // git repository with envs/staging (initialized, planned) and envs/prod
	staging  string
	home     string
	tmp      string
	canaries map[string]canary
	// files holding canaries by design (the fixture), never scanned as output.
	fixtures map[string]bool
	tfEnv    []string

	planJSON, planfile string
	imds, container    string
	sso                string
	sts                *credstest.STS
}

func (w *world) c(name string) string {
	c, ok := w.canaries[name]
	if !ok {
		panic("no canary " + name)
	}
	return c.value
}

func (w *world) plant(name, where string) {
	w.canaries[name] = newCanary(name, where)
}

// buildWorld builds hiyari, starts the servers and makes a real S3-backed Terraform
// plan whose sensitive values and backend credentials are canaries.
func buildWorld(t *testing.T) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{root: root, canaries: map[string]canary{}, fixtures: map[string]bool{}}
	for _, p := range []struct{ name, where string }{
		{cSensBefore, "plan: a sensitive variable's prior value, in before of an aws_lambda_function environment variable and a terraform_data triggers_replace (before_sensitive)"},
		{cSensAfter, "plan: the same variable's planned value, in after (after_sensitive)"},
		{cSensDeleted, "plan: a deleted aws_iam_role's sensitive description (before, before_sensitive)"},
		{cSensDrift, "plan: resource_drift, an aws_iam_role's sensitive description changed outside Terraform"},
		{cSensARN, "plan: a sensitive kms_key_arn naming another account (before and after)"},
		{cSensRef, "plan: a sensitive Lambda environment variable holding the deleted role's ARN"},
		{cVarDefault, "configuration: a sensitive variable's default, in the configuration Terraform puts in the plan and in the .tf file"},
		{cOutBefore, "plan: a sensitive output's prior value (output_changes, before_sensitive)"},
		{cOutAfter, "plan: a sensitive output's planned value (output_changes, after_sensitive)"},
		{cTFSecret, "backend \"s3\" block in a .tf file: secret_key"},
		{cTFToken, "backend \"s3\" block in a .tf file: token"},
		{cPartialSecret, "partial backend configuration file (-backend-config): secret_key; so also in the planfile's backend and .terraform/terraform.tfstate"},
		{cPartialToken, "partial backend configuration file (-backend-config): token; so also in the planfile's backend and .terraform/terraform.tfstate"},
		{cEnvSecret, "AWS_SECRET_ACCESS_KEY"},
		{cEnvToken, "AWS_SESSION_TOKEN"},
		{cFileSecret, "~/.aws/credentials aws_secret_access_key"},
		{cFileToken, "~/.aws/credentials aws_session_token"},
		{cSSOBearer, "~/.aws/sso/cache/*.json accessToken"},
		{cSSOSecret, "IAM Identity Center GetRoleCredentials answer: secretAccessKey"},
		{cSSOToken, "IAM Identity Center GetRoleCredentials answer: sessionToken"},
		{cIMDSSecret, "IMDS role credentials (amazon-ec2-metadata-mock): SecretAccessKey"},
		{cIMDSToken, "IMDS role credentials (amazon-ec2-metadata-mock): Token"},
		{cContainerAuth, "AWS_CONTAINER_AUTHORIZATION_TOKEN"},
		{cContainerSec, "container credentials endpoint answer: SecretAccessKey"},
		{cContainerToken, "container credentials endpoint answer: Token"},
		{cGitHubToken, "GITHUB_TOKEN (the loopback GitHub API accepts only it)"},
	} {
		w.plant(p.name, p.where)
	}
	w.home = filepath.Join(root, "home")
	w.tmp = filepath.Join(root, "tmp")
	for _, d := range []string{w.home, w.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	repoRoot := repotest.Root(t)
	w.hiyari = filepath.Join(root, "bin", "hiyari")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", w.hiyari, "./cmd/hiyari")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hiyari: %v\n%s", err, out)
	}
	w.fixtures[w.hiyari] = true

	w.writeAWSFiles(t)
	w.startCredentialServers(t)
	w.makePlan(t, repoRoot)
	return w
}

// writeAWSFiles writes ~/.aws/config, ~/.aws/credentials and an SSO cache token.
func (w *world) writeAWSFiles(t *testing.T) {
	t.Helper()
	aws := filepath.Join(w.home, ".aws")
	cache := filepath.Join(aws, "sso", "cache")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(aws, "config"), `[default]
region = `+region+`

[profile ops]
region = `+region+`

[profile sso-dev]
sso_start_url = `+ssoStartURL+`
sso_region = `+region+`
sso_account_id = `+account+`
sso_role_name = Developer
region = `+region+`
`)
	write(t, filepath.Join(aws, "credentials"), `[default]
aws_access_key_id = `+keyFile+`
aws_secret_access_key = `+w.c(cFileSecret)+`
aws_session_token = `+w.c(cFileToken)+`

[ops]
aws_access_key_id = `+keyFile+`
aws_secret_access_key = `+w.c(cFileSecret)+`
aws_session_token = `+w.c(cFileToken)+`
`)
	sum := sha1.Sum([]byte(ssoStartURL))
	write(t, filepath.Join(cache, hex.EncodeToString(sum[:])+".json"), `{
  "startUrl": "`+ssoStartURL+`",
  "region": "`+region+`",
  "accessToken": "`+w.c(cSSOBearer)+`",
  "expiresAt": "`+time.Now().Add(8*time.Hour).UTC().Format(time.RFC3339)+`"
}
`)
	for _, f := range []string{"config", "credentials"} {
		w.fixtures[filepath.Join(aws, f)] = true
	}
	w.fixtures[filepath.Join(cache, hex.EncodeToString(sum[:])+".json")] = true
}

func (w *world) startCredentialServers(t *testing.T) {
	t.Helper()
	w.imds = credstest.StartIMDS(t, credstest.IMDSOptions{Role: credstest.IMDSRole{
		Name: "app-instance-role", AccessKeyID: keyIMDS, SecretAccessKey: w.c(cIMDSSecret), Token: w.c(cIMDSToken),
		Expiration: time.Now().Add(6 * time.Hour).UTC().Truncate(time.Second),
	}})
	w.container = startContainerEndpoint(t, w.c(cContainerAuth), keyContainer, w.c(cContainerSec), w.c(cContainerToken))
	w.sso = startSSOPortal(t, w.c(cSSOBearer), keySSO, w.c(cSSOSecret), w.c(cSSOToken))
	ident := func(secret, token, who string) credstest.Identity {
		return credstest.Identity{SecretAccessKey: secret, SessionToken: token, Account: account, ARN: "arn:aws:sts::" + account + ":assumed-role/" + who}
	}
	w.sts = credstest.StartSTS(t, map[string]credstest.Identity{
		keyEnv:       ident(w.c(cEnvSecret), w.c(cEnvToken), "env/ci"),
		keyFile:      ident(w.c(cFileSecret), w.c(cFileToken), "ops/dana"),
		keySSO:       ident(w.c(cSSOSecret), w.c(cSSOToken), "AWSReservedSSO_Developer/dana"),
		keyIMDS:      ident(w.c(cIMDSSecret), w.c(cIMDSToken), "app-instance-role/i-0123456789abcdef0"),
		keyContainer: ident(w.c(cContainerSec), w.c(cContainerToken), "ecs-task/0123"),
	})
}

// The staging root module before the change (phase 1) and the planned one (phase 2):
// the old role goes, a sensitive variable and a sensitive output change.
var stagingTF = template.Must(template.New("main.tf").Parse(`terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "envs/staging/terraform.tfstate"
    region     = "{{.Region}}"
    access_key = "{{.KeyBackend}}"
    secret_key = "{{.TFSecret}}"
    token      = "{{.TFToken}}"
  }
}

provider "aws" {
  region = "{{.Region}}"
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_key" {
  type      = string
  sensitive = true
}

variable "partner_key" {
  type      = string
  sensitive = true
}

variable "old_role_ref" {
  type      = string
  sensitive = true
}

variable "legacy_token" {
  type      = string
  sensitive = true
  default   = "{{.VarDefault}}"
}

variable "old_role_note" {
  type      = string
  sensitive = true
  default   = ""
}

resource "aws_iam_role" "app" {
  name               = "app-staging"
  description        = var.db_password
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = { Environment = "staging" }
}
{{if .WithOldRole}}
resource "aws_iam_role" "old" {
  name               = "old-staging"
  description        = var.old_role_note
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  tags               = { Environment = "staging" }
}
{{end}}
resource "aws_lambda_function" "api" {
  function_name = "api-staging"
  role          = aws_iam_role.app.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  kms_key_arn   = var.partner_key
  environment {
    variables = { DB_PASSWORD = var.db_password }
  }
  tags = { Environment = "staging" }
}

# Still refers to the old role by ARN: the blast radius finds it.
resource "aws_lambda_function" "legacy" {
  function_name = "legacy-staging"
  role          = "arn:aws:iam::{{.Account}}:role/old-staging"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  environment {
    variables = { DB_PASSWORD = var.db_password, OLD_ROLE = var.old_role_ref }
  }
  tags = { Environment = "staging" }
}

resource "terraform_data" "db" {
  triggers_replace = var.db_password
}

resource "terraform_data" "legacy" {
  input = var.legacy_token
}

output "api_key" {
  value     = var.api_key
  sensitive = true
}
`))

// makePlan runs real Terraform against versitygw: init with a partial backend
// configuration, apply phase 1, plan phase 2 into a planfile, and show it as JSON.
func (w *world) makePlan(t *testing.T, repoRoot string) {
	t.Helper()
	tf := repotest.TerraformBin(t)
	provider := credstest.ToolPath(t, "terraform-provider-aws")
	s3 := startS3(t, w.root, keyBackend, w.c(cPartialSecret), region)
	s3.createBucket(t, "acme-tfstate")

	// The test AWS provider from a filesystem mirror, as scripts/incident/run.sh does.
	src, err := os.ReadFile(filepath.Join(repoRoot, "testenv", "provider", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const version = "([^"]+)"`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no provider version in testenv/provider/main.go")
	}
	tfwork := filepath.Join(w.root, "terraform")
	mirror := filepath.Join(tfwork, "providers", "registry.terraform.io", "hashicorp", "aws", string(m[1]), "linux_"+runtime.GOARCH)
	if err := os.MkdirAll(mirror, 0o755); err != nil {
		t.Fatal(err)
	}
	pb, err := os.ReadFile(provider)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mirror, "terraform-provider-aws_v"+string(m[1])), pb, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(tfwork, "terraformrc")
	write(t, rc, `provider_installation {
  filesystem_mirror {
    path    = "`+filepath.Join(tfwork, "providers")+`"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`)
	w.tfEnv = []string{
		"PATH=" + filepath.Dir(tf) + ":/usr/bin:/bin", "HOME=" + w.home, "TMPDIR=" + w.tmp,
		"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		"HIYARI_TESTAWS_STATE_DIR=" + filepath.Join(tfwork, "aws"), "HIYARI_TESTAWS_ACCOUNT_ID=" + account,
	}
	fixEnv := append([]string{"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}, w.tfEnv...)

	w.repo = filepath.Join(w.root, "repo")
	w.staging = filepath.Join(w.repo, "envs", "staging")
	prod := filepath.Join(w.repo, "envs", "prod")
	for _, d := range []string{w.staging, prod} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := map[string]any{
		"Region": region, "Account": account, "KeyBackend": keyBackend,
		"TFSecret": w.c(cTFSecret), "TFToken": w.c(cTFToken), "WithOldRole": true, "VarDefault": w.c(cVarDefault),
	}
	renderTF := func() {
		var b strings.Builder
		if err := stagingTF.Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(w.staging, "main.tf"), b.String())
	}
	renderTF()
	write(t, filepath.Join(w.staging, "staging.s3.tfbackend"), `secret_key                  = "`+w.c(cPartialSecret)+`"
token                       = "`+w.c(cPartialToken)+`"
endpoints                   = { s3 = "`+s3.URL+`" }
use_path_style              = true
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_region_validation      = true
`)
	// prod is read by backend check only (never initialized): both ways of giving a
	// token, in the block and in the partial file .hiyari.yaml names.
	write(t, filepath.Join(prod, "backend.tf"), `terraform {
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "envs/prod/terraform.tfstate"
    region     = "`+region+`"
    access_key = "`+keyBackend+`"
    secret_key = "`+w.c(cTFSecret)+`"
    token      = "`+w.c(cTFToken)+`"
  }
}
`)
	write(t, filepath.Join(prod, "prod.s3.tfbackend"), `secret_key = "`+w.c(cPartialSecret)+`"
token      = "`+w.c(cPartialToken)+`"
`)
	write(t, filepath.Join(w.repo, ".hiyari.yaml"), `accounts: ["`+account+`"]
environments:
  staging: [staging]
  prod: [prod]
backend:
  config_files:
    envs/staging: [staging.s3.tfbackend]
    envs/prod: [prod.s3.tfbackend]
`)

	run := func(env []string, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir = w.staging
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run(fixEnv, "init", "-no-color", "-backend-config=staging.s3.tfbackend")
	vars := []string{
		"TF_VAR_partner_key=arn:aws:kms:" + region + ":999999999999:key/" + w.c(cSensARN),
		"TF_VAR_old_role_ref=arn:aws:iam::" + account + ":role/old-staging " + w.c(cSensRef),
	}
	run(append(append(fixEnv, vars...), "TF_VAR_db_password="+w.c(cSensBefore), "TF_VAR_api_key="+w.c(cOutBefore), "TF_VAR_old_role_note="+w.c(cSensDeleted)),
		"apply", "-no-color", "-auto-approve")
	// Drift: the role's sensitive description changes outside Terraform.
	stored := filepath.Join(tfwork, "aws", "aws_iam_role", "app-staging.json")
	b, err := os.ReadFile(stored)
	if err != nil || !strings.Contains(string(b), w.c(cSensBefore)) {
		t.Fatalf("the test provider's stored role %s does not hold the description (%v)", stored, err)
	}
	write(t, stored, strings.ReplaceAll(string(b), w.c(cSensBefore), w.c(cSensDrift)))
	data["WithOldRole"] = false
	renderTF()
	w.planfile = filepath.Join(w.staging, "tfplan")
	run(append(append(fixEnv, vars...), "TF_VAR_db_password="+w.c(cSensAfter), "TF_VAR_api_key="+w.c(cOutAfter)),
		"plan", "-no-color", "-out="+w.planfile)
	cmd := exec.Command(tf, "show", "-json", w.planfile)
	cmd.Dir, cmd.Env = w.staging, fixEnv
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	w.planJSON = filepath.Join(w.root, "plan.json")
	write(t, w.planJSON, string(out))
	if toks := s3.Tokens(); len(toks) == 0 || toks[0] != w.c(cPartialToken) {
		t.Fatalf("Terraform's S3 backend did not send the partial configuration's session token (saw %d tokens)", len(toks))
	}
	// The planted values must really be where the test says, or it proves nothing.
	mustContain(t, w.planJSON, w.c(cSensBefore), w.c(cSensAfter), w.c(cSensDeleted), w.c(cOutBefore), w.c(cOutAfter),
		w.c(cSensDrift), w.c(cSensARN), w.c(cSensRef), w.c(cVarDefault))
	mustContainZipped(t, w.planfile, "tfplan", w.c(cPartialSecret), w.c(cPartialToken))
	mustContain(t, filepath.Join(w.staging, ".terraform", "terraform.tfstate"), w.c(cPartialSecret), w.c(cPartialToken))

	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = w.repo
		cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Dana", "GIT_AUTHOR_EMAIL=dana@example.com", "GIT_COMMITTER_NAME=Dana", "GIT_COMMITTER_EMAIL=dana@example.com"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	write(t, filepath.Join(w.repo, ".gitignore"), ".terraform/\ntfplan\n")
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "staging and prod")

	// Every file under the scratch root now is fixture: it may hold canaries.
	_ = filepath.WalkDir(w.root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			w.fixtures[p] = true
		}
		return nil
	})
}

func mustContain(t *testing.T, path string, values ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if !strings.Contains(string(b), v) {
			t.Fatalf("fixture %s does not hold %s: the canary was not planted", path, v)
		}
	}
}

func mustContainZipped(t *testing.T, path, entry string, values ...string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != entry {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if !strings.Contains(string(b), v) {
				t.Fatalf("fixture %s (%s) does not hold %s: the canary was not planted", path, entry, v)
			}
		}
		return
	}
	t.Fatalf("fixture %s has no %s entry", path, entry)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
