#!/usr/bin/env bats
# scripts/demo, the README's first quick-start command, runs the whole
# workflow from init to run and ends well.

load helper

@test "scripts/demo runs init, create, update, diff, share, sync, graph, generate and run" {
	run --separate-stderr env DFC_BIN="$DFC_BIN" bash "$DFC_SOURCE_DIR/scripts/demo"
	echo "$stderr"
	[ "$status" -eq 0 ]
	for command in "init --template etl shop" "create pipeline.json" "update pipeline.json" \
		"diff pipeline.json" "share -i" "list pipelines" "sync pipeline.json" "graph -i" \
		"generate -i" "run -f pipeline.json" "run -f pipeline.json --on slurm --dry-run"; do
		[[ "$stderr" == *"data-factory-cli $command"* ]]
	done
	# The edit was recorded, shared and run.
	[[ "$output" == *"US,3,345.25"* ]]
	[[ "$stderr" == *"load: skipped (up to date"* ]]
	[[ "$output" == *"--dependency=afterok:{transform}"* ]]
	[[ "$stderr" == *"(exit 3)"* || "$output" == *"(exit 3)"* ]]
}
