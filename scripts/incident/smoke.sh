#!/usr/bin/env bash
# Runs the whole wrong-state-key scenario and checks what it produced: the plan
# deletes dev's IAM roles, the planfile exists, the intended plan changes only the
# edited rule, the apply removes dev's roles. Fails when any step fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo/testenv/provider"
exec go test ./scenario/ -run 'TestIncident' -count=1 -v "$@"
