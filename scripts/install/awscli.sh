#!/usr/bin/env bash
# Installs the AWS CLI from Debian (package awscli) so the creds tests can ask
# `/usr/bin/aws configure list` for a second opinion on the winning credential source.
# Tests call /usr/bin/aws explicitly: an `aws` earlier on PATH (a pyenv shim, a pip
# install) may be broken or a different version.
set -euo pipefail
# Debian 12 (bookworm) ships AWS CLI v2 as awscli 2.9.19-1.
version=2.9.19-1
if [ -x /usr/bin/aws ] && /usr/bin/aws --version >/dev/null 2>&1; then
	echo "awscli: $(/usr/bin/aws --version 2>&1)" >&2
	exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if apt-cache madison awscli | grep -q " $version "; then
	$sudo apt-get install -y -qq --no-install-recommends "awscli=$version"
else
	echo "awscli: $version is not in this machine's apt sources; installing the candidate version" >&2
	$sudo apt-get install -y -qq --no-install-recommends awscli
fi
echo "awscli: $(/usr/bin/aws --version 2>&1)" >&2
