#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# report: a recorded run as one self-contained HTML page, checked in a real
# headless Chromium, and as a mermaid gantt chart.

load helper
load generate_helper

# A pipeline of three steps in a chain, the last one failing, recorded by
# `run`: its report has a step of each outcome but "skipped".
write_failing_run() {
	write_failing
	dfc create pipeline.json > /dev/null
	run dfc run -f pipeline.json
	[ "$status" -eq 4 ]
}

# chromium_dom FILE: the page's DOM once its script ran, Chromium's log in
# $TEST_TMP/chromium.log.
chromium_dom() {
	chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TEST_TMP/chromium" --enable-logging=stderr --v=0 \
		--virtual-time-budget=2000 --dump-dom "file://$PWD/$1" 2> "$TEST_TMP/chromium.log"
}

@test "the HTML report is one self-contained page that Chromium renders with every step and no console error" {
	write_failing_run
	run dfc report -o report.html
	[ "$status" -eq 0 ]
	[[ "$output" == *"wrote the report of run "*" to report.html"* ]]
	# Self-contained: nothing fetched from anywhere.
	! grep -Eiq '(src|href)="(https?:)?//|@import|url\((https?:)?//' report.html || false
	! grep -q '<link' report.html || false
	dom=$(chromium_dom report.html)
	# The page's script ran to its end, over every marked element.
	[[ "$dom" =~ \<html\ lang=\"en\"\ data-ready=\"[1-9][0-9]*\" ]]
	for step in first boom after; do
		grep -q "data-step=\"$step\"" <<< "$dom"
	done
	[[ "$dom" == *'class="node ran" data-step="first"'* ]]
	[[ "$dom" == *'class="node failed" data-step="boom"'* ]]
	[[ "$dom" == *'class="node not-run" data-step="after"'* ]]
	[[ "$dom" == *'class="bar failed" data-step="boom"'* ]]
	[[ "$dom" == *"(exit 3)"* ]]
	! grep -Eq 'CONSOLE|Uncaught|ERROR:.*(javascript|script)' "$TEST_TMP/chromium.log" || false
}

@test "a screenshot of the report shows the outcome colours, on a phone's width too" {
	write_failing_run
	dfc report -o report.html 2> /dev/null
	for width in 1000 390; do
		chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
			--user-data-dir="$TEST_TMP/chromium" --window-size="$width,1000" \
			--screenshot="$TEST_TMP/shot-$width.png" "file://$PWD/report.html" 2> /dev/null
		[ -s "$TEST_TMP/shot-$width.png" ]
		# Pixels of the "ran" green and the "failed" red are on the page.
		run python3 "$DFC_SOURCE_DIR/tests/e2e/png_colours.py" "$TEST_TMP/shot-$width.png" \
			2e7d32 c62828
		[ "$status" -eq 0 ]
		read -r green red <<< "$output"
		[ "$green" -gt 100 ]
		[ "$red" -gt 100 ]
	done
}

@test "report escapes what the record holds: a hostile record cannot inject markup" {
	mkdir -p scripts '<b>'
	echo 'cat "$1" > "$2"' > scripts/copy.sh
	echo hi > '<b>/x".txt'
	jq -n '{name: "<script>alert(1)</script>", nodes: [
		{id: "src", type: "dataset", path: "<b>/x\".txt"},
		{id: "copy", type: "script", path: "scripts/copy.sh"},
		{id: "dst", type: "dataset", path: "out/<img src=x onerror=alert(2)>.txt"}],
		edges: [{from: "src", to: "copy", arguments: [{ref: "src"}]},
			{from: "copy", to: "dst", arguments: [{ref: "dst"}]}]}' > pipeline.json
	dfc generate -f pipeline.json -o gen.sh
	bash gen.sh 2> /dev/null
	rec=$(ls .dfc/runs/*.json)
	dfc report "$PWD/$rec" -o report.html 2> /dev/null
	! grep -q '<script>alert' report.html || false
	! grep -q '<img' report.html || false
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' report.html
	dom=$(chromium_dom report.html)
	[[ "$dom" != *"<img"* ]]
	[ "$(grep -o '<script>' <<< "$dom" | wc -l)" -eq 1 ]
}

@test "report --format mermaid is a gantt chart of the steps that ran, in sections by outcome" {
	write_failing_run
	run --separate-stderr dfc report --format mermaid
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = gantt ]
	[[ "${lines[1]}" =~ ^\ \ \ \ title\ run\ [0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{4}$ ]]
	[ "${lines[2]}" = "    dateFormat x" ]
	[ "${lines[3]}" = "    axisFormat %H:%M:%S" ]
	[ "${lines[4]}" = "    section ran" ]
	[[ "${lines[5]}" =~ ^\ \ \ \ first\ :done,\ ([0-9]{13}),\ ([0-9]{13})$ ]]
	(( BASH_REMATCH[1] <= BASH_REMATCH[2] ))
	[ "${lines[6]}" = "    section failed" ]
	[[ "${lines[7]}" =~ ^\ \ \ \ boom\ :crit,\ [0-9]{13},\ [0-9]{13}$ ]]
	[ "${#lines[@]}" -eq 8 ]
}

@test "report names a run by id or prefix, reads a record file, and refuses what it cannot show" {
	write_failing_run
	id=$(basename "$(ls .dfc/runs/*.json)" .json)
	dfc report "${id:0:12}" -o a.html 2> /dev/null
	dfc report "$PWD/.dfc/runs/$id.json" -o b.html 2> /dev/null
	grep -q "Run $id" a.html
	grep -q "Run $id" b.html
	run --separate-stderr dfc report --format pdf
	[ "$status" -eq 2 ]
	[ "$stderr" = "data-factory-cli: error: unknown format 'pdf'
hint: --format takes html or mermaid" ]
	run --separate-stderr dfc report 19990101T000000Z-1-abcd
	[ "$status" -ne 0 ]
	[[ "$stderr" == "data-factory-cli: error: "* ]]
	[ ! -e c.html ]
	rm -rf "$DATA_FACTORY_HOME"
	run --separate-stderr dfc report -o c.html
	[ "$status" -ne 0 ]
	[[ "$stderr" == "data-factory-cli: error: "* ]]
	[ ! -e c.html ]
}
