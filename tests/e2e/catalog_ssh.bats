#!/usr/bin/env bats
# The catalog over ssh: a real OpenSSH sshd on 127.0.0.1 serving bare
# repositories (with hooks/pre-receive installed), reached through libgit2's
# ssh transport with the key files of $HOME/.ssh or the ssh agent.

load helper
load ssh_server

setup_file() { ssh_server_start; }
teardown_file() { ssh_server_stop; }

# helper.bash's teardown, kept to run after ours (which ends the ssh agent
# that a test may have started).
declare -F _helper_teardown >/dev/null || eval "_helper_$(declare -f teardown)"
teardown() {
	if [ -n "${AGENT_PID:-}" ]; then
		kill "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	_helper_teardown
}

new_catalog() {
	REPO=catalog-$BATS_TEST_NUMBER
	URL=$(ssh_server_new_repo "$REPO")
}

served_git() {
	git --git-dir="$SSH_SERVER_REPOS/$REPO.git" "$@"
}

@test "share over ssh pushes the branch and the tag" {
	ssh_server_install_client_key
	new_catalog
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$output" = 1 ]
	served_git rev-parse -q --verify "refs/heads/pipelines/$ID"
	served_git rev-parse -q --verify "refs/tags/pipelines/$ID/v1"
	# it came through sshd, with the client key
	grep -q "Accepted publickey for $SSH_SERVER_USER" "$SSH_SERVER_LOG"
	# plain git reaches the same catalog with the installed key
	run git ls-remote "$URL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"refs/tags/pipelines/$ID/v1"* ]]
}

@test "share twice, list --refresh and sync over ssh" {
	ssh_server_install_client_key
	new_catalog
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$output" = 1 ]
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$output" = 2 ]
	served_git rev-parse -q --verify "refs/tags/pipelines/$ID/v2"
	run --separate-stderr dfc list pipelines --refresh --catalog "$URL" --json
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$(jq -r '.[0].catalog_version' <<<"$output")" = 2 ]
	run --separate-stderr dfc sync pipeline.json --catalog "$URL" --version 1
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	grep -q 1000 pipeline.json
	! grep -q 2000 pipeline.json || false
}

@test "without a client key share fails with exit 6 and pushes nothing" {
	ssh_server_install_client_key
	rm "$HOME/.ssh/id_ed25519"
	new_catalog
	create_pipeline
	before=$(served_git for-each-ref)
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	[ -z "$output" ]
	[[ "$stderr" == *"refused the ssh key"* ]]
	[[ "$stderr" == *"hint:"*"ssh-agent"* ]]
	[ "$(served_git for-each-ref)" = "$before" ]
}

@test "a key the server does not know is refused with exit 6" {
	ssh_server_install_client_key
	rm "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C stranger -f "$HOME/.ssh/id_ed25519"
	new_catalog
	create_pipeline
	before=$(served_git for-each-ref)
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	[ "$(served_git for-each-ref)" = "$before" ]
}

@test "with SSH_AUTH_SOCK the key comes from the ssh agent" {
	ssh_server_install_client_key
	rm "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"
	ssh-agent -D -a "$TEST_TMP/agent.sock" </dev/null >/dev/null 2>&1 3>&- &
	AGENT_PID=$!
	for ((i = 0; i < 300; i++)); do
		[ -S "$TEST_TMP/agent.sock" ] && break
		sleep 0.1
	done
	export SSH_AUTH_SOCK=$TEST_TMP/agent.sock
	ssh-add -q "$SSH_SERVER_KEY"
	new_catalog
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[ "$output" = 1 ]
	served_git rev-parse -q --verify "refs/tags/pipelines/$ID/v1"
	# an agent without the key: refused like a missing key
	ssh-add -q -D
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	! served_git rev-parse -q --verify "refs/tags/pipelines/$ID/v2" || false
}

@test "an unknown or changed host key is refused and nothing is pushed" {
	ssh_server_install_client_key
	new_catalog
	create_pipeline
	before=$(served_git for-each-ref)
	rm "$HOME/.ssh/known_hosts"
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	[ -z "$output" ]
	[[ "$stderr" == *"unknown or changed host key"* ]]
	[ "$(served_git for-each-ref)" = "$before" ]
	# another key recorded for [127.0.0.1]:PORT: a man in the middle
	printf '[127.0.0.1]:%s %s\n' "$SSH_SERVER_PORT" "$(cut -d' ' -f1,2 "$SSH_SERVER_KEY.pub")" \
		> "$HOME/.ssh/known_hosts"
	run --separate-stderr dfc share -i "$ID" --catalog "$URL"
	[ "$status" -eq 6 ]
	[ "$(served_git for-each-ref)" = "$before" ]
}
