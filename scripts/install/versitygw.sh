#!/usr/bin/env bash
# Installs versitygw, an S3-compatible gateway, built from the Go module proxy. The
# wrong-state-key scenario (scripts/incident/run.sh) starts it on 127.0.0.1 with its
# posix backend so Terraform's S3 backend, S3-native locking included, runs for real.
set -euo pipefail
version=v1.8.0
module=github.com/versity/versitygw/cmd/versitygw
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=${HIYARI_TOOLS:-$repo/.tools}
bin=$tools/bin/versitygw
stamp=$tools/bin/.versitygw.version
mkdir -p "$tools/bin"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	echo "versitygw: $version already installed" >&2
	exit 0
fi
# Outside any module, so the build uses versitygw's own go.mod and go.sum.
(cd / && GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "$module@$version")
echo "$version" >"$stamp"
echo "versitygw: installed $version into $tools/bin" >&2
