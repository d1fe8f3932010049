#!/usr/bin/env bats
# sync: bring a catalog version into the working file.

load helper

@test "sync writes the catalog form: script_id and dataset_id, path kept" {
	create_pipeline
	dfc share -i "$ID"
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	cmp pipeline.json <(git --git-dir="$DATA_FACTORY_HOME/catalog.git" show "pipelines/$ID/v1:pipeline.json")
	[ "$(jq -r '.nodes[] | select(.id == "clean") | .script_id' pipeline.json)" = "$(git hash-object scripts/clean.py)" ]
	[ "$(jq -r '.nodes[] | select(.id == "clean") | .path' pipeline.json)" = scripts/clean.py ]
	[ "$(jq -r '.nodes[] | select(.id == "raw") | .dataset_id' pipeline.json)" != null ]
}

@test "sync --version N picks that catalog version" {
	create_pipeline
	dfc share -f pipeline.json
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	dfc share -f pipeline.json
	run --separate-stderr dfc sync pipeline.json --version 1
	[ "$output" = 1 ]
	grep -q 1000 pipeline.json
	run --separate-stderr dfc sync pipeline.json
	[ "$output" = 2 ]
	grep -q 2000 pipeline.json
}

@test "sync keeps a file's own changes when the catalog has nothing newer; --force takes the catalog's" {
	create_pipeline
	dfc share -i "$ID"
	sed -i 's/1000/4242/' pipeline.json
	cp pipeline.json before.json
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"holds changes of its own; the catalog has nothing newer than version 1"* ]]
	cmp before.json pipeline.json
	run --separate-stderr dfc sync --force pipeline.json
	[ "$status" -eq 0 ]
	! grep -q 4242 pipeline.json || false
}

@test "a file without a base here and with changes in no version is not overwritten (exit 8)" {
	create_pipeline
	dfc share -i "$ID"
	cp pipeline.json shared.json
	sed -i 's/1000/4242/' pipeline.json
	cp pipeline.json before.json
	run --separate-stderr env DATA_FACTORY_HOME="$TEST_TMP/new-home" "$DFC_BIN" --catalog "$DATA_FACTORY_HOME/catalog.git" sync pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"holds changes that are in no local and no catalog version"* ]]
	[[ "$stderr" == *"--force"* ]]
	cmp before.json pipeline.json
}

@test "a recorded edit of a file is kept by sync, not replaced by the catalog's version" {
	create_pipeline
	dfc share -i "$ID"
	sed -i 's/1000/4242/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ]
	grep -q 4242 pipeline.json
	dfc show -i "$ID" -v 2 | grep -q 4242
}

@test "sync of a pipeline the catalog lacks exits 7" {
	create_pipeline
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 7 ]
	run --separate-stderr dfc sync pipeline.json --version 3
	[ "$status" -eq 7 ]
}

@test "after sync, status sees the catalog version and the local one it came from" {
	create_pipeline
	dfc share -i "$ID"
	dfc sync pipeline.json
	# The file now carries script_id and dataset_id, but holds version 1.
	grep -q '"script_id"' pipeline.json
	run dfc status --json pipeline.json
	[ "$(jq -r .catalog_matching_version <<<"$output")" = 1 ]
	[ "$(jq -r .state <<<"$output")" = clean ]
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"nothing to record: 'pipeline.json' equals version 1"* ]]
	# An edit of the synced file is a change like any other.
	jq '.edges[1].arguments[3] = 7' pipeline.json > edited.json && mv edited.json pipeline.json
	run dfc status --json pipeline.json
	[ "$(jq -r .state <<<"$output")" = modified ]
	run --separate-stderr dfc update pipeline.json
	[ "$output" = 2 ]
	run --separate-stderr dfc update pipeline.json --allow-empty
	[ "$output" = 3 ]
}

@test "a synced catalog version recorded elsewhere is new here: update records it" {
	create_pipeline
	dfc share -i "$ID"
	# Another home records and shares version 2 to the same catalog.
	catalog=$DATA_FACTORY_HOME/catalog.git
	cp pipeline.json other.json
	sed -i 's/1000/5/' other.json
	DATA_FACTORY_HOME=$TEST_TMP/other-home dfc --catalog "$catalog" create other.json
	# It brings the catalog's version in first: that is what it builds on.
	DATA_FACTORY_HOME=$TEST_TMP/other-home dfc --catalog "$catalog" sync other.json --force
	sed -i 's/1000/5/' other.json
	DATA_FACTORY_HOME=$TEST_TMP/other-home dfc --catalog "$catalog" share -f other.json
	dfc sync pipeline.json
	run dfc status --json pipeline.json
	[ "$(jq -r .state <<<"$output")" = modified ]
	[ "$(jq -r .catalog_matching_version <<<"$output")" = 2 ]
	run --separate-stderr dfc update pipeline.json
	[ "$output" = 2 ]
}

@test "a synced file with bytes added or taken away is not 'already' the catalog version" {
	create_pipeline
	dfc share -i "$ID"
	dfc sync pipeline.json
	cp pipeline.json synced.json
	# trailing blanks: same value, other bytes
	printf '%5000s' '' >> pipeline.json
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"already is"* ]]
	cmp pipeline.json synced.json
	# the final newline taken away
	truncate -s -1 pipeline.json
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"already is"* ]]
	cmp pipeline.json synced.json
}

@test "standard input is no working file: sync, update, share -f and status refuse '-' and write nothing" {
	create_pipeline
	dfc share -i "$ID"
	before=$(home_listing)
	for cmd in "sync --force" update status "share -f"; do
		# shellcheck disable=SC2086 # the command and its option
		run --separate-stderr dfc $cmd - < pipeline.json
		echo "$cmd: $stderr"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"error: '-' (standard input) is no pipeline file here"* ]]
		[[ "$stderr" == *"hint: give the file's path"* ]]
		[ ! -e ./- ]
	done
	[ "$(home_listing)" = "$before" ]
}
