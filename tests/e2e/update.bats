#!/usr/bin/env bats
# update: record N+1; nothing when unchanged; --allow-empty.

load helper

@test "update records the next version and prints its number" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr dfc update pipeline.json -m "more rows"
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
	check_view "$ID"
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "more rows" ]
	[ "$(store_git rev-parse "pipelines/$ID/v2^")" = "$(store_git rev-parse "pipelines/$ID/v1")" ]
	store_git show "pipelines/$ID/v2:pipeline.json" | grep -q 2000
}

@test "an unchanged file records nothing, says so, exits 0" {
	create_pipeline
	before=$(home_listing)
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"nothing to record"*"version 1"* ]]
	[ "$(home_listing)" = "$before" ]
	[ "$(store_git rev-list --count "pipelines/$ID")" = 1 ]
}

@test "white space changes are the same version" {
	create_pipeline
	jq . pipeline.json > reformatted.json && mv reformatted.json pipeline.json
	sed -i 's/^/\t/' pipeline.json
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"nothing to record"* ]]
	[ "$(store_git rev-list --count "pipelines/$ID")" = 1 ]
}

@test "a changed script is a new version even when the file is unchanged" {
	create_pipeline
	echo "# tweak" >> scripts/clean.py
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
	blob=$(git hash-object scripts/clean.py)
	store_git cat-file -e "pipelines/$ID/v2:scripts/$blob/clean.py"
	# version 1 keeps the old snapshot
	run ! store_git cat-file -e "pipelines/$ID/v1:scripts/$blob/clean.py" 2>/dev/null
}

@test "--allow-empty records an unchanged file" {
	create_pipeline
	run --separate-stderr dfc update --allow-empty pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
	check_view "$ID"
}

@test "update of a file without an id exits 7 and points to create" {
	write_pipeline
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"has no pipeline id"* ]]
	[[ "$stderr" == *"hint:"*"create"* ]]
}

@test "update of an id the store does not have exits 7" {
	write_pipeline
	sed -i '1a "id": "not-here",' pipeline.json
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no pipeline 'not-here'"* ]]
}

@test "update of an invalid file exits 3 and records nothing" {
	create_pipeline
	before=$(home_listing)
	sed -i 's/"to": "out"/"to": "nowhere"/' pipeline.json
	run --separate-stderr dfc update pipeline.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"/edges/1/to"* ]]
	[ "$(home_listing)" = "$before" ]
}

@test "the default message names the id and the version" {
	create_pipeline
	sed -i 's/1000/3000/' pipeline.json
	dfc update pipeline.json
	[ "$(store_git log -1 --format=%s "pipelines/$ID")" = "update $ID to version 2" ]
}

@test "a deleted view is repaired by the next update" {
	create_pipeline
	sed -i 's/1000/3000/' pipeline.json
	dfc update pipeline.json
	rm "$DATA_FACTORY_HOME/pipelines/${ID}_1.json" "$DATA_FACTORY_HOME/pipelines/${ID}_state.json"
	sed -i 's/3000/4000/' pipeline.json
	dfc update pipeline.json
	check_view "$ID"
}

@test "a stale view file is rewritten from repo.git" {
	create_pipeline
	echo garbage > "$DATA_FACTORY_HOME/pipelines/${ID}_1.json"
	echo '{"latest_version": 7}' > "$DATA_FACTORY_HOME/pipelines/${ID}_state.json"
	dfc log -i "$ID" > /dev/null
	check_view "$ID"
}

@test "a missing tag is restored by the next command" {
	create_pipeline
	sed -i 's/1000/3000/' pipeline.json
	dfc update pipeline.json
	store_git update-ref -d "refs/tags/pipelines/$ID/v2"
	run dfc show -i "$ID" -v 2
	[ "$status" -eq 0 ]
	store_git rev-parse -q --verify "refs/tags/pipelines/$ID/v2"
	check_view "$ID"
}

@test "update records several files in one process, one line each" {
	create_pipeline a.json
	A=$ID
	create_pipeline b.json
	B=$ID
	sed -i 's/1000/2000/' a.json b.json
	run --separate-stderr dfc update a.json b.json -m "both"
	[ "$status" -eq 0 ]
	[ "$output" = "a.json: 2
b.json: 2" ]
	check_view "$A"
	check_view "$B"
}

@test "--source-commit is recorded as the Source-Commit trailer" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	hash=0123456789abcdef0123456789abcdef01234567
	run --separate-stderr dfc update pipeline.json --source-commit "$hash"
	[ "$status" -eq 0 ]
	[ "$output" = "2" ]
	[ "$(store_git log -1 --format='%(trailers:key=Source-Commit,valueonly)' "pipelines/$ID" | head -1)" = "$hash" ]
}

@test "a bad --source-commit exits 2 and records nothing" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	run --separate-stderr dfc update pipeline.json --source-commit abc123
	[ "$status" -eq 2 ]
	[ "$(store_git rev-list --count "pipelines/$ID")" = 1 ]
}
