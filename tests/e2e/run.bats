#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# run: generate a pipeline's script and run it at once.

load helper
load generate_helper

@test "run -f runs in the pipeline file's folder and leaves no temporary file" {
	write_chain
	mkdir "$TEST_TMP/tmp"
	cd /
	TMPDIR=$TEST_TMP/tmp run dfc run -f "$TEST_TMP/work/pipeline.json"
	[ "$status" -eq 0 ]
	[ "$(runs "$TEST_TMP/work")" = "s1 s2 s3 " ]
	[ -f "$TEST_TMP/work/out/deep/final.txt" ]
	[ -z "$(ls -A "$TEST_TMP/tmp")" ]
	[ ! -e /runs.log ]
}

@test "run -f: a second run skips, --force reruns, --node and --from select" {
	write_chain
	dfc run -f pipeline.json 2> /dev/null
	: > runs.log
	run dfc run -f pipeline.json
	[ "$status" -eq 0 ]
	[ "$(runs)" = "" ]
	[[ "$output" == *"s1: skipped (up to date"* ]]
	run dfc run -f pipeline.json --force --node s2
	[ "$(runs)" = "s2 " ]
	: > runs.log
	run dfc run -f pipeline.json --force --from s1
	[ "$(runs)" = "s1 s2 " ]
	run dfc run -f pipeline.json --node s1 --from s1
	[ "$status" -eq 2 ]
}

@test "run --dry-run prints the commands and writes nothing" {
	write_chain
	before=$(listing)
	run --separate-stderr dfc run -f pipeline.json --dry-run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "s1: bash .dfc/scripts/s1/step.sh s1 data/mid.txt data/raw.txt  # never run" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(listing)" = "$before" ]
}

@test "run -f passes a failing step through as exit 4, naming it" {
	write_failing
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"data-factory-cli: error: step 'boom' failed"* ]]
	[ -e first.done ]
	[ ! -e never.done ]
}

@test "run -f passes a missing interpreter through as exit 5 before anything runs" {
	write_missing_interpreter
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"data-factory-cli: error: 'no-such-interp' is missing"* ]]
	[ ! -e first.done ]
}

@test "run --jobs 2 runs the diamond's middle steps at once" {
	mkdir "$TEST_TMP/barrier"
	write_diamond 100 "$TEST_TMP/barrier"
	run dfc run -f pipeline.json --jobs 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"[b] b saw c"* && "$output" == *"[c] c saw b"* ]]
	[ -e done.d ]
}

@test "run -i runs a recorded version in the current folder, or --workdir" {
	create_pipeline
	mkdir "$TEST_TMP/here" && cd "$TEST_TMP/here"
	# The dataset is not here: a dependency error, nothing run.
	run dfc run -i "$ID"
	[ "$status" -eq 5 ]
	[[ "$output" == *"dataset 'raw' not found at data/raw.csv"* ]]
	cp -r "$TEST_TMP/work/data" .
	run dfc run -i "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"'--rows', '1000'"* ]]
	[ -d .dfc/stamps ]
	mkdir "$TEST_TMP/there"
	cp -r data "$TEST_TMP/there/"
	run dfc run -i "$ID" -v 1 --workdir "$TEST_TMP/there"
	[ "$status" -eq 0 ]
	# The stamps' journal there holds step clean's.
	grep -qaz '^clean'$'\n''token ' "$TEST_TMP/there/.dfc/stamps/"@*
}

@test "run --from-catalog runs the shared version in an empty folder" {
	create_pipeline
	dfc share -i "$ID"
	mkdir "$TEST_TMP/empty" && cd "$TEST_TMP/empty"
	run dfc run -i "$ID" --from-catalog
	[ "$status" -eq 0 ]
	cmp data/raw.csv "$TEST_TMP/work/data/raw.csv"
}

@test "run refuses bad option combinations and unsafe pipelines" {
	write_pipeline
	run dfc run
	[ "$status" -eq 2 ]
	run dfc run -f pipeline.json --from-catalog
	[ "$status" -eq 2 ]
	jq '.nodes[0].path = "../raw.csv"' pipeline.json > bad.json
	run dfc run -f bad.json
	[ "$status" -eq 6 ]
	run dfc run -f pipeline.json --jobs 0
	[ "$status" -eq 2 ]
}

@test "run --node naming no script node, --from naming no node: one error in the user's words, exit 7" {
	write_chain
	run --separate-stderr dfc run -f pipeline.json --node nope
	echo "$stderr"
	[ "$status" -eq 7 ]
	[ "$(head -1 <<<"$stderr")" = "data-factory-cli: error: --node: no script node 'nope' in this pipeline" ]
	[[ "$stderr" == *"hint: its script nodes: s1, s2, s3"* ]]
	[[ "$stderr" != *"--only"* && "$stderr" != *"dfc-run-"* && "$stderr" != *"dfc: error"* ]]
	run --separate-stderr dfc run -f pipeline.json --from nope
	[ "$status" -eq 7 ]
	[ "$(head -1 <<<"$stderr")" = "data-factory-cli: error: --from: no node 'nope' in this pipeline" ]
	[[ "$stderr" == *"hint: its nodes: raw, s1, mid, s2, final, other, s3, o3"* ]]
	[ ! -s runs.log ]
	# A dataset is no step for --node; for --from it starts at its readers.
	run --separate-stderr dfc run -f pipeline.json --node mid
	[ "$status" -eq 7 ]
	dfc run -f pipeline.json 2> /dev/null
	: > runs.log
	run --separate-stderr dfc run -f pipeline.json --from mid --force
	[ "$status" -eq 0 ]
	[ "$(runs)" = "s2 " ]
}

@test "run --dry-run --json prints the plan; --json alone and --keep-going on Slurm are refused" {
	write_chain
	run --separate-stderr dfc run -f pipeline.json --dry-run --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.steps[].id] | join(" ")' <<< "$output")" = "s1 s2 s3" ]
	[ "$(jq -r '.steps[0].reason' <<< "$output")" = "never run" ]
	run --separate-stderr dfc run -f pipeline.json --json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--json goes with --dry-run"* ]]
	[[ "$stderr" == *"hint: "* ]]
	run --separate-stderr dfc run -f pipeline.json --on slurm --keep-going
	[ "$status" -eq 2 ]
	[ ! -e .dfc ]
}

@test "run --keep-going names every failed step; --quiet prints only failures and the summary" {
	mkdir -p scripts
	printf 'exit 3\n' > scripts/fail.sh
	printf 'echo "ran $1"; touch "$1.done"\n' > scripts/ok.sh
	cat > pipeline.json <<'JSON'
{ "nodes": [ { "id": "bad", "type": "script", "path": "scripts/fail.sh" },
             { "id": "good", "type": "script", "path": "scripts/ok.sh" },
             { "id": "worse", "type": "script", "path": "scripts/fail.sh" },
             { "id": "out", "type": "dataset", "path": "good.done" } ],
  "edges": [ { "from": "good", "to": "out", "arguments": ["good"] },
             { "from": "good", "to": "worse" } ] }
JSON
	run --separate-stderr dfc --quiet run -f pipeline.json --keep-going
	[ "$status" -eq 4 ]
	[ -e good.done ]
	[ -z "$output" ]
	[[ "$stderr" == *"error: steps 'bad', 'worse' failed; the steps that do not depend on them ran"* ]]
	[[ "$stderr" == *"summary: 1 run, 0 up to date, 2 failed, 0 not run"* ]]
	[[ "$stderr" != *"good: start"* ]]
	[ -f .dfc/logs/good.log ]
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"error: step 'bad' failed; the run stopped there"* ]]
	[[ "$stderr" == *"hint: its output is above and in .dfc/logs/bad.log"* ]]
}

# What the generated script refuses is worded for run: no temporary file
# name, the option as run takes it, and a hint that names run's help.
refused_by_run() {
	[ "$status" -eq 2 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: $1" ]
	[ "${stderr_lines[1]}" = "hint: see 'data-factory-cli run --help'" ]
	[[ "$stderr" != *dfc-run-* && "$stderr" != *dfc-status-* && "$stderr" != *"$TEST_TMP/tmp"* ]]
	[ -z "$(ls -A "$TEST_TMP/tmp")" ]
}

@test "run --workdir a folder that cannot be made: exit 2, the option named, run's help in the hint" {
	write_chain
	mkdir "$TEST_TMP/tmp"
	export TMPDIR=$TEST_TMP/tmp
	run --separate-stderr dfc run -f pipeline.json --workdir /proc/nope
	refused_by_run "run: --workdir '/proc/nope': cannot create the folder: No such file or directory"
	[ "$(runs)" = "" ]
	: > plain
	run --separate-stderr dfc run -f pipeline.json --workdir plain/sub
	refused_by_run "run: --workdir 'plain/sub': cannot create the folder: Not a directory"
}

@test "options the script refuses through run: --jobs, --sbatch-arg, --node" {
	write_chain
	mkdir "$TEST_TMP/tmp"
	export TMPDIR=$TEST_TMP/tmp
	run --separate-stderr dfc run -f pipeline.json --jobs x
	refused_by_run "option '--jobs' expects a positive number, not 'x'"
	run --separate-stderr dfc run -f pipeline.json --jobs 0
	refused_by_run "option '--jobs' expects a positive number, not '0'"
	run --separate-stderr dfc run -f pipeline.json --workdir
	refused_by_run "option '--workdir' needs a value"
	run --separate-stderr dfc run -f pipeline.json --on slurm --sbatch-arg account
	refused_by_run "run: --sbatch-arg takes an sbatch option such as --account=NAME, not 'account'"
	run --separate-stderr dfc run -f pipeline.json --on slurm --sbatch-arg --job-name=x
	refused_by_run "run: --sbatch-arg '--job-name=x': --job-name is one the generated script sets for each job"
	run --separate-stderr dfc run -f pipeline.json --node nope
	[ "$status" -eq 7 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: --node: no script node 'nope' in this pipeline" ]
}

@test "the generated script run on its own names itself in its hint" {
	write_chain
	dfc generate -f pipeline.json -o run.sh
	run --separate-stderr bash run.sh --workdir /proc/nope
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "dfc: error: --workdir '/proc/nope': cannot create the folder: No such file or directory" ]
	[ "${stderr_lines[1]}" = "hint: see 'run.sh --help'" ]
	run --separate-stderr bash run.sh --status-file status --jobs x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[1]}" = "hint: see 'run.sh --help'" ]
	[ "$(cat status)" = "usage" ]
	# A DFC_CALLER in the environment reaches no step.
	DFC_CALLER=x run --separate-stderr bash run.sh
	[ "$status" -eq 0 ]
}
