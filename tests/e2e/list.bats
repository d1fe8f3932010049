#!/usr/bin/env bats
# list: pipelines, scripts and datasets, local and catalog, offline.

load helper

state_of() { dfc list pipelines --json | jq -r --arg id "$1" '.[] | select(.id == $id) | .state'; }

@test "states: local-only, shared, ahead, behind" {
	create_pipeline
	[ "$(state_of "$ID")" = local-only ]
	dfc share -i "$ID"
	[ "$(state_of "$ID")" = shared ]
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	[ "$(state_of "$ID")" = ahead ]
	dfc share -i "$ID"
	[ "$(state_of "$ID")" = shared ]
	sed -i 's/2000/3000/' pipeline.json
	dfc share -f pipeline.json
	[ "$(state_of "$ID")" = behind ]
}

# Rewrite the history of REF in git dir DIR without Content-Fingerprint
# trailers: versions as recorded and shared before the trailer existed.
strip_fingerprints() {
	local dir=$1 ref=$2 commit parent='' msg
	for commit in $(git --git-dir="$dir" rev-list --reverse --first-parent "$ref"); do
		msg=$(git --git-dir="$dir" log -1 --format=%B "$commit" | grep -v '^Content-Fingerprint: ')
		parent=$(git --git-dir="$dir" commit-tree "$commit^{tree}" ${parent:+-p "$parent"} -m "$msg")
	done
	git --git-dir="$dir" update-ref "$ref" "$parent"
}

# One pipeline in each state the local store can tell alone; ids in $LOCAL,
# $SHARED, $AHEAD, $BEHIND, $DIVERGED.
make_every_state() {
	create_pipeline local.json && LOCAL=$ID
	create_pipeline shared.json && SHARED=$ID
	dfc share -i "$SHARED"
	create_pipeline ahead.json && AHEAD=$ID
	dfc share -i "$AHEAD"
	sed -i 's/1000/2000/' ahead.json
	dfc update ahead.json
	create_pipeline behind.json && BEHIND=$ID
	dfc share -i "$BEHIND"
	sed -i 's/1000/2000/' behind.json
	dfc share -f behind.json
	create_pipeline diverged.json && DIVERGED=$ID
	dfc share -i "$DIVERGED"
	sed -i 's/1000/2000/' diverged.json
	dfc update diverged.json
	sed -i 's/2000/3000/' diverged.json
	dfc share -f diverged.json
}

@test "diverged: neither latest is a version of the other side" {
	make_every_state > /dev/null
	[ "$(state_of "$LOCAL")" = local-only ]
	[ "$(state_of "$SHARED")" = shared ]
	[ "$(state_of "$AHEAD")" = ahead ]
	[ "$(state_of "$BEHIND")" = behind ]
	[ "$(state_of "$DIVERGED")" = diverged ]
	run dfc list pipelines --json
	[ "$(jq -r --arg id "$DIVERGED" '.[] | select(.id == $id) | "\(.local_version) \(.catalog_version)"' <<<"$output")" = "2 2" ]
}

@test "a version and its catalog copy record the same Content-Fingerprint" {
	create_pipeline
	dfc share -i "$ID" > /dev/null
	local_fp=$(store_git log -1 --format='%(trailers:key=Content-Fingerprint,valueonly)' "pipelines/$ID")
	catalog_fp=$(git --git-dir="$DATA_FACTORY_HOME/catalog.git" log -1 \
		--format='%(trailers:key=Content-Fingerprint,valueonly)' "pipelines/$ID")
	[[ "$local_fp" =~ ^[0-9a-f]{40}$ ]]
	[ "$local_fp" = "$catalog_fp" ]
	# Shared from the file, with the scripts read from disk: the same again.
	sed -i 's/1000/2000/' pipeline.json
	dfc share -f pipeline.json > /dev/null
	dfc update pipeline.json > /dev/null
	[ "$(store_git log -1 --format='%(trailers:key=Content-Fingerprint,valueonly)' "pipelines/$ID")" = \
		"$(git --git-dir="$DATA_FACTORY_HOME/catalog.git" log -1 \
			--format='%(trailers:key=Content-Fingerprint,valueonly)' "pipelines/$ID")" ]
	[ "$(state_of "$ID")" = shared ]
}

@test "versions recorded and shared without Content-Fingerprint keep their states" {
	make_every_state > /dev/null
	run --separate-stderr dfc list pipelines --json
	[ "$status" -eq 0 ]
	with=$output
	[ -n "$(store_git log --format='%(trailers:key=Content-Fingerprint)' --all)" ]
	# First the catalog's side only (a catalog shared to by older tools), then both.
	for prefix in refs/remotes/catalog/ refs/heads/pipelines/; do
		for ref in $(store_git for-each-ref --format='%(refname)' "$prefix"); do
			strip_fingerprints "$DATA_FACTORY_HOME/repo.git" "$ref"
			[ -z "$(store_git log --format='%(trailers:key=Content-Fingerprint)' "$ref")" ]
		done
		run --separate-stderr dfc list pipelines --json
		[ "$status" -eq 0 ]
		[ "$output" = "$with" ]
	done
	[ "$(jq -r '[.[].state] | sort | join(",")' <<<"$output")" = "ahead,behind,diverged,local-only,shared" ]
}

@test "catalog-only after another home shared; --local-only and --catalog-only filter" {
	create_pipeline
	dfc share -i "$ID"
	other=$ID
	git init -q --bare "$TEST_TMP/shared.git"
	export DATA_FACTORY_CATALOG=$TEST_TMP/shared.git
	dfc share -i "$other"
	DATA_FACTORY_HOME=$TEST_TMP/home2 dfc list pipelines --refresh > /dev/null
	run --separate-stderr env DATA_FACTORY_HOME="$TEST_TMP/home2" "$DFC_BIN" list pipelines --json
	[ "$(jq -r '.[0].state' <<<"$output")" = catalog-only ]
	[ "$(jq -r '.[0].local_version' <<<"$output")" = null ]
	[ "$(jq -r '.[0].catalog_version' <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].name' <<<"$output")" = daily-sales ]
	run env DATA_FACTORY_HOME="$TEST_TMP/home2" "$DFC_BIN" list pipelines --local-only --json
	[ "$output" = "[]" ]
	create_pipeline two.json
	run dfc list pipelines --catalog-only --json
	[ "$(jq length <<<"$output")" = 1 ]
	run dfc list pipelines --local-only --json
	[ "$(jq length <<<"$output")" = 2 ]
}

@test "list works offline from the last known state" {
	create_pipeline
	git init -q --bare "$TEST_TMP/shared.git"
	dfc share -i "$ID" --catalog "$TEST_TMP/shared.git"
	mv "$TEST_TMP/shared.git" "$TEST_TMP/gone.git"
	run --separate-stderr dfc list pipelines --catalog "$TEST_TMP/shared.git" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].catalog_version' <<<"$output")" = 1 ]
	run --separate-stderr dfc list pipelines --refresh --catalog "$TEST_TMP/shared.git"
	[ "$status" -eq 9 ]
}

@test "--search matches id or name, case-insensitively" {
	create_pipeline
	first=$ID
	write_pipeline other.json
	sed -i 's/daily-sales/Weekly-Report/' other.json
	dfc create other.json > /dev/null
	run dfc list pipelines --search weekly --json
	[ "$(jq length <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].name' <<<"$output")" = Weekly-Report ]
	run dfc list pipelines --search "${first:0:13}" --json
	[ "$(jq -r '.[0].id' <<<"$output")" = "$first" ]
}

@test "an aligned table on a terminal, tab-separated lines otherwise" {
	create_pipeline
	run dfc list pipelines
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cut -f1 <<<"${lines[0]}")" = "$ID" ]
	[ "$(cut -f2 <<<"${lines[0]}")" = daily-sales ]
	run script -qec "$DFC_BIN list pipelines" /dev/null
	[[ "${lines[0]}" == ID*NAME*LOCAL*CATALOG*STATE* ]]
	[[ "${lines[1]}" == "$ID"*daily-sales*local-only* ]]
}

@test "list scripts and datasets: id, file name, size, pipelines" {
	create_pipeline
	dfc share -i "$ID"
	run dfc list scripts --json
	[ "$(jq -r '.[0].id' <<<"$output")" = "$(git hash-object scripts/clean.py)" ]
	[ "$(jq -r '.[0].name' <<<"$output")" = clean.py ]
	[ "$(jq -r '.[0].size' <<<"$output")" = "$(stat -c %s scripts/clean.py)" ]
	[ "$(jq -r '.[0].pipelines' <<<"$output")" = "$ID" ]
	[ "$(jq -r '.[0].where' <<<"$output")" = both ]
	run dfc list datasets --catalog-only --json
	[ "$(jq -r '.[] | select(.name == "raw.csv") | .size' <<<"$output")" = "$(stat -c %s data/raw.csv)" ]
	[ "$(jq -r '.[] | select(.name == "raw.csv") | .id' <<<"$output")" = "$(git hash-object data/raw.csv)" ]
}

@test "list of nothing is empty; a bad kind is a usage error" {
	run --separate-stderr dfc list pipelines --json
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
	run --separate-stderr dfc list widgets
	[ "$status" -eq 2 ]
}

@test "list alone lists pipelines, as the hints that say 'list --refresh' expect" {
	create_pipeline
	dfc share -i "$ID"
	run --separate-stderr dfc list
	[ "$status" -eq 0 ]
	expected=$(dfc list pipelines)
	[ "$output" = "$expected" ]
	run --separate-stderr dfc list --refresh --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].state' <<<"$output")" = shared ]
	run --separate-stderr dfc list pipelines scripts
	[ "$status" -eq 2 ]
}
