#!/usr/bin/env bash
# The whole test suite, as the README gives it: installs what the tests need (pinned,
# into .tools/), then vets and tests every package, the test provider's module, and the
# wrong-state-key incident end to end with real Terraform. Needs only Go and Terraform.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
export PATH="$repo/.tools/bin:$PATH"
go vet ./...
go test -count=1 ./...
(cd testenv/provider && go vet ./... && go test -count=1 ./...)
bash scripts/incident/smoke.sh
