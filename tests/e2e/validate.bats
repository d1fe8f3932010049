#!/usr/bin/env bats
# validate: every problem at once, with JSON pointers; exit 3.

load helper

@test "a valid file passes with exit 0" {
	write_pipeline
	run --separate-stderr dfc validate pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "pipeline.json: valid" ]
}

@test "every problem is reported at once, each with its pointer" {
	cat > bad.json <<'JSON'
{ "nodes": [ { "id": "a", "type": "script", "path": "a.sh" },
             { "id": "b", "type": "dataset", "path": "b.csv" },
             { "id": "a", "type": "table" },
             { "id": "bad id!", "type": "dataset", "path": "x" } ],
  "edges": [ { "from": "a", "to": "ghost" },
             { "from": "b", "to": "b" },
             { "from": "a", "to": "b", "arguments": [ null, { "ref": "nope" }, { "other": 1 } ] } ] }
JSON
	run --separate-stderr dfc validate bad.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.json: /nodes/2/id: "*"'a'"* ]]
	[[ "$stderr" == *"bad.json: /nodes/2/type: "* ]]
	[[ "$stderr" == *"bad.json: /nodes/3/id: "* ]]
	[[ "$stderr" == *"bad.json: /edges/0/to: "*"'ghost'"* ]]
	[[ "$stderr" == *"bad.json: /edges/1"* ]]
	[[ "$stderr" == *"bad.json: /edges/2/arguments/0: "* ]]
	[[ "$stderr" == *"bad.json: /edges/2/arguments/1"*"'nope'"* ]]
	[[ "$stderr" == *"bad.json: /edges/2/arguments/2: "* ]]
	[ "$(grep -c '^data-factory-cli: error: bad.json: /' <<<"$stderr")" -ge 8 ]
}

@test "a cycle is printed as the cycle itself" {
	cat > cycle.json <<'JSON'
{ "nodes": [ { "id": "a", "type": "script", "path": "a.sh" },
             { "id": "b", "type": "script", "path": "b.sh" },
             { "id": "c", "type": "script", "path": "c.sh" } ],
  "edges": [ { "from": "a", "to": "b" }, { "from": "b", "to": "c" }, { "from": "c", "to": "a" } ] }
JSON
	run --separate-stderr dfc validate cycle.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"a -> b -> c -> a"* ]]
}

@test "a dataset to dataset edge is an error" {
	printf '{"nodes":[{"id":"x","type":"dataset","path":"x"},{"id":"y","type":"dataset","path":"y"}],"edges":[{"from":"x","to":"y"}]}' > dd.json
	run --separate-stderr dfc validate dd.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"dd.json: /edges/0"* ]]
}

@test "a syntax error gives FILE:line:column" {
	printf '{\n  "nodes": [,\n  "edges": []\n}\n' > syntax.json
	run --separate-stderr dfc validate syntax.json
	[ "$status" -eq 3 ]
	[[ "$stderr" =~ syntax\.json:2:[0-9]+: ]]
}

@test "duplicate keys are an error with their position" {
	printf '{\n  "nodes": [],\n  "edges": [],\n  "nodes": []\n}\n' > dup.json
	run --separate-stderr dfc validate dup.json
	[ "$status" -eq 3 ]
	[[ "$stderr" =~ dup\.json:4:[0-9]+:.*duplicate ]]
}

@test "standard input is read with -" {
	write_pipeline
	run --separate-stderr dfc validate - < pipeline.json
	[ "$status" -eq 0 ]
	printf '{"nodes": 3, "edges": []}' > bad.json
	run --separate-stderr dfc validate - < bad.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"<stdin>: /nodes"* ]]
}

@test "several files: each is checked, the worst result wins" {
	write_pipeline
	printf '{"nodes": [], "edges": {}}' > bad.json
	run --separate-stderr dfc validate pipeline.json bad.json pipeline.json
	[ "$status" -eq 3 ]
	[ "$(grep -c ': valid' <<<"$output")" -eq 2 ]
	[[ "$stderr" == *"bad.json: /edges"* ]]
}

@test "--json prints a machine-readable result" {
	write_pipeline
	printf '{"nodes": [{"id": "a", "type": "x"}], "edges": []}' > bad.json
	run --separate-stderr dfc validate --json pipeline.json bad.json
	[ "$status" -eq 3 ]
	[ "$(jq -r '.[0].valid' <<<"$output")" = true ]
	[ "$(jq -r '.[1].valid' <<<"$output")" = false ]
	[ "$(jq -r '.[1].problems[0].pointer' <<<"$output")" = "/nodes/0/type" ]
}

@test "validate writes nothing anywhere" {
	write_pipeline
	dfc validate pipeline.json
	[ ! -e "$DATA_FACTORY_HOME" ]
}

@test "an unsafe pipeline id is a security error (exit 6)" {
	printf '{"id": "a/../b", "nodes": [], "edges": []}' > unsafe.json
	run --separate-stderr dfc validate unsafe.json
	[ "$status" -eq 6 ]
	[[ "$stderr" == *"unsafe pipeline id"* ]]
}

@test "validate with no file is a usage error" {
	run --separate-stderr dfc validate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"hint: usage:"* ]]
}
