#!/usr/bin/env bats
# repo.git is an ordinary git repository (SPEC §3).

load helper

@test "repo.git is bare, passes git fsck, and git can read the versions" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	[ "$(store_git rev-parse --is-bare-repository)" = true ]
	store_git fsck --strict --no-dangling
	[ "$(store_git log --format=%s "pipelines/$ID" | wc -l)" -eq 2 ]
	store_git show "pipelines/$ID/v2:pipeline.json" | grep -q 2000
	[ "$(store_git rev-list --count "pipelines/$ID/v2")" -eq 2 ]
}

@test "each pipeline has its own branch" {
	create_pipeline one.json
	first=$ID
	create_pipeline two.json
	[ "$first" != "$ID" ]
	[ "$(store_git for-each-ref --format='%(refname)' refs/heads/pipelines | wc -l)" -eq 2 ]
	# UUIDv7 ids sort in creation order
	[[ "$first" < "$ID" ]]
}

@test "version trailers are real git trailers" {
	create_pipeline
	[ "$(store_git log -1 --format='%(trailers:key=Pipeline-Version,valueonly)' "pipelines/$ID" | head -1)" = 1 ]
	[ "$(store_git log -1 --format='%(trailers:key=Pipeline-Id,valueonly)' "pipelines/$ID" | head -1)" = "$ID" ]
}

@test "the view files are byte-identical to the commits" {
	create_pipeline
	for i in 2 3; do
		sed -i "s/\"--rows\", [0-9]*/\"--rows\", $i/" pipeline.json
		dfc update pipeline.json
	done
	check_view "$ID"
	[ "$(jq -r .latest_version "$DATA_FACTORY_HOME/pipelines/${ID}_state.json")" = 3 ]
}

@test "a state file claiming a huge latest version is repaired at once, not believed" {
	create_pipeline
	state=$DATA_FACTORY_HOME/pipelines/${ID}_state.json
	for n in 30000000 1000000000; do
		printf '{"latest_version": %s, "versions": {}}\n' "$n" > "$state"
		run --separate-stderr timeout 20 "$DFC_BIN" show -i "$ID"
		[ "$status" -eq 0 ]
		check_view "$ID"
	done
}

@test "a missing older view file is written again by the next command on the pipeline" {
	create_pipeline
	for i in 2 3; do
		sed -i "s/\"--rows\", [0-9]*/\"--rows\", $i/" pipeline.json
		dfc update pipeline.json
	done
	rm "$DATA_FACTORY_HOME/pipelines/${ID}_1.json" "$DATA_FACTORY_HOME/pipelines/${ID}_2.json"
	dfc show -i "$ID" > /dev/null
	check_view "$ID"
}
