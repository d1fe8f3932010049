#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# The run record a generated script writes in its work folder,
# .dfc/runs/<run id>.json (docs/run-record.md, SPEC §14).

load helper
load generate_helper

# The record of the newest run (last written), one JSON object per line.
newest_record() {
	# shellcheck disable=SC2012 # run ids are plain file names
	ls -t .dfc/runs/*.json 2> /dev/null | head -n 1
}

# record_lines_parse FILE: every line of FILE parses as one JSON object.
record_lines_parse() {
	local line
	while IFS= read -r line; do
		jq -e 'type == "object"' <<<"$line" > /dev/null || return 1
	done < "$1"
}

# lines FILE SELECTOR: the lines of record FILE that SELECTOR (a jq
# condition) picks, for `jq -e` to check one at a time.
lines_of() {
	jq -c "select($2)" "$1"
}

# The sha256 of a file, as sha256sum prints it.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

@test "a run records its pipeline, each step with its command, reason, times and hashed files, and its end" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	[ "$(find .dfc/runs -name '*.json' | wc -l)" -eq 1 ]
	rec=$(newest_record)
	record_lines_parse "$rec"
	id=$(basename "$rec" .json)
	[[ "$id" =~ ^[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{4}$ ]]
	lines_of "$rec" '.record == "run"' | jq -e --arg id "$id" --arg dir "$PWD" --arg sha "$(sha gen.sh)" '.format == 1 and .run == $id and .pipeline.name == "chain" and .pipeline.id == null and
		.pipeline.version == null and (.pipeline.fingerprint | test("^[0-9a-f]{40}$")) and
		.script.sha256 == $sha and .script.target == "bash" and .workdir == $dir and
		(.start | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")) and
		.selection == {only: null, from: null, force: false, jobs: 1}'
	[ "$(jq -r 'select(.record == "step") | .step' "$rec" | tr '\n' ' ')" = "s1 s2 s3 " ]
	lines_of "$rec" '.step == "s1"' | jq -e --arg raw "$(sha data/raw.txt)" --arg mid "$(sha data/mid.txt)" '.outcome == "ran" and .reason == "never run" and .exit == 0 and
		.command == ["bash", ".dfc/scripts/s1/step.sh", "s1", "data/mid.txt", "data/raw.txt"] and
		.start <= .end and
		.inputs == [{id: "raw", path: "data/raw.txt", size: '"$(stat -c %s data/raw.txt)"', sha256: $raw}] and
		.outputs == [{id: "mid", path: "data/mid.txt", size: '"$(stat -c %s data/mid.txt)"', sha256: $mid}]'
	lines_of "$rec" '.step == "s2"' | jq -e --arg mid "$(sha data/mid.txt)" '.inputs[0].sha256 == $mid'
	lines_of "$rec" '.record == "end"' | jq -e '.status == "done" and .ran == 3 and .skipped == 0 and
		.failed == 0 and .not_run == 0'
	[ "$(tail -n 1 "$rec" | jq -r .record)" = end ]
}

@test "a rerun records the steps it skipped, up to date as a whole or step by step" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	echo "new other" > data/other.txt
	bash gen.sh 2> /dev/null # s3 reruns, s1 and s2 are checked and skipped
	rec=$(newest_record)
	[ "$(jq -r 'select(.record == "step") | .step + " " + .reason' "$rec")" = "s3 input other changed" ]
	lines_of "$rec" '.record == "skipped"' | jq -e '.steps == ["s1", "s2"]'
	lines_of "$rec" '.record == "end"' | jq -e '.ran == 1 and .skipped == 2'
	sleep 1.1 # settled: the next run writes .dfc/uptodate, the one after uses it
	bash gen.sh 2> /dev/null
	bash gen.sh 2> /dev/null
	rec=$(newest_record)
	[ "$(find .dfc/runs -name '*.json' | wc -l)" -eq 4 ]
	lines_of "$rec" '.record == "run"' | jq -e --arg sha "$(sha gen.sh)" '.script.sha256 == $sha'
	lines_of "$rec" '.record == "skipped"' | jq -e '.steps == ["s1", "s2", "s3"]'
	[ "$(jq -c 'select(.record == "step")' "$rec")" = "" ]
}

@test "a failed step is recorded with its exit status and what it left, and what did not run is counted" {
	write_failing
	generate_to gen.sh -f pipeline.json
	run bash gen.sh
	[ "$status" -eq 4 ]
	rec=$(newest_record)
	record_lines_parse "$rec"
	[ "$(jq -r 'select(.record == "step") | .step + " " + .outcome + " " + (.exit | tostring)' "$rec" | tr '\n' ',')" = "first ran 0,boom failed 3," ]
	lines_of "$rec" '.record == "end"' | jq -e '.status == "failed" and .ran == 1 and .failed == 1 and .not_run == 1'
}

@test "parallel steps are each recorded with their reason and times" {
	write_diamond 50 "$TEST_TMP/barrier"
	mkdir -p "$TEST_TMP/barrier"
	generate_to gen.sh -f pipeline.json
	bash gen.sh --jobs 2 2> /dev/null
	rec=$(newest_record)
	[ "$(jq -r 'select(.record == "step") | .step' "$rec" | sort | tr '\n' ' ')" = "a b c d " ]
	lines_of "$rec" '.record == "step"' | jq -s -e 'all(.reason == "never run" and .start <= .end and .exit == 0)'
	[ "$(jq -r 'select(.record == "step") | (.start <= .end)' "$rec" | sort -u)" = true ]
	lines_of "$rec" '.record == "run"' | jq -e '.selection.jobs == 2'
}

@test "a run killed in the middle leaves a record of what finished, every line valid" {
	mkdir -p scripts
	echo 'echo one > one.txt' > scripts/one.sh
	echo 'sleep 30; echo two > two.txt' > scripts/two.sh
	jq -n '{name: "killed", nodes: [
		{id: "one", type: "script", path: "scripts/one.sh"},
		{id: "first", type: "dataset", path: "one.txt"},
		{id: "two", type: "script", path: "scripts/two.sh"}],
		edges: [{from: "one", to: "first"}, {from: "first", to: "two"}]}' > pipeline.json
	generate_to gen.sh -f pipeline.json
	setsid bash gen.sh 2> /dev/null &
	pid=$!
	for _ in $(seq 100); do
		if [ -n "$(newest_record)" ] && grep -q '"step": "one"' "$(newest_record)"; then
			break
		fi
		sleep 0.1
	done
	kill -9 -- "-$pid"
	wait "$pid" || true
	rec=$(newest_record)
	record_lines_parse "$rec"
	[ "$(jq -r .record "$rec" | tr '\n' ' ')" = "run step " ]
	lines_of "$rec" '.record == "step"' | jq -e --arg sha "$(sha one.txt)" '.step == "one" and .outputs[0].sha256 == $sha'
}

@test "a version's script records its id, version and content fingerprint; a dry run records nothing" {
	write_chain
	create_pipeline pipeline.json
	dfc run -i "$ID" 2> /dev/null
	rec=$(newest_record)
	fingerprint=$(store_git log -1 --format=%B "refs/heads/pipelines/$ID" |
		sed -n 's/^Content-Fingerprint: //p')
	[ -n "$fingerprint" ]
	lines_of "$rec" '.record == "run"' | jq -e --arg id "$ID" --arg fp "$fingerprint" '.pipeline.id == $id and .pipeline.version == 1 and .pipeline.fingerprint == $fp'
	# The same content run from the file has the same fingerprint.
	dfc run -f pipeline.json --force 2> /dev/null
	lines_of "$(newest_record)" '.record == "run"' | jq -e --arg fp "$fingerprint" '.pipeline.fingerprint == $fp and .pipeline.version == null'
	before=$(find . -path '*/.dfc/runs/*' | sort)
	dfc run -f pipeline.json --dry-run > /dev/null
	bash "$(dfc generate -f pipeline.json -o gen.sh && echo gen.sh)" --dry-run > /dev/null
	[ "$(find . -path '*/.dfc/runs/*' | sort)" = "$before" ]
}

@test "paths with quotes, backslashes, spaces and UTF-8 are written as valid JSON strings" {
	mkdir -p scripts 'in "q" \ dir'
	printf 'é ü\n' > 'in "q" \ dir/dåta.txt'
	echo 'cat "$1" > "$2"' > scripts/copy.sh
	jq -n '{name: "odd \"names\"", nodes: [
		{id: "src", type: "dataset", path: "in \"q\" \\ dir/dåta.txt"},
		{id: "copy", type: "script", path: "scripts/copy.sh"},
		{id: "dst", type: "dataset", path: "out\tput/ré sult.txt"}],
		edges: [{from: "src", to: "copy", arguments: [{ref: "src"}]},
			{from: "copy", to: "dst", arguments: [{ref: "dst"}]}]}' > pipeline.json
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	rec=$(newest_record)
	record_lines_parse "$rec"
	lines_of "$rec" '.record == "run"' | jq -e '.pipeline.name == "odd \"names\""'
	lines_of "$rec" '.record == "step"' | jq -e --arg sha "$(sha "out	put/ré sult.txt")" \
		'.inputs[0].path == "in \"q\" \\ dir/dåta.txt" and .outputs[0].path == "out\tput/ré sult.txt" and
		.outputs[0].sha256 == $sha'
}
