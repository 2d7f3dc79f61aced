#!/usr/bin/env bash
# Regenerates cmd/hiyari/default.pgo, the CPU profile `go build` and `go install` use to
# optimise hiyari (profile-guided optimisation: hot calls inlined, hot interface calls
# devirtualised). The profile is of the work hiyari is built for: `plan review` of the
# generator's 100k-resource plans, the wrong-state incident (46k deletes, every rule
# and the blast radius busy) and the mixed plan (mostly no-ops), in the JSON and
# Markdown formats. Run it after a change that moves the hot paths (the decoder, the
# rules, the blast radius, the renderers); docs/performance.md says what it bought.
#
#   scripts/pgo.sh            # about a minute; writes cmd/hiyari/default.pgo
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Profiled without the old profile, so the new one does not depend on it.
go build -pgo=off -o "$work/hiyari" ./cmd/hiyari
go build -o "$work/plangen" ./internal/plangen/cmd/plangen
review() { # review PROFILE ARGS...: exit status 2 is the FAIL verdict, not an error
	local prof=$1
	shift
	HIYARI_CPU_PROFILE="$prof" "$work/hiyari" plan review "$@" > /dev/null || [ $? -eq 2 ]
}
for scenario in wrong-state mixed; do
	plan="$work/plan-$scenario.json"
	"$work/plangen" -resources 100000 -scenario "$scenario" -seed 1 -o "$plan"
	for i in 1 2 3; do
		review "$work/$scenario-json-$i.prof" --format json "$plan"
	done
	review "$work/$scenario-markdown.prof" --format markdown "$plan"
	rm -f "$plan"
done
go tool pprof -proto "$work"/*.prof > "$work/default.pgo"
mv "$work/default.pgo" cmd/hiyari/default.pgo
echo "scripts/pgo.sh: wrote cmd/hiyari/default.pgo ($(wc -c < cmd/hiyari/default.pgo) bytes)"
