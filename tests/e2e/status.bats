#!/usr/bin/env bats
# status: where a working file stands against its local versions.

load helper

state() { dfc status --json "$1" | jq -r .state; }

@test "a file without an id is new" {
	write_pipeline
	[ "$(state pipeline.json)" = new ]
	run dfc status pipeline.json
	[[ "$output" == *"create"* ]]
}

@test "clean, modified, then old" {
	create_pipeline
	[ "$(state pipeline.json)" = clean ]
	sed -i 's/1000/2000/' pipeline.json
	[ "$(state pipeline.json)" = modified ]
	run dfc status pipeline.json
	[[ "$output" == *"changes since version 1"* ]]
	dfc update pipeline.json
	[ "$(state pipeline.json)" = clean ]
	sed -i 's/2000/1000/' pipeline.json
	[ "$(state pipeline.json)" = old ]
	[ "$(dfc status --json pipeline.json | jq -r .matching_version)" = 1 ]
	[ "$(dfc status --json pipeline.json | jq -r .latest_version)" = 2 ]
}

@test "a changed script makes the file modified" {
	create_pipeline
	echo "# more" >> scripts/clean.py
	[ "$(state pipeline.json)" = modified ]
}

@test "an id the store does not have is untracked" {
	write_pipeline
	sed -i '1a "id": "elsewhere",' pipeline.json
	[ "$(state pipeline.json)" = untracked ]
}

@test "status writes no object into the store" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	before=$(home_listing)
	dfc status pipeline.json
	[ "$(home_listing)" = "$before" ]
}

@test "status of an invalid file exits 3" {
	printf '{"nodes": []}' > bad.json
	run --separate-stderr dfc status bad.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"/edges"* ]]
}

@test "status shows the catalog's last known version and whether the file is in it" {
	create_pipeline
	dfc share -i "$ID"
	run dfc status pipeline.json
	[[ "$output" == *"catalog:  version 1 is the latest"* ]]
	[[ "$output" == *"the file equals catalog version 1"* ]]
	sed -i 's/1000/2000/' pipeline.json
	[ "$(dfc status --json pipeline.json | jq -r .catalog_matching_version)" = null ]
	[ "$(dfc status --json pipeline.json | jq -r .catalog_version)" = 1 ]
	dfc share -f pipeline.json
	[ "$(dfc status --json pipeline.json | jq -r .catalog_matching_version)" = 2 ]
}
