#!/usr/bin/env bats
# log: the history of a pipeline, newest first.

load helper

@test "log lists every version newest first with date, author and message" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json -m "more rows"
	run --separate-stderr dfc log -i "$ID"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == v2*"Ada Lovelace <ada@example.org>"*"more rows" ]]
	[[ "${lines[1]}" == v1*"update $ID to version 1" ]]
}

@test "log FILE reads the id from the file" {
	create_pipeline
	run --separate-stderr dfc log pipeline.json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "log --json" {
	create_pipeline
	dfc update --allow-empty pipeline.json -m "again"
	run --separate-stderr dfc log -i "$ID" --json
	[ "$(jq length <<<"$output")" = 2 ]
	[ "$(jq -r '.[0].version' <<<"$output")" = 2 ]
	[ "$(jq -r '.[0].message' <<<"$output")" = again ]
	[ "$(jq -r '.[1].source_file' <<<"$output")" = "$PWD/pipeline.json" ]
}

@test "log honours GIT_AUTHOR_DATE" {
	write_pipeline
	id=$(GIT_AUTHOR_DATE="1700000000 +0200" dfc create pipeline.json)
	run --separate-stderr dfc log -i "$id" --json
	[ "$(jq -r '.[0].date' <<<"$output")" = "2023-11-15T00:13:20+02:00" ]
}

@test "log of a file without an id exits 7; of nothing is a usage error" {
	write_pipeline
	run --separate-stderr dfc log pipeline.json
	[ "$status" -eq 7 ]
	run --separate-stderr dfc log
	[ "$status" -eq 2 ]
	run --separate-stderr dfc log -i x pipeline.json
	[ "$status" -eq 2 ]
}

@test "log shows the catalog version a local version was shared as" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	dfc share -i "$ID" -v 1
	dfc share -i "$ID"
	run --separate-stderr dfc log -i "$ID"
	[[ "${lines[0]}" == v2*"[catalog v2]" ]]
	[[ "${lines[1]}" == v1*"[catalog v1]" ]]
	run --separate-stderr dfc log -i "$ID" --json
	[ "$(jq -r '.[0].catalog_version' <<<"$output")" = 2 ]
	sed -i 's/2000/3000/' pipeline.json
	dfc update pipeline.json
	[ "$(dfc log -i "$ID" --json | jq -r '.[0].catalog_version')" = null ]
}
