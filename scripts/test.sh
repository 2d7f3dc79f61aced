#!/usr/bin/env bash
# The whole test suite, as the README gives it: installs what the tests need (pinned,
# into .tools/), then vets and tests every package, the test provider's module, and the
# wrong-state-key incident end to end with real Terraform. Needs only Go and Terraform.
# Static checks: go vet and staticcheck on every package; the race detector on the
# packages that run goroutines (credential probes, the GitHub client and their fakes;
# the plan decoder, the review, the blast radius and the JSON report).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
bash scripts/setup.sh
export PATH="$repo/.tools/bin:$PATH"
go vet ./...
staticcheck ./...
# The creds tests time real IMDS and AWS CLI answers against short budgets (as the SDK
# and the CLI do); they run on their own, after the packages that load the machine.
go test -count=1 $(go list ./... | grep -v /internal/creds)
go test -count=1 ./internal/creds/...
go test -count=1 -race ./internal/creds/... ./internal/github/... ./internal/knowledge/... ./internal/plan/... ./internal/review/... ./internal/render/... ./internal/blast/...
bash scripts/fuzz.sh  # every fuzz target for FUZZTIME (default 5s), one at a time
(cd testenv/provider && go vet ./... && go test -count=1 ./...)
bash scripts/incident/smoke.sh
