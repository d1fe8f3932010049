#!/usr/bin/env bats
# graph: the DAG as mermaid, dot or layered ascii.

load helper

@test "mermaid (default): a flowchart with every node once and every edge" {
	write_pipeline
	run --separate-stderr dfc graph -f pipeline.json
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "flowchart LR" ]
	for n in raw clean out; do
		[ "$(grep -c "\[*(*\"$n\")*\]" <<<"$output")" -eq 1 ]
	done
	[ "$(grep -c -- '-->' <<<"$output")" -eq 2 ]
	grep -q '("raw")' <<<"$output"
	grep -q '\["clean"\]' <<<"$output"
}

@test "dot renders with Graphviz and the picture names every node" {
	write_pipeline
	dfc graph -f pipeline.json --format dot > p.dot
	dot -Tsvg p.dot > p.svg
	for n in raw clean out; do
		grep -q ">$n</text>" p.svg
	done
	grep -q 'shape=cylinder' p.dot
}

@test "ascii is layered: each node on the layer after its inputs" {
	write_pipeline
	run --separate-stderr dfc graph -f pipeline.json --format ascii
	[ "${lines[0]}" = "layer 0: (raw)" ]
	[[ "$output" == *"layer 1: [clean]"* ]]
	[[ "$output" == *"layer 2: (out)"* ]]
	[[ "$output" == *"raw --> clean"* ]]
}

@test "graph -i ID -v N draws a recorded version" {
	create_pipeline
	jq '.nodes += [{"id": "extra", "type": "dataset", "path": "x.csv"}] | .edges += [{"from": "clean", "to": "extra"}]' pipeline.json > p2.json
	mv p2.json pipeline.json
	dfc update pipeline.json
	run dfc graph -i "$ID" -v 1
	[[ "$output" != *extra* ]]
	run dfc graph -i "$ID"
	[[ "$output" == *'("extra")'* ]]
}

@test "an invalid file exits 3; bad usage exits 2" {
	printf '{"nodes": [], "edges": [{"from": "a", "to": "b"}]}' > bad.json
	run --separate-stderr dfc graph -f bad.json
	[ "$status" -eq 3 ]
	write_pipeline
	run --separate-stderr dfc graph -f pipeline.json --format svg
	[ "$status" -eq 2 ]
	run --separate-stderr dfc graph
	[ "$status" -eq 2 ]
}
