#!/usr/bin/env bash
# bench/generate.sh - how `generate` scales (SPEC §11: a 40,000-node
# pipeline under 1 s; 4 times the nodes in at most 5 times the time).
#
# Builds pipelines of 10,000, 40,000 and 160,000 nodes (a chain in which
# script and dataset nodes alternate, every script the same small file, as
# in a wide batch job), runs `data-factory-cli generate -f` on each RUNS
# times (default 15), and prints the median wall time of each size and the
# 160k / 40k ratio. Not a test: run it by hand on a Release build and put
# the numbers, with the machine, in docs/BENCHMARKS.md.
#
#   bench/generate.sh [path/to/data-factory-cli]     (RUNS=15 by default)
set -euo pipefail

bin=${1:-${DFC_BIN:-build/data-factory-cli}}
runs=${RUNS:-15}
[ -x "$bin" ] || { echo "no binary at $bin; build first or pass its path" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d "${TMPDIR:-/tmp}/dfc-bench-generate.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# shellcheck disable=SC2016 # the step script is literal
echo 'echo "step $1"' > step.sh

for n in 10000 40000 160000; do
	python3 - "$n" > "p$n.json" <<'PY'
import json, sys
n = int(sys.argv[1])
nodes, edges, prev = [], [], None
for i in range(n):
    script = i % 2 == 0
    nid = ("s%d" if script else "d%d") % i
    if script:
        nodes.append({"id": nid, "type": "script", "path": "step.sh"})
    else:
        nodes.append({"id": nid, "type": "dataset", "path": "data/%s.csv" % nid})
    if prev:
        edges.append({"from": prev, "to": nid,
                      "arguments": ["--io", {"ref": prev if script else nid}, i]})
    prev = nid
json.dump({"name": "bench-%d" % n, "nodes": nodes, "edges": edges}, sys.stdout, indent=1)
PY
done

# Median wall time, in seconds, of `generate -f FILE` over $runs runs.
median() {
	local file=$1 i start end
	for ((i = 0; i < runs; i++)); do
		start=${EPOCHREALTIME//[!0-9]/}
		"$bin" generate -f "$file" > /dev/null
		end=${EPOCHREALTIME//[!0-9]/}
		echo $((end - start))
	done | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f\n", t[int((NR + 1) / 2)] / 1e6 }'
}

declare -A t
for n in 10000 40000 160000; do
	t[$n]=$(median "p$n.json")
	printf '%7d nodes: %s s (median of %d)\n' "$n" "${t[$n]}" "$runs"
done
awk -v a="${t[40000]}" -v b="${t[160000]}" \
	'BEGIN { printf "160k / 40k: %.2f (target <= 5; 40k target < 1 s)\n", b / a }'
