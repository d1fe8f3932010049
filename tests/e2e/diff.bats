#!/usr/bin/env bats
# diff: semantic diff of a pipeline's versions, in every format.

load helper

# Change every kind of thing in pipeline.json: the name, node clean's path,
# node out removed, node extra added, edge clean -> out removed, edge
# extra -> clean added, the arguments of raw -> clean.
edit_pipeline() {
	printf 'print(1)\n' > scripts/extra.py
	jq '.name = "weekly-sales"
	    | .nodes[1].path = "scripts/clean2.py"
	    | .nodes |= map(select(.id != "out"))
	    | .nodes += [{"id": "extra", "type": "script", "path": "scripts/extra.py"}]
	    | .edges = [(.edges[0] | .arguments = ["--in"]), {"from": "extra", "to": "clean", "arguments": []}]' \
		pipeline.json > edited.json
	mv edited.json pipeline.json
	cp scripts/clean.py scripts/clean2.py
}

@test "a file equal to its latest version has no differences" {
	create_pipeline
	for format in text json patch mermaid; do
		run --separate-stderr dfc diff pipeline.json --format "$format" --exit-code
		[ "$status" -eq 0 ]
	done
	run --separate-stderr dfc diff pipeline.json
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr dfc diff pipeline.json --format json
	[ "$(jq '.changes | length' <<<"$output")" = 0 ]
}

@test "text lists every kind of change" {
	create_pipeline
	edit_pipeline
	run --separate-stderr dfc diff pipeline.json
	[ "$status" -eq 0 ]
	[[ "$output" == *"~ field 'name': \"daily-sales\" -> \"weekly-sales\""* ]]
	[[ "$output" == *"- node 'out' (dataset data/clean.csv)"* ]]
	[[ "$output" == *"+ node 'extra' (script scripts/extra.py)"* ]]
	[[ "$output" == *"~ node 'clean': path \"scripts/clean.py\" -> \"scripts/clean2.py\""* ]]
	[[ "$output" == *"- edge clean -> out"* ]]
	[[ "$output" == *"+ edge extra -> clean"* ]]
	[[ "$output" == *'~ edge raw -> clean: arguments ["--input",{"ref":"raw"}] -> ["--in"]'* ]]
	[[ "$output" == *"~ step 'clean': arguments [--input data/raw.csv --output data/clean.csv --rows 1000] -> [--in]"* ]]
	[ "${#lines[@]}" -eq 8 ]
	[[ "$output" != *$'\033'* ]]
	run --separate-stderr dfc diff pipeline.json --exit-code
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
}

@test "json lists every kind of change with its schema" {
	create_pipeline
	edit_pipeline
	run --separate-stderr dfc diff pipeline.json --format json --exit-code
	[ "$status" -eq 1 ]
	[ "$(jq -r .from <<<"$output")" = "$ID@v1" ]
	[ "$(jq -r .to <<<"$output")" = pipeline.json ]
	[ "$(jq -r '[.changes[].kind] | sort | unique | join(",")' <<<"$output")" = \
		"arguments_changed,edge_added,edge_removed,field_changed,node_added,node_changed,node_removed,step_arguments_changed" ]
	[ "$(jq -r '.changes[] | select(.kind == "node_changed") | "\(.node) \(.field) \(.old) \(.new) \(.path)"' <<<"$output")" = \
		"clean path scripts/clean.py scripts/clean2.py /nodes/1/path" ]
	[ "$(jq -c '.changes[] | select(.kind == "arguments_changed") | [.edge.from, .edge.to, .new]' <<<"$output")" = \
		'["raw","clean",["--in"]]' ]
	[ "$(jq -r '.changes[] | select(.kind == "node_removed") | .old.path' <<<"$output")" = data/clean.csv ]
	[ "$(jq -r '.changes[] | select(.kind == "edge_added") | .edge.from' <<<"$output")" = extra ]
	[ "$(jq -r '.changes[] | select(.kind == "field_changed") | .new' <<<"$output")" = weekly-sales ]
}

@test "patch applies with git apply to the old canonical form" {
	create_pipeline
	edit_pipeline
	run --separate-stderr dfc diff pipeline.json --format patch --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *"--- a/pipeline.json"* ]]
	[[ "$output" == *"+++ b/pipeline.json"* ]]
	printf '%s\n' "$output" > "$TEST_TMP/change.patch"
	mkdir "$TEST_TMP/repo"
	git -C "$TEST_TMP/repo" init -q
	dfc show -i "$ID" > "$TEST_TMP/repo/pipeline.json"
	git -C "$TEST_TMP/repo" apply --check "$TEST_TMP/change.patch"
	git -C "$TEST_TMP/repo" apply "$TEST_TMP/change.patch"
	[ "$(jq -S . "$TEST_TMP/repo/pipeline.json")" = "$(jq -S . pipeline.json)" ]
}

@test "mermaid draws the union with the changes marked" {
	create_pipeline
	edit_pipeline
	run --separate-stderr dfc diff pipeline.json --format mermaid --exit-code
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "flowchart LR" ]
	# Every node of both sides is defined exactly once.
	for node in raw clean out extra; do
		[ "$(grep -cE "^  n[0-9]+\\[\\(?\"$node\"\\)?\\]\$" <<<"$output")" -eq 1 ]
	done
	[ "$(grep -cE '^  n[0-9]+\[' <<<"$output")" -eq 4 ]
	grep -qE '^  n[0-9]+\[\("raw"\)\]$' <<<"$output"
	grep -qE '^  n[0-9]+\["clean"\]$' <<<"$output"
	grep -qx '  classDef added fill:#d4f8d4,stroke:#2da44e' <<<"$output"
	grep -qE '^  classDef removed .*stroke-dasharray' <<<"$output"
	grep -qE '^  classDef changed ' <<<"$output"
	id_of() { awk -v n="\"$1\"" 'index($0, n) && /^  n[0-9]+\[/ { sub(/^  /, ""); sub(/\[.*/, ""); print }' <<<"$output"; }
	grep -qx "  class $(id_of extra) added" <<<"$output"
	grep -qx "  class $(id_of out) removed" <<<"$output"
	grep -qx "  class $(id_of clean) changed" <<<"$output"
	grep -qx "  $(id_of clean) -.->|\"--output out --rows 1000\"| $(id_of out)" <<<"$output"
	grep -qx "  $(id_of extra) ==> $(id_of clean)" <<<"$output"
	grep -qx "  $(id_of raw) -->|\"--input raw → --in\"| $(id_of clean)" <<<"$output"
	check_mermaid_grammar
}

# Every line of a mermaid diff in $output is one of the kinds it writes, in
# the flowchart syntax GitHub renders: labels are quoted and hold no raw
# `"`, `|`, `<`, `>` or line break.
check_mermaid_grammar() {
	local label='"[^"|<>]*"' line
	[ "${lines[0]}" = "flowchart LR" ]
	while IFS= read -r line; do
		[[ "$line" =~ ^flowchart\ LR$ ]] ||
		[[ "$line" =~ ^\ \ n[0-9]+(\[$label\]|\[\($label\)\])$ ]] ||
		[[ "$line" =~ ^\ \ n[0-9]+\ (-->|==>|-\.->)(\|$label\|)?\ n[0-9]+$ ]] ||
		[[ "$line" =~ ^\ \ linkStyle\ [0-9]+\ stroke:#[0-9a-f]{6},stroke-width:[0-9]+px$ ]] ||
		[[ "$line" =~ ^\ \ classDef\ (added|removed|changed)\ [a-z-]+:[#0-9a-z]+(,[a-z-]+:[#0-9a-z]+(\ [0-9]+)*)*$ ]] ||
		[[ "$line" =~ ^\ \ class\ n[0-9]+\ (added|removed|changed)$ ]] ||
		{ echo "not mermaid: $line" >&2; return 1; }
	done <<<"$output"
}

@test "mermaid edges keep their arguments as labels, a changed one old and new" {
	write_pipeline
	printf 'print(1)\n' > scripts/report.py
	jq '.nodes += [{"id": "report", "type": "script", "path": "scripts/report.py"}]
	    | .edges += [{"from": "out", "to": "report", "arguments": ["--in", {"ref": "out"}]}]' \
		pipeline.json > with-report.json
	mv with-report.json pipeline.json
	ID=$(dfc create pipeline.json)
	run --separate-stderr dfc graph pipeline.json --format mermaid
	graph=$output
	printf 'print(2)\n' > scripts/extra.py
	# clean -> out gets hostile arguments, out -> report goes, extra -> clean comes.
	jq '.nodes += [{"id": "extra", "type": "script", "path": "scripts/extra.py"}]
	    | .edges[1].arguments = ["a|b", "say \"hi\" <b>", "x\ny"]
	    | .edges = [.edges[0], .edges[1], {"from": "extra", "to": "clean", "arguments": ["--mode", "fast"]}]' \
		pipeline.json > edited.json
	mv edited.json pipeline.json
	run --separate-stderr dfc diff pipeline.json --format mermaid --exit-code
	[ "$status" -eq 1 ]
	check_mermaid_grammar
	id_of() { awk -v n="\"$1\"" 'index($0, n) && /^  n[0-9]+\[/ { sub(/^  /, ""); sub(/\[.*/, ""); print }' <<<"$output"; }
	# The unchanged edge has the label graph draws.
	[[ "$graph" == *'-- "--input raw" -->'* ]]
	grep -qx "  $(id_of raw) -->|\"--input raw\"| $(id_of clean)" <<<"$output"
	# The changed one: old → new, quotes, pipes and markup as entities, the line break a space.
	grep -qxF "  $(id_of clean) -->|\"--output out --rows 1000 → a#124;b say #quot;hi#quot; #lt;b#gt; x y\"| $(id_of out)" <<<"$output"
	grep -qx "  $(id_of extra) ==>|\"--mode fast\"| $(id_of clean)" <<<"$output"
	grep -qx "  $(id_of out) -.->|\"--in out\"| $(id_of report)" <<<"$output"
	grep -qx '  linkStyle 1 stroke:#bf8700,stroke-width:3px' <<<"$output"
	# A changed edge whose arguments became none shows (none).
	jq '.edges[1].arguments = []' pipeline.json > edited.json
	mv edited.json pipeline.json
	run --separate-stderr dfc diff pipeline.json --format mermaid
	check_mermaid_grammar
	grep -qx "  $(id_of clean) -->|\"--output out --rows 1000 → (none)\"| $(id_of out)" <<<"$output"
}

@test "colour only when asked or on a terminal without NO_COLOR" {
	create_pipeline
	edit_pipeline
	run --separate-stderr dfc diff pipeline.json
	[[ "$output" != *$'\033'* ]]
	run --separate-stderr dfc diff pipeline.json --color=always
	[[ "$output" == *$'\033[32m+ node'* ]]
	[[ "$output" == *$'\033[31m- node'* ]]
	[[ "$output" == *$'\033[33m~ node'* ]]
	run --separate-stderr dfc --color=never diff pipeline.json
	[[ "$output" != *$'\033'* ]]
	if command -v script >/dev/null; then
		run script -qec "'$DFC_BIN' diff pipeline.json" /dev/null
		[[ "$output" == *$'\033[32m'* ]]
		run env NO_COLOR=1 script -qec "'$DFC_BIN' diff pipeline.json" /dev/null
		[[ "$output" != *$'\033['3* ]]
	fi
}

@test "diff -i ID A B compares two local versions" {
	create_pipeline
	edit_pipeline
	dfc update pipeline.json
	run --separate-stderr dfc diff -i "$ID" 1 2 --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r .from <<<"$output")" = "$ID@v1" ]
	[ "$(jq -r .to <<<"$output")" = "$ID@v2" ]
	[ "$(jq '.changes | length' <<<"$output")" -eq 8 ]
	run --separate-stderr dfc diff -i "$ID" 2 2 --exit-code
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr dfc diff -i "$ID" 1 9
	[ "$status" -eq 7 ]
	run --separate-stderr dfc diff -i "$ID" 1
	[ "$status" -eq 2 ]
	run --separate-stderr dfc diff -i "$ID" 1 2 --format nope
	[ "$status" -eq 2 ]
}

@test "diff -i ID --from-catalog compares with the catalog" {
	create_pipeline
	dfc share -i "$ID"
	edit_pipeline
	dfc update pipeline.json
	run --separate-stderr dfc diff -i "$ID" --from-catalog --format json --exit-code
	[ "$status" -eq 1 ]
	[ "$(jq -r .from <<<"$output")" = "$ID@catalog-v1" ]
	[ "$(jq -r .to <<<"$output")" = "$ID@v2" ]
	[ "$(jq -r '.changes[] | select(.kind == "node_added") | .node' <<<"$output")" = extra ]
	run --separate-stderr dfc diff -i "$ID" --from-catalog 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"+ edge extra -> clean"* ]]
	run --separate-stderr dfc diff -i "$ID" --from-catalog 5
	[ "$status" -eq 7 ]
}

@test "a script edited on disk is a change, as status and update see it" {
	create_pipeline
	old=$(git hash-object scripts/clean.py)
	printf 'print("more")\n' >> scripts/clean.py
	new=$(git hash-object scripts/clean.py)
	run --separate-stderr dfc status pipeline.json
	[[ "$output" == *"state:    modified"* ]]
	run --separate-stderr dfc diff pipeline.json --exit-code
	[ "$status" -eq 1 ]
	[ "$output" = "~ node 'clean': script content ${old:0:12} -> ${new:0:12}" ]
	run --separate-stderr dfc diff pipeline.json --format json
	[ "$(jq -c '.changes' <<<"$output")" = \
		"[{\"kind\":\"script_changed\",\"node\":\"clean\",\"path\":\"/nodes/1\",\"old\":\"$old\",\"new\":\"$new\"}]" ]
	run --separate-stderr dfc diff pipeline.json --format mermaid
	id_of() { awk -v n="\"$1\"" 'index($0, n) && /^  n[0-9]+\[/ { sub(/^  /, ""); sub(/\[.*/, ""); print }' <<<"$output"; }
	grep -qx "  class $(id_of clean) changed" <<<"$output"
	# Recorded, the two versions differ by that script alone.
	dfc update pipeline.json
	run --separate-stderr dfc diff -i "$ID" 1 2 --exit-code
	[ "$status" -eq 1 ]
	[ "$output" = "~ node 'clean': script content ${old:0:12} -> ${new:0:12}" ]
	run --separate-stderr dfc diff pipeline.json --exit-code
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Without its script the file cannot be compared, as status says too.
	rm scripts/clean.py
	run --separate-stderr dfc diff pipeline.json
	[ "$status" -eq 5 ]
	[[ "$stderr" == "data-factory-cli: error: script 'clean' not found at "* ]]
}

@test "patch carries the changed scripts too, and git apply takes it" {
	create_pipeline
	cp scripts/clean.py "$TEST_TMP/clean-v1.py"
	printf 'print("more")\n' >> scripts/clean.py
	jq '.name = "weekly"' pipeline.json > edited.json
	mv edited.json pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc diff -i "$ID" 1 2 --format patch --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *"diff --git a/pipeline.json b/pipeline.json"* ]]
	[[ "$output" == *"diff --git a/scripts/clean.py b/scripts/clean.py"* ]]
	[[ "$output" == *'+print("more")'* ]]
	printf '%s\n' "$output" > "$TEST_TMP/change.patch"
	# Version 1 as files, the patch applied: version 2.
	mkdir -p "$TEST_TMP/repo/scripts"
	git -C "$TEST_TMP/repo" init -q
	dfc show -i "$ID" -v 1 > "$TEST_TMP/repo/pipeline.json"
	cp "$TEST_TMP/clean-v1.py" "$TEST_TMP/repo/scripts/clean.py"
	git -C "$TEST_TMP/repo" apply "$TEST_TMP/change.patch"
	cmp "$TEST_TMP/repo/scripts/clean.py" scripts/clean.py
	[ "$(jq -S . "$TEST_TMP/repo/pipeline.json")" = "$(dfc show -i "$ID" -v 2 | jq -S .)" ]
	# diff FILE names the script from the current folder, as it names FILE.
	mkdir sub
	mv pipeline.json scripts data sub/
	printf '# again\n' >> sub/scripts/clean.py
	run --separate-stderr dfc diff sub/pipeline.json --format patch
	[[ "$output" == *"--- a/sub/scripts/clean.py"* ]]
	[[ "$output" == *"+++ b/sub/scripts/clean.py"* ]]
	[[ "$output" == *"+# again"* ]]
	[[ "$output" != *"pipeline.json"* ]]
}

@test "patch: a script path that cannot be a patch path is named by its node id" {
	mkdir -p "$TEST_TMP/elsewhere"
	printf 'echo one\n' > "$TEST_TMP/elsewhere/x.sh"
	jq -n --arg p "$TEST_TMP/elsewhere/x.sh" \
		'{name: "abs", nodes: [{id: "far", type: "script", path: $p}], edges: []}' > pipeline.json
	ID=$(dfc create pipeline.json)
	printf 'echo two\n' > "$TEST_TMP/elsewhere/x.sh"
	run --separate-stderr dfc diff pipeline.json --format patch --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *"--- a/far"* ]]
	[[ "$output" == *"+echo two"* ]]
	[[ "$output" != *"$TEST_TMP"* ]]
	# A file name that would write header lines of its own.
	name=$'scripts/a\n+++ b.sh'
	mkdir scripts
	printf 'echo one\n' > "$name"
	jq -n --arg p "$name" \
		'{name: "nl", nodes: [{id: "nl", type: "script", path: $p}], edges: []}' > nl.json
	dfc create nl.json
	printf 'echo two\n' > "$name"
	run --separate-stderr dfc diff nl.json --format patch
	[ "$status" -eq 0 ]
	[ "$(grep -c '^+++ ' <<<"$output")" -eq 1 ]
	grep -qx '+++ b/nl' <<<"$output"
	[[ "$output" != *b.sh* ]]
}

@test "a file brought back by sync has no differences, as status says clean" {
	create_pipeline
	dfc share -f pipeline.json
	dfc sync pipeline.json
	[ "$(jq -r '.nodes[1].script_id' pipeline.json)" = "$(git hash-object scripts/clean.py)" ]
	run --separate-stderr dfc status pipeline.json
	[[ "$output" == *"state:    clean"* ]]
	for format in text json mermaid; do
		run --separate-stderr dfc diff pipeline.json --format "$format" --exit-code
		[ "$status" -eq 0 ]
	done
	run --separate-stderr dfc diff pipeline.json
	[ -z "$output" ]
	run --separate-stderr dfc diff -i "$ID" --from-catalog --exit-code
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# The patch format shows the canonical forms as they are, ids included.
	run --separate-stderr dfc diff pipeline.json --format patch --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *'+      "script_id": "'* ]]
	# A script edited after the sync is still a change.
	printf '# edited\n' >> scripts/clean.py
	run --separate-stderr dfc diff pipeline.json --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == "~ node 'clean': script content "* ]]
}

@test "mermaid marks an edge whose arguments alone changed" {
	create_pipeline
	jq '.edges[1].arguments = ["--output", { "ref": "out" }]' pipeline.json > edited.json
	mv edited.json pipeline.json
	run --separate-stderr dfc diff pipeline.json --format mermaid --exit-code
	[ "$status" -eq 1 ]
	# Links are numbered in the order they are drawn; clean -> out is the second.
	links=$(grep -E '^  n[0-9]+ (-->|==>|-\.->)(\|"[^"]*"\|)? n[0-9]+$' <<<"$output")
	[ "$(sed -n 2p <<<"$links")" = '  n1 -->|"--output out --rows 1000 → --output out"| n2' ]
	check_mermaid_grammar
	grep -qx '  linkStyle 1 stroke:#bf8700,stroke-width:3px' <<<"$output"
	[ "$(grep -c linkStyle <<<"$output")" -eq 1 ]
}

@test "diff FILE needs an id" {
	write_pipeline
	run --separate-stderr dfc diff pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"has no id"* ]]
}

# Two edges of the script swapped: the script reads its arguments by
# position, so what runs changed though no edge's arguments did.
swap_edges() {
	jq '.edges |= [.[1], .[0]]' pipeline.json > swapped.json
	mv swapped.json pipeline.json
}

@test "swapping two edges of one script is a step change in every format" {
	create_pipeline
	swap_edges
	for format in text json patch mermaid; do
		run --separate-stderr dfc diff pipeline.json --format "$format" --exit-code
		[ "$status" -eq 1 ]
	done
	run --separate-stderr dfc diff pipeline.json
	[[ "$output" == *"~ step 'clean': arguments [--input data/raw.csv --output data/clean.csv --rows 1000] -> [--output data/clean.csv --rows 1000 --input data/raw.csv]"* ]]
	[[ "$output" == *"~ edge clean -> out: moved /edges/1 -> /edges/0"* ]]
	[[ "$output" != *"order only"* ]]
	run --separate-stderr dfc diff pipeline.json --format json
	[ "$(jq -c '.changes[] | select(.kind == "step_arguments_changed") | [.node, .new[0]]' <<<"$output")" = '["clean","--output"]' ]
	[ "$(jq '[.changes[] | select(.kind == "edge_moved") | .order_only] | .[0]' <<<"$output")" = false ]
	run --separate-stderr dfc diff pipeline.json --format mermaid
	[[ "$output" == *"class n1 changed"* ]]
	check_mermaid_grammar
	# The versions compare the same way once recorded.
	dfc update pipeline.json
	run --separate-stderr dfc diff -i "$ID" 1 2 --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *"~ step 'clean': arguments"* ]]
}

@test "moving a dataset node is shown as an order-only change" {
	create_pipeline
	jq '.nodes |= [.[2], .[0], .[1]]' pipeline.json > moved.json
	mv moved.json pipeline.json
	run --separate-stderr dfc diff pipeline.json --exit-code
	[ "$status" -eq 1 ]
	[ "$output" = "~ node 'out': moved /nodes/2 -> /nodes/0 (order only)" ]
	run --separate-stderr dfc run -f pipeline.json --dry-run --force
	[[ "$output" == "clean: "* ]]
}

@test "two independent steps swapped in the file start in the other order" {
	mkdir -p scripts
	printf 'echo a\n' > scripts/a.sh
	printf 'echo b\n' > scripts/b.sh
	printf '{"nodes": [{"id": "a", "type": "script", "path": "scripts/a.sh"}, {"id": "b", "type": "script", "path": "scripts/b.sh"}], "edges": []}\n' > two.json
	dfc create two.json
	jq '.nodes |= [.[1], .[0]]' two.json > moved.json
	mv moved.json two.json
	run --separate-stderr dfc diff two.json --exit-code
	[ "$status" -eq 1 ]
	[[ "$output" == *"~ step 'b': start order 2 -> 1"* ]]
	[[ "$output" != *"order only"* ]]
}

# SPEC §8: whenever the commands `run --dry-run --force` prints differ,
# `diff --exit-code` exits 1 in every format and names the step. Random
# pipelines, random mutations; the seed is printed with a failing case.
@test "property: every change to what runs shows in the diff (seeded, hundreds of cases)" {
	seed=${DFC_PROPERTY_SEED:-$RANDOM}
	run python3 "$DFC_SOURCE_DIR/tests/e2e/diff_property.py" "$DFC_BIN" "$seed" \
		"${DFC_PROPERTY_CASES:-300}"
	echo "seed $seed (rerun with DFC_PROPERTY_SEED=$seed): $output"
	[ "$status" -eq 0 ]
	[[ "$output" == "300 cases, "* || -n "${DFC_PROPERTY_CASES:-}" ]]
}
