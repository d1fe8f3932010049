#!/usr/bin/env bats
# bench/: every benchmark script still runs (at a tiny size) and prints its
# result line. Timing is never asserted here: benchmarks are not tests.

load helper

smoke() {
	BENCH_SMOKE=1 run --separate-stderr "$DFC_SOURCE_DIR/bench/$1" "$DFC_BIN"
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 0 ]
}

# A result line: both sides' medians, the ratio and the target.
assert_ratio_line() {
	[[ "$output" == *"$1"*" tool "*" ms  ref "*" ms  ratio "*"target <= $2"* ]]
}

@test "update.sh: update against git add && git commit" {
	smoke update.sh
	assert_ratio_line "update vs git add && git commit" 0.5
	[[ "$output" == *"(update vs the same git, core.fsync=all)"*" ratio "*"(for information)"* ]]
}

@test "update-history.sh: a busy home against a fresh one" {
	smoke update-history.sh
	assert_ratio_line "update: 5 pipelines, 3 versions vs fresh" 1.2
}

@test "validate.sh: validate against jq empty" {
	smoke validate.sh
	assert_ratio_line "validate 200 nodes vs jq empty" 0.5
}

@test "generate.sh: 4 times the nodes, and the absolute time" {
	smoke generate.sh
	assert_ratio_line "generate 4000 vs 1000 nodes" 5
	[[ "$output" == *"generate 1000 nodes"*"target < 1000 ms"* ]]
}

@test "list.sh: list pipelines against git for-each-ref" {
	smoke list.sh
	assert_ratio_line "list pipelines (5) vs git for-each-ref" 2
}

@test "share.sh: share against git push" {
	smoke share.sh
	assert_ratio_line "share to a local catalog vs git push" 1.0
}

@test "catalog-scale.sh: share, sync, list --refresh by catalog size, local and over HTTP" {
	smoke catalog-scale.sh
	for t in local http; do
		for n in 0 60 600; do
			[[ "$output" == *"share, $t, $n refs vs git push "*" ratio "* ]]
			[[ "$output" == *"sync, $t, $n refs vs git fetch "*" ratio "* ]]
			[[ "$output" == *"list --refresh, $t, $n refs vs git fetch "*" ratio "* ]]
		done
		assert_ratio_line "share, $t, 600 refs vs git push" 1.5
		assert_ratio_line "share, $t, 600 vs 0 refs" 3
	done
	assert_ratio_line "pre-receive, 600 vs 0 refs" 1.5
}

@test "memory.sh: peak memory of validate against the file's size" {
	smoke memory.sh
	[[ "$output" == *"peak memory of validate, 200 nodes"*" MiB "*"ratio "*"target <= 8"* ]]
}

@test "run.sh: the generated script against make and sha256sum" {
	smoke run.sh
	assert_ratio_line "run: first run, 10 steps vs make" 1.5
	assert_ratio_line "run: no-op rerun, 10 steps vs make" 0.1
	[[ "$output" == *"(run: no-op rerun vs no-op make, 10 steps)"*" ratio "*"(for information)"* ]]
	assert_ratio_line "run: no-op rerun, 40 vs 10 steps" 5
	assert_ratio_line "run: no-op rerun, 1M input vs sha256sum" 0.1
	assert_ratio_line "run: --jobs 2 vs 1, 8 steps of sleep 0.01" 0.6
}

@test "callgrind.sh: an instruction count for every main path" {
	smoke callgrind.sh
	[ "$(grep -c ' instructions$' <<< "$output")" -eq 8 ]
	[[ "$output" == *"update of a small edit"* ]]
}

@test "run-all runs every script" {
	smoke run-all
	[ "$(grep -c 'target' <<< "$output")" -eq 19 ]
	[[ "$output" == *"(for information)"* ]]
	[[ "$output" == "# "*"cores"* ]]
}
