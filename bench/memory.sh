#!/usr/bin/env bash
# bench/memory.sh - SPEC §11: peak memory (maximum resident set size) of
# `validate` of a 40,000-node pipeline against the file's size.
# Target: ratio <= 8. jq's figure is shown beside it for scale.
#
#   bench/memory.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

nodes=$(size 200 40000)
chain_pipeline "$nodes" > big.json
# validate checks that the script file it names is there
# shellcheck disable=SC2016 # the step script is literal
echo 'echo "step $1"' > step.sh
bytes=$(stat -c %s big.json)

# peak_kib COMMAND...: the command's maximum resident set size in KiB
# (GNU time: what the kernel counted for that process alone).
peak_kib() {
	/usr/bin/time -f %M -o "$work/peak" "$@" > /dev/null
	cat "$work/peak"
}

runs=$(size 1 3)
tool=() ref=()
for ((i = 0; i < runs; i++)); do
	tool+=("$(peak_kib "$bin" validate --quiet big.json)")
	ref+=("$(peak_kib jq empty big.json)")
done
awk -v t="$(median "${tool[@]}")" -v r="$(median "${ref[@]}")" -v b="$bytes" -v n="$nodes" 'BEGIN {
	x = t * 1024 / b
	printf "%-44s tool %9.1f MiB  jq  %9.1f MiB  file %.1f MiB  ratio %6.3f  target <= 8  %s\n",
		"peak memory of validate, " n " nodes", t / 1024, r / 1024, b / 1048576, x,
		(x <= 8 ? "met" : "MISSED") }'
