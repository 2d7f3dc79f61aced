#!/usr/bin/env bash
# Installs staticcheck (honnef.co/go/tools), which scripts/test.sh runs over every
# package next to go vet.
set -euo pipefail
version=v0.8.2
module=honnef.co/go/tools/cmd/staticcheck
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=${HIYARI_TOOLS:-$repo/.tools}
bin=$tools/bin/staticcheck
stamp=$tools/bin/.staticcheck.version
mkdir -p "$tools/bin"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	echo "staticcheck: staticcheck $version already installed" >&2
	exit 0
fi
GOBIN="$tools/bin" go install "$module@$version"
echo "$version" >"$stamp"
echo "staticcheck: installed staticcheck $version into $tools/bin" >&2
