#!/usr/bin/env bash
# The whole test suite, as the README gives it: installs what the tests need (pinned,
# into .tools/), then vets and tests every package. Needs only Go and Terraform ≥ 1.5.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
export PATH="$repo/.tools/bin:$PATH"
go vet ./...
go test -count=1 ./...
