#!/usr/bin/env bash
# Installs everything hiyari's test suite needs besides Go and Terraform, with pinned
# versions, into .tools/ in this repository. Safe to run again: each installer skips
# what is already there at the pinned version.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export HIYARI_TOOLS="$repo/.tools"
mkdir -p "$HIYARI_TOOLS/bin"
for installer in "$repo"/scripts/install/*.sh; do
	[ -e "$installer" ] || continue
	echo "setup: $(basename "$installer")" >&2
	bash "$installer"
done
