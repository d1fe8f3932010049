#!/usr/bin/env bats
# The catalog over smart HTTP with a bearer token: a real lighttpd running
# git http-backend, with hooks/pre-receive installed in the served repo.

load helper
load catalog_scale
load git_server

setup_file() { git_server_start; }
teardown_file() { git_server_stop; }

# Everything the tool wrote or printed in this test, to look for the token.
everything() {
	cat "$TEST_TMP"/*.out "$TEST_TMP"/*.err 2>/dev/null
	find "$DATA_FACTORY_HOME" -type f -print0 2>/dev/null | xargs -0 cat 2>/dev/null
	git --git-dir="$DATA_FACTORY_HOME/repo.git" cat-file --batch-all-objects --batch 2>/dev/null
	git --git-dir="$GIT_SERVER_REPOS/$REPO.git" cat-file --batch-all-objects --batch 2>/dev/null
	cat "$GIT_SERVER_LOG"
}

new_catalog() {
	REPO=catalog-$BATS_TEST_NUMBER
	URL=$(git_server_new_repo "$REPO")
}

# COMMAND... run with the test server's CA as the system's CA bundle, in a
# mount namespace of its own: nothing outside the command sees the change.
with_test_ca() {
	# shellcheck disable=SC2016 # the inner script's $1 and $@ are its own
	unshare -m sh -c 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && shift && exec "$@"' \
		sh "$GIT_SERVER_CA" "$@"
}

@test "an HTTPS catalog is checked against the system's CA bundle, which only TLS reads" {
	[ -f /etc/ssl/certs/ca-certificates.crt ] || skip "no system CA bundle"
	unshare -m true 2>/dev/null || skip "no mount namespace (needs root) to trust the test CA"
	command -v strace > /dev/null || skip "strace is missing (scripts/install-deps)"
	new_catalog
	https=${URL/#"$GIT_SERVER_URL"/"$GIT_SERVER_HTTPS_URL"}
	create_pipeline
	# Signed by a CA that the system does not trust: refused, nothing sent.
	run --separate-stderr dfc share -i "$ID" --catalog "$https" --token "$GIT_SERVER_TOKEN"
	[ "$status" -eq 6 ]
	run git --git-dir="$GIT_SERVER_REPOS/$REPO.git" for-each-ref
	[ -z "$output" ]
	# LeakSanitizer cannot run under strace (ptrace).
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	# The same share once the system trusts that CA: done over TLS.
	run --separate-stderr with_test_ca strace -f -e trace=openat -o "$TEST_TMP/share.trace" \
		"$DFC_BIN" share -i "$ID" --catalog "$https" --token "$GIT_SERVER_TOKEN"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$output" = 1 ]
	git --git-dir="$GIT_SERVER_REPOS/$REPO.git" rev-parse -q --verify "refs/tags/pipelines/$ID/v1"
	grep -qF /etc/ssl/certs/ca-certificates.crt "$TEST_TMP/share.trace"
	# A command that speaks no TLS never reads the bundle (docs/DECISIONS.md).
	sed -i 's/1000/2000/' pipeline.json
	strace -f -e trace=openat -o "$TEST_TMP/update.trace" "$DFC_BIN" update pipeline.json
	run grep -F ca-certificates "$TEST_TMP/update.trace"
	[ "$status" -eq 1 ]
}

@test "share, list and sync over HTTP with the token" {
	new_catalog
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "$URL" --token "$GIT_SERVER_TOKEN"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$output" = 1 ]
	git --git-dir="$GIT_SERVER_REPOS/$REPO.git" rev-parse -q --verify "refs/tags/pipelines/$ID/v1"
	sed -i 's/1000/2000/' pipeline.json
	export DATA_FACTORY_CATALOG=$URL DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	run --separate-stderr dfc share -f pipeline.json
	[ "$output" = 2 ]
	run --separate-stderr dfc list pipelines --refresh --json
	[ "$(jq -r '.[0].catalog_version' <<<"$output")" = 2 ]
	dfc update pipeline.json
	run --separate-stderr dfc sync pipeline.json --version 1
	[ "$status" -eq 0 ]
	grep -q 1000 pipeline.json
	[ "$(git_server_log_count "POST /git/$REPO.git/git-receive-pack" 1)" -ge 1 ]
}

@test "a share over HTTP reads the catalog's refs once: one push connection lists them and pushes branch and tag" {
	new_catalog
	create_pipeline
	export DATA_FACTORY_CATALOG=$URL DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	dfc share -f pipeline.json
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	# Wait for the first share's lines, then count the second's alone.
	git_server_log_count "POST /git/$REPO.git/git-receive-pack" 2
	before=$(wc -l < "$GIT_SERVER_LOG")
	[ "$(dfc share -f pipeline.json)" = 2 ]
	git_server_log_count "POST /git/$REPO.git/git-receive-pack" 4
	tail -n +$((before + 1)) "$GIT_SERVER_LOG" > second.log
	cat second.log
	# The catalog's tip is this home's last share: nothing to fetch.
	[ "$(grep -cF "git-upload-pack" second.log)" -eq 0 ]
	[ "$(grep -cF "GET /git/$REPO.git/info/refs?service=git-receive-pack" second.log)" -eq 1 ]
	[ "$(grep -cF "POST /git/$REPO.git/git-receive-pack" second.log)" -eq 2 ]
	git_dir=$GIT_SERVER_REPOS/$REPO.git
	[ "$(git --git-dir="$git_dir" rev-parse "pipelines/$ID/v2")" = "$(git --git-dir="$git_dir" rev-parse "pipelines/$ID")" ]
	[ "$(store_git rev-parse "refs/remotes/catalog/pipelines/$ID")" = "$(git --git-dir="$git_dir" rev-parse "pipelines/$ID")" ]
}

@test "the token from the config file is used; a readable config is refused (exit 6)" {
	new_catalog
	create_pipeline
	printf '{"catalog": {"url": "%s"}, "token": "%s"}' "$URL" "$GIT_SERVER_TOKEN" > "$DATA_FACTORY_HOME/config.json"
	chmod 644 "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"chmod 600"* ]]
	[[ "$stderr" != *"$GIT_SERVER_TOKEN"* ]]
	chmod 600 "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "a wrong token and no token exit 6, and the token appears nowhere" {
	new_catalog
	create_pipeline
	before=$(git --git-dir="$GIT_SERVER_REPOS/$REPO.git" for-each-ref)
	dfc share -i "$ID" --catalog "$URL" --token "wrong-$GIT_SERVER_TOKEN" > "$TEST_TMP/wrong.out" 2> "$TEST_TMP/wrong.err" && return 1
	grep -q "refused the token" "$TEST_TMP/wrong.err"
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"needs a token"* ]]
	DATA_FACTORY_TOKEN="wrong-$GIT_SERVER_TOKEN" run --separate-stderr dfc list pipelines --refresh --catalog "$URL"
	[ "$status" -eq 6 ]
	[ "$(git --git-dir="$GIT_SERVER_REPOS/$REPO.git" for-each-ref)" = "$before" ]
	# a successful share leaves no trace of the token either
	dfc share -i "$ID" --catalog "$URL" --token "$GIT_SERVER_TOKEN" --verbose > "$TEST_TMP/ok.out" 2> "$TEST_TMP/ok.err"
	! everything | grep -qF "$GIT_SERVER_TOKEN" || false
	! everything | grep -qF "wrong-" || false
}

@test "an unreachable catalog exits 9 with the URL without credentials" {
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "http://user:secret@127.0.0.1:9/none.git" --token x
	[ "$status" -eq 9 ]
	[[ "$stderr" == *"http://127.0.0.1:9/none.git"* ]]
	[[ "$stderr" != *secret* ]]
	[[ "$stderr" == *"hint:"* ]]
}

@test "four concurrent shares over HTTP from one base: one lands, the others are refused, none is lost" {
	new_catalog
	# Other pipelines' refs, packed (DFC_TEST_CATALOG_REFS=60000 for an organisation's).
	catalog_fill "$GIT_SERVER_REPOS/$REPO.git" "${DFC_TEST_CATALOG_REFS:-600}"
	create_pipeline
	export DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	four_homes_share_at_once "$URL" "$GIT_SERVER_REPOS/$REPO.git"
}

@test "a URL dataset served by the test server gets its sha256 and size" {
	new_catalog
	create_pipeline
	head -c 300000 /dev/urandom > "$GIT_SERVER_FILES/big.bin"
	jq --arg url "$GIT_SERVER_URL/files/big.bin" '.nodes += [{"id": "remote", "type": "dataset", "url": $url}] | .edges += [{"from": "remote", "to": "clean", "arguments": [{"ref": "remote"}]}]' pipeline.json > p2.json
	mv p2.json pipeline.json
	run --separate-stderr dfc share -f pipeline.json --catalog "$URL" --token "$GIT_SERVER_TOKEN"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	git_dir=$GIT_SERVER_REPOS/$REPO.git
	did=$(git --git-dir="$git_dir" show "pipelines/$ID/v1:pipeline.json" | jq -r '.nodes[] | select(.id == "remote") | .dataset_id')
	git --git-dir="$git_dir" show "pipelines/$ID/v1:datasets/$did.json" > desc.json
	[ "$(jq -r .sha256 desc.json)" = "$(sha256sum < "$GIT_SERVER_FILES/big.bin" | cut -d' ' -f1)" ]
	[ "$(jq -r .size desc.json)" = 300000 ]
	[ "$(jq -r .url desc.json)" = "$GIT_SERVER_URL/files/big.bin" ]
	# the dataset was fetched without the token
	[ "$(git_server_log_count "GET /files/big.bin" 1)" -ge 1 ]
}

@test "a URL dataset download draws a progress bar on a terminal only" {
	new_catalog
	create_pipeline
	head -c 2000000 /dev/urandom > "$GIT_SERVER_FILES/bar.bin"
	jq --arg url "$GIT_SERVER_URL/files/bar.bin" '.nodes += [{"id": "remote", "type": "dataset", "url": $url}] | .edges += [{"from": "remote", "to": "clean"}]' pipeline.json > p2.json
	mv p2.json pipeline.json
	# on a terminal (script gives the tool one)
	script -qec "$(printf '%q ' "$DFC_BIN" share -f pipeline.json --catalog "$URL" --token "$GIT_SERVER_TOKEN")" /dev/null > tty.txt
	grep -q '100% \[#*\]' tty.txt
	# not on a pipe
	sed -i 's/bar.bin/bar2.bin/' pipeline.json
	cp "$GIT_SERVER_FILES/bar.bin" "$GIT_SERVER_FILES/bar2.bin"
	dfc share -f pipeline.json --catalog "$URL" --token "$GIT_SERVER_TOKEN" 2> pipe.txt
	! grep -q '%' pipe.txt || false
}

# A server on 127.0.0.1 that answers every request with a 302 to the same
# path on the git server, reached by another name (localhost): what a
# moved or hostile catalog does. Its port in $REDIRECT_PORT.
start_redirector() {
	timeout 120 python3 -c '
import http.server, sys
target = sys.argv[1]
class Moved(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.send_response(302)
        self.send_header("Location", target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Moved)
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()' "${GIT_SERVER_URL/127.0.0.1/localhost}" "$TEST_TMP/redirect.port" 2>/dev/null &
	REDIRECTOR=$!
	for _ in $(seq 300); do [ -s "$TEST_TMP/redirect.port" ] && break; sleep 0.1; done
	REDIRECT_PORT=$(cat "$TEST_TMP/redirect.port")
	[ -n "$REDIRECT_PORT" ]
}

access_log_lines() {
	if [ -f "$GIT_SERVER_LOG" ]; then wc -l < "$GIT_SERVER_LOG"; else echo 0; fi
}

@test "a catalog that redirects gets no token: the share fails (exit 9) and the token never leaves for the new host" {
	new_catalog
	create_pipeline
	start_redirector
	requests=$(access_log_lines)
	run --separate-stderr dfc share -i "$ID" --catalog "http://127.0.0.1:$REDIRECT_PORT/git/$REPO.git" \
		--token "$GIT_SERVER_TOKEN"
	kill "$REDIRECTOR"
	echo "$stderr"
	[ "$status" -eq 9 ]
	[[ "$stderr" == *"hint: "*"redirect"* ]]
	# The git server was never asked: the redirect was not followed.
	[ "$(access_log_lines)" -eq "$requests" ]
	run ! git --git-dir="$GIT_SERVER_REPOS/$REPO.git" rev-parse -q --verify "refs/heads/pipelines/$ID"
}

@test "share --runs over HTTP; list --refresh and sync bring the runs in their one fetch" {
	new_catalog
	export DATA_FACTORY_CATALOG=$URL DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	create_pipeline
	dfc run -i "$ID" > /dev/null 2>&1
	run_id=$(dfc runs -i "$ID" --json | jq -r '.[0].run')
	[ -n "$run_id" ] && [ "$run_id" != null ]
	run --separate-stderr dfc share -i "$ID" --runs
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "$stderr" == *"shared 1 run(s) of '$ID' at $URL"* ]]
	[ "$(git --git-dir="$GIT_SERVER_REPOS/$REPO.git" rev-parse "refs/dfc/runs/$ID")" = \
		"$(store_git rev-parse "refs/dfc/runs/$ID")" ]
	# Another home: list --refresh fetches versions and runs in one fetch (one
	# connection, one ref advertisement), and so does sync.
	export DATA_FACTORY_HOME=$TEST_TMP/home2
	fetches="GET /git/$REPO.git/info/refs?service=git-upload-pack"
	before=$(grep -cF "$fetches" "$GIT_SERVER_LOG" || true)
	run --separate-stderr dfc list pipelines --refresh --json
	[ "$status" -eq 0 ]
	[ "$(git_server_log_count "$fetches" $((before + 1)))" -eq $((before + 1)) ]
	store_git rev-parse -q --verify "refs/remotes/catalog/runs/$ID"
	run store_git rev-parse -q --verify "refs/dfc/runs/$ID"
	[ "$status" -ne 0 ]
	before=$((before + 1))
	run --separate-stderr dfc sync pipeline.json
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "$stderr" == *"recorded 1 run(s) of '$ID' from the catalog"* ]]
	[ "$(git_server_log_count "$fetches" $((before + 1)))" -eq $((before + 1)) ]
	[ "$(dfc runs -i "$ID" --json | jq -r '.[0].run')" = "$run_id" ]
}

@test "a catalog whose guard refuses run refs: share --runs exits 8 saying so, the version is shared" {
	new_catalog
	# A guard from before shared runs: refs/dfc/ is not a catalog ref.
	# shellcheck disable=SC2016 # the hook's own variables
	printf '#!/bin/sh\nwhile read -r o n r; do case $r in refs/dfc/*) echo "refused: $r" >&2; exit 1 ;; esac; done\n' \
		> "$GIT_SERVER_REPOS/$REPO.git/hooks/pre-receive"
	chmod 0755 "$GIT_SERVER_REPOS/$REPO.git/hooks/pre-receive"
	export DATA_FACTORY_CATALOG=$URL DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	create_pipeline
	dfc run -i "$ID" > /dev/null 2>&1
	run --separate-stderr dfc share -i "$ID" --runs
	[ "$status" -eq 8 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"error: the catalog at $URL refused the runs of '$ID'"* ]]
	[[ "$stderr" == *"hint: "*"hooks/pre-receive"* ]]
	git --git-dir="$GIT_SERVER_REPOS/$REPO.git" rev-parse -q --verify "refs/tags/pipelines/$ID/v1"
}
