#!/usr/bin/env bash
# Measures hiyari side by side with the tools a team would otherwise use on the same
# plan files, and prints a Markdown table (wall time: best of RUNS, the tools taking
# turns; peak RSS: the child's ru_maxrss, highest of RUNS) with the ratios to hiyari.
#
#   bench/compare.sh            # 10k and 100k resource plans
#   SIZES="10000" RUNS=1 bench/compare.sh
#
# The contenders, each doing the least a review needs on the same file:
#   hiyari      `hiyari plan review --format json` — every rule and the blast radius;
#   tfjson      encoding/json into hashicorp/terraform-json's Plan, counting deletes
#               (bench/tfjsonload);
#   conftest    conftest v0.71.1 with bench/policy/deletions.rego, hiyari's identity and
#               data deletion rules in Rego;
#   jq          jq counting the resource changes that delete.
# Plans come from internal/plangen (scenario wrong-state: the seed 000 plan, scaled).
# Tools are built or installed into .tools/ (conftest with `go install`, pinned); jq is
# the system's (apt-get install jq).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
sizes=${SIZES:-"10000 100000"}
runs=${RUNS:-3}
scenario=${SCENARIO:-wrong-state}
conftest_version=v0.71.1
work=${HIYARI_TOOLS:-$repo/.tools}/bench
bin=$work/bin
mkdir -p "$bin"

log() { echo "compare: $*" >&2; }

log "building hiyari, measure, tfjsonload, plangen"
go build -o "$bin/hiyari" ./cmd/hiyari
go build -o "$bin/measure" ./bench/measure
go build -o "$bin/tfjsonload" ./bench/tfjsonload
go build -o "$bin/plangen" ./internal/plangen/cmd/plangen

conftest=$bin/conftest
if [ ! -x "$conftest" ] || [ "$(cat "$bin/.conftest.version" 2>/dev/null)" != "$conftest_version" ]; then
	log "installing conftest $conftest_version (first time: several minutes)"
	GOBIN="$bin" go install "github.com/open-policy-agent/conftest@$conftest_version"
	echo "$conftest_version" >"$bin/.conftest.version"
fi
if ! command -v jq >/dev/null; then
	echo "compare: jq not found: apt-get install jq" >&2
	exit 1
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for n in $sizes; do
	plan=$work/plan-$scenario-$n.json
	if [ ! -s "$plan" ]; then
		log "generating $plan"
		"$bin/plangen" -resources "$n" -scenario "$scenario" -seed 1 -o "$plan"
	fi
	mb=$(( $(stat -c %s "$plan") / 1048576 ))
	log "$n resources ($mb MB): measuring, $runs rounds of one run of each tool"
	m() { "$bin/measure" -runs 1 "$@" | sed "s/^/$n\t$mb\t/" >>"$results"; }
	# Round-robin, so every tool's best run is drawn from the same minutes: this
	# machine's speed drifts by tens of percent from one minute to the next.
	for _ in $(seq "$runs"); do
		m -label hiyari -ok 0,2 -- "$bin/hiyari" plan review --format json "$plan"
		m -label tfjson -- "$bin/tfjsonload" "$plan"
		m -label conftest -ok 0,1 -- "$conftest" test --no-color -p bench/policy "$plan"
		m -label jq -- jq '[.resource_changes[] | select(.change.actions | index("delete"))] | length' "$plan"
	done
done

echo "| resources | plan MB | tool | wall s | peak RSS MiB | time ÷ hiyari | RSS ÷ hiyari |"
echo "|---:|---:|---|---:|---:|---:|---:|"
awk -F'\t' '
	{
		k = $1 SUBSEP $3
		if (!(k in wall)) { order[++rows] = k; mb[k] = $2; wall[k] = $5; rss[k] = $6 }
		if ($5 < wall[k]) wall[k] = $5
		if ($6 > rss[k]) rss[k] = $6
	}
	END {
		for (i = 1; i <= rows; i++) {
			split(order[i], f, SUBSEP)
			h = f[1] SUBSEP "hiyari"
			printf "| %s | %s | %s | %.2f | %d | %.1f× | %.1f× |\n", f[1], mb[order[i]], f[2], wall[order[i]], rss[order[i]], wall[order[i]] / wall[h], rss[order[i]] / rss[h]
		}
	}' "$results"
echo
echo "$(nproc) cores; $(go version | cut -d' ' -f3); jq $(jq --version | sed 's/^jq-//'); conftest $conftest_version; runs $runs, best wall, highest RSS."
