#!/usr/bin/env bash
# Installs amazon-ec2-metadata-mock, AWS's own IMDS emulator, which the creds tests start
# on 127.0.0.1 to exercise IMDSv1/IMDSv2, the instance role and its credentials.
set -euo pipefail
version=v1.13.0
module=github.com/aws/amazon-ec2-metadata-mock/cmd/ec2-metadata-mock
repo=$(cd "$(dirname "$0")/../.." && pwd)
tools=${HIYARI_TOOLS:-$repo/.tools}
bin=$tools/bin/ec2-metadata-mock
stamp=$tools/bin/.ec2-metadata-mock.version
mkdir -p "$tools/bin"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
	echo "imds-mock: ec2-metadata-mock $version already installed" >&2
	exit 0
fi
GOBIN="$tools/bin" go install "$module@$version"
echo "$version" >"$stamp"
echo "imds-mock: installed ec2-metadata-mock $version into $tools/bin" >&2
