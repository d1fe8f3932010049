#!/usr/bin/env bats
# hooks/pre-receive, the catalog's server-side guard (SPEC §5), against plain
# git: pushes over smart HTTP (lighttpd + git http-backend behind a bearer
# token, tests/e2e/git_server.bash) and over file:// to a local bare catalog.
# Every refusal is checked twice: the hook names the ref and its reason, and
# the catalog's refs are exactly what they were before the push.

load helper
load git_server

export DFC_BIN # the hook of a file:// catalog reads it from git's environment

setup_file() {
	git_server_start
}

teardown_file() {
	git_server_stop
}

ID=0190c2d4-7b1e-7c3a-9f00-2a6a3c1d9e55
BRANCH=refs/heads/pipelines/$ID
VALID='{"nodes": [{"id": "a", "type": "dataset", "path": "a.csv"}], "edges": []}'
VALID2='{"nodes": [{"id": "a", "type": "dataset", "path": "a.csv"}, {"id": "b", "type": "dataset", "path": "b.csv"}], "edges": []}'

tag() { # N
	echo "refs/tags/pipelines/$ID/v$1"
}

# A served catalog for this test (URL, CATALOG) and, in the current folder,
# a work repository on branch pipelines/$ID.
new_catalog() {
	URL=$(git_server_new_repo "catalog-$BATS_TEST_NUMBER")
	CATALOG=$GIT_SERVER_REPOS/catalog-$BATS_TEST_NUMBER.git
	git init -q -b "pipelines/$ID" .
}

# The same with a local bare catalog holding the hook, pushed to over
# file:// (git runs hooks there too). Extra arguments go to both git inits.
new_local_catalog() { # [GIT-INIT-ARGS...]
	CATALOG=$TEST_TMP/catalog.git
	URL=file://$CATALOG
	git init -q --bare "$@" "$CATALOG"
	install -m 0755 "$DFC_SOURCE_DIR/hooks/pre-receive" "$CATALOG/hooks/pre-receive"
	git init -q -b "pipelines/$ID" "$@" .
}

# Commit pipeline.json holding CONTENT with the trailers of version N.
commit_version() { # N [CONTENT] [PIPELINE-ID]
	printf '%s\n' "${2-$VALID}" > pipeline.json
	git add pipeline.json
	git commit -q --allow-empty -m "version $1" -m "Pipeline-Id: ${3-$ID}
Pipeline-Version: $1"
}

# Commit version N and tag it pipelines/$ID/vN.
version() { # N [CONTENT]
	commit_version "$@"
	git tag "pipelines/$ID/v$1"
}

push() { # GIT-PUSH-ARGS...
	git -c http.extraHeader="Authorization: Bearer $GIT_SERVER_TOKEN" push "$@"
}

catalog_refs() {
	git --git-dir="$CATALOG" for-each-ref --format='%(objectname) %(refname)'
}

# Run `push ARGS...` and check that the hook refused REF for a reason that
# contains REASON, and that the catalog did not change.
refused() { # REF REASON PUSH-ARGS...
	local ref=$1 reason=$2 before
	shift 2
	before=$(catalog_refs)
	run push "$@"
	printf '%s\n' "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"pre-receive: refused: $ref: "*"$reason"* ]]
	[ "$(catalog_refs)" = "$before" ]
}

# Run `push ARGS...` and check that it succeeded with no refusal.
accepted() { # PUSH-ARGS...
	run push "$@"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	[[ $output != *"refused"* ]]
}

# A folder holding links to the given commands only, for a PATH without
# data-factory-cli (and maybe without jq).
path_with() { # COMMAND...
	local dir=$TEST_TMP/bin cmd
	mkdir -p "$dir"
	for cmd in "$@"; do ln -s "$(command -v "$cmd")" "$dir/$cmd"; done
	echo "$dir"
}

@test "a first version with its tag is accepted" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	[ "$(catalog_refs)" = "$(git rev-parse HEAD) $BRANCH
$(git rev-parse HEAD) $(tag 1)" ]
	[ "$(git --git-dir="$CATALOG" show "pipelines/$ID/v1:pipeline.json")" = "$VALID" ]
	[ -x "$CATALOG/hooks/pre-receive" ]
}

@test "version 2 on top of version 1 is accepted" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	version 2 "$VALID2"
	accepted "$URL" "$BRANCH" "$(tag 2)"
	[ "$(catalog_refs)" = "$(git rev-parse HEAD) $BRANCH
$(git rev-parse HEAD~1) $(tag 1)
$(git rev-parse HEAD) $(tag 2)" ]
}

@test "versions with the other trailers the tool writes are accepted" {
	new_catalog
	printf '%s\n' "$VALID" > pipeline.json
	git add pipeline.json
	git commit -q -m "share it" -m "Pipeline-Id: $ID
Pipeline-Version: 1
Local-Version: 3
Content-Fingerprint: 0123456789abcdef0123456789abcdef01234567"
	git tag "pipelines/$ID/v1"
	accepted "$URL" "$BRANCH" "$(tag 1)"
	[ "$(git --git-dir="$CATALOG" rev-parse "$BRANCH")" = "$(git rev-parse HEAD)" ]
}

@test "a force-push that rewrites history is refused" {
	new_catalog
	version 1
	version 2
	accepted "$URL" "$BRANCH" "$(tag 1)" "$(tag 2)"
	git reset -q --hard HEAD~1
	commit_version 2 "$VALID2" # a valid version 2, but not on top of the old one
	refused "$BRANCH" "non-fast-forward" --force "$URL" "$BRANCH"
}

@test "deleting a branch is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	refused "$BRANCH" "deleting a ref is not allowed" --delete "$URL" "$BRANCH"
}

@test "deleting a tag is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	refused "$(tag 1)" "deleting a ref is not allowed" --delete "$URL" "$(tag 1)"
}

@test "moving an existing tag is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	commit_version 2
	accepted "$URL" "$BRANCH"
	git tag -f "pipelines/$ID/v1" HEAD
	refused "$(tag 1)" "tags are never moved" --force "$URL" "$(tag 1)"
}

@test "a commit without pipeline.json at its root is refused" {
	new_catalog
	mkdir sub
	printf '%s\n' "$VALID" > sub/pipeline.json
	git add sub/pipeline.json
	git commit -q -m "version 1" -m "Pipeline-Id: $ID
Pipeline-Version: 1"
	refused "$BRANCH" "has no pipeline.json at its root" "$URL" "$BRANCH"
	[ -z "$(catalog_refs)" ]
}

@test "a commit with an invalid pipeline.json is refused, with the validator's reasons" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	commit_version 2 '{"nodes": 3}'
	refused "$BRANCH" "pipeline.json is not a valid pipeline" "$URL" "$BRANCH"
	[[ $output == *"'nodes' must be an array"* ]]
	git reset -q --hard HEAD~1
	commit_version 2 '{"nodes": [], "edges": [], '
	refused "$BRANCH" "pipeline.json is not a valid pipeline" "$URL" "$BRANCH"
}

@test "over HTTP the hook validates with data-factory-cli, not only the shape" {
	new_catalog
	# right shape (what jq checks), but the edge names nodes that do not exist
	version 1 '{"nodes": [], "edges": [{"from": "x", "to": "y"}]}'
	refused "$BRANCH" "pipeline.json is not a valid pipeline" "$URL" "$BRANCH" "$(tag 1)"
	[[ $output == *"/edges/0/from"* ]]
}

@test "a commit that skips a version number is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	commit_version 3
	refused "$BRANCH" "says Pipeline-Version: 3; expected 2" "$URL" "$BRANCH"
}

@test "the first commit of a pipeline must be version 1" {
	new_catalog
	commit_version 2
	refused "$BRANCH" "says Pipeline-Version: 2; expected 1" "$URL" "$BRANCH"
	[ -z "$(catalog_refs)" ]
}

@test "a commit with another Pipeline-Id, or without trailers, is refused" {
	new_catalog
	commit_version 1 "$VALID" other-pipeline
	refused "$BRANCH" "says Pipeline-Id: other-pipeline, not $ID" "$URL" "$BRANCH"
	git commit -q --amend -m "version 1 without trailers"
	refused "$BRANCH" "lacks a single 'Pipeline-Id: $ID' trailer" "$URL" "$BRANCH"
	git commit -q --amend -m "version 1" -m "Pipeline-Id: $ID"
	refused "$BRANCH" "lacks a single 'Pipeline-Version: <N>' trailer" "$URL" "$BRANCH"
	[ -z "$(catalog_refs)" ]
}

@test "a tag vN on a commit whose trailer says another version is refused" {
	new_catalog
	commit_version 1
	git tag "pipelines/$ID/v2"
	refused "$(tag 2)" "says Pipeline-Version: 1, not 2" "$URL" "$BRANCH" "$(tag 2)"
	# the branch alone was fine, yet the whole push was refused
	[ -z "$(catalog_refs)" ]
}

@test "a tag on a commit that is not on the pipeline's branch is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	git checkout -q -b elsewhere
	version 2
	refused "$(tag 2)" "is not on branch pipelines/$ID" "$URL" "$(tag 2)"
}

@test "a merge commit is refused" {
	new_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	git checkout -q -b side
	commit_version 2 "$VALID2"
	git checkout -q "pipelines/$ID"
	commit_version 2
	git merge -q -s ours --no-edit side
	git commit -q --amend -m "version 3" -m "Pipeline-Id: $ID
Pipeline-Version: 3"
	refused "$BRANCH" "is a merge" "$URL" "$BRANCH"
}

# Commit run RUN on the current branch as `share --runs` pushes it: one run
# record per commit, the tree every run so far.
commit_run() { # RUN
	printf '{"record": "run", "format": 1, "run": "%s", "pipeline": {"id": "%s"}}\n' "$1" "$ID" > "$1.json"
	git add "$1.json"
	git commit -q -m "run $1" -m "Run: $1
Run-Status: done"
}

RUNS=refs/dfc/runs/$ID

@test "run refs: a new one and fast-forwards are accepted" {
	new_catalog
	git checkout -q -b runs
	commit_run 20261206T112000Z-4242-1a2b
	accepted "$URL" "runs:$RUNS"
	commit_run 20261207T080000Z-77-beef
	accepted "$URL" "runs:$RUNS"
	[ "$(catalog_refs)" = "$(git rev-parse HEAD) $RUNS" ]
}

@test "run refs: a force-push that rewrites them, or a deletion, is refused" {
	new_catalog
	git checkout -q -b runs
	commit_run 20261206T112000Z-4242-1a2b
	commit_run 20261207T080000Z-77-beef
	accepted "$URL" "runs:$RUNS"
	git reset -q --hard HEAD~1
	commit_run 20261208T090000Z-5-c0de
	refused "$RUNS" "non-fast-forward" --force "$URL" "runs:$RUNS"
	[[ $output == *"history is append-only"* ]]
	refused "$RUNS" "deleting a ref is not allowed" --delete "$URL" "$RUNS"
	refused refs/dfc/runs/-x "not a catalog ref" "$URL" "runs:refs/dfc/runs/-x"
	refused refs/dfc/other "not a catalog ref" "$URL" "runs:refs/dfc/other"
}

@test "refs outside the catalog's layout are refused" {
	new_catalog
	version 1
	refused refs/heads/main "not a catalog ref" "$URL" "HEAD:refs/heads/main"
	refused refs/tags/v1 "not a catalog ref" "$URL" "HEAD:refs/tags/v1"
	refused "refs/tags/pipelines/$ID/latest" "not a catalog ref" "$URL" "HEAD:refs/tags/pipelines/$ID/latest"
	refused refs/heads/pipelines/x/y "not a catalog ref" "$URL" "HEAD:refs/heads/pipelines/x/y"
	refused refs/heads/pipelines/-x "not a catalog ref" "$URL" "HEAD:refs/heads/pipelines/-x"
	# one refused ref refuses the whole push: the valid version is not taken either
	refused refs/heads/main "not a catalog ref" "$URL" "$BRANCH" "$(tag 1)" "HEAD:refs/heads/main"
	[ -z "$(catalog_refs)" ]
}

@test "the server demands the bearer token: 401 without it or with a wrong one" {
	new_catalog
	version 1
	local info="GET /git/catalog-$BATS_TEST_NUMBER.git/info/refs?service="
	run git ls-remote "$URL"
	[ "$status" -ne 0 ]
	run git -c http.extraHeader="Authorization: Bearer wrong-$GIT_SERVER_TOKEN" \
		push "$URL" "$BRANCH" "$(tag 1)"
	[ "$status" -ne 0 ]
	[ -z "$(catalog_refs)" ]
	[ "$(git_server_log_count "\"${info}git-upload-pack HTTP/1.1\" 401 " 1)" -eq 1 ]
	[ "$(git_server_log_count "\"${info}git-receive-pack HTTP/1.1\" 401 " 1)" -eq 1 ]
	run git_server_request GET "/git/catalog-$BATS_TEST_NUMBER.git/info/refs?service=git-upload-pack" \
		"Authorization: Bearer nope"
	[[ ${lines[0]} == "HTTP/1.1 401 "* ]]
	[[ $output == *"WWW-Authenticate: Bearer"* ]]
	# with the token: through, and the token is in no log line
	run git -c http.extraHeader="Authorization: Bearer $GIT_SERVER_TOKEN" ls-remote "$URL"
	[ "$status" -eq 0 ]
	[ "$(git_server_log_count "\"${info}git-upload-pack HTTP/1.1\" 200 " 1)" -eq 1 ]
	[ "$(cat "$GIT_SERVER_LOG" "$GIT_SERVER_DIR/error.log" | grep -cF "$GIT_SERVER_TOKEN")" -eq 0 ]
}

@test "files in GIT_SERVER_FILES are served without a token, with Range" {
	printf '0123456789abcdef' > "$GIT_SERVER_FILES/data-$BATS_TEST_NUMBER.csv"
	run git_server_request GET "/files/data-$BATS_TEST_NUMBER.csv"
	[[ ${lines[0]} == "HTTP/1.1 200 "* ]]
	[[ $output == *$'\r\n\r\n0123456789abcdef' ]]
	run git_server_request GET "/files/data-$BATS_TEST_NUMBER.csv" "Range: bytes=10-"
	[[ ${lines[0]} == "HTTP/1.1 206 "* ]]
	[[ $output == *"Content-Range: bytes 10-15/16"* ]]
	[[ $output == *$'\r\n\r\nabcdef' ]]
	[ "$(git_server_log_count "\"GET /files/data-$BATS_TEST_NUMBER.csv HTTP/1.1\" 206 " 1)" -eq 1 ]
}

@test "over file:// the hook guards a local bare catalog the same way" {
	new_local_catalog
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	version 2 "$VALID2"
	accepted "$URL" "$BRANCH" "$(tag 2)"
	git reset -q --hard HEAD~1
	refused "$BRANCH" "non-fast-forward" --force "$URL" "$BRANCH"
	refused "$BRANCH" "deleting a ref is not allowed" --delete "$URL" "$BRANCH"
	git reset -q --hard "pipelines/$ID/v2"
	commit_version 3 '{"nodes": 3}'
	refused "$BRANCH" "pipeline.json is not a valid pipeline" "$URL" "$BRANCH"
	[[ $output == *"'nodes' must be an array"* ]]
}

@test "without data-factory-cli the hook falls back to jq's shape check" {
	new_local_catalog
	local path
	path=$(path_with bash git jq)
	version 1
	run env PATH="$path" DFC_BIN= git push "$URL" "$BRANCH" "$(tag 1)"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	commit_version 2 '{"nodes": 3, "edges": []}'
	local before
	before=$(catalog_refs)
	run env PATH="$path" DFC_BIN= git push "$URL" "$BRANCH"
	printf '%s\n' "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"pre-receive: refused: $BRANCH: "*"not a valid pipeline"* ]]
	[[ $output == *"jq: not an object with arrays"* ]]
	[ "$(catalog_refs)" = "$before" ]
}

@test "with neither data-factory-cli nor jq every branch update is refused" {
	new_local_catalog
	version 1
	run env PATH="$(path_with bash git)" DFC_BIN= git push "$URL" "$BRANCH" "$(tag 1)"
	printf '%s\n' "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"pre-receive: refused: $BRANCH: no validator"* ]]
	[ -z "$(catalog_refs)" ]
}

@test "a DFC_BIN that does not run is refused, not silently replaced by jq" {
	new_local_catalog
	version 1
	DFC_BIN=$TEST_TMP/no-such-dfc refused "$BRANCH" "is not an executable" "$URL" "$BRANCH" "$(tag 1)"
	[ -z "$(catalog_refs)" ]
}

@test "SHA-256 catalogs: versions are accepted, deletions (64-zero ids) refused" {
	new_local_catalog --object-format=sha256
	version 1
	accepted "$URL" "$BRANCH" "$(tag 1)"
	[ "$(git --git-dir="$CATALOG" rev-parse --show-object-format)" = sha256 ]
	refused "$BRANCH" "deleting a ref is not allowed" --delete "$URL" "$BRANCH"
	refused "$(tag 1)" "deleting a ref is not allowed" --delete "$URL" "$(tag 1)"
}
