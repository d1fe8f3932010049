#!/usr/bin/env bats
# fsck: repo.git, its tags, the view and the catalog-tracking refs agree;
# --repair rewrites the view from repo.git (SPEC §3, §12).

load helper

# A pipeline with three versions; its id in $ID.
three_versions() {
	create_pipeline
	for i in 2 3; do
		sed -i "s/\"--rows\", [0-9]*/\"--rows\", $i/" pipeline.json
		dfc update pipeline.json
	done
}

view() {
	printf '%s\n' "$DATA_FACTORY_HOME/pipelines/$1"
}

# The loose object file of `git rev-parse $1` in repo.git.
object_file() {
	local oid
	oid=$(store_git rev-parse "$1")
	printf '%s\n' "$DATA_FACTORY_HOME/repo.git/objects/${oid:0:2}/${oid:2}"
}

@test "a healthy home: exit 0, nothing on stdout, a summary on stderr" {
	three_versions
	run --separate-stderr dfc fsck
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "data-factory-cli: checked 1 pipeline, 3 versions: no problems" ]
	run --separate-stderr dfc fsck --quiet
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "a home without a store is not found (exit 7) and stays empty" {
	run --separate-stderr dfc fsck
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no local store"* ]]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 7 ]
	[ ! -e "$DATA_FACTORY_HOME" ]
}

@test "--help describes the command" {
	run --separate-stderr dfc fsck --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: data-factory-cli fsck [--repair] [--json]"* ]]
	[[ "$output" == *"--repair"* ]]
	[[ "$output" == *"--json"* ]]
	dfc --list-commands | grep -qx fsck
}

@test "a deleted view file is found, and --repair writes it again" {
	three_versions
	rm "$(view "${ID}_2.json")"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$output" = "missing-file: pipelines/${ID}_2.json is missing" ]
	[[ "$stderr" == *"error: checked 1 pipeline, 3 versions: 1 problem"* ]]
	[[ "$stderr" == *"hint: 'data-factory-cli fsck --repair' fixes 1 of them"* ]]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ "$output" = "repaired: wrote pipelines/${ID}_2.json from version 2 in repo.git" ]
	[[ "$stderr" == *"no problems left, 1 repaired"* ]]
	check_view "$ID"
	dfc fsck
}

@test "an edited view file is found and rewritten byte for byte" {
	three_versions
	# the same JSON, other bytes: still a difference
	jq -c . "$(view "${ID}_1.json")" > edited.json
	cp edited.json "$(view "${ID}_1.json")"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$output" = "changed-file: pipelines/${ID}_1.json differs from version 1 in repo.git" ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ "$output" = "repaired: rewrote pipelines/${ID}_1.json from version 1 in repo.git" ]
	check_view "$ID"
}

@test "a bad or missing state file is found and rewritten" {
	three_versions
	state=$(view "${ID}_state.json")
	jq '.latest_version = 2' "$state" > bad.json
	cp bad.json "$state"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$output" = "bad-state: pipelines/${ID}_state.json does not match repo.git (latest version 3)" ]
	# an extra key is not exactly the expected content either
	jq '.extra = 1' "$state" > bad.json
	cp bad.json "$state"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	rm "$state"
	run --separate-stderr dfc fsck
	[ "$output" = "bad-state: pipelines/${ID}_state.json is missing" ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ "$output" = "repaired: rewrote pipelines/${ID}_state.json" ]
	check_view "$ID"
}

@test "a missing tag is restored from the branch" {
	three_versions
	store_git update-ref -d "refs/tags/pipelines/$ID/v2"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$output" = "missing-tag: refs/tags/pipelines/$ID/v2 is missing" ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ "$output" = "repaired: restored refs/tags/pipelines/$ID/v2 from the branch" ]
	[ "$(store_git rev-parse "pipelines/$ID/v2")" = "$(store_git rev-parse "pipelines/$ID~1")" ]
}

@test "a tag moved to another version's commit is moved back" {
	three_versions
	store_git update-ref "refs/tags/pipelines/$ID/v3" "pipelines/$ID~2"
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 3 ]
	[ "$(jq -r '.problems[0].kind' <<< "$output")" = wrong-tag ]
	[ "$(jq -r '.problems[0].version' <<< "$output")" = 3 ]
	[ "$(jq -r '.problems[0].repairable' <<< "$output")" = true ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ "$output" = "repaired: moved refs/tags/pipelines/$ID/v3 back to version 3's commit" ]
	[ "$(store_git rev-parse "pipelines/$ID/v3")" = "$(store_git rev-parse "pipelines/$ID")" ]
}

@test "a tag moved to a commit outside the branch is reported, not moved" {
	three_versions
	other=$(printf 'elsewhere\n\nPipeline-Id: %s\nPipeline-Version: 1\n' "$ID" |
		store_git commit-tree "pipelines/$ID^{tree}")
	store_git update-ref "refs/tags/pipelines/$ID/v1" "$other"
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 3 ]
	[[ "$output" == "wrong-tag: refs/tags/pipelines/$ID/v1 points at $other (a commit outside the branch)"* ]]
	[ "$(store_git rev-parse "pipelines/$ID/v1")" = "$other" ]
}

@test "stray files, temporary files included, are moved to lost-found, never deleted" {
	three_versions
	echo "my notes" > "$(view notes.txt)"
	echo '{}' > "$(view "${ID}_7.json")"
	echo half > "$(view "${ID}_3.json.tmp-Ab12Cd")"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"stray-file: pipelines/${ID}_3.json.tmp-Ab12Cd: a temporary file left by an interrupted write"* ]]
	[[ "$output" == *"stray-file: pipelines/${ID}_7.json: version 7 is beyond the latest, 3"* ]]
	[[ "$output" == *"stray-file: pipelines/notes.txt: not a file of the view"* ]]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[[ "$output" == *"repaired: moved pipelines/notes.txt to pipelines/lost-found/notes.txt"* ]]
	[ "$(cat "$(view lost-found/notes.txt)")" = "my notes" ]
	[ -f "$(view "lost-found/${ID}_7.json")" ]
	[ -f "$(view "lost-found/${ID}_3.json.tmp-Ab12Cd")" ]
	[ ! -e "$(view notes.txt)" ]
	dfc fsck
	# lost-found itself is not stray; a second file of the same name is kept too
	echo "newer notes" > "$(view notes.txt)"
	dfc fsck --repair
	[ "$(cat "$(view lost-found/notes.txt.1)")" = "newer notes" ]
}

@test "a tracking ref to a missing object is found; --repair drops it and share sets it again" {
	three_versions
	dfc share -i "$ID"
	ref=$DATA_FACTORY_HOME/repo.git/refs/remotes/catalog/pipelines/$ID
	[ -f "$ref" ]
	echo 0123456789abcdef0123456789abcdef01234567 > "$ref"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$output" = "bad-ref: refs/remotes/catalog/pipelines/$ID points at 0123456789abcdef0123456789abcdef01234567, which is missing" ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[[ "$output" == "repaired: removed refs/remotes/catalog/pipelines/$ID, which pointed at a missing object"* ]]
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(store_git rev-parse "refs/remotes/catalog/pipelines/$ID")" = "$(git --git-dir="$DATA_FACTORY_HOME/catalog.git" rev-parse "pipelines/$ID")" ]
	dfc fsck
}

@test "a missing blob is a problem --repair cannot fix; the rest is repaired" {
	three_versions
	rm -f "$(object_file "pipelines/$ID/v1:pipeline.json")"
	rm "$(view "${ID}_2.json")"
	store_git update-ref -d "refs/tags/pipelines/$ID/v3"
	blob=$(store_git rev-parse "pipelines/$ID/v1:pipeline.json")
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[[ "$output" == *"missing-object: blob $blob (pipeline.json of version 1) is missing"* ]]
	[[ "$stderr" == *"fixes 2 of them"* ]]
	[[ "$stderr" == *"never repaired from the view"* ]]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 3 ]
	[[ "$output" == *"repaired: wrote pipelines/${ID}_2.json from version 2 in repo.git"* ]]
	[[ "$output" == *"repaired: restored refs/tags/pipelines/$ID/v3 from the branch"* ]]
	[ "$(grep -c '^missing-object: ' <<< "$output")" -eq 1 ]
	[ "$(grep -vc '^repaired: \|^missing-object: ' <<< "$output")" -eq 0 ]
	[[ "$stderr" == *"1 problem left"* ]]
	# the view still holds version 1: by design it is not copied back
	[ -f "$(view "${ID}_1.json")" ]
}

@test "a corrupt loose object is found" {
	three_versions
	file=$(object_file "pipelines/$ID/v2:pipeline.json")
	chmod u+w "$file"
	printf 'garbage' > "$file"
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 3 ]
	[ "$(jq -r '.problems | map(.kind) | join(",")' <<< "$output")" = corrupt-object ]
	[ "$(jq -r '.problems[0].version' <<< "$output")" = 2 ]
}

@test "a repo.git that git cannot open is a problem, and no command re-initialises it" {
	three_versions
	mv "$DATA_FACTORY_HOME/repo.git/refs" "$TEST_TMP/refs"
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 3 ]
	[[ "$output" == "bad-repo: cannot open repo.git"* ]]
	run --separate-stderr dfc show -i "$ID"
	[ "$status" -eq 1 ]
	[ ! -e "$DATA_FACTORY_HOME/repo.git/refs" ]
	mv "$TEST_TMP/refs" "$DATA_FACTORY_HOME/repo.git/refs"
	dfc fsck
}

@test "--json: healthy, counts, problems and repairs" {
	three_versions
	write_pipeline two.json
	dfc create two.json > /dev/null
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 0 ]
	[ "$(jq -c '{healthy, pipelines, versions, problems, repaired}' <<< "$output")" = '{"healthy":true,"pipelines":2,"versions":4,"problems":[],"repaired":[]}' ]
	rm "$(view "${ID}_3.json")"
	echo x > "$(view stray.txt)"
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 3 ]
	[ "$(jq -r .healthy <<< "$output")" = false ]
	[ "$(jq -c '.problems[] | [.kind, .pipeline, .version, .repairable]' <<< "$output" | sort | tr '\n' ' ')" = "[\"missing-file\",\"$ID\",3,true] [\"stray-file\",null,null,true] " ]
	[ "$(jq -r '.problems[] | select(.kind == "missing-file") | .message' <<< "$output")" = "pipelines/${ID}_3.json is missing" ]
	run --separate-stderr dfc fsck --repair --json
	[ "$status" -eq 0 ]
	[ "$(jq -r .healthy <<< "$output")" = true ]
	[ "$(jq -r '.repaired | map(.kind) | sort | join(",")' <<< "$output")" = missing-file,stray-file ]
	[ "$(jq -r '.repaired[] | select(.kind == "missing-file") | .version' <<< "$output")" = 3 ]
}

@test "without --repair fsck writes nothing at all" {
	three_versions
	dfc share -i "$ID"
	rm "$(view "${ID}_1.json")"
	echo junk > "$(view junk.txt)"
	echo '{}' > "$(view "${ID}_state.json")"
	store_git update-ref -d "refs/tags/pipelines/$ID/v3"
	store_git update-ref "refs/tags/pipelines/$ID/v2" "pipelines/$ID"
	echo 0123456789abcdef0123456789abcdef01234567 > "$DATA_FACTORY_HOME/repo.git/refs/remotes/catalog/pipelines/$ID"
	rm -f "$(object_file "pipelines/$ID/v1:pipeline.json")"
	before=$(home_listing)
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 3 ]
	[ "$(jq -r '.problems | map(.kind) | sort | join(",")' <<< "$output")" = bad-ref,bad-state,missing-object,missing-tag,stray-file,wrong-tag ]
	[ "$(home_listing)" = "$before" ]
	# even the view folder is not recreated
	rm -r "$DATA_FACTORY_HOME/pipelines"
	before=$(home_listing)
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[ "$(home_listing)" = "$before" ]
}

@test "an id holding '_' is read right: no stray files, and --repair leaves its view in place" {
	write_pipeline
	sed -i 's/"name": "daily-sales",/"id": "my_pipe_2", "name": "daily-sales",/' pipeline.json
	[ "$(dfc create pipeline.json)" = my_pipe_2 ]
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc fsck
	echo "$stderr"
	[ "$status" -eq 0 ]
	run --separate-stderr dfc fsck --repair
	[ "$status" -eq 0 ]
	[ ! -e "$DATA_FACTORY_HOME/pipelines/lost-found" ]
	check_view my_pipe_2
	# A file of it that is really stray is still found.
	touch "$(view my_pipe_2_7.json)"
	run --separate-stderr dfc fsck
	[ "$status" -eq 3 ]
	[[ "$output" == *"stray-file: pipelines/my_pipe_2_7.json: version 7 is beyond the latest, 2"* ]]
}

@test "--repair waits for a pipeline's writer: a file the writer is still making is not taken" {
	three_versions
	lock=$DATA_FACTORY_HOME/repo.git/dfc-locks/$ID.lock
	tmp=$(view "${ID}_3.json.tmp-Ab12Cd")
	# A writer holds the lock, half-way through rewriting version 3's file.
	cp "$(view "${ID}_3.json")" "$tmp"
	exec {held}> "$lock"
	flock "$held"
	# (without the locked descriptor, or it would hold the lock itself)
	dfc fsck --repair > "$TEST_TMP/out" 2> "$TEST_TMP/err" {held}>&- &
	repair=$!
	sleep 1
	[ -e "$tmp" ]
	# The writer finishes: its file takes its place, and it lets go.
	mv "$tmp" "$(view "${ID}_3.json")"
	exec {held}>&-
	wait "$repair"
	[ -z "$(ls -A "$(view lost-found)" 2> /dev/null)" ]
	dfc fsck
	check_view "$ID"
}
