#!/usr/bin/env bash
# bench/generate.sh - SPEC §11: `generate` of a 40,000-node pipeline under
# 1 s, and 4 times the nodes (160,000) in at most 5 times the time.
#
# The pipelines are chains in which script and dataset nodes alternate,
# every script the same small file, as in a wide batch job. The ratio is
# measured pairwise, 160k against 40k, like every other row; 10k is shown
# for the curve.
#
#   bench/generate.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

small=$(size 250 10000)
mid=$(size 1000 40000)
large=$(size 4000 160000)
# shellcheck disable=SC2016 # the step script is literal
echo 'echo "step $1"' > step.sh
for n in "$small" "$mid" "$large"; do
	chain_pipeline "$n" > "p$n.json"
done

gen_small() { dfc generate -f "p$small.json"; }
gen_mid() { dfc generate -f "p$mid.json"; }
gen_large() { dfc generate -f "p$large.json"; }

compare "generate $mid vs $small nodes (curve)" 5 nothing gen_mid nothing gen_small
compare "generate $large vs $mid nodes" 5 nothing gen_large nothing gen_mid
# The absolute target: the 40k side's median of the pairs just run.
mid_times=()
for ((i = 0; i < pairs; i++)); do
	mid_times+=("$(elapsed_us gen_mid)")
done
awk -v t="$(median "${mid_times[@]}")" -v n="$mid" -v p="$pairs" 'BEGIN {
	printf "%-44s tool %9.2f ms  target < 1000 ms  %s  (%d runs)\n",
		"generate " n " nodes", t / 1000, (t < 1e6 ? "met" : "MISSED"), p }'
