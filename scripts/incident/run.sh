#!/usr/bin/env bash
# Reproduces the seed 000 incident with real Terraform and writes what it produced
# to OUTDIR:
#
#   1. starts versitygw (S3-compatible, posix backend) on 127.0.0.1 and creates the
#      state bucket acme-tfstate-nonprod;
#   2. builds a git repository from scripts/incident/repo (envs/dev, envs/staging,
#      modules/app), commits it on main, and applies both environments through
#      Terraform's S3 backend (S3-native locking) and the test AWS provider;
#   3. checks that the S3 lock file really locks; pins both states with
#      `hiyari state pin` (.hiyari/state-pins.yaml) and commits the pins on main;
#   4. on branch fix/staging-partner-cidr, applies scripts/incident/branch: one
#      security-group rule edited in staging, and staging's backend "tidied" by
#      copying dev's, which points it at dev's state key;
#   5. runs `terraform init -reconfigure` and `terraform plan -out=tfplan` there: the
#      staging configuration planned against dev's state.
#
# Outputs: plan.json (terraform show -json tfplan), plan.txt (terraform show), tfplan,
# dev.tfstate.json and staging.tfstate.json (terraform state pull, before the branch),
# repo/ (the branch's files, no .git), repo.bundle (git bundle of both branches:
# `git clone -b fix/staging-partner-cidr repo.bundle DIR`), and manifest.txt.
#
# Usage: scripts/incident/run.sh OUTDIR
# Env:   HIYARI_BIN is the hiyari binary used to pin the states (default: built from
#        this repository with go build into the scratch directory).
#        KEEP_WORKDIR=1 keeps the scratch directory and writes OUTDIR/workdir.env, the
#        variables to run terraform (and hiyari) there afterwards: INCIDENT_REPO (the
#        git repository, on the branch, with local main), INCIDENT_PLAN_DIR (the
#        initialized envs/staging holding tfplan), TF_CLI_CONFIG_FILE and
#        HIYARI_TESTAWS_STATE_DIR. versitygw is stopped either way; `terraform show`
#        of the planfile works there without it.
# Only test credentials are used: the AWS config and credential files are set to
# /dev/null and IMDS is disabled, so no real AWS credentials can be picked up.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 1
fi
started=$(date +%s)
repo_root=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo_root/scripts/incident
mkdir -p "$1"
outdir=$(cd "$1" && pwd)
export HIYARI_TOOLS=${HIYARI_TOOLS:-$repo_root/.tools}
tools=$HIYARI_TOOLS/bin

log() { echo "incident: $*" >&2; }
die() {
	echo "incident: error: $*" >&2
	exit 1
}

# --- Environment: test credentials only, nothing from the user's AWS or Terraform setup.
region=ap-northeast-1
account_id=111111111111
access_key=hiyaritestaccess
secret_key=hiyaritestsecret000000000000000000000000
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\|TF_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_ACCESS_KEY_ID=$access_key AWS_SECRET_ACCESS_KEY=$secret_key
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export AWS_REGION=$region
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME="Dana Developer" GIT_AUTHOR_EMAIL=dana@example.com
export GIT_COMMITTER_NAME="Dana Developer" GIT_COMMITTER_EMAIL=dana@example.com

for cmd in terraform git curl go; do
	command -v "$cmd" >/dev/null || die "$cmd not found on PATH; run scripts/setup.sh on a machine with Go and Terraform"
done
tf_version=$(terraform version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
case $tf_version in
1.11.*) ;;
*) die "Terraform $tf_version found; this scenario is pinned to Terraform 1.11.x" ;;
esac

bash "$repo_root/scripts/install/versitygw.sh"
bash "$repo_root/scripts/install/testprovider.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/hiyari-incident.XXXXXX")
vgw_pid=
cleanup() {
	status=$?
	if [ -n "$vgw_pid" ] && kill -0 "$vgw_pid" 2>/dev/null; then
		kill "$vgw_pid" 2>/dev/null || true
		wait "$vgw_pid" 2>/dev/null || true
	fi
	if [ "${KEEP_WORKDIR:-}" = 1 ]; then
		log "scratch directory kept: $work"
	else
		rm -rf "$work"
	fi
	if [ $status -ne 0 ]; then
		log "FAILED (exit $status)"
	fi
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export HIYARI_TESTAWS_STATE_DIR=$work/aws HIYARI_TESTAWS_ACCOUNT_ID=$account_id
export TF_CLI_CONFIG_FILE=$work/terraformrc

# --- The test provider, installed from a filesystem mirror as registry.terraform.io/hashicorp/aws.
provider_version=$(sed -n 's/^const version = "\(.*\)"/\1/p' "$repo_root/testenv/provider/main.go")
platform=$(go env GOOS)_$(go env GOARCH)
mirror=$work/providers/registry.terraform.io/hashicorp/aws/$provider_version/$platform
mkdir -p "$mirror"
cp "$tools/terraform-provider-aws" "$mirror/terraform-provider-aws_v$provider_version"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$work/providers"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF

# --- S3: versitygw on a free loopback port.
mkdir -p "$work/s3" "$work/aws"
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in 1 2 3 4 5; do
	port=$((20000 + RANDOM % 40000))
	port_free "$port" || continue
	"$tools/versitygw" --access "$access_key" --secret "$secret_key" --region "$region" \
		--port "127.0.0.1:$port" posix "$work/s3" >"$work/versitygw.log" 2>&1 &
	vgw_pid=$!
	for _ in $(seq 50); do
		if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break 2; fi
		kill -0 "$vgw_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$vgw_pid" 2>/dev/null || true
	wait "$vgw_pid" 2>/dev/null || true
	vgw_pid=
done
[ -n "$vgw_pid" ] || die "versitygw did not start; log: $(cat "$work/versitygw.log")"
endpoint=http://127.0.0.1:$port
log "versitygw $endpoint (pid $vgw_pid)"

s3() { # s3 METHOD PATH [curl args…]: a SigV4-signed request to versitygw
	local method=$1 path=$2
	shift 2
	curl -sS --fail-with-body --aws-sigv4 "aws:amz:$region:s3" --user "$access_key:$secret_key" \
		-H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$method" "$@" "$endpoint/$path"
}
s3 PUT acme-tfstate-nonprod >/dev/null || die "cannot create bucket acme-tfstate-nonprod"

# Settings only this local S3 needs; kept out of the repository, as real ones would be.
backend_local=$work/local.s3.tfbackend
cat >"$backend_local" <<EOF
endpoints                   = { s3 = "$endpoint" }
use_path_style              = true
skip_credentials_validation = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
skip_region_validation      = true
EOF

tf() { # tf ENV_DIR ARGS…: terraform in the scenario repository, output to the log
	local dir=$1
	shift
	echo "+ (cd $dir && terraform $*)" >>"$work/terraform.log"
	(cd "$scenario/$dir" && terraform "$@") >>"$work/terraform.log" 2>&1 ||
		die "terraform $* in $dir failed; last lines:
$(tail -n 30 "$work/terraform.log")"
}

# --- main: both environments, committed and applied.
scenario=$work/platform-infra
cp -R "$here/repo" "$scenario"
git -C "$scenario" init -q -b main
for env in dev staging; do
	tf "envs/$env" init -no-color -backend-config="$backend_local"
done
git -C "$scenario" add -A
GIT_AUTHOR_DATE="2025-06-02T10:00:00+09:00" GIT_COMMITTER_DATE="2025-06-02T10:00:00+09:00" \
	git -C "$scenario" commit -q -m "API platform: dev and staging environments"
for env in dev staging; do
	tf "envs/$env" apply -no-color -auto-approve
	(cd "$scenario/envs/$env" && terraform state pull) >"$work/$env.tfstate.json"
done
log "applied dev and staging"

# --- Pin which state each directory owns, committed on main before any branch.
hiyari=${HIYARI_BIN:-}
if [ -z "$hiyari" ]; then
	hiyari=$work/hiyari
	(cd "$repo_root" && go build -o "$hiyari" ./cmd/hiyari) >>"$work/terraform.log" 2>&1 ||
		die "go build ./cmd/hiyari failed; last lines:
$(tail -n 30 "$work/terraform.log")"
fi
(cd "$scenario" && "$hiyari" state pin --dir envs/dev --dir envs/staging) >>"$work/terraform.log" 2>&1 ||
	die "hiyari state pin failed; last lines:
$(tail -n 30 "$work/terraform.log")"
git -C "$scenario" add .hiyari/state-pins.yaml
GIT_AUTHOR_DATE="2025-06-02T10:30:00+09:00" GIT_COMMITTER_DATE="2025-06-02T10:30:00+09:00" \
	git -C "$scenario" commit -q -m "Pin the dev and staging states (hiyari state pin)"
log "pinned dev and staging states"

# --- S3-native locking: a held lock must stop terraform.
echo '{"ID":"00000000-0000-0000-0000-000000000000","Operation":"OperationTypeApply","Who":"someone@elsewhere"}' |
	s3 PUT acme-tfstate-nonprod/envs/staging/terraform.tfstate.tflock -H "If-None-Match: *" --data-binary @- >/dev/null
if s3 PUT acme-tfstate-nonprod/envs/staging/terraform.tfstate.tflock -H "If-None-Match: *" --data-binary x >/dev/null 2>&1; then
	die "versitygw accepted a second lock file: conditional writes (If-None-Match) do not work"
fi
if (cd "$scenario/envs/staging" && terraform plan -no-color -lock-timeout=0s) >"$work/lockcheck.log" 2>&1; then
	die "terraform planned while the state was locked: S3-native locking does not work"
fi
grep -q "Error acquiring the state lock" "$work/lockcheck.log" || die "lock check failed for another reason: $(cat "$work/lockcheck.log")"
s3 DELETE acme-tfstate-nonprod/envs/staging/terraform.tfstate.tflock >/dev/null
log "S3-native locking verified"

# --- The pull request branch, planned as its author would.
branch=fix/staging-partner-cidr
git -C "$scenario" checkout -q -b "$branch"
cp -R "$here/branch/." "$scenario/"
git -C "$scenario" add -A
GIT_AUTHOR_DATE="2025-06-10T18:40:00+09:00" GIT_COMMITTER_DATE="2025-06-10T18:40:00+09:00" \
	git -C "$scenario" commit -q -m "staging: widen partner QA CIDR for HTTPS; tidy backend config"
# What the author and the reviewer expected: the same branch planned against
# staging's own state (the key overridden back on the command line).
tf envs/staging init -no-color -reconfigure -backend-config="$backend_local" -backend-config="key=envs/staging/terraform.tfstate"
tf envs/staging plan -no-color -out=tfplan-intended
(cd "$scenario/envs/staging" && terraform show -json tfplan-intended) >"$work/plan-intended.json"
mv "$scenario/envs/staging/tfplan-intended" "$work/tfplan-intended"
# What actually ran: the branch's backend block, i.e. dev's state.
tf envs/staging init -no-color -reconfigure -backend-config="$backend_local"
tf envs/staging plan -no-color -out=tfplan
(cd "$scenario/envs/staging" && terraform show -json tfplan) >"$work/plan.json"
(cd "$scenario/envs/staging" && terraform show -no-color tfplan) >"$work/plan.txt"
log "planned $branch in envs/staging"

# --- Outputs.
cp "$work/plan.json" "$work/plan.txt" "$work/plan-intended.json" "$work/dev.tfstate.json" "$work/staging.tfstate.json" "$outdir/"
cp "$scenario/envs/staging/tfplan" "$outdir/tfplan"
git -C "$scenario" bundle create -q "$outdir/repo.bundle" --all
rm -rf "$outdir/repo"
mkdir -p "$outdir/repo"
git -C "$scenario" archive HEAD | tar -x -C "$outdir/repo"
# --- The apply nobody should have run: staging's configuration on dev's state.
# Replacement destroys before it creates, so dev's roles go first; creating the
# staging-* ones then fails because staging already has them.
if (cd "$scenario/envs/staging" && terraform apply -no-color tfplan) >"$outdir/apply.txt" 2>&1; then
	apply_status=0
else
	apply_status=$?
fi
(cd "$work/aws" && find . -name '*.json' | sed 's|^\./||; s|\.json$||' | LC_ALL=C sort) >"$outdir/aws-objects-after-apply.txt"
log "applied the planfile (exit $apply_status); objects left: $(wc -l <"$outdir/aws-objects-after-apply.txt")"

elapsed=$(($(date +%s) - started))
{
	echo "# wrong-state-key scenario (seed 000), produced by scripts/incident/run.sh"
	echo "terraform          $tf_version"
	echo "versitygw          $(cat "$tools/.versitygw.version") (github.com/versity/versitygw, posix backend)"
	echo "test provider      registry.terraform.io/hashicorp/aws $provider_version = testenv/provider"
	echo "plugin framework   $(cd "$repo_root/testenv/provider" && go list -m -f '{{.Version}}' github.com/hashicorp/terraform-plugin-framework)"
	echo "go                 $(go env GOVERSION)"
	echo "platform           $platform"
	echo "region             $region"
	echo "account            $account_id (fake)"
	echo "state bucket       acme-tfstate-nonprod"
	echo "dev state key      envs/dev/terraform.tfstate (lineage $(sed -n 's/.*"lineage": "\(.*\)".*/\1/p' "$work/dev.tfstate.json"))"
	echo "staging state key  envs/staging/terraform.tfstate (lineage $(sed -n 's/.*"lineage": "\(.*\)".*/\1/p' "$work/staging.tfstate.json"))"
	echo "main               $(git -C "$scenario" rev-parse main)"
	echo "branch             $branch $(git -C "$scenario" rev-parse HEAD)"
	echo "planned in         envs/staging, backend key envs/dev/terraform.tfstate"
	echo "intended plan      plan-intended.json: the same branch with key envs/staging/terraform.tfstate"
	echo "apply of tfplan    exit $apply_status (apply.txt, aws-objects-after-apply.txt)"
	echo "locking            S3 lock file (use_lockfile) verified: a held lock stops terraform plan"
	echo "state pins         .hiyari/state-pins.yaml on main (hiyari state pin --dir envs/dev --dir envs/staging)"
	echo "seconds            $elapsed"
} >"$outdir/manifest.txt"
rm -f "$outdir/workdir.env"
if [ "${KEEP_WORKDIR:-}" = 1 ]; then
	cat >"$outdir/workdir.env" <<EOF
INCIDENT_WORKDIR=$work
INCIDENT_REPO=$scenario
INCIDENT_PLAN_DIR=$scenario/envs/staging
TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE
HIYARI_TESTAWS_STATE_DIR=$HIYARI_TESTAWS_STATE_DIR
EOF
fi
log "done in ${elapsed}s: $outdir"
