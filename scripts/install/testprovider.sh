#!/usr/bin/env bash
# Builds hiyari's test stand-in for the hashicorp/aws provider (testenv/provider, its
# own Go module with pinned dependencies) into $HIYARI_TOOLS/bin/terraform-provider-aws.
# Terraform picks it up through dev_overrides in a CLI configuration file that the
# scenario scripts write; see docs/testenv.md. Rebuilt when its sources change.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=${HIYARI_TOOLS:-$repo/.tools}
src=$repo/testenv/provider
bin=$tools/bin/terraform-provider-aws
stamp=$tools/bin/.terraform-provider-aws.sum
mkdir -p "$tools/bin"
sum=$(cd "$src" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
	echo "testprovider: terraform-provider-aws up to date" >&2
	exit 0
fi
# Built beside the target and renamed, so a terraform running the old binary is
# never handed a half-written one.
(cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -o "$bin.tmp.$$" .)
mv -f "$bin.tmp.$$" "$bin"
echo "$sum" >"$stamp"
echo "testprovider: built terraform-provider-aws into $tools/bin" >&2
