#!/usr/bin/env bats
# Hostile input (SPEC §12): a clear error, the documented exit code, and
# nothing written — the home's listing is compared before and after.

load helper

# Run create, update and validate on FILE; each must exit with $2 and leave
# the home as it was.
refused() {
	local file=$1 code=$2 before cmd
	before=$(home_listing)
	cp "$file" "$TEST_TMP/original"
	for cmd in validate create update status; do
		run --separate-stderr dfc "$cmd" "$file"
		[ "$status" -eq "$code" ] || { echo "$cmd: exit $status, want $code: $stderr"; return 1; }
		[[ "$stderr" == "data-factory-cli: error: "* ]] || { echo "$cmd: $stderr"; return 1; }
		[ "$(home_listing)" = "$before" ] || { echo "$cmd wrote into the home"; return 1; }
		cmp "$TEST_TMP/original" "$file" || { echo "$cmd changed the file"; return 1; }
	done
}

setup_home() {
	create_pipeline existing.json
}

@test "an empty file" {
	setup_home
	: > empty.json
	refused empty.json 3
	[[ "$stderr" == *"empty"* ]]
}

@test "white space only" {
	setup_home
	printf ' \n\t\n' > blank.json
	refused blank.json 3
}

@test "NUL bytes" {
	setup_home
	printf '{"nodes": [], \0 "edges": []}' > nul.json
	refused nul.json 3
	[[ "$stderr" == *"NUL"* ]]
}

@test "a NUL escape inside a string" {
	setup_home
	printf '{"name": "a\\u0000b", "nodes": [], "edges": []}' > nulesc.json
	refused nulesc.json 3
}

@test "invalid UTF-8" {
	setup_home
	printf '{"name": "\xff\xfe", "nodes": [], "edges": []}' > utf8.json
	refused utf8.json 3
	[[ "$stderr" == *"UTF-8"* ]]
}

@test "200,000-deep nesting" {
	setup_home
	{ printf '{"nodes": '; head -c 200000 /dev/zero | tr '\0' '['; } > deep.json
	refused deep.json 3
	[[ "$stderr" == *"nesting"* ]]
}

@test "a multi-megabyte string" {
	setup_home
	{ printf '{"name": "'; head -c 6000000 /dev/zero | tr '\0' 'x'; printf '", "nodes": {}, "edges": []}'; } > big.json
	refused big.json 3
}

@test "a multi-megabyte file of garbage" {
	setup_home
	head -c 5000000 /dev/urandom > garbage.json
	refused garbage.json 3
}

@test "a file over the size limit is refused before it is read" {
	setup_home
	truncate -s 300M huge.json
	refused huge.json 3
	[[ "$stderr" == *"larger than"* ]]
}

@test "a top level that is not an object" {
	setup_home
	echo '[1, 2]' > array.json
	refused array.json 3
	[[ "$stderr" == *"object"* ]]
}

@test "duplicate keys" {
	setup_home
	printf '{"nodes": [], "edges": [], "edges": []}' > dup.json
	refused dup.json 3
}

@test "unsafe pipeline ids are refused with exit 6" {
	setup_home
	for bad in '../x' 'a/b' '.hidden' '-rf' 'x.lock' 'a..b' 'a b' "$(printf 'a\nb')" \
		"$(head -c 65 /dev/zero | tr '\0' a)" ''; do
		jq -n --arg id "$bad" '{id: $id, nodes: [], edges: []}' > unsafe.json
		refused unsafe.json 6 || { echo "id: '$bad'"; return 1; }
	done
}

@test "unsafe ids on the command line are refused with exit 6" {
	setup_home
	before=$(home_listing)
	for bad in '../x' 'refs/heads/main' 'x.lock' '-v'; do
		run --separate-stderr dfc show -i "$bad"
		[ "$status" -eq 6 ] || [ "$status" -eq 2 ] || { echo "$bad: $status"; return 1; }
		run --separate-stderr dfc log -i "$bad"
		[ "$status" -eq 6 ] || [ "$status" -eq 2 ]
	done
	run --separate-stderr dfc show -i '../x'
	[ "$status" -eq 6 ]
	[ "$(home_listing)" = "$before" ]
}

@test "arguments made to attack a shell are data, kept byte for byte" {
	setup_home
	cat > attack.json <<'JSON'
{ "nodes": [ { "id": "s", "type": "script", "path": "scripts/clean.py" },
             { "id": "d", "type": "dataset", "path": "$(touch pwned)" } ],
  "edges": [ { "from": "s", "to": "d", "arguments": ["$(touch pwned)", "`touch pwned`", "; rm -rf /", "\n--x", "'\"", "-e"] } ] }
JSON
	id=$(dfc create attack.json)
	[ ! -e pwned ]
	store_git show "pipelines/$id/v1:pipeline.json" | jq -e '.edges[0].arguments[0] == "$(touch pwned)" and .edges[0].arguments[3] == "\n--x"'
}

@test "a key holding terminal escapes reaches stderr quoted, in the pointer too" {
	printf '{"nodes":[{"id":"a","type":"script","path":"a.sh","resources":{"x\\u001b[31m":1}}],"edges":[]}' > esc.json
	run --separate-stderr dfc validate esc.json
	[ "$status" -eq 3 ]
	[[ "$stderr" != *$'\x1b'* ]]
	[[ "$stderr" == *'/nodes/0/resources/x\x1b[31m: unknown resource'* ]]
	# --json keeps the exact pointer for tools
	run --separate-stderr dfc validate --json esc.json
	[ "$(jq -r '.[0].problems[0].pointer' <<< "$output")" = $'/nodes/0/resources/x\x1b[31m' ]
}
