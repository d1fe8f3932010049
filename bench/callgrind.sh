#!/usr/bin/env bash
# bench/callgrind.sh - instructions executed by the main paths, counted by
# valgrind --tool=callgrind. Unlike times, the counts repeat exactly for the
# same binary and input whatever the machine is doing, so a regression
# shows as a changed number in docs/BENCHMARKS.md.
#
#   bench/callgrind.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

nodes=$(size 200 40000)
pipelines=$(size 3 50)
export DATA_FACTORY_HOME=$work/home
small_pipeline small/pipeline.json
id=$(dfc create small/pipeline.json)
chain_pipeline "$nodes" > big.json
# shellcheck disable=SC2016 # the step script is literal
echo 'echo "step $1"' > step.sh
for ((i = 0; i < pipelines; i++)); do
	small_pipeline "many/p$i.json" "$i"
	dfc create "many/p$i.json" > /dev/null
done

# count LABEL ARGS...: instructions of one run of the tool with ARGS.
count() {
	local label=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$bin" "$@" \
		> /dev/null 2> "$work/cg.log" || {
		echo "callgrind failed on '$label' (a sanitizer build cannot run under valgrind):" >&2
		tail -5 "$work/cg.log" >&2
		exit 1
	}
	awk -v l="$label" '/Collected :/ { printf "%-44s %15s instructions\n", l, $4 }' "$work/cg.log"
}

rows=1
count "start-up (--version)" --version
set_rows small/pipeline.json $((++rows))
count "update of a small edit" update small/pipeline.json
count "update with nothing to record" update small/pipeline.json
count "validate $nodes nodes" validate --quiet big.json
count "generate $nodes nodes" generate -f big.json
count "list pipelines ($((pipelines + 1)))" list pipelines
count "share -i to the local default catalog" share -i "$id"
set_rows small/pipeline.json $((++rows))
dfc update small/pipeline.json > /dev/null
count "share -i of the next version" share -i "$id"
