#!/usr/bin/env bats
# runs: runs recorded from a work folder's run records, listed, shown,
# marked in log, checked by fsck; hostile records refused.

load helper

RUN1=20261206T112000Z-4242-1a2b
RUN2=20261207T080000Z-77-beef

# The Content-Fingerprint of version $1 (default: the latest) of $ID.
fingerprint() {
	store_git log -1 --format=%B "pipelines/$ID${1:+/v$1}" | sed -n 's/^Content-Fingerprint: //p'
}

# write_record RUN VERSION FINGERPRINT [STATUS] [DIR]: a record as a
# generated script writes it (docs/run-record.md), in DIR/.dfc/runs/
# (default: the current folder). STATUS "unfinished" writes no end line.
write_record() {
	local run=$1 version=$2 fp=$3 status=${4:-done} dir=${5:-.}
	mkdir -p "$dir/.dfc/runs"
	{
		jq -cn --arg run "$run" --arg id "$ID" --argjson v "$version" --arg fp "$fp" \
			'{record: "run", format: 1, run: $run,
			  pipeline: {id: $id, name: "daily-sales", version: $v, fingerprint: $fp,
			             origin: "pipeline \($id) version \($v) (local)"},
			  script: {sha256: "9f86d081884c7d65", target: "bash"}, host: "lab-7",
			  user: "ana", workdir: "/data/run", start: "2026-12-06T11:20:00.123456Z",
			  selection: {only: null, from: null, force: false, jobs: 1}}'
		jq -cn '{record: "step", step: "clean", outcome: "ran", reason: "never run", exit: 0,
			  command: ["python3", "scripts/clean.py"],
			  start: "2026-12-06T11:20:00.201000Z", end: "2026-12-06T11:20:01.950311Z",
			  inputs: [{id: "raw", path: "data/raw.csv", size: 8,
			            sha256: "e3b0c44298fc1c149afbf4c8996fb924"}],
			  outputs: [{id: "out", path: "data/clean.csv", size: 52311,
			             sha256: "58912345abcdef0123456789"}]}'
		jq -cn '{record: "skipped", steps: ["count"]}'
		if [ "$status" != unfinished ]; then
			jq -cn --arg s "$status" '{record: "end", end: "2026-12-06T11:20:02.004000Z",
				status: $s, ran: 1, skipped: 1, failed: 0, not_run: 0}'
		fi
	} > "$dir/.dfc/runs/$run.json"
}

@test "runs import records each run once, linked to the version that ran" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	run --separate-stderr dfc runs import .
	[ "$status" -eq 0 ]
	[ "$stderr" = "data-factory-cli: recorded run $RUN1 of $ID (version 1)" ]
	[ -z "$output" ]
	before=$(home_listing)
	run --separate-stderr dfc runs import .
	[ "$status" -eq 0 ]
	[ "$stderr" = "data-factory-cli: run $RUN1 of $ID (version 1) already recorded" ]
	[ "$(home_listing)" = "$before" ]
	# One commit, its tree the record's bytes, its trailers the link.
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 1 ]
	store_git show "refs/dfc/runs/$ID:$RUN1.json" | cmp - ".dfc/runs/$RUN1.json"
	msg=$(store_git log -1 --format=%B "refs/dfc/runs/$ID")
	[[ "$msg" == "run $RUN1"* ]]
	[[ "$msg" == *"Run: $RUN1"* ]]
	[[ "$msg" == *"Pipeline-Version: $(store_git rev-parse "pipelines/$ID/v1")"* ]]
	[[ "$msg" == *"Run-Status: done"* ]]
}

@test "a run whose content is in no local version is recorded without a link" {
	create_pipeline
	write_record "$RUN1" 1 0000000000000000000000000000000000000000
	run --separate-stderr dfc runs import .
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recorded run $RUN1 of $ID (no local version has its content)" ]]
	msg=$(store_git log -1 --format=%B "refs/dfc/runs/$ID")
	[[ "$msg" != *Pipeline-Version* ]]
	run --separate-stderr dfc runs -i "$ID"
	[[ "$output" == *"file 00000000"* ]]
}

@test "a run recorded before it ended is recorded again once its record grew" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)" unfinished
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc runs -i "$ID" --json
	[ "$(jq -r '.[0].status' <<< "$output")" = unfinished ]
	printf '{"record": "end", "end": "2026-12-06T11:20:02.004000Z", "status": "failed"}\n' >> ".dfc/runs/$RUN1.json"
	run --separate-stderr dfc runs import .
	[ "$status" -eq 0 ]
	[ "$stderr" = "data-factory-cli: recorded more of run $RUN1 of $ID (version 1, failed)" ]
	run --separate-stderr dfc runs -i "$ID" --json
	[ "$(jq -r 'length' <<< "$output")" = 1 ]
	[ "$(jq -r '.[0].status' <<< "$output")" = failed ]
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 2 ]
	store_git show "refs/dfc/runs/$ID:$RUN1.json" | cmp - ".dfc/runs/$RUN1.json"
	run --separate-stderr dfc fsck
	[ "$status" -eq 0 ]
	[[ "$stderr" == *", 1 run: no problems"* ]]
	# Rewritten rather than appended to: not a later state of the run.
	sed -i 's/lab-7/lab-8/' ".dfc/runs/$RUN1.json"
	run --separate-stderr dfc runs import .
	[[ "$stderr" == *"already recorded"* ]]
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 2 ]
}

@test "runs lists the runs newest first; -i takes a prefix, FILE and -f FILE its id; --json" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	write_record "$RUN2" 1 "$(fingerprint)" failed
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc runs -i "${ID:0:8}"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "$RUN2"*"v1"*"failed" ]]
	[[ "${lines[1]}" == "$RUN1"*"v1"*"1"*"1"*"0"*"1.9s"*"done" ]]
	run --separate-stderr dfc runs pipeline.json
	[ "${#lines[@]}" -eq 2 ]
	# -f FILE, as every command that takes a pipeline file spells it.
	run --separate-stderr dfc runs -f pipeline.json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr dfc runs -f pipeline.json pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"too many arguments"* ]]
	run --separate-stderr dfc runs -f pipeline.json -i "$ID"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"give either -i ID or a pipeline file, not both"* ]]
	run --separate-stderr dfc runs -i daily-sales --json
	[ "$status" -eq 0 ]
	[ "$(jq length <<< "$output")" = 2 ]
	[ "$(jq -r '.[0].run' <<< "$output")" = "$RUN2" ]
	[ "$(jq -r '.[1] | [.version, .ran, .skipped, .failed, .status] | join(" ")' <<< "$output")" = "1 1 1 0 done" ]
	[ "$(jq -r '.[1].pipeline' <<< "$output")" = "$ID" ]
}

@test "runs of a pipeline without runs lists none" {
	create_pipeline
	run --separate-stderr dfc runs -i "$ID"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no runs recorded"* ]]
}

@test "runs show prints a run's steps; --json the parsed record" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	write_record "$RUN2" 1 "$(fingerprint)" unfinished
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc runs show "${RUN1:0:10}"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "run $RUN1  done" ]
	[[ "$output" == *"step clean  ran (never run)  1.7s  exit 0"* ]]
	[[ "$output" == *"in  data/raw.csv  8 bytes  sha256 e3b0c44298fc"* ]]
	[[ "$output" == *"out data/clean.csv  52311 bytes  sha256 58912345abcd"* ]]
	[[ "$output" == *"step count  skipped"* ]]
	run --separate-stderr dfc runs show "$RUN1" -i "$ID" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.run.run' <<< "$output")" = "$RUN1" ]
	[ "$(jq -r '.steps[0].outputs[0].path' <<< "$output")" = data/clean.csv ]
	[ "$(jq -r '.skipped | join(",")' <<< "$output")" = count ]
	[ "$(jq -r '.end.status' <<< "$output")" = "done" ]
	run --separate-stderr dfc runs show "$RUN2" --json
	[ "$(jq -r '.end' <<< "$output")" = null ]
	run --separate-stderr dfc runs show "$RUN2"
	[ "${lines[0]}" = "run $RUN2  unfinished" ]
	run --separate-stderr dfc runs show 2026120
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"matches 2 runs"* ]]
	run --separate-stderr dfc runs show 2030
	[ "$status" -eq 7 ]
}

@test "log marks the versions that ran, in text and in --json" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	write_record "$RUN1" 1 "$(fingerprint 1)"
	write_record "$RUN2" 1 "$(fingerprint 1)"
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc log -i "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == v2* ]]
	[[ "${lines[0]}" != *"ran"* ]]
	[[ "${lines[1]}" == v1*"update $ID to version 1  [ran 2 times, last 2026-12-06]" ]]
	run --separate-stderr dfc log -i "$ID" --json
	[ "$(jq -r '.[1].runs' <<< "$output")" = 2 ]
	[ "$(jq -r '.[1].last_run' <<< "$output")" = 2026-12-06T11:20:00.123456Z ]
	[ "$(jq -r '.[0].runs' <<< "$output")" = 0 ]
}

@test "fsck checks the runs: clean, then a rewritten run record is reported" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc fsck
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"1 run: no problems"* ]]
	# A commit that replaces the recorded bytes with something that is no record.
	blob=$(printf '{"record": "run", "format": 1, "run": "../x"}\n' | store_git hash-object -w --stdin)
	tree=$(printf '100644 blob %s\t%s.json\n' "$blob" "$RUN1" | store_git mktree)
	commit=$(store_git commit-tree "$tree" -p "refs/dfc/runs/$ID" -m "run $RUN1" -m "Run: $RUN1")
	store_git update-ref "refs/dfc/runs/$ID" "$commit"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[[ "$output" == *"bad-run: refs/dfc/runs/$ID commit ${commit:0:12}: it changes the recorded run '$RUN1.json'"* ]]
	[[ "$output" == *"it records 0 runs, not one"* ]]
	run --separate-stderr dfc fsck --json
	[ "$(jq -r '.problems | map(.kind) | unique | join(",")' <<< "$output")" = bad-run ]
	run --separate-stderr dfc runs -i "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"hint: run 'data-factory-cli fsck'"* ]]
}

# import_refused CODE: runs import . exits CODE with one error line and a
# hint, and writes nothing into the home.
import_refused() {
	local code=$1 before
	before=$(home_listing)
	run --separate-stderr dfc runs import .
	[ "$status" -eq "$code" ] || { echo "exit $status, want $code: $stderr"; return 1; }
	[ "${#stderr_lines[@]}" -eq 2 ] || { echo "$stderr"; return 1; }
	[[ "${stderr_lines[0]}" == "data-factory-cli: error: "* ]] || { echo "$stderr"; return 1; }
	[[ "${stderr_lines[1]}" == "hint: "* ]] || { echo "$stderr"; return 1; }
	[ "$(home_listing)" = "$before" ] || { echo "the home changed"; return 1; }
	! store_git show-ref | grep -q refs/dfc/runs
}

@test "hostile records: bad JSON, a bad run id, ids that climb out, a huge line" {
	create_pipeline
	mkdir -p .dfc/runs
	printf '{"record": "run", "format": 1, "run": \n' > ".dfc/runs/$RUN1.json"
	import_refused 3
	[[ "$stderr" == *"$RUN1.json' line 1: not JSON"* ]]
	printf '[1]\n' > ".dfc/runs/$RUN1.json"
	import_refused 3
	printf '{"record": "run", "format": 1, "run": "yesterday"}\n' > ".dfc/runs/$RUN1.json"
	import_refused 6
	[[ "$stderr" == *"run 'yesterday' is not a valid id"* ]]
	printf '{"record": "run", "format": 1, "run": "%s", "pipeline": {"id": "../../etc"}}\n' \
		"$RUN1" > ".dfc/runs/$RUN1.json"
	import_refused 6
	write_record "$RUN1" 1 "$(fingerprint)"
	sed -i 's/"step":"clean"/"step":"..\/..\/clean"/' ".dfc/runs/$RUN1.json"
	import_refused 6
	rm ".dfc/runs/$RUN1.json"
	printf '{"record": "run", "format": 1, "run": "%s"}\n' "$RUN1" > .dfc/runs/other.json
	import_refused 3
	[[ "$stderr" == *"is not named after a run id"* ]]
	rm .dfc/runs/other.json
	ln -s /etc/passwd ".dfc/runs/$RUN1.json"
	import_refused 6
	rm ".dfc/runs/$RUN1.json"
	{
		printf '{"record": "run", "format": 1, "run": "%s", "pipeline": {"id": "%s"}}\n' "$RUN1" "$ID"
		printf '{"record": "step", "step": "s", "outcome": "ran", "pad": "'
		head -c 9000000 /dev/zero | tr '\0' a
		printf '"}\n'
	} > ".dfc/runs/$RUN1.json"
	import_refused 3
	[[ "$stderr" == *"line 2: the line is longer than 8 MiB"* ]]
}

@test "a control character in a record never reaches the terminal raw" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	sed -i 's/"host":"lab-7"/"host":"lab\\u001b[2J-7"/' ".dfc/runs/$RUN1.json"
	dfc runs import . 2> /dev/null
	run --separate-stderr dfc runs show "$RUN1"
	[ "$status" -eq 0 ]
	[[ "$output" == *'on lab\x1b[2J-7 by ana'* ]]
	[[ "$output" != *$'\e'* ]]
}

@test "a run of a file without an id is not recorded: the error names the file" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	sed -i "s/\"id\":\"$ID\"/\"id\":null/" ".dfc/runs/$RUN1.json"
	import_refused 7
	[[ "$stderr" == *".dfc/runs/$RUN1.json' is a run of a pipeline without an id"* ]]
}

@test "one bad record does not stop the others; the exit status is its" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	printf 'nonsense\n' > ".dfc/runs/$RUN2.json"
	run --separate-stderr dfc runs import .
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"recorded run $RUN1"* ]]
	[[ "$stderr" == *"data-factory-cli: error: "*"$RUN2.json' line 1: not JSON"* ]]
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 1 ]
}

@test "runs import of a folder without records, and usage errors" {
	run --separate-stderr dfc runs import .
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no run records in"* ]]
	run --separate-stderr dfc runs import
	[ "$status" -eq 2 ]
	run --separate-stderr dfc runs show
	[ "$status" -eq 2 ]
	run --separate-stderr dfc runs -i x pipeline.json
	[ "$status" -eq 2 ]
}

@test "run records the run its script wrote, linked to the version that ran" {
	create_pipeline
	printf 'import sys\nopen(sys.argv[-1], "w").write("x")\n' > scripts/clean.py
	dfc update pipeline.json
	run --separate-stderr dfc run -i "$ID"
	[ "$status" -eq 0 ]
	run_id=$(basename .dfc/runs/*.json .json)
	[[ "$stderr" == *"data-factory-cli: recorded run $run_id of $ID (version 2)"* ]]
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 1 ]
	store_git show "refs/dfc/runs/$ID:$run_id.json" | cmp - ".dfc/runs/$run_id.json"
	run --separate-stderr dfc runs -i "$ID" --json
	[ "$(jq -r '.[0] | [.run, .version, .ran, .status] | join(" ")' <<< "$output")" = "$run_id 2 1 done" ]
	# Run as it is on disk (-f), the same content: the same version.
	run --separate-stderr dfc run -f pipeline.json --force
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"(version 2)"* ]]
	[[ "$stderr" != *"already recorded"* ]]
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 2 ]
	dfc run -i "$ID" --dry-run > /dev/null
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 2 ]
}

@test "run: a failed run is recorded as failed; a record that cannot be recorded is a warning" {
	create_pipeline
	printf 'import sys\nsys.exit(3)\n' > scripts/clean.py
	dfc update pipeline.json
	printf 'nonsense\n' > "$TEST_TMP/bad"
	mkdir -p .dfc/runs
	cp "$TEST_TMP/bad" ".dfc/runs/$RUN2.json"
	touch -d "@$(($(date +%s) + 60))" ".dfc/runs/$RUN2.json"
	run --separate-stderr dfc run -i "$ID"
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"data-factory-cli: warning: the run was not recorded: "*"$RUN2.json' line 1: not JSON"* ]]
	[[ "$stderr" == *"data-factory-cli: error: step 'clean' failed"* ]]
	run --separate-stderr dfc runs -i "$ID" --json
	[ "$(jq -r '.[0] | [.failed, .status] | join(" ")' <<< "$output")" = "1 failed" ]
}

@test "two imports of the same pipeline at once lose no run" {
	create_pipeline
	fp=$(fingerprint)
	for n in 1 2 3 4 5 6; do
		write_record "20261206T11200${n}Z-1-aaaa" 1 "$fp" "done" a
		write_record "20261206T11200${n}Z-2-bbbb" 1 "$fp" "done" b
	done
	dfc runs import a 2> a.log &
	dfc runs import b 2> b.log
	wait $!
	[ "$(store_git rev-list --count "refs/dfc/runs/$ID")" = 12 ]
	[ "$(store_git ls-tree --name-only "refs/dfc/runs/$ID" | wc -l)" = 12 ]
	run --separate-stderr dfc fsck
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"12 runs: no problems"* ]]
}

# A commit on the run ref of $ID with tree $1 and message $2, made the tip.
run_commit() {
	local commit
	commit=$(store_git commit-tree "$1" -p "refs/dfc/runs/$ID" -m "$2")
	store_git update-ref "refs/dfc/runs/$ID" "$commit"
}

@test "fsck: two runs in one commit, a wrong status, a link to no version" {
	create_pipeline
	write_record "$RUN1" 1 "$(fingerprint)"
	dfc runs import . 2> /dev/null
	write_record "$RUN2" 1 "$(fingerprint)" failed
	write_record 20261208T080000Z-9-abcd 1 "$(fingerprint)"
	b2=$(store_git hash-object -w ".dfc/runs/$RUN2.json")
	b3=$(store_git hash-object -w .dfc/runs/20261208T080000Z-9-abcd.json)
	tree=$( (store_git ls-tree "refs/dfc/runs/$ID"
		printf '100644 blob %s\t%s.json\n' "$b2" "$RUN2"
		printf '100644 blob %s\t%s.json\n' "$b3" 20261208T080000Z-9-abcd) | store_git mktree)
	run_commit "$tree" "$(printf 'run %s\n\nRun: %s\nRun-Status: done\nPipeline-Version: %040d\n' "$RUN2" "$RUN2" 0)"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[[ "$output" == *"bad-run: "*"it records 2 runs, not one"* ]]
	run --separate-stderr dfc fsck --json
	[ "$(jq -r '.problems | length' <<< "$output")" = 1 ]
	tree=$( (store_git ls-tree "refs/dfc/runs/$ID~1"
		printf '100644 blob %s\t%s.json\n' "$b2" "$RUN2") | store_git mktree)
	store_git update-ref "refs/dfc/runs/$ID" "refs/dfc/runs/$ID~1"
	run_commit "$tree" "$(printf 'run %s\n\nRun: %s\nRun-Status: done\nPipeline-Version: %040d\n' "$RUN2" "$RUN2" 0)"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[[ "$output" == *"its Run-Status trailer is not the run's status (failed)"* ]]
	[[ "$output" == *"Pipeline-Version does not name a version commit of $ID"* ]]
}
