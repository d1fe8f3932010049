# bench/lib.sh - what every bench script shares: the binary, a scratch
# folder, pipeline generators, and the paired timing of SPEC §11.
#
# A measurement runs the tool and a reference command alternately (the
# order flips every pair, so drift in the machine's load hits both sides
# alike), after a warm-up pair, and reports each side's median and the
# median of the per-pair ratios. Ratios, not seconds, are what the targets
# are: they hold on a noisy shared machine.
#
# Environment: PAIRS (default 15), BENCH_SMOKE=1 (tiny sizes, 2 pairs: only
# checks that the script still works; what it prints means nothing).
# shellcheck shell=bash

set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:-${DFC_BIN:-$bench_dir/../build/data-factory-cli}}
[ -x "$bin" ] || { echo "no binary at $bin; build first (scripts/build) or pass its path" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
smoke=${BENCH_SMOKE:-0}
pairs=${PAIRS:-15}
[ "$smoke" = 1 ] && pairs=2

work=$(mktemp -d "${TMPDIR:-/tmp}/dfc-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# A private git identity and home, so nothing of the user's is read or written.
export HOME=$work/user GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "Bench Mark"
git config --global user.email bench@example.org
git config --global init.defaultBranch main
unset DATA_FACTORY_CATALOG DATA_FACTORY_TOKEN GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL

# size SMOKE FULL: FULL, or SMOKE in a smoke run.
size() {
	if [ "$smoke" = 1 ]; then echo "$1"; else echo "$2"; fi
}

# dfc ARGS...: the tool under test.
dfc() {
	"$bin" "$@"
}

# chain_pipeline N: a pipeline of N nodes on stdout, scripts and datasets
# alternating in a chain (every script the same file step.sh), as in a wide
# batch job.
chain_pipeline() {
	python3 - "$1" <<'PY'
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
print()
PY
}

# small_pipeline FILE [ROWS]: the example pipeline every harness shares
# (tests/fixtures/workflow/daily-sales.json) with its scripts and input
# data, its cleaning step given "--rows ROWS" (default 1000).
small_pipeline() {
	local dir fixture=$bench_dir/../tests/fixtures/workflow
	dir=$(dirname "$1")
	mkdir -p "$dir/scripts" "$dir/data"
	cp "$fixture/scripts/"* "$dir/scripts/"
	cp "$fixture/data/raw.csv" "$dir/data/"
	sed "s/{ \"ref\": \"out\" }\]/{ \"ref\": \"out\" }, \"--rows\", ${2:-1000}]/" \
		"$fixture/daily-sales.json" > "$1"
	grep -q '"--rows", ' "$1"
}

# set_rows FILE N: the small edit the update benchmarks record.
set_rows() {
	sed -i "s/\"--rows\", [0-9]*/\"--rows\", $2/" "$1"
}

# elapsed_us FUNCTION: run FUNCTION (output discarded), print microseconds.
elapsed_us() {
	local start end
	start=${EPOCHREALTIME/./}
	"$1" > /dev/null
	end=${EPOCHREALTIME/./}
	echo $((end - start))
}

# compare LABEL TARGET TOOL_PREP TOOL REF_PREP REF: time TOOL against REF
# (functions), each PREP function run untimed before its side; print one
# line: the medians, the median ratio tool/ref and the target (a maximum
# ratio, or "-" for none). Sets $ratio.
compare() {
	local label=$1 target=$2 tool_prep=$3 tool=$4 ref_prep=$5 ref=$6
	local i t r tool_times=() ref_times=() ratios=()

	"$tool_prep"; "$tool" > /dev/null
	"$ref_prep"; "$ref" > /dev/null
	for ((i = 0; i < pairs; i++)); do
		if ((i % 2 == 0)); then
			"$tool_prep"; t=$(elapsed_us "$tool")
			"$ref_prep"; r=$(elapsed_us "$ref")
		else
			"$ref_prep"; r=$(elapsed_us "$ref")
			"$tool_prep"; t=$(elapsed_us "$tool")
		fi
		tool_times+=("$t")
		ref_times+=("$r")
		ratios+=("$(awk -v t="$t" -v r="$r" 'BEGIN { printf "%.4f", t / (r > 0 ? r : 1) }')")
	done
	ratio=$(median "${ratios[@]}")
	report "$label" "$(median "${tool_times[@]}")" "$(median "${ref_times[@]}")" "$ratio" "$target"
}

# median NUMBERS...: the median (the lower middle of an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# report LABEL TOOL_US REF_US RATIO TARGET: one result line. A TARGET of
# "-" marks a line shown for information, with no target.
report() {
	awk -v l="$1" -v t="$2" -v r="$3" -v x="$4" -v g="$5" -v n="$pairs" 'BEGIN {
		printf "%-44s tool %9.2f ms  ref %9.2f ms  ratio %6.3f  ", l, t / 1000, r / 1000, x
		if (g == "-")
			printf "(for information)  (%d pairs)\n", n
		else
			printf "target <= %s  %s  (%d pairs)\n", g, (x <= g + 0 ? "met" : "MISSED"), n }'
}

# nothing: a PREP that does nothing.
nothing() { :; }
