#!/usr/bin/env bash
# Regenerates http-backend.tfplan: a planfile written by real Terraform for a
# configuration whose http backend has a password (a canary the fuzz tests look for in
# everything Read returns). Needs Go and Terraform; listens on 127.0.0.1:18731 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "${srv:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/server" "$here/httpbackend/server.go"
"$work/server" & srv=$!
cp "$here/httpbackend/main.tf" "$work/"
cd "$work"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  (exec 3<>/dev/tcp/127.0.0.1/18731) 2>/dev/null && break
  sleep 0.2
done
terraform init -input=false >/dev/null
terraform plan -input=false -out=tfplan >/dev/null
cp tfplan "$here/http-backend.tfplan"
echo "wrote $here/http-backend.tfplan ($(terraform version | head -1))"
