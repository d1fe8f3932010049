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

# The example pipeline at pipelines/ml/pipeline.json, created ($ID), and a
# copy of its folder at pipelines/ml2.
copy_pipeline() {
	mkdir -p pipelines/ml
	(cd pipelines/ml && create_pipeline) || return 1
	ID=$(jq -r .id pipelines/ml/pipeline.json)
	cp -r pipelines/ml pipelines/ml2
}

@test "updating a copy while the original is there is refused (exit 8) naming both files; nothing is written" {
	copy_pipeline
	sed -i 's/1000/2000/' pipelines/ml2/pipeline.json
	cp pipelines/ml2/pipeline.json before.json
	before=$(home_listing)
	run --separate-stderr dfc update pipelines/ml2/pipeline.json
	[ "$status" -eq 8 ]
	[ -z "$output" ]
	[ "$(grep -c 'error:' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == "data-factory-cli: error: 'pipelines/ml2/pipeline.json' is a copy of 'pipelines/ml/pipeline.json': both carry pipeline id $ID"* ]]
	[[ "$stderr" == *"hint: give the copy an id of its own: data-factory-cli create --new-id pipelines/ml2/pipeline.json"* ]]
	[ "$(home_listing)" = "$before" ]
	[ "$(dfc log -i "$ID" | wc -l)" -eq 1 ]
	cmp before.json pipelines/ml2/pipeline.json
	# an unchanged copy, --allow-empty, and a copy named through a link: refused too
	cp pipelines/ml/pipeline.json pipelines/ml2/pipeline.json
	run --separate-stderr dfc update pipelines/ml2/pipeline.json
	[ "$status" -eq 8 ]
	run --separate-stderr dfc update --allow-empty pipelines/ml2/pipeline.json
	[ "$status" -eq 8 ]
	ln -s ml2 pipelines/link
	run --separate-stderr dfc update pipelines/link/pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"'pipelines/link/pipeline.json' is a copy of 'pipelines/ml/pipeline.json'"* ]]
	[ "$(home_listing)" = "$before" ]
	# the original itself still records
	sed -i 's/1000/3000/' pipelines/ml/pipeline.json
	run --separate-stderr dfc update pipelines/ml/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "the refusal's hint works: after create --new-id both files record on their own" {
	copy_pipeline
	sed -i 's/1000/2000/' pipelines/ml2/pipeline.json
	run --separate-stderr dfc update pipelines/ml2/pipeline.json
	[ "$status" -eq 8 ]
	hint=$(sed -n 's/^hint: give the copy an id of its own: data-factory-cli //p' <<<"$stderr")
	[ "$hint" = "create --new-id pipelines/ml2/pipeline.json" ]
	# shellcheck disable=SC2086 # the hint's words
	NEW=$(dfc $hint)
	[ "$NEW" != "$ID" ]
	[ "$(dfc log -i "$NEW" | wc -l)" -eq 1 ]
	sed -i 's/2000/2500/' pipelines/ml2/pipeline.json
	sed -i 's/1000/3000/' pipelines/ml/pipeline.json
	run --separate-stderr dfc update pipelines/ml2/pipeline.json pipelines/ml/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'pipelines/ml2/pipeline.json: 2\npipelines/ml/pipeline.json: 2')" ]
	store_git show "pipelines/$NEW/v2:pipeline.json" | grep -q 2500
	store_git show "pipelines/$ID/v2:pipeline.json" | grep -q 3000
}

@test "a file moved away from where it was recorded (git mv) records as usual" {
	copy_pipeline
	rm -r pipelines/ml2
	mv pipelines/ml pipelines/ml2
	sed -i 's/1000/2000/' pipelines/ml2/pipeline.json
	run --separate-stderr dfc update pipelines/ml2/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[[ "$(store_git log -1 --format=%B "pipelines/$ID")" == *"Source-File: $PWD/pipelines/ml2/pipeline.json"* ]]
	# and back again: the new place is now the one recorded from
	git init -q . && git add pipelines && git commit -q -m x
	git mv pipelines/ml2 pipelines/ml
	sed -i 's/2000/3000/' pipelines/ml/pipeline.json
	run --separate-stderr dfc update pipelines/ml/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
}

@test "the original now holding another id, or none, or no JSON, lets the copy record" {
	copy_pipeline
	sed -i 's/1000/2000/' pipelines/ml2/pipeline.json
	sed -i "s/$ID/someone-else/" pipelines/ml/pipeline.json
	run --separate-stderr dfc update pipelines/ml2/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	# now ml2 is where it was recorded from; ml taking the id back is the copy
	sed -i "s/someone-else/$ID/" pipelines/ml/pipeline.json
	sed -i 's/1000/4000/' pipelines/ml/pipeline.json
	run --separate-stderr dfc update pipelines/ml/pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"'pipelines/ml/pipeline.json' is a copy of 'pipelines/ml2/pipeline.json'"* ]]
	echo '{ not json' > pipelines/ml2/pipeline.json
	run --separate-stderr dfc update pipelines/ml/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
}
