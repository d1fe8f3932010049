#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts and arguments these tests write are single-quoted on purpose
# Slurm (SPEC §13): generate --target slurm and run --on slurm against a
# real single-node cluster (slurmctld, slurmd, munged) that this file
# starts in a temporary folder and stops afterwards.

load helper
load generate_helper
load slurm_cluster

setup_file() {
	slurm_cluster_start "$BATS_FILE_TMPDIR/cluster"
}

teardown_file() {
	slurm_cluster_stop "$BATS_FILE_TMPDIR/cluster"
}

# A diamond (the fixture's diamond.json): first -> left and right
# (independent) -> join. Each step logs its name to runs.log and writes its
# name and its inputs. Step $1 (optional) exits 3 instead.
write_diamond() {
	local failing=${1:-}
	from_fixture scripts/step.sh data/raw.txt
	printf 'exit 3\n' > scripts/fail.sh
	jq --arg failing "$failing" '
		.nodes |= map(if .id == $failing then .path = "scripts/fail.sh" else . end)' \
		"$WORKFLOW_FIXTURE/diamond.json" > pipeline.json
}

# Put an sbatch ahead in PATH that logs each command line (one argument
# per line, then a blank line) to $TEST_TMP/sbatch.log and runs the real one.
log_sbatch() {
	local real
	real=$(command -v sbatch)
	mkdir -p "$TEST_TMP/bin"
	cat > "$TEST_TMP/bin/sbatch" <<SH
#!/usr/bin/env bash
{ printf '%s\n' "\$@"; echo; } >> "$TEST_TMP/sbatch.log"
exec "$real" "\$@"
SH
	chmod +x "$TEST_TMP/bin/sbatch"
	export PATH=$TEST_TMP/bin:$PATH
}

# The job id of step $1 in the "step<TAB>job" lines of $output.
job_of() {
	awk -F '\t' -v step="$1" '$1 == step { print $2 }' <<< "$output"
}

# The sbatch command line (as logged by log_sbatch) that ran step $1's job.
sbatch_line_of() {
	awk -v step="$1" 'BEGIN { RS = ""; FS = "\n" }
		$NF == step || ($(NF - 2) == step && $(NF - 1) == "--dfc-run") { $1 = $1; print }' \
		"$TEST_TMP/sbatch.log"
}

# Seconds since the epoch of time field $2 (StartTime, EndTime) of job $1.
job_time() {
	date -d "$(slurm_job_field "$1" "$2")" +%s
}

@test "a diamond with --wait: four jobs with the right dependencies, the outputs, and a second run that submits nothing" {
	write_diamond
	log_sbatch
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(wc -l <<< "$output")" -eq 4 ]
	first=$(job_of first) left=$(job_of left) right=$(job_of right) join=$(job_of join)
	[ -n "$first" ] && [ -n "$left" ] && [ -n "$right" ] && [ -n "$join" ]
	# What each job was submitted with.
	[[ "$(sbatch_line_of first)" != *--dependency* ]]
	[[ "$(sbatch_line_of left)" == *" --dependency=afterok:$first --kill-on-invalid-dep=yes "* ]]
	[[ "$(sbatch_line_of right)" == *" --dependency=afterok:$first --kill-on-invalid-dep=yes "* ]]
	[[ "$(sbatch_line_of join)" == *" --dependency=afterok:$left:$right --kill-on-invalid-dep=yes "* ]]
	# What Slurm did with them.
	for step in first left right join; do
		job=$(job_of "$step")
		[ "$(slurm_job_field "$job" JobName)" = "dfc-diamond-$step" ]
		# --wait returns once each step has written its exit status; Slurm
		# may list the job as COMPLETING a moment longer.
		[ "$(slurm_wait_job "$job" 30)" = COMPLETED ]
		[ "$(slurm_job_field "$job" StdOut)" = "$TEST_TMP/work/.dfc/logs/$step.log" ]
		[[ "$(cat ".dfc/logs/$step.log")" == *"$step wrote"* ]]
	done
	[ "$(job_time "$left" StartTime)" -ge "$(job_time "$first" EndTime)" ]
	[ "$(job_time "$right" StartTime)" -ge "$(job_time "$first" EndTime)" ]
	[ "$(job_time "$join" StartTime)" -ge "$(job_time "$left" EndTime)" ]
	[ "$(job_time "$join" StartTime)" -ge "$(job_time "$right" EndTime)" ]
	[ "$(cat out/final.txt)" = "$(printf 'join\nleft\nfirst\nraw\nright\nfirst\nraw')" ]
	# Progress was streamed.
	[[ "$stderr" == *"left: started (job $left on "* ]]
	[[ "$stderr" == *"join: done (job $join)"* ]]
	[[ "$stderr" == *"all 4 job(s) done"* ]]

	: > "$TEST_TMP/sbatch.log"
	: > runs.log
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -s "$TEST_TMP/sbatch.log" ]
	[ ! -s runs.log ]
	[ "$(grep -c 'not submitted (up to date' <<< "$stderr")" -eq 4 ]
	[[ "$stderr" == *"nothing to submit: every step is up to date"* ]]
}

@test "a Slurm run is recorded: the submit script writes its start, each job its step, --wait the end" {
	write_diamond left
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	[ "$status" -eq 4 ]
	# shellcheck disable=SC2012 # run ids are plain file names
	rec=$(ls -t .dfc/runs/*.json | head -n 1)
	while IFS= read -r line; do
		jq -e 'type == "object"' <<< "$line" > /dev/null
	done < "$rec"
	jq -c 'select(.record == "run")' "$rec" | jq -e '.script.target == "slurm" and .pipeline.name == "diamond"'
	[ "$(jq -r 'select(.record == "step") | .step + " " + .outcome' "$rec" | sort | tr '\n' ',')" = "first ran,left failed,right ran," ]
	jq -c 'select(.step == "first")' "$rec" | jq -e '.exit == 0 and .reason == "never run" and .start <= .end and (.outputs | length) == 1'
	jq -c 'select(.step == "left")' "$rec" | jq -e '.exit == 3'
	jq -c 'select(.record == "end")' "$rec" | jq -e '.status == "failed" and .failed == 1 and .not_run == 1'
	[ "$(tail -n 1 "$rec" | jq -r .record)" = end ]
}

@test "a failing step: exit 4 naming it, the join job cancelled, the independent branch done" {
	write_diamond left
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	echo "$stderr"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"data-factory-cli: error: step 'left' failed"* ]]
	[[ "$stderr" == *"hint: its output is in .dfc/logs/left.log in the run folder"* ]]
	[[ "$stderr" == *"left: FAILED (job $(job_of left), exit status 3)"* ]]
	[[ "$stderr" == *"join: cancelled (job $(job_of join)): a step it depends on failed"* ]]
	[ "$(slurm_wait_job "$(job_of left)" 30)" = FAILED ]
	[ "$(slurm_wait_job "$(job_of join)" 30)" = CANCELLED ]
	[ "$(slurm_wait_job "$(job_of right)" 30)" = COMPLETED ]
	[ -f data/r.txt ]
	[ ! -e out/final.txt ]
	# Nothing is left pending in the queue.
	[ -z "$(squeue -h -j "$(job_of join)" -t PENDING 2> /dev/null)" ]
}

# Put an squeue ahead in PATH that answers only once every job it is asked
# about has ended (until then it fails as an unreachable controller does),
# so that --wait learns of a failure and the cancellations it caused in the
# same poll. Its first answer is always a failure, however fast the jobs
# ran, so that the retry is always seen.
squeue_after_all_ended() {
	local real
	real=$(command -v squeue)
	mkdir -p "$TEST_TMP/bin"
	cat > "$TEST_TMP/bin/squeue" <<SH
#!/usr/bin/env bash
out=\$("$real" "\$@") || exit
if mkdir "$TEST_TMP/squeue.failed-once" 2> /dev/null ||
	grep -Eq ' (PENDING|CONFIGURING|RUNNING|COMPLETING)\$' <<< "\$out"; then
	echo 'squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation' >&2
	exit 1
fi
printf '%s\n' "\$out"
SH
	chmod +x "$TEST_TMP/bin/squeue"
	export PATH=$TEST_TMP/bin:$PATH
}

@test "a failure and the cancellations it caused seen in one poll: the failed step is named, its dependents are cancelled" {
	write_diamond left
	squeue_after_all_ended
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	echo "$stderr"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"cannot ask Slurm about the jobs (squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation); trying again"* ]]
	[[ "$stderr" == *"left: FAILED (job $(job_of left), exit status 3)"* ]]
	[[ "$stderr" == *"join: cancelled (job $(job_of join)): a step it depends on failed"* ]]
	[[ "$stderr" != *"join: FAILED"* ]]
	[[ "$stderr" == *"dfc: error: step 'left' failed (exit status 3); 1 job(s) that depended on it were cancelled"* ]]
	[[ "$stderr" == *"data-factory-cli: error: step 'left' failed"* ]]
}

@test "without --wait the jobs are submitted and a failed dependency still cancels its dependents" {
	write_diamond first
	run --separate-stderr dfc run -f pipeline.json --on slurm
	[ "$status" -eq 0 ]
	[ "$(wc -l <<< "$output")" -eq 4 ]
	[[ "$stderr" == *"follow them with: squeue -j $(job_of first),"* ]]
	[ "$(slurm_wait_job "$(job_of first)")" = FAILED ]
	for step in left right join; do
		[ "$(slurm_wait_job "$(job_of "$step")")" = CANCELLED ]
	done
}

@test "resources and --sbatch-arg map to the job" {
	mkdir scripts
	printf 'echo ok > "$1"\n' > scripts/one.sh
	cat > pipeline.json <<'JSON'
{ "name": "res", "nodes": [
    { "id": "big", "type": "script", "path": "scripts/one.sh",
      "resources": { "cpus": 2, "mem": "100M", "time": "00:05:00", "partition": "other", "gpus": 1 } },
    { "id": "out", "type": "dataset", "path": "out.txt" } ],
  "edges": [ { "from": "big", "to": "out", "arguments": [{ "ref": "out" }] } ] }
JSON
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait --sbatch-arg=--comment=from-dfc
	echo "$stderr"
	[ "$status" -eq 0 ]
	job=$(job_of big)
	[ "$(slurm_job_field "$job" NumCPUs)" = 2 ]
	[ "$(slurm_job_field "$job" MinMemoryNode)" = 100M ]
	[ "$(slurm_job_field "$job" TimeLimit)" = 00:05:00 ]
	[ "$(slurm_job_field "$job" Partition)" = other ]
	[ "$(slurm_job_field "$job" Comment)" = from-dfc ]
	[ "$(slurm_job_field "$job" TresPerJob)" = gres:gpu:1 ]
	[ "$(cat out.txt)" = ok ]
}

@test "hostile arguments reach the step byte for byte inside its job" {
	mkdir scripts
	printf 'out=$1; shift; printf "%%s\\0" "$@" > "$out"\n' > scripts/args.sh
	jq -n '{name: "hostile", nodes: [
		{id: "s", type: "script", path: "scripts/args.sh"},
		{id: "out", type: "dataset", path: "args.bin"}],
		edges: [{from: "s", to: "out", arguments: [{ref: "out"},
			"$(touch pwned)", "`touch pwned2`", "a b", "'\''q\"", "line\nbreak",
			"--x", "*", "; rm -rf /", "é ✓", "", "%j %%"]}]}' > pipeline.json
	run --separate-stderr dfc run -f pipeline.json --on slurm --wait
	echo "$stderr"
	[ "$status" -eq 0 ]
	printf '%s\0' '$(touch pwned)' '`touch pwned2`' 'a b' "'q\"" $'line\nbreak' \
		'--x' '*' '; rm -rf /' 'é ✓' '' '%j %%' > expected.bin
	cmp expected.bin args.bin
	[ ! -e pwned ] && [ ! -e pwned2 ]
}

@test "generate --target slurm: deterministic, shellcheck-clean, --dry-run prints the sbatch commands and submits nothing" {
	write_diamond
	generate_to a.sh -f pipeline.json --target slurm --sbatch-arg=--account=lab
	generate_to b.sh -f pipeline.json --target slurm --sbatch-arg=--account=lab
	cmp a.sh b.sh
	grep -q "^# Regenerate it with: data-factory-cli generate -f pipeline.json --target slurm --sbatch-arg=--account=lab$" a.sh
	before=$(listing)
	# Finished jobs stay listed (MinJobAge), so only a submission changes it.
	jobs_before=$(squeue -h -t all -o %i | wc -l)
	run --separate-stderr bash a.sh --dry-run
	[ "$status" -eq 0 ]
	[ "$(grep -c '^sbatch ' <<< "$output")" -eq 4 ]
	grep -q -- '--job-name=dfc-diamond-join .*--dependency=afterok:{left}:{right} --kill-on-invalid-dep=yes --account=lab .dfc/slurm/job.sh ' <<< "$output"
	[ "$(listing)" = "$before" ]
	[ "$(squeue -h -t all -o %i | wc -l)" -eq "$jobs_before" ]
	run dfc run -f pipeline.json --on slurm --dry-run --node first
	[ "$status" -eq 0 ]
	[ "$(grep -c '^sbatch ' <<< "$output")" -eq 1 ]
}

@test "the submit script run by a relative path with --workdir submits there; its dry run names that folder" {
	write_diamond
	generate_to submit.sh -f pipeline.json --target slurm
	mkdir -p ../runs/w
	cp -r data ../runs/w/
	w=$(cd ../runs/w && pwd)
	run --separate-stderr ./submit.sh --workdir ../runs/w --dry-run
	[ "$status" -eq 0 ]
	[ "$(grep -c -- "--chdir=$w " <<< "$output")" -eq 4 ]
	[[ "$output" == *"--output=$w/.dfc/logs/first.log"* ]]
	run --separate-stderr ./submit.sh --workdir ../runs/w --wait
	[ "$status" -eq 0 ]
	[ "$(head -1 ../runs/w/out/final.txt)" = join ]
	[ ! -e out ]
}

@test "no sbatch: exit 5 with a hint, nothing written" {
	write_diamond
	mkdir "$TEST_TMP/bin"
	for tool in bash env cat cp mv rm mkdir chmod head wc sha1sum sha256sum date sleep; do
		ln -s "$(command -v "$tool")" "$TEST_TMP/bin/$tool"
	done
	before=$(listing)
	run --separate-stderr env PATH="$TEST_TMP/bin" "$DFC_BIN" run -f pipeline.json --on slurm --wait
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"data-factory-cli: error: 'sbatch' is missing; nothing was submitted"* ]]
	[[ "$stderr" == *"hint: "* ]]
	[ "$(listing)" = "$before" ]
	generate_to s.sh -f pipeline.json --target slurm
	run --separate-stderr env PATH="$TEST_TMP/bin" bash s.sh
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"'sbatch' is not installed here"* ]]
}

@test "options that do not fit: exit 2 with a clear message" {
	write_diamond
	run --separate-stderr dfc run -f pipeline.json --wait
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--wait goes with --on slurm"* ]]
	run --separate-stderr dfc run -f pipeline.json --on slurm --jobs 4
	[ "$status" -eq 2 ]
	run --separate-stderr dfc run -f pipeline.json --on pbs
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"hint: use --on slurm"* ]]
	run --separate-stderr dfc run -f pipeline.json --on slurm --sbatch-arg=--job-name=x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--job-name is one the generated script sets for each job"* ]]
	run --separate-stderr dfc run -f pipeline.json --on slurm --sbatch-arg -dfoo
	[ "$status" -eq 2 ]
	run --separate-stderr dfc generate -f pipeline.json --sbatch-arg=--qos=x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--sbatch-arg goes with --target slurm"* ]]
	run --separate-stderr dfc generate -f pipeline.json --target slurm --sbatch-arg=qos
	[ "$status" -eq 2 ]
	# Options baked in by generate go through the same check when it runs.
	generate_to baked.sh -f pipeline.json --target slurm --sbatch-arg=--output=x.log
	run --separate-stderr bash baked.sh --dry-run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--output is one the generated script sets for each job"* ]]
	rm baked.sh
	run --separate-stderr dfc generate -f pipeline.json --target pbs
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown target 'pbs'"* ]]
	[ ! -e .dfc ]
}

@test "malformed resources are validation errors with their JSON pointer" {
	write_diamond
	jq '.nodes[1].resources = {cpus: 0, mem: "lots", time: "1h", partition: "a b", gpu: 1}' \
		pipeline.json > bad.json
	run --separate-stderr dfc validate bad.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"/nodes/1/resources/cpus: "* ]]
	[[ "$stderr" == *"/nodes/1/resources/mem: "* ]]
	[[ "$stderr" == *"/nodes/1/resources/time: "* ]]
	[[ "$stderr" == *"/nodes/1/resources/partition: "* ]]
	[[ "$stderr" == *"/nodes/1/resources/gpu: unknown resource 'gpu'"* ]]
	run --separate-stderr dfc run -f bad.json --on slurm
	[ "$status" -eq 3 ]
}

@test "an edited embedded script is refused before anything is submitted" {
	write_diamond
	log_sbatch
	generate_to submit.sh -f pipeline.json --target slurm
	sed -i 's/^echo "\$name" >> runs.log$/echo "$name" >> runs.log; touch hacked/' submit.sh
	run --separate-stderr bash submit.sh --wait
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"embedded script of step 'first' was changed"* ]]
	[ ! -e "$TEST_TMP/sbatch.log" ]
	[ ! -e hacked ] && [ ! -e runs.log ]
}
