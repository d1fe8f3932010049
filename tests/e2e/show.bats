#!/usr/bin/env bats
# show: print a recorded version.

load helper

@test "show prints the latest version in canonical form" {
	create_pipeline
	run --separate-stderr dfc show -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$DATA_FACTORY_HOME/pipelines/${ID}_1.json")" ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
}

@test "show -v N prints that version" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc show -i "$ID" -v 1
	[[ "$output" == *1000* ]]
	run --separate-stderr dfc show -i "$ID" --version 2
	[[ "$output" == *2000* ]]
}

@test "show --json gives details and content" {
	create_pipeline
	run --separate-stderr dfc show -i "$ID" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .version <<<"$output")" = 1 ]
	[ "$(jq -r .author.email <<<"$output")" = ada@example.org ]
	[ "$(jq -r .pipeline.name <<<"$output")" = daily-sales ]
	[ "$(jq -r .commit <<<"$output")" = "$(store_git rev-parse "pipelines/$ID/v1")" ]
	[[ "$(jq -r .date <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$ ]]
}

@test "show of an unknown pipeline or version exits 7" {
	create_pipeline
	run --separate-stderr dfc show -i nothing-here
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no pipeline 'nothing-here'"* ]]
	run --separate-stderr dfc show -i "$ID" -v 9
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"has no version 9"* ]]
}

@test "show refuses an unsafe id with exit 6 and touches nothing" {
	create_pipeline
	before=$(home_listing)
	run --separate-stderr dfc show -i '../../x'
	[ "$status" -eq 6 ]
	[ "$(home_listing)" = "$before" ]
}

@test "show needs -i and a positive version" {
	run --separate-stderr dfc show
	[ "$status" -eq 2 ]
	run --separate-stderr dfc show -i x -v zero
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expects a positive number"* ]]
}
