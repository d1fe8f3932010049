#!/usr/bin/env bats
# config: get, set, unset and list settings like git config (SPEC §4, §7).

load helper

cfg_json() { cat "$DATA_FACTORY_HOME/config.json"; }

@test "set writes config.json atomically, get reads it back, list shows it" {
	dfc config set catalog.url https://git.example.org/data/catalog.git
	dfc config set user.name "Grace Hopper"
	dfc config set catalog.max_dataset_bytes 2048
	[ "$(jq -r .catalog.url "$DATA_FACTORY_HOME/config.json")" = https://git.example.org/data/catalog.git ]
	[ "$(jq -r .user.name "$DATA_FACTORY_HOME/config.json")" = "Grace Hopper" ]
	# a number stays a number in json
	[ "$(jq -r '.catalog.max_dataset_bytes | type' "$DATA_FACTORY_HOME/config.json")" = number ]
	run --separate-stderr dfc config get catalog.url
	[ "$status" -eq 0 ]
	[ "$output" = https://git.example.org/data/catalog.git ]
	run --separate-stderr dfc config get catalog.max_dataset_bytes
	[ "$output" = 2048 ]
	run --separate-stderr dfc config list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "catalog.url=https://git.example.org/data/catalog.git" ]
	[ "${lines[1]}" = "catalog.max_dataset_bytes=2048" ]
	[ "${lines[2]}" = "user.name=Grace Hopper" ]
	[ "${#lines[@]}" -eq 3 ]
	# no temporary file is left beside it
	[ "$(find "$DATA_FACTORY_HOME" -name '*.tmp-*' | wc -l)" -eq 0 ]
	# the file is written for config_load(): other commands accept it
	write_pipeline
	dfc create pipeline.json
	[ "$(store_git log -1 --format=%an --all)" = "Grace Hopper" ]
}

@test "the defaults: list shows catalog.max_dataset_bytes, get of an unset key exits 7" {
	run --separate-stderr dfc config list --show-origin
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'default\tcatalog.max_dataset_bytes=10485760')" ]
	run --separate-stderr dfc config get user.email
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	[[ "$stderr" == *"'user.email' is not set"* ]]
	[[ "$stderr" == *"hint: "*"config set user.email"* ]]
	# reading created nothing
	[ ! -e "$DATA_FACTORY_HOME" ]
}

@test "precedence: --catalog beats DATA_FACTORY_CATALOG beats the file beats the default" {
	run dfc config get --show-origin catalog.url
	[ "$status" -eq 7 ]
	dfc config set catalog.url /srv/file.git
	run --separate-stderr dfc config get --show-origin catalog.url
	[ "$output" = "$(printf 'file:%s\t/srv/file.git' "$DATA_FACTORY_HOME/config.json")" ]
	run --separate-stderr env DATA_FACTORY_CATALOG=/srv/env.git "$DFC_BIN" config get --show-origin catalog.url
	[ "$output" = "$(printf 'env:DATA_FACTORY_CATALOG\t/srv/env.git')" ]
	run --separate-stderr env DATA_FACTORY_CATALOG=/srv/env.git "$DFC_BIN" --catalog /srv/flag.git config get --show-origin catalog.url
	[ "$output" = "$(printf 'flag:--catalog\t/srv/flag.git')" ]
	# the same order decides where share goes
	write_pipeline
	ID=$(dfc create pipeline.json)
	git init -q --bare "$TEST_TMP/env.git"
	git init -q --bare "$TEST_TMP/flag.git"
	git init -q --bare "$TEST_TMP/file.git"
	dfc config set catalog.url "$TEST_TMP/file.git"
	DATA_FACTORY_CATALOG=$TEST_TMP/env.git dfc --catalog "$TEST_TMP/flag.git" share -i "$ID"
	git --git-dir="$TEST_TMP/flag.git" rev-parse -q --verify "pipelines/$ID" >/dev/null
	DATA_FACTORY_CATALOG=$TEST_TMP/env.git dfc share -i "$ID"
	git --git-dir="$TEST_TMP/env.git" rev-parse -q --verify "pipelines/$ID" >/dev/null
	dfc share -i "$ID"
	git --git-dir="$TEST_TMP/file.git" rev-parse -q --verify "pipelines/$ID" >/dev/null
	# an empty variable counts as unset
	run --separate-stderr env DATA_FACTORY_CATALOG= "$DFC_BIN" config get catalog.url
	[ "$output" = "$TEST_TMP/file.git" ]
}

@test "GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL are the environment of user.name and user.email" {
	dfc config set user.name "From File"
	run --separate-stderr env GIT_AUTHOR_NAME="From Env" "$DFC_BIN" config list --show-origin
	[[ "$output" == *"$(printf 'env:GIT_AUTHOR_NAME\tuser.name=From Env')"* ]]
	run --separate-stderr dfc config get user.name
	[ "$output" = "From File" ]
}

@test "a token is never printed; config set token writes the file with mode 0600" {
	dfc config set catalog.url https://example.org/c.git
	[ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 644 ] || [ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 664 ]
	printf 'tok-SECRET-123\n' | dfc config set token
	[ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 600 ]
	[ "$(jq -r .token "$DATA_FACTORY_HOME/config.json")" = tok-SECRET-123 ]
	run --separate-stderr dfc config get token
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"token is set"* ]]
	[[ "$stderr" != *SECRET* ]]
	run --separate-stderr dfc config list --show-origin
	[[ "$output" == *"$(printf 'token=(hidden)')"* ]]
	[[ "$output$stderr" != *SECRET* ]]
	run --separate-stderr dfc config list --json
	[ "$(echo "$output" | jq -r '.token.set')" = true ]
	[ "$(echo "$output" | jq -r '.token | has("value")')" = false ]
	[[ "$output" != *SECRET* ]]
	run --separate-stderr env DATA_FACTORY_TOKEN=env-SECRET "$DFC_BIN" config list --show-origin
	[[ "$output" == *"$(printf 'env:DATA_FACTORY_TOKEN\ttoken=(hidden)')"* ]]
	[[ "$output$stderr" != *SECRET* ]]
	# the token from the argument form too
	dfc config set token other-SECRET
	[ "$(jq -r .token "$DATA_FACTORY_HOME/config.json")" = other-SECRET ]
	[ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 600 ]
	# unset keeps the mode and removes the key
	dfc config unset token
	[ "$(jq -r 'has("token")' "$DATA_FACTORY_HOME/config.json")" = false ]
	[ "$(jq -r .catalog.url "$DATA_FACTORY_HOME/config.json")" = https://example.org/c.git ]
}

@test "set fixes a token file readable by others, which every other command refuses" {
	mkdir -p "$DATA_FACTORY_HOME"
	printf '{"token": "t0k"}' > "$DATA_FACTORY_HOME/config.json"
	chmod 644 "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc config list
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"chmod 600"* ]]
	dfc config set token t0k2
	[ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 600 ]
	run dfc config list
	[ "$status" -eq 0 ]
}

@test "config.ini is edited in place: comments, order and other lines stay" {
	mkdir -p "$DATA_FACTORY_HOME"
	cat > "$DATA_FACTORY_HOME/config.ini" <<'INI'
; the team's settings
[catalog]
url = https://old.example.org/c.git   ; the old server

[user]
# who we are
name = Ada
INI
	dfc config set catalog.url https://new.example.org/c.git
	dfc config set user.email ada@example.org
	dfc config set catalog.max_dataset_bytes 100
	dfc config set token s3cr3t
	[ ! -e "$DATA_FACTORY_HOME/config.json" ]
	[ "$(stat -c %a "$DATA_FACTORY_HOME/config.ini")" = 600 ]
	cat > expected.ini <<'INI'
; the team's settings
[catalog]
url = https://new.example.org/c.git
max_dataset_bytes = 100

[user]
# who we are
name = Ada
email = ada@example.org

[auth]
token = s3cr3t
INI
	diff -u expected.ini "$DATA_FACTORY_HOME/config.ini"
	run --separate-stderr dfc config get user.email
	[ "$output" = ada@example.org ]
	dfc config unset user.name
	run grep -c '^name' "$DATA_FACTORY_HOME/config.ini"
	[ "$output" = 0 ]
	grep -q '^# who we are$' "$DATA_FACTORY_HOME/config.ini"
}

@test "a value config.ini cannot hold is refused and the file is unchanged" {
	mkdir -p "$DATA_FACTORY_HOME"
	printf '[catalog]\nurl = a\n' > "$DATA_FACTORY_HOME/config.ini"
	cp "$DATA_FACTORY_HOME/config.ini" before.ini
	run --separate-stderr dfc config set catalog.url 'x ; y'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config.ini"* ]]
	run --separate-stderr dfc config set user.name "$(printf 'two\nlines')"
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config set user.name ' padded'
	[ "$status" -eq 2 ]
	cmp before.ini "$DATA_FACTORY_HOME/config.ini"
}

@test "bad keys and values are usage errors that change nothing" {
	dfc config set user.name Ada
	cp "$DATA_FACTORY_HOME/config.json" before.json
	run --separate-stderr dfc config set catalog.nope x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown key 'catalog.nope'"* ]]
	[[ "$stderr" == *"hint: "*"catalog.url"* ]]
	run --separate-stderr dfc config set catalog.max_dataset_bytes 10k
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"non-negative integer"* ]]
	run --separate-stderr dfc config set catalog.max_dataset_bytes 99999999999999999999999
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config set user.email ''
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config unset user.email"* ]]
	run --separate-stderr dfc config set user.name "$(printf 'bad\xffutf8')"
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config frobnicate
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config get
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config set user.name a b
	[ "$status" -eq 2 ]
	run --separate-stderr dfc config list extra
	[ "$status" -eq 2 ]
	cmp before.json "$DATA_FACTORY_HOME/config.json"
}

@test "a malformed config file: exit 2 with the file and line; set refuses to touch it" {
	mkdir -p "$DATA_FACTORY_HOME"
	printf '{\n  "catalog": {,\n}' > "$DATA_FACTORY_HOME/config.json"
	cp "$DATA_FACTORY_HOME/config.json" before.json
	run --separate-stderr dfc config list
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config.json"*"line 2"* ]]
	run --separate-stderr dfc config set user.name Ada
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config.json"*"line 2"* ]]
	cmp before.json "$DATA_FACTORY_HOME/config.json"
	rm "$DATA_FACTORY_HOME/config.json"
	printf '[user]\nname = a\nthis is not ini\n' > "$DATA_FACTORY_HOME/config.ini"
	run --separate-stderr dfc config get user.name
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config.ini"*"line 3"* ]]
}

@test "both files: config.json wins, list says so, set writes config.json" {
	mkdir -p "$DATA_FACTORY_HOME"
	printf '[user]\nname = From Ini\n' > "$DATA_FACTORY_HOME/config.ini"
	printf '{"user": {"name": "From Json"}}\n' > "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc config get user.name
	[ "$output" = "From Json" ]
	[[ "$stderr" == *"config.ini is ignored"*"config.json"* ]]
	dfc config set user.email j@example.org
	[ "$(jq -r .user.email "$DATA_FACTORY_HOME/config.json")" = j@example.org ]
	! grep -q email "$DATA_FACTORY_HOME/config.ini" || false
	run --separate-stderr dfc --quiet config get user.name
	[ -z "$stderr" ]
}

@test "unset of a key that is not set changes nothing and says so; empty sections go" {
	dfc config set user.name Ada
	dfc config unset user.name
	[ "$(jq -c . "$DATA_FACTORY_HOME/config.json")" = '{}' ]
	run --separate-stderr dfc config unset user.name
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"not set"* ]]
	# nothing at all: no home is created
	rm -rf "$DATA_FACTORY_HOME"
	run dfc config unset user.name
	[ "$status" -eq 0 ]
	[ ! -e "$DATA_FACTORY_HOME" ]
}

@test "list --json gives every value with its origin" {
	dfc config set catalog.url /srv/c.git
	run --separate-stderr env GIT_AUTHOR_EMAIL=e@example.org "$DFC_BIN" config list --json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.["catalog.url"].value')" = /srv/c.git ]
	[ "$(echo "$output" | jq -r '.["catalog.url"].origin')" = file ]
	[ "$(echo "$output" | jq -r '.["catalog.url"].source')" = "$DATA_FACTORY_HOME/config.json" ]
	[ "$(echo "$output" | jq -r '.["catalog.max_dataset_bytes"].value')" = 10485760 ]
	[ "$(echo "$output" | jq -r '.["catalog.max_dataset_bytes"].origin')" = default ]
	[ "$(echo "$output" | jq -r '.["user.email"].origin')" = env ]
	[ "$(echo "$output" | jq -r '.["user.email"].source')" = GIT_AUTHOR_EMAIL ]
	[ "$(echo "$output" | jq -r 'has("user.name")')" = false ]
}

@test "concurrent sets of different keys all land" {
	for i in 1 2 3 4 5 6; do
		case $i in
		1) dfc config set catalog.url "/srv/$i.git" & ;;
		2) dfc config set user.name "User $i" & ;;
		3) dfc config set user.email "u$i@example.org" & ;;
		4) dfc config set catalog.max_dataset_bytes "$i" & ;;
		5) dfc config set token "tok$i" & ;;
		6) dfc config set catalog.url "/srv/$i.git" & ;;
		esac
	done
	wait
	[ "$(jq -r .user.name "$DATA_FACTORY_HOME/config.json")" = "User 2" ]
	[ "$(jq -r .user.email "$DATA_FACTORY_HOME/config.json")" = u3@example.org ]
	[ "$(jq -r .catalog.max_dataset_bytes "$DATA_FACTORY_HOME/config.json")" = 4 ]
	[ "$(jq -r .token "$DATA_FACTORY_HOME/config.json")" = tok5 ]
	[[ "$(jq -r .catalog.url "$DATA_FACTORY_HOME/config.json")" == /srv/[16].git ]]
}

@test "config --help lists the actions" {
	run dfc config --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"config get"* ]]
	[[ "$output" == *"config set"* ]]
	[[ "$output" == *"config unset"* ]]
	[[ "$output" == *"config list"* ]]
}
