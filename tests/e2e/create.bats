#!/usr/bin/env bats
# create: validate, assign or adopt the id, record version 1, write the id back.

load helper

@test "create prints only a UUIDv7 and records version 1" {
	write_pipeline
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	id=$output
	[ -f "$DATA_FACTORY_HOME/pipelines/${id}_1.json" ]
	check_view "$id"
	[ "$(store_git rev-parse "pipelines/$id/v1")" = "$(store_git rev-parse "refs/heads/pipelines/$id")" ]
}

@test "create inserts the id and changes no other byte" {
	write_pipeline
	cp pipeline.json before.json
	id=$(dfc create pipeline.json)
	[ "$(sed -n 2p pipeline.json)" = "  \"id\": \"$id\"," ]
	sed 2d pipeline.json > without-id.json
	cmp before.json without-id.json
}

@test "create keeps a compact one-line style" {
	write_pipeline
	printf '{"nodes":[{"id":"a","type":"dataset","path":"a.csv"}],"edges":[]}' > compact.json
	id=$(dfc create compact.json)
	[ "$(cat compact.json)" = "{\"id\":\"$id\",\"nodes\":[{\"id\":\"a\",\"type\":\"dataset\",\"path\":\"a.csv\"}],\"edges\":[]}" ]
}

@test "create keeps tab indentation and CRLF line endings" {
	printf '{\r\n\t"nodes": [],\r\n\t"edges": []\r\n}\r\n' > tabs.json
	id=$(dfc create tabs.json)
	[ "$(cat tabs.json)" = "$(printf '{\r\n\t"id": "%s",\r\n\t"nodes": [],\r\n\t"edges": []\r\n}\r\n' "$id")" ]
}

@test "create stores the canonical form with id first and the script snapshot" {
	write_pipeline
	id=$(dfc create pipeline.json)
	store_git show "pipelines/$id/v1:pipeline.json" > stored.json
	[ "$(head -2 stored.json | tail -1)" = "  \"id\": \"$id\"," ]
	blob=$(git hash-object scripts/clean.py)
	store_git cat-file -e "pipelines/$id/v1:scripts/$blob/clean.py"
	[ "$(store_git show "pipelines/$id/v1:scripts/$blob/clean.py")" = "$(cat scripts/clean.py)" ]
}

@test "create records the message, the trailers and the git author" {
	write_pipeline
	id=$(dfc create pipeline.json -m "first cut")
	msg=$(store_git log -1 --format=%B "pipelines/$id")
	[[ "$msg" == "first cut"* ]]
	[[ "$msg" == *"Pipeline-Id: $id"* ]]
	[[ "$msg" == *"Pipeline-Version: 1"* ]]
	[[ "$msg" == *"Source-File: $PWD/pipeline.json"* ]]
	[ "$(store_git log -1 --format='%an <%ae>' "pipelines/$id")" = "Ada Lovelace <ada@example.org>" ]
}

@test "create without -m uses the default message" {
	write_pipeline
	id=$(dfc create pipeline.json)
	[ "$(store_git log -1 --format=%s "pipelines/$id")" = "update $id to version 1" ]
}

@test "GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL beat git config" {
	write_pipeline
	id=$(GIT_AUTHOR_NAME="Grace Hopper" GIT_AUTHOR_EMAIL=grace@example.org dfc create pipeline.json)
	[ "$(store_git log -1 --format='%an <%ae>' "pipelines/$id")" = "Grace Hopper <grace@example.org>" ]
}

@test "without any git identity the login name is the author" {
	write_pipeline
	rm "$HOME/.gitconfig"
	id=$(dfc create pipeline.json)
	[ "$(store_git log -1 --format=%an "pipelines/$id")" = "$(id -un)" ]
}

@test "create adopts an id the file already has" {
	write_pipeline
	sed -i '1a "id": "sales-2024",' pipeline.json
	cp pipeline.json before.json
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "sales-2024" ]
	cmp before.json pipeline.json
	check_view sales-2024
}

@test "create refuses a pipeline that already exists and points to update" {
	create_pipeline
	before=$(home_listing)
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"data-factory-cli: error: pipeline '$ID' already exists"* ]]
	[[ "$stderr" == *"hint:"*"update"* ]]
	[ "$(home_listing)" = "$before" ]
}

@test "create refuses an invalid file with exit 3 and writes nothing" {
	printf '{"nodes": [{"id": "a", "type": "table"}], "edges": []}' > bad.json
	cp bad.json before.json
	run --separate-stderr dfc create bad.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.json: /nodes/0/type:"* ]]
	[ ! -e "$DATA_FACTORY_HOME/repo.git" ] || [ -z "$(store_git for-each-ref)" ]
	cmp before.json bad.json
}

@test "create refuses an unsafe id with exit 6 before touching anything" {
	write_pipeline
	sed -i '1a "id": "../../etc/passwd",' pipeline.json
	before=$(home_listing)
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"unsafe pipeline id"* ]]
	[ "$(home_listing)" = "$before" ]
}

@test "create fails with exit 5 when a script file is missing" {
	write_pipeline
	rm scripts/clean.py
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 5 ]
	[[ "$stderr" == *"script 'clean' not found"* ]]
	[ "$(jq -r '.id // "none"' pipeline.json)" = none ]
}

@test "create reads no standard input" {
	run --separate-stderr dfc create -
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'-' (standard input) is no pipeline file here"* ]]
}

@test "create of a missing file exits 7" {
	run --separate-stderr dfc create nowhere.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no such file 'nowhere.json'"* ]]
}

@test "create follows a symbolic link and keeps it" {
	write_pipeline real.json
	ln -s real.json link.json
	id=$(dfc create link.json)
	[ -L link.json ]
	grep -q "\"id\": \"$id\"" real.json
}

@test "user.name and user.email of the config file beat git's; GIT_AUTHOR_* beats both" {
	write_pipeline
	mkdir -p "$DATA_FACTORY_HOME"
	printf '[user]\nname = Katherine Johnson\nemail = kj@example.org\n' > "$DATA_FACTORY_HOME/config.ini"
	id=$(dfc create pipeline.json)
	[ "$(store_git log -1 --format='%an <%ae>' "pipelines/$id")" = "Katherine Johnson <kj@example.org>" ]
	sed -i 's/1000/5/' pipeline.json
	GIT_AUTHOR_NAME="Dorothy Vaughan" dfc update pipeline.json
	[ "$(store_git log -1 --format='%an <%ae>' "pipelines/$id")" = "Dorothy Vaughan <kj@example.org>" ]
}

@test "a malformed config file is a usage error naming the file and line (exit 2)" {
	write_pipeline
	mkdir -p "$DATA_FACTORY_HOME"
	printf '{"catalog": {"url": 3}}' > "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *config.json* ]]
	printf '{\n  "catalog": {,\n}' > "$DATA_FACTORY_HOME/config.json"
	run --separate-stderr dfc create pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"config.json"*"line 2"* ]]
}

@test "a script or dataset file name git cannot store (.GIT, git~1, '.git. ') is exit 6 and writes nothing" {
	for name in .GIT git~1 '.git. '; do
		rm -rf s pipeline.json "$DATA_FACTORY_HOME"
		mkdir s
		echo 'echo hi' > "s/$name"
		jq -n --arg p "s/$name" '{name: "n", nodes: [{id: "a", type: "script", path: $p}], edges: []}' > pipeline.json
		cp pipeline.json before.json
		run --separate-stderr dfc create pipeline.json
		echo "$name: $stderr"
		[ "$status" -eq 6 ]
		[[ "$stderr" == *"error: script 'a' has an unusable file name 's/$name'"* ]]
		cmp pipeline.json before.json
		[ ! -e "$DATA_FACTORY_HOME/repo.git/objects" ] || [ -z "$(find "$DATA_FACTORY_HOME/repo.git/objects" -type f)" ]
	done
	# A dataset: refused when the catalog form would store it.
	rm -rf s "$DATA_FACTORY_HOME"
	mkdir s
	echo 'echo hi' > s/run.sh
	echo 1 > s/.GIT
	jq -n '{name: "n", nodes: [{id: "a", type: "script", path: "s/run.sh"},
		{id: "d", type: "dataset", path: "s/.GIT"}], edges: [{from: "d", to: "a"}]}' > pipeline.json
	id=$(dfc create pipeline.json)
	run --separate-stderr dfc share -i "$id"
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"error: dataset 'd' has an unusable file name 's/.GIT'"* ]]
	run ! git --git-dir="$DATA_FACTORY_HOME/catalog.git" rev-parse -q --verify "refs/heads/pipelines/$id"
}

# A copy of the example pipeline at ml2/pipeline.json; the original at
# ml/pipeline.json, created ($ID).
copy_pipeline() {
	mkdir -p ml
	(cd ml && create_pipeline) || return 1
	ID=$(jq -r .id ml/pipeline.json)
	cp -r ml ml2
}

@test "create --new-id gives a copy a fresh id, changing only the id's bytes, and records its version 1" {
	copy_pipeline
	# an odd layout: the id last, after other members holding "id" keys
	printf '{ "nodes":[ {"id":"s","type":"script","path":"scripts/clean.py"} ] ,\n\t"edges" :[],"id"  :  "%s" }\n' "$ID" > ml2/pipeline.json
	cp ml2/pipeline.json before.json
	run --separate-stderr dfc create --new-id ml2/pipeline.json
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	new=$output
	[ "$new" != "$ID" ]
	# only the id's bytes changed: putting the old id back gives the old file
	sed "s/$new/$ID/" ml2/pipeline.json > back.json
	cmp before.json back.json
	[ "$(jq -r .id ml2/pipeline.json)" = "$new" ]
	# version 1 of the new pipeline, from the copy; the original is untouched
	[ "$(store_git log --format=%s "pipelines/$new")" = "update $new to version 1" ]
	[[ "$(store_git log -1 --format=%B "pipelines/$new")" == *"Source-File: $PWD/ml2/pipeline.json"* ]]
	check_view "$new"
	[ "$(store_git rev-list --count "pipelines/$ID")" -eq 1 ]
	[ "$(jq -r .id ml/pipeline.json)" = "$ID" ]
}

@test "create --new-id on the example layout, with -m; on a file without an id it is create" {
	copy_pipeline
	cp ml2/pipeline.json before.json
	new=$(dfc create --new-id -m "forked for the ml team" ml2/pipeline.json)
	sed "s/$new/$ID/" ml2/pipeline.json | cmp before.json -
	[ "$(store_git log -1 --format=%s "pipelines/$new")" = "forked for the ml team" ]
	write_pipeline fresh.json
	cp fresh.json fresh-before.json
	fresh=$(dfc create --new-id fresh.json)
	[ "$(sed -n 2p fresh.json)" = "  \"id\": \"$fresh\"," ]
	sed 2d fresh.json | cmp fresh-before.json -
	check_view "$fresh"
}

@test "create --new-id refuses a file it cannot write, before recording anything" {
	[ "$(id -u)" -ne 0 ] || skip "root writes read-only files"
	copy_pipeline
	chmod a-w ml2/pipeline.json
	cp ml2/pipeline.json before.json
	before=$(home_listing)
	run --separate-stderr dfc create --new-id ml2/pipeline.json
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$(grep -c 'error:' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"error: cannot write the id into 'ml2/pipeline.json'"* ]]
	[[ "$stderr" == *"hint: make '$PWD/ml2/pipeline.json' and its folder '$PWD/ml2' writable"* ]]
	[ "$(home_listing)" = "$before" ]
	cmp before.json ml2/pipeline.json
	# following the hint works
	chmod u+w ml2/pipeline.json
	run --separate-stderr dfc create --new-id ml2/pipeline.json
	[ "$status" -eq 0 ]
}

@test "create of a copy refuses (exit 8) naming both files and hints at --new-id" {
	copy_pipeline
	before=$(home_listing)
	run --separate-stderr dfc create ml2/pipeline.json
	[ "$status" -eq 8 ]
	[ -z "$output" ]
	[ "$(grep -c 'error:' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"error: 'ml2/pipeline.json' is a copy of 'ml/pipeline.json': both carry pipeline id $ID"* ]]
	[[ "$stderr" == *"hint: give the copy an id of its own: data-factory-cli create --new-id ml2/pipeline.json"* ]]
	[ "$(home_listing)" = "$before" ]
	# the original moved away: create still refuses, pointing to update and to --new-id
	rm -r ml
	run --separate-stderr dfc create ml2/pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"error: pipeline '$ID' already exists in the local store (recorded from 'ml/pipeline.json')"* ]]
	[[ "$stderr" == *"hint: record a new version with 'data-factory-cli update ml2/pipeline.json'"* ]]
	[[ "$stderr" == *"hint: or make 'ml2/pipeline.json' a pipeline of its own: data-factory-cli create --new-id ml2/pipeline.json"* ]]
	[ "$(home_listing)" = "$before" ]
	# both hints work when followed
	sed -i 's/1000/2000/' ml2/pipeline.json
	run --separate-stderr dfc update ml2/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	run --separate-stderr dfc create --new-id ml2/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" != "$ID" ]
}

@test "create of a copy: the hint's command works when followed" {
	copy_pipeline
	run --separate-stderr dfc create ml2/pipeline.json
	[ "$status" -eq 8 ]
	hint=$(sed -n 's/^hint: give the copy an id of its own: data-factory-cli //p' <<<"$stderr")
	# shellcheck disable=SC2086 # the hint's words
	run --separate-stderr dfc $hint
	[ "$status" -eq 0 ]
	[ "$(jq -r .id ml2/pipeline.json)" = "$output" ]
	[ "$(jq -r .id ml/pipeline.json)" = "$ID" ]
}
