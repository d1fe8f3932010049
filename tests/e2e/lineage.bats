#!/usr/bin/env bats
# lineage: the run, step and pipeline version that wrote exactly a file's
# content, traced down to the sources, and whether it is still current.

load helper
load generate_helper

# The fixture's chain (raw -> s1 -> mid -> s2 -> final, other -> s3 -> o3)
# recorded as version 1 and run, its run recorded.
chain_run() {
	write_chain
	ID=$(dfc create pipeline.json)
	dfc run -f pipeline.json 2> /dev/null
	RUN=$(basename "$(ls .dfc/runs/*.json)" .json)
}

@test "lineage names the run, step, version and commit that wrote a file, down to its sources" {
	chain_run
	commit=$(store_git rev-parse "refs/heads/pipelines/$ID")
	run --separate-stderr dfc lineage out/deep/final.txt
	[ "$status" -eq 0 ]
	sha() { sha256sum "$1" | cut -c1-12; }
	[ "${lines[0]}" = "out/deep/final.txt  sha256 $(sha out/deep/final.txt)  $(stat -c %s out/deep/final.txt) bytes" ]
	[ "${lines[1]}" = "  written by step s2 of run $RUN" ]
	[ "${lines[2]}" = "  pipeline $ID version 1 (commit ${commit:0:12}), on $(hostname)" ]
	[ "${lines[3]}" = "  current: the latest version would make it the same way" ]
	[ "${lines[4]}" = "  from:" ]
	[ "${lines[5]}" = "    data/mid.txt  sha256 $(sha data/mid.txt)  $(stat -c %s data/mid.txt) bytes" ]
	[ "${lines[6]}" = "      written by step s1 of run $RUN" ]
	[ "${lines[10]}" = "        data/raw.txt  sha256 $(sha data/raw.txt)  $(stat -c %s data/raw.txt) bytes  source: no recorded run wrote it" ]
	[ "${#lines[@]}" -eq 11 ]
	run --separate-stderr dfc lineage --format json out/deep/final.txt
	[ "$status" -eq 0 ]
	jq -e --arg run "$RUN" --arg id "$ID" --arg commit "$commit" \
		--arg sha "$(sha256sum out/deep/final.txt | cut -d' ' -f1)" '
		.file == $sha and (.files | length) == 3 and
		.files[0].run == $run and .files[0].step == "s2" and .files[0].pipeline == $id and
		.files[0].version == 1 and .files[0].commit == $commit and .files[0].current == true and
		.files[1].step == "s1" and .files[0].inputs == [.files[1].sha256] and
		.files[2].source == true and .files[2].path == "data/raw.txt"' <<< "$output"
}

@test "a file no recorded run wrote gets a plain answer and exit 7; a missing file exit 7 too" {
	chain_run
	echo "made by hand" > hand.txt
	run --separate-stderr dfc lineage hand.txt
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	[[ "${stderr_lines[0]}" == "data-factory-cli: error: no recorded run wrote this content of hand.txt (sha256 "*")" ]]
	[[ "${stderr_lines[1]}" == "hint: 'data-factory-cli run' records its runs;"* ]]
	# An output edited by hand is not what the run wrote.
	echo "edited" >> out/deep/final.txt
	run --separate-stderr dfc lineage out/deep/final.txt
	[ "$status" -eq 7 ]
	run --separate-stderr dfc lineage no-such-file.txt
	[ "$status" -eq 7 ]
	[[ "$stderr" == "data-factory-cli: error: "* ]]
	run --separate-stderr dfc lineage --format svg data/mid.txt
	[ "$status" -eq 2 ]
}

@test "lineage says what is no longer current: arguments or script changed since, or a source edited" {
	chain_run
	jq '(.edges[] | select(.from == "s2") | .arguments[0]) = "S2"' pipeline.json > p && mv p pipeline.json
	dfc update pipeline.json > /dev/null
	run --separate-stderr dfc lineage out/deep/final.txt
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "  not current: s2's arguments changed by version 2" ]
	[ "${lines[8]}" = "      current: the latest version would make it the same way" ]
	echo "# a comment" >> scripts/step.sh
	dfc update pipeline.json > /dev/null
	run --separate-stderr dfc lineage data/mid.txt
	[ "${lines[3]}" = "  not current: s1's script changed by version 3" ]
	echo "new raw" > data/raw.txt
	run --separate-stderr dfc lineage data/mid.txt
	[ "${lines[3]}" = "  not current: s1's script changed by version 3; input data/raw.txt changed since" ]
	run --separate-stderr dfc lineage --format json out/deep/final.txt
	jq -e '.files[0].current == false and (.files[0].changed | test("input data/mid.txt is not current"))' <<< "$output"
}

@test "lineage draws the trace as mermaid and as dot, a step no longer current in red" {
	chain_run
	run --separate-stderr dfc lineage --format mermaid out/deep/final.txt
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "flowchart LR" ]
	[[ "$output" == *'f0["out/deep/final.txt<br/>'* ]]
	[[ "$output" == *"s0{{\"s2<br/>run $RUN\"}} --> f0"* ]]
	[[ "$output" == *"f1 --> s0"* ]]
	[[ "$output" == *"f2 --> s1"* ]]
	run --separate-stderr dfc lineage --format dot out/deep/final.txt
	[ "$status" -eq 0 ]
	if command -v dot > /dev/null; then
		dot -Tsvg <<< "$output" > /dev/null
	fi
	[[ "$output" != *"color=red"* ]]
	jq '(.edges[] | select(.from == "s1") | .arguments[0]) = "S1"' pipeline.json > p && mv p pipeline.json
	dfc update pipeline.json > /dev/null
	run --separate-stderr dfc lineage --format dot out/deep/final.txt
	[[ "$output" == *"label=\"s1\\nrun $RUN\", color=red"* ]]
	[[ "$output" == *"label=\"s2\\nrun $RUN\", color=red"* ]]
}

@test "the newest run that wrote a content is named; a run of a standalone script traces once imported" {
	chain_run
	sleep 1
	dfc run -f pipeline.json --force 2> /dev/null
	# shellcheck disable=SC2012 # run ids are plain file names
	newest=$(basename "$(ls -t .dfc/runs/*.json | head -n 1)" .json)
	[ "$newest" != "$RUN" ]
	run --separate-stderr dfc lineage data/o3.txt
	[ "${lines[1]}" = "  written by step s3 of run $newest" ]
	# A script generated and run elsewhere: not known until imported.
	mkdir elsewhere
	cp -r scripts data elsewhere/
	dfc generate -i "$ID" -o elsewhere/gen.sh
	(cd elsewhere && echo "other data" > data/other.txt && bash gen.sh 2> /dev/null)
	run --separate-stderr dfc lineage elsewhere/data/o3.txt
	[ "$status" -eq 7 ]
	dfc runs import elsewhere 2> /dev/null
	run --separate-stderr dfc lineage elsewhere/data/o3.txt
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "  written by step s3 of run "* ]]
	[[ "$output" == *"data/other.txt"*"source: no recorded run wrote it"* ]]
}
