#!/usr/bin/env bash
# Runs every Go fuzz target in the module, one at a time, for FUZZTIME each (default 5s;
# FUZZTIME=10m for a long run), with one worker (-parallel 1). Targets are found, not
# listed: every `func FuzzX(f *testing.F)` in the module's test files. A target that
# finds a crash fails the script; its input is written to the package's testdata/fuzz/
# (commit it: it then runs with every `go test`). Needs only Go.
#
#   scripts/fuzz.sh                      every target, 5s each
#   FUZZTIME=10m scripts/fuzz.sh         every target, 10 minutes each
#   scripts/fuzz.sh ./internal/planfile  the targets of some packages
#
# FUZZMINIMIZETIME (default 5s) bounds how long a new input is minimized before fuzzing
# goes on: inputs of a few kilobytes (zip archives, plans) otherwise take the default
# minute each.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
fuzztime=${FUZZTIME:-5s}
minimize=${FUZZMINIMIZETIME:-5s}
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  pkgs=(./...)
fi

targets=()
while read -r pkg dir; do
  for file in "$dir"/*_test.go; do
    [ -e "$file" ] || continue
    while read -r name; do
      targets+=("$pkg $name")
    done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)([a-z_]* \*testing\.F) {$/\1/p' "$file")
  done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' "${pkgs[@]}")
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no fuzz targets in ${pkgs[*]}" >&2
  exit 1
fi

echo "fuzz.sh: ${#targets[@]} targets, $fuzztime each, -parallel 1"
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  start=$SECONDS
  if go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" \
    -parallel 1 -timeout 0 "$pkg" >"$log" 2>&1; then
    result=ok
  elif ! grep -aq 'Failing input written' "$log" && grep -aq 'context deadline exceeded' "$log"; then
    # Go's fuzzing engine sometimes reports its own deadline as a failure when the time
    # runs out while a worker is busy (minimizing, or starved on a loaded machine). A
    # real failure always writes its input to testdata/fuzz; this one wrote none.
    result=ok
  else
    result=FAIL
    failed=1
  fi
  stats=$(grep -a '^fuzz: elapsed' "$log" | tail -n 1 | sed 's/^fuzz: elapsed: [^,]*, //')
  printf '%-4s %-52s %-28s %s (%ds)\n' "$result" "${pkg#github.com/hiyari-dev/hiyari/}" "$name" "$stats" $((SECONDS - start))
  if [ "$result" = FAIL ]; then
    grep -a -v '^fuzz: elapsed' "$log" >&2 || true
  fi
done
exit $failed
