#!/usr/bin/env bats
# A catalog that cannot be used says why (SPEC §5): the transport's cause in
# the one-line error, the documented exit status, a hint that works when
# followed, no secret echoed, and nothing written.

load helper
load git_server

setup_file() { git_server_start; }
teardown_file() { git_server_stop; }

# COMMAND... must fail with STATUS, its stderr holding PHRASE, its stdout
# empty, and leave the home and the current folder as they were.
fails_with() { # STATUS PHRASE COMMAND...
	local want=$1 phrase=$2 before work_before
	shift 2
	before=$(home_listing)
	work_before=$(find . | sort)
	run --separate-stderr "$@"
	echo "status $status; stderr: $stderr"
	[ "$status" -eq "$want" ]
	[ -z "$output" ]
	[[ "$stderr" == *"$phrase"* ]]
	[ "$(grep -c '^data-factory-cli: error: ' <<<"$stderr")" -eq 1 ]
	[ "$(home_listing)" = "$before" ]
	[ "$(find . | sort)" = "$work_before" ]
}

# A port on 127.0.0.1 where nothing listens.
closed_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# Run the 'git init --bare PATH' that the last hint in $stderr names, which
# must be PATH, then share $ID there: version 1.
follow_init_hint() { # PATH
	local command
	command=$(sed -n "s/^hint: .*'\(git init --bare [^']*\)'.*/\1/p" <<<"$stderr")
	[ "$command" = "git init --bare $1" ]
	$command -q
	run --separate-stderr dfc share -i "$ID" --catalog "$1"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "a host that does not resolve: 'cannot resolve host', exit 9, nothing written" {
	create_pipeline
	fails_with 9 "cannot reach the catalog at http://nosuch.invalid/team/catalog.git: cannot resolve host 'nosuch.invalid'" \
		dfc share -i "$ID" --catalog http://nosuch.invalid/team/catalog.git
	[[ "$stderr" == *"hint: "*"host name"* ]]
	fails_with 9 "cannot resolve host 'nosuch.invalid'" \
		dfc list pipelines --refresh --catalog https://nosuch.invalid/catalog.git
	fails_with 9 "cannot resolve host 'nosuch.invalid'" \
		dfc share -i "$ID" --catalog ssh://git@nosuch.invalid/srv/catalog.git
}

@test "sync from a catalog that cannot be reached writes nothing, FILE included" {
	create_pipeline
	cp pipeline.json "$TEST_TMP/before.json"
	fails_with 9 "cannot resolve host 'nosuch.invalid'" \
		dfc sync pipeline.json --catalog http://nosuch.invalid/catalog.git
	git init -q "$TEST_TMP/proj"
	fails_with 9 "it is a git work tree, not a bare repository" \
		dfc sync pipeline.json --catalog "$TEST_TMP/proj"
	cmp pipeline.json "$TEST_TMP/before.json"
}

@test "an scp-style URL to a host that does not resolve says so (exit 9)" {
	create_pipeline
	fails_with 9 "cannot reach the catalog at git@nosuch.invalid:team/catalog.git: cannot resolve host 'nosuch.invalid'" \
		dfc share -i "$ID" --catalog git@nosuch.invalid:team/catalog.git
}

@test "a closed port: 'connection refused', exit 9, nothing written" {
	create_pipeline
	port=$(closed_port)
	fails_with 9 "cannot reach the catalog at http://127.0.0.1:$port/catalog.git: connection refused by 127.0.0.1 port $port" \
		dfc share -i "$ID" --catalog "http://127.0.0.1:$port/catalog.git"
	[[ "$stderr" == *"hint: "*"server"* ]]
	fails_with 9 "connection refused by 127.0.0.1 port $port" \
		dfc list pipelines --refresh --catalog "ssh://git@127.0.0.1:$port/srv/catalog.git"
}

@test "an ftp:// URL: 'unsupported URL scheme', exit 9, nothing written" {
	create_pipeline
	fails_with 9 "cannot reach the catalog at ftp://example.org/catalog.git: unsupported URL scheme 'ftp'" \
		dfc share -i "$ID" --catalog ftp://example.org/catalog.git
	[[ "$stderr" == *"hint: "*"file://"*"https://"*"ssh://"*"host:path"* ]]
}

@test "a folder that is not a git repository: 'not a git repository', exit 9, nothing written" {
	create_pipeline
	mkdir -p "$TEST_TMP/notes" && echo hello > "$TEST_TMP/notes/readme.txt"
	fails_with 9 "cannot reach the catalog at $TEST_TMP/notes: not a git repository" \
		dfc share -i "$ID" --catalog "$TEST_TMP/notes"
	[ "$(ls -A "$TEST_TMP/notes")" = readme.txt ]
	[[ "$stderr" != *"git init --bare $TEST_TMP/notes'"* ]]
	fails_with 9 "not a git repository" dfc list pipelines --refresh --catalog "file://$TEST_TMP/notes"
	# A file, and an empty folder, which 'git init --bare' may fill.
	fails_with 9 "cannot reach the catalog at $TEST_TMP/notes/readme.txt: not a git repository" \
		dfc share -i "$ID" --catalog "$TEST_TMP/notes/readme.txt"
	mkdir "$TEST_TMP/empty"
	fails_with 9 "cannot reach the catalog at $TEST_TMP/empty: not a git repository (an empty folder)" \
		dfc share -i "$ID" --catalog "$TEST_TMP/empty"
	[[ "$stderr" == *"hint: create it with 'git init --bare $TEST_TMP/empty'"* ]]
}

@test "a missing folder: the hinted 'git init --bare' works" {
	create_pipeline
	fails_with 9 "cannot reach the catalog at $TEST_TMP/team.git: no such folder" \
		dfc share -i "$ID" --catalog "$TEST_TMP/team.git"
	[ ! -e "$TEST_TMP/team.git" ]
	[[ "$stderr" == *"hint: create it with 'git init --bare $TEST_TMP/team.git'"* ]]
	follow_init_hint "$TEST_TMP/team.git"
}

@test "a git work tree as the catalog: said so; no hint creates a repository inside it" {
	mkdir proj && cd proj
	git init -q .
	create_pipeline
	git add . && git commit -qm pipeline
	fails_with 9 "cannot reach the catalog at $TEST_TMP/work/proj: it is a git work tree, not a bare repository" \
		dfc share -i "$ID" --catalog .
	[[ "$stderr" != *"git init --bare $TEST_TMP/work/proj'"* ]]
	[[ "$stderr" == *"hint: "*"config set catalog.url URL"* ]]
	# A folder inside the work tree, missing or not: the same.
	fails_with 9 "cannot reach the catalog at $TEST_TMP/work/proj/catalog.git: it is inside the git work tree $TEST_TMP/work/proj, not a bare repository" \
		dfc share -i "$ID" --catalog catalog.git
	[[ "$stderr" != *"git init --bare $TEST_TMP/work/proj/"* ]]
	fails_with 9 "it is inside the git work tree $TEST_TMP/work/proj" \
		dfc list pipelines --refresh --catalog "$PWD/scripts"
	[ -z "$(git status --porcelain)" ]
	# The hinted repository is outside the work tree, and works.
	follow_init_hint "$TEST_TMP/work/proj-catalog.git"
	[ -z "$(git status --porcelain)" ]
}

@test "an HTTPS catalog whose certificate is not trusted: 'certificate problem', exit 6, nothing sent" {
	REPO=catalog-$BATS_TEST_NUMBER
	url=$(git_server_new_repo "$REPO")
	https=${url/#"$GIT_SERVER_URL"/"$GIT_SERVER_HTTPS_URL"}
	create_pipeline
	fails_with 6 "cannot reach the catalog at $https: certificate problem: " \
		dfc share -i "$ID" --catalog "$https" --token "$GIT_SERVER_TOKEN"
	[[ "$stderr" == *"hint: "*"CA"* ]]
	[ -z "$(git --git-dir="$GIT_SERVER_REPOS/$REPO.git" for-each-ref)" ]
}

@test "a 404 on a smart-HTTP server: 'not a git repository' (exit 9)" {
	create_pipeline
	fails_with 9 "cannot reach the catalog at $GIT_SERVER_URL/files/none.git: not a git repository (HTTP 404)" \
		dfc share -i "$ID" --catalog "$GIT_SERVER_URL/files/none.git"
}

@test "the token refused keeps its own error and exit 6" {
	REPO=catalog-$BATS_TEST_NUMBER
	url=$(git_server_new_repo "$REPO")
	create_pipeline
	fails_with 6 "the catalog at $url refused the token" \
		dfc share -i "$ID" --catalog "$url" --token "wrong-$GIT_SERVER_TOKEN"
	[[ "$stderr" != *"wrong-"* ]]
}

@test "no secret of the URL or the token is ever echoed" {
	create_pipeline
	for url in "http://ada:s3cret-pw@nosuch.invalid/catalog.git" \
		"https://s3cret-pw@nosuch.invalid/catalog.git" \
		"ftp://ada:s3cret-pw@example.org/catalog.git" \
		"ssh://ada:s3cret-pw@nosuch.invalid/catalog.git" \
		"http://ada:s3cret-pw@127.0.0.1:$(closed_port)/catalog.git"; do
		run --separate-stderr dfc share -i "$ID" --catalog "$url" --token s3cret-token --verbose
		echo "$url: $status $stderr"
		[ "$status" -eq 9 ]
		[[ "$stderr" != *s3cret* ]]
		[[ "$output" != *s3cret* ]]
	done
}

@test "control characters in the URL never reach the terminal raw" {
	create_pipeline
	run --separate-stderr dfc share -i "$ID" --catalog $'http://nosuch\e[31m.invalid/catalog.git'
	[ "$status" -eq 9 ]
	[[ "$stderr" != *$'\e'* ]]
	[[ "$stderr" == *'catalog at http://nosuch\x1b[31m.invalid/catalog.git: malformed URL'* ]]
	run --separate-stderr dfc share -i "$ID" --catalog $'ssh://nosuch\e[31m.invalid/catalog.git'
	[ "$status" -eq 9 ]
	[[ "$stderr" != *$'\e'* ]]
	[[ "$stderr" == *'catalog at ssh://nosuch\x1b[31m.invalid/catalog.git: malformed URL'* ]]
}
