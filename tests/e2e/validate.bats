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

@test "a missing script file is one more problem, at /nodes/N/path, with every other problem" {
	mkdir -p ml/scripts
	printf 'print(1)\n' > ml/scripts/clean.py
	cat > ml/pipeline.json <<'JSON'
{ "nodes": [ { "id": "load",  "type": "script", "path": "scripts/load.py" },
             { "id": "clean", "type": "script", "path": "scripts/clean.py" },
             { "id": "fetch", "type": "script", "script_id": "0123456789abcdef0123456789abcdef01234567" },
             { "id": "raw",   "type": "dataset", "path": "data/raw.csv" } ],
  "edges": [ { "from": "load", "to": "ghost" } ] }
JSON
	run --separate-stderr dfc validate ml/pipeline.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"ml/pipeline.json: /edges/0/to: unknown node 'ghost'"* ]]
	[[ "$stderr" == *"ml/pipeline.json: /nodes/0/path: script file 'scripts/load.py' not found"* ]]
	# the script beside the file, the script_id-only node and the dataset are fine
	[[ "$stderr" != *"/nodes/1/"* && "$stderr" != *"/nodes/2/"* && "$stderr" != *"/nodes/3/"* ]]
	[ "$(grep -c '^data-factory-cli: error: ml/pipeline.json: /' <<<"$stderr")" -eq 2 ]
	run --separate-stderr dfc validate --json ml/pipeline.json
	[ "$status" -eq 3 ]
	[ "$(jq -r '.[0].problems | map(select(.pointer == "/nodes/0/path")) | .[0].message' <<<"$output")" = "script file 'scripts/load.py' not found" ]
	# once the file is there, the pipeline is valid again (apart from the edge)
	printf 'print(2)\n' > ml/scripts/load.py
	sed -i 's/"ghost"/"clean"/' ml/pipeline.json
	run --separate-stderr dfc validate ml/pipeline.json
	[ "$status" -eq 0 ]
}

@test "a script path is quoted, absolute paths are checked as they are, script_id spares the check" {
	printf '{"nodes": [{"id": "a", "type": "script", "path": "x\\u001b[31m.sh"}, {"id": "b", "type": "script", "path": "%s/abs.sh"}, {"id": "c", "type": "script", "path": "gone.sh", "script_id": "0123456789abcdef0123456789abcdef01234567"}], "edges": []}' "$TEST_TMP" > p.json
	run --separate-stderr dfc validate p.json
	[ "$status" -eq 3 ]
	[[ "$stderr" != *$'\x1b'* ]]
	[[ "$stderr" == *"/nodes/0/path: script file 'x\\x1b[31m.sh' not found"* ]]
	[[ "$stderr" == *"/nodes/1/path: script file '$TEST_TMP/abs.sh' not found"* ]]
	[[ "$stderr" != *"/nodes/2/"* ]]
	touch x$'\x1b'[31m.sh "$TEST_TMP/abs.sh"
	run --separate-stderr dfc validate p.json
	[ "$status" -eq 0 ]
}

@test "from standard input, script paths are relative to the current folder" {
	mkdir sub
	write_pipeline sub/pipeline.json
	mv scripts sub/
	run --separate-stderr dfc validate - < sub/pipeline.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"<stdin>: /nodes/1/path: script file 'scripts/clean.py' not found"* ]]
	cd sub
	run --separate-stderr dfc validate - < pipeline.json
	[ "$status" -eq 0 ]
	run --separate-stderr dfc validate pipeline.json ../sub/pipeline.json
	[ "$status" -eq 0 ]
}

@test "--staged checks the staged content and that its scripts are staged" {
	git init -q repo
	cd repo
	mkdir -p pipelines/ml
	write_pipeline pipelines/ml/pipeline.json
	mv scripts data pipelines/ml/
	git add pipelines
	run --separate-stderr dfc validate --staged pipelines/ml/pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "pipelines/ml/pipeline.json: valid" ]
	# renamed in the index: absent, though the pipeline file on disk is fine
	git mv pipelines/ml/scripts/clean.py pipelines/ml/scripts/clean2.py
	run --separate-stderr dfc validate --staged pipelines/ml/pipeline.json
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"pipelines/ml/pipeline.json: /nodes/1/path: script file 'scripts/clean.py' not found in the staged tree"* ]]
	# paths from a sub-folder, and the staged content rather than the file on disk
	sed -i 's|scripts/clean.py|scripts/clean2.py|' pipelines/ml/pipeline.json
	cd pipelines
	run --separate-stderr dfc validate --staged ml/pipeline.json
	[ "$status" -eq 3 ]
	git add ml/pipeline.json
	run --separate-stderr dfc validate --staged ml/pipeline.json "$PWD/ml/pipeline.json"
	[ "$status" -eq 0 ]
	# not staged, outside the work tree, standard input, no work tree
	echo '{"nodes": [], "edges": []}' > new.json
	run --separate-stderr dfc validate --staged new.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"error: 'new.json' is not staged"* ]]
	[[ "$stderr" == *"hint: stage it with 'git add new.json'"* ]]
	run --separate-stderr dfc validate --staged ../../x.json
	[ "$status" -eq 2 ]
	run --separate-stderr dfc validate --staged -
	[ "$status" -eq 2 ]
	cd "$TEST_TMP"
	run --separate-stderr dfc validate --staged x.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"not in a git work tree"* ]]
}
