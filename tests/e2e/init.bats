#!/usr/bin/env bats
# init: a starter pipeline from a scanned folder (best guess or wizard), or
# a working example project from a template.
# shellcheck disable=SC2016 # file names holding $( ) are single-quoted on purpose

load helper
load generate_helper

# A small project: two scripts, three datasets, and folders init skips.
write_project() {
	local dir=${1:-.}
	mkdir -p "$dir/scripts" "$dir/data" "$dir/.git" "$dir/node_modules/m"
	printf 'id,value\n1,2\n' > "$dir/data/raw.csv"
	printf 'id,value\n1,2\n' > "$dir/data/clean.csv"
	printf 'id,name\n1,one\n' > "$dir/data/lookup.csv"
	printf 'a\n' > "$dir/.git/hidden.csv"
	printf '1\n' > "$dir/node_modules/m/index.js"
	cat > "$dir/scripts/clean.py" <<'PY'
import csv
with open("data/raw.csv") as src:
    rows = list(csv.reader(src))
with open("data/clean.csv", "w") as dst:
    csv.writer(dst).writerows(rows)
PY
	cat > "$dir/scripts/report.sh" <<'SH'
wc -l data/clean.csv
SH
}

# The edges of pipeline file $1 as "from>to first-argument" lines.
edges() {
	jq -r '.edges[] | "\(.from)>\(.to) \(.arguments[0])"' "$1"
}

@test "--no-input writes the best guess, which validates, and says it guessed" {
	write_project
	run --separate-stderr dfc init --no-input
	[ "$status" -eq 0 ]
	[ "$output" = "./pipeline.json" ]
	dfc validate pipeline.json
	[ "$(jq -r '.name' pipeline.json)" = work ]
	[ "$(jq -r '[.nodes[] | "\(.id):\(.type):\(.path)"] | join(" ")' pipeline.json)" = \
		"clean:dataset:data/clean.csv lookup:dataset:data/lookup.csv raw:dataset:data/raw.csv clean_2:script:scripts/clean.py report:script:scripts/report.sh report_out:dataset:data/report.out.csv" ]
	[ "$(edges pipeline.json)" = "$(printf '%s\n' 'raw>clean_2 --input' 'clean_2>clean --output' \
		'clean>report --input' 'report>report_out --output')" ]
	[ "$(jq -c '.edges[0].arguments' pipeline.json)" = '["--input",{"ref":"raw"}]' ]
	[[ "$stderr" == *"found 2 scripts and 3 datasets"* ]]
	[[ "$stderr" == *"guessed clean_2 (scripts/clean.py): reads raw (--input); writes clean (--output)"* ]]
	[[ "$stderr" == *"guessed report (scripts/report.sh): reads clean (--input); writes report_out (--output, new: data/report.out.csv)"* ]]
	[[ "$stderr" == *"hint: run init on a terminal to choose, or edit ./pipeline.json"* ]]
	! grep -q hidden pipeline.json || false
	! grep -q index.js pipeline.json || false
	dfc generate -f pipeline.json > /dev/null
}

# The folder of issue 20: three argparse scripts that name no file, and two
# CSV files.
write_argparse_project() {
	printf 'id,amount\n1,10\n\n2,20\n' > sales.csv
	printf 'id,name\n1,ann\n2,bob\n' > customers.csv
	cat > clean.py <<'PY'
import argparse
p = argparse.ArgumentParser(description="drop empty lines")
p.add_argument("--input", required=True)
p.add_argument("--output", required=True)
a = p.parse_args()
with open(a.input) as src, open(a.output, "w") as dst:
    dst.writelines(line for line in src if line.strip())
PY
	cat > join.py <<'PY'
import argparse
p = argparse.ArgumentParser()
p.add_argument("-l", "--left", required=True)
p.add_argument("-r", "--right", required=True)
p.add_argument("-o", "--output", required=True)
a = p.parse_args()
with open(a.output, "w") as dst:
    for name in (a.left, a.right):
        with open(name) as src:
            dst.write(src.read())
PY
	cat > report.py <<'PY'
import argparse
p = argparse.ArgumentParser()
p.add_argument("table")
p.add_argument("--rows", type=int, default=10)
p.add_argument("--out", required=True)
a = p.parse_args()
with open(a.table) as src, open(a.out, "w") as dst:
    dst.write("%d lines\n" % sum(1 for _ in src))
PY
}

# The edges of pipeline file $1 as "from>to arguments" lines.
edges_args() {
	jq -r '.edges[] | "\(.from)>\(.to) \(.arguments | tojson)"' "$1"
}

@test "init --no-input connects argparse scripts by their own options: create and run work" {
	write_argparse_project
	run --separate-stderr dfc init --no-input
	[ "$status" -eq 0 ]
	[ "$(edges_args pipeline.json)" = "$(printf '%s\n' \
		'customers>clean ["--input",{"ref":"customers"}]' \
		'clean>clean_out ["--output",{"ref":"clean_out"}]' \
		'clean_out>join ["--left",{"ref":"clean_out"}]' \
		'sales>join ["--right",{"ref":"sales"}]' \
		'join>join_out ["--output",{"ref":"join_out"}]' \
		'report>report_out ["--out",{"ref":"report_out"}]' \
		'join_out>report [{"ref":"join_out"}]')" ]
	[[ "$stderr" == *"guessed join (join.py): reads clean_out (--left, new: data/clean.out.csv), sales (--right); writes join_out (--output, new: data/join.out.csv)"* ]]
	[[ "$stderr" == *"guessed report (report.py): reads join_out (position 1, new: data/join.out.csv); writes report_out (--out, new: data/report.out.csv)"* ]]
	dfc create pipeline.json > /dev/null
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 0 ] || { echo "run: $output $stderr"; return 1; }
	[ "$(cat data/clean.out.csv)" = "$(printf '%s\n' id,name 1,ann 2,bob)" ]
	[ "$(wc -l < data/join.out.csv)" -eq 7 ]
	[ "$(cat data/report.out.csv)" = "7 lines" ]
}

@test "init --no-input follows getopts, case arms and \$1 in shell scripts: create and run work" {
	printf 'id,amount\n1,10\n2,-5\n3,7\n' > raw.csv
	cat > a_filter.sh <<'SH'
#!/bin/bash
set -eu
while getopts "i:o:v" opt; do
	case $opt in
	i) in_file=$OPTARG ;;
	o) out_file=$OPTARG ;;
	v) set -x ;;
	*) exit 2 ;;
	esac
done
grep -v -- ',-' "$in_file" > "$out_file"
SH
	cat > b_count.sh <<'SH'
#!/bin/bash
set -eu
src="$1"
wc -l < "$src" > "$2"
SH
	cat > c_tag.sh <<'SH'
#!/bin/bash
set -eu
while [ $# -gt 0 ]; do
	case "$1" in
	--counts) counts="$2"; shift 2 ;;
	--dest) dest="$2"; shift 2 ;;
	--verbose=*) shift ;;
	*) exit 2 ;;
	esac
done
printf 'rows=%s\n' "$(cat "$counts")" > "$dest"
SH
	run --separate-stderr dfc init --no-input
	[ "$status" -eq 0 ]
	[ "$(edges_args pipeline.json)" = "$(printf '%s\n' \
		'raw>a_filter ["-i",{"ref":"raw"}]' \
		'a_filter>a_filter_out ["-o",{"ref":"a_filter_out"}]' \
		'a_filter_out>b_count [{"ref":"a_filter_out"}]' \
		'b_count>b_count_out [{"ref":"b_count_out"}]' \
		'b_count_out>c_tag ["--counts",{"ref":"b_count_out"}]' \
		'c_tag>c_tag_out ["--dest",{"ref":"c_tag_out"}]')" ]
	dfc create pipeline.json > /dev/null
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 0 ] || { echo "run: $output $stderr"; return 1; }
	[ "$(cat data/b_count.out.csv)" = 3 ]
	[ "$(cat data/c_tag.out.csv)" = rows=3 ]
}

@test "hostile file names: valid ids, exact paths, nothing raw on the terminal" {
	mkdir -p data
	printf 'a\n' > 'data/$(touch pwned) x.csv'
	printf 'a\n' > "data/esc"$'\033'"[31m.csv"
	printf 'echo hi\n' > "run"$'\033'"]0;t"$'\a'".sh"
	run --separate-stderr dfc init --no-input
	[ "$status" -eq 0 ]
	dfc validate pipeline.json
	[ "$(jq -r '.nodes[].id' pipeline.json | paste -sd' ')" = "_touch_pwned_x esc_31m run_0_t_ run_0_t__out" ]
	jq -r '.nodes[].path' pipeline.json | grep -qxF 'data/$(touch pwned) x.csv'
	[[ "$stderr" != *$'\033'* && "$stderr" != *$'\a'* ]]
	[[ "$stderr" == *'guessed run_0_t_ (run\x1b]0;t\x07.sh)'* ]]
	generate_to run.sh -f pipeline.json
	[ ! -e pwned ]
}

@test "without a terminal init guesses too, and the guess does not change between runs" {
	write_project proj
	run --separate-stderr dfc init proj < /dev/null
	[ "$status" -eq 0 ]
	[ "$output" = proj/pipeline.json ]
	[[ "$stderr" == *"hint: run init on a terminal"* ]]
	cp proj/pipeline.json first.json
	dfc init proj --force < /dev/null 2> /dev/null
	cmp first.json proj/pipeline.json
	[ "$(jq -r .name proj/pipeline.json)" = proj ]
}

@test "an existing pipeline file is never overwritten without --force" {
	write_project
	echo '{"mine": true}' > pipeline.json
	run --separate-stderr dfc init --no-input
	[ "$status" -eq 8 ]
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: './pipeline.json' already exists" ]
	[[ "$stderr" == *"hint: "*"--force"* ]]
	[ "$(cat pipeline.json)" = '{"mine": true}' ]
	run --separate-stderr dfc init --no-input --force
	[ "$status" -eq 0 ]
	dfc validate pipeline.json
	[ "$(jq '.nodes | length' pipeline.json)" -eq 6 ]
}

@test "-o writes elsewhere, with paths from that file's folder" {
	write_project proj
	run --separate-stderr dfc init proj -o p.json --no-input
	[ "$status" -eq 0 ]
	[ "$output" = p.json ]
	[ ! -e proj/pipeline.json ]
	dfc validate p.json
	[ "$(jq -r '.nodes[0].path' p.json)" = proj/data/clean.csv ]
	[ "$(jq -r '.nodes[5].path' p.json)" = proj/data/report.out.csv ]
	# A file deeper than the folder would need '..' paths: refused.
	run --separate-stderr dfc init . -o proj/scripts/p.json --no-input
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"outside the folder of 'proj/scripts/p.json'"* ]]
	[ ! -e proj/scripts/p.json ]
}

@test "an empty folder or a missing one is a clear error and writes nothing" {
	mkdir empty
	echo 'notes' > empty/notes.md
	run --separate-stderr dfc init empty --no-input
	[ "$status" -eq 7 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: no scripts or datasets in 'empty'" ]
	[[ "$stderr" == *"hint: data-factory-cli init --template etl empty"* ]]
	[ ! -e empty/pipeline.json ]
	run --separate-stderr dfc init missing --no-input
	[ "$status" -eq 7 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: no folder 'missing'" ]
	[ ! -e missing ]
}

@test "the scan stops at its file limit and says so" {
	mkdir -p big
	for i in $(seq 1 5003); do : > "big/f$i.txt"; done
	run --separate-stderr dfc init big --no-input
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"stopped scanning after 5000 files"* ]]
	[ "$(jq '.nodes | length' big/pipeline.json)" -eq 5000 ]
	dfc validate big/pipeline.json
}

@test "init needs no DATA_FACTORY_HOME and creates none" {
	write_project
	dfc init --no-input 2> /dev/null
	[ ! -e "$DATA_FACTORY_HOME" ]
	dfc init --template ml ex > /dev/null 2>&1
	[ ! -e "$DATA_FACTORY_HOME" ]
}

@test "--list-templates prints name and description, one a line" {
	run --separate-stderr dfc init --list-templates
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == etl$'\t'?* ]]
	[[ "${lines[1]}" == medallion$'\t'*bronze*silver*gold* ]]
	[[ "${lines[2]}" == ml$'\t'*train* ]]
	run --separate-stderr dfc init --list-templates somewhere
	[ "$status" -eq 2 ]
}

@test "an unknown template exits 2 with a hint and writes nothing" {
	run --separate-stderr dfc init --template nope proj
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: no template 'nope'" ]
	[[ "$stderr" == *"hint: data-factory-cli init --list-templates"* ]]
	[ ! -e proj ]
	run --separate-stderr dfc init --template etl -o x.json
	[ "$status" -eq 2 ]
}

@test "a template never overwrites a file without --force, checking all first" {
	dfc init --template etl proj > /dev/null
	echo changed > proj/scripts/load.py
	rm proj/data/orders.csv
	run --separate-stderr dfc init --template etl proj
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"already exists"* && "$stderr" == *"--force"* ]]
	[ "$(cat proj/scripts/load.py)" = changed ]
	[ ! -e proj/data/orders.csv ]
	run --separate-stderr dfc init --template etl proj --force
	[ "$status" -eq 0 ]
	[[ "$output" == *proj/data/orders.csv* ]]
	cmp proj/scripts/load.py "$DFC_SOURCE_DIR/templates/etl/scripts/load.py"
	[ -x proj/scripts/load.py ]
}

# Write template $1 into proj, record it, generate its script (shellcheck),
# and run it; the test then checks the outputs in proj.
run_template() {
	run --separate-stderr dfc init --template "$1" proj
	[ "$status" -eq 0 ] || { echo "init: $stderr"; return 1; }
	[[ "$output" == *proj/pipeline.json* ]]
	cd proj || return
	dfc validate pipeline.json
	ID=$(dfc create pipeline.json)
	[ -n "$ID" ]
	generate_to run.sh -f pipeline.json
	run --separate-stderr dfc run -f pipeline.json
	[ "$status" -eq 0 ] || { echo "run: $output $stderr"; return 1; }
}

@test "template etl: create, generate and run work at once" {
	run_template etl
	[ "$(cat output/revenue_by_country.csv)" = "$(printf '%s\n' country,orders,revenue \
		US,3,345.25 GB,2,140.40 FI,2,50.00)" ]
	[ "$(wc -l < build/orders.clean.csv)" -eq 8 ]
	run dfc run -f pipeline.json
	[[ "$output" == *"skipped (up to date"* ]]
}

@test "template medallion: bronze, silver and gold tables" {
	run_template medallion
	[ "$(wc -l < lake/bronze/sales.csv)" -eq 9 ]
	[ "$(cat lake/gold/daily_revenue.csv)" = "$(printf '%s\n' date,store,sales,units,revenue \
		2024-03-01,north,2,5,3.10 2024-03-01,south,1,10,5.00 \
		2024-03-02,north,1,1,0.50 2024-03-02,south,1,4,3.00)" ]
	[ "$(cut -d, -f3 lake/silver/rejected.csv | tail -n +2 | paste -sd/)" = \
		"duplicate/missing quantity/quantity not positive" ]
}

@test "template ml: prepare, train and evaluate" {
	run_template ml
	[ "$(wc -l < build/train.csv)" -eq 19 ]
	[ "$(wc -l < build/test.csv)" -eq 6 ]
	[ "$(jq -r .kind build/model.json)" = nearest-centroid ]
	[ "$(jq -c '[.accuracy, .correct, .total]' output/metrics.json)" = '[0.8,4,5]' ]
	[ "$(jq -c '.confusion.versicolor' output/metrics.json)" = '{"setosa":1,"versicolor":2}' ]
}

# Template $1 in a fresh git repository, recorded and run: git sees its
# files and .gitignore, never .dfc/ nor a dataset the pipeline writes.
check_template_gitignore() {
	git init -q proj
	run_template "$1"
	grep -qx '.dfc/' .gitignore
	[ -d .dfc ]
	run git status --porcelain --untracked-files=all
	[ "$status" -eq 0 ]
	[[ "$output" == *"?? .gitignore"* ]]
	[[ "$output" == *"?? pipeline.json"* ]]
	[[ "$output" != *.dfc/* ]]
	outputs=$(jq -r '.edges[].to as $to | .nodes[] | select(.id == $to and .type == "dataset") | .path' pipeline.json)
	[ -n "$outputs" ]
	for path in $outputs; do
		[ -f "$path" ]
		[[ "$output" != *"$path"* ]]
	done
}

@test "template etl ships a .gitignore: git sees no .dfc/ and no output after a run" {
	check_template_gitignore etl
}

@test "template medallion ships a .gitignore: git sees no .dfc/ and no output after a run" {
	check_template_gitignore medallion
}

@test "template ml ships a .gitignore: git sees no .dfc/ and no output after a run" {
	check_template_gitignore ml
}

@test "a template keeps an existing .gitignore byte for byte, even with --force" {
	mkdir proj
	printf 'secrets/\n# mine, no newline at the end' > proj/.gitignore
	cp proj/.gitignore mine
	run --separate-stderr dfc init --template etl proj
	[ "$status" -eq 0 ]
	[[ "$output" != *.gitignore* ]]
	cmp proj/.gitignore mine
	run --separate-stderr dfc init --template etl proj --force
	[ "$status" -eq 0 ]
	cmp proj/.gitignore mine
}

@test "a scan writes a .gitignore for .dfc/ when there is none, and keeps one that exists" {
	write_project proj
	run --separate-stderr dfc init --no-input proj
	[ "$status" -eq 0 ]
	[ "$(cat proj/.gitignore)" = "$(printf '%s\n' '# data-factory-cli work files (run records, caches)' .dfc/)" ]
	[[ "$stderr" == *"wrote a .gitignore beside proj/pipeline.json: it ignores .dfc/"* ]]
	! jq -r '.nodes[].path' proj/pipeline.json | grep -q gitignore || false
	write_project other
	printf '*.log\n' > other/.gitignore
	cp other/.gitignore mine
	run --separate-stderr dfc init --no-input other
	[ "$status" -eq 0 ]
	cmp other/.gitignore mine
	[[ "$stderr" != *gitignore* ]]
}

# The wizard, through a real terminal: tmux on a private socket.
tmux_() {
	tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

# The pane's text, history included, of session $SESSION (default wizard).
pane() {
	tmux_ capture-pane -p -J -S - -t "${SESSION:-wizard}"
}

# Wait (up to 30 s) until the pane holds at least $2 (default 1) lines
# containing the text $1.
wait_for() {
	local text=$1 count=${2:-1} i
	for i in $(seq 1 300); do
		[ "$(pane | grep -cF -- "$text")" -ge "$count" ] && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$text' (x$count); the pane shows:"
	pane
	return 1
}

# Type $1 (may be empty) and Enter.
answer() {
	[ -z "$1" ] || tmux_ send-keys -t "${SESSION:-wizard}" -l -- "$1"
	tmux_ send-keys -t "${SESSION:-wizard}" Enter
}

# Run `init` in the work folder on a 200x50 terminal, in tmux session
# $SESSION (default wizard); its exit status lands in $TEST_TMP/wizard.status
# and the pane stays open for capture.
start_wizard() {
	cat > "$TEST_TMP/wizard.sh" <<SH
cd "$TEST_TMP/work" || exit 1
"$DFC_BIN" init
echo "status=\$?" > "$TEST_TMP/wizard.status"
sleep 600
SH
	tmux_ new-session -d -s "${SESSION:-wizard}" -x 200 -y 50 "bash $TEST_TMP/wizard.sh"
}

# Wait (up to 30 s) for the wizard to exit.
wait_for_exit() {
	for _ in $(seq 1 300); do
		[ -e "$TEST_TMP/wizard.status" ] && return 0
		sleep 0.1
	done
	echo "the wizard did not exit"
	return 1
}

teardown() {
	tmux_ kill-server 2> /dev/null || true
	cd / && rm -rf "$TEST_TMP"
}

@test "the wizard asks one question at a time on a terminal, re-asks, shows the DAG and writes" {
	write_project
	start_wizard
	wait_for "clean_2 (scripts/clean.py) reads which datasets? [3]:"
	pane | grep -q "4  report_out  data/report.out.csv  (new)"
	answer 9
	wait_for "no dataset '9'"
	wait_for "reads which datasets? [3]:" 2
	answer "3, lookup"
	wait_for "argument for raw [--input]:"
	answer ""
	wait_for "argument for lookup [--input]:"
	answer "--lookup"
	wait_for "clean_2 writes which datasets? [1]:"
	answer ""
	wait_for "argument for clean [--output]:"
	answer ""
	wait_for "report (scripts/report.sh) reads which datasets? [1]:"
	answer ""
	wait_for "argument for clean [--input]:"
	answer "--data"
	wait_for "report writes which datasets? [4]:"
	answer "out/summary.txt"
	wait_for "new dataset 5: summary out/summary.txt"
	wait_for "argument for summary [--output]:"
	answer ""
	wait_for "pipeline name? [work]:"
	answer "wizard-demo"
	wait_for "Write ./pipeline.json? [Y/n]"
	pane | grep -q "layer 0:"
	pane | grep -q "clean_2 --> clean"
	[ ! -e pipeline.json ]
	answer maybe
	wait_for "answer y or n"
	answer y
	wait_for_exit
	[ "$(cat "$TEST_TMP/wizard.status")" = status=0 ]
	dfc validate pipeline.json
	[ "$(jq -r .name pipeline.json)" = wizard-demo ]
	[ "$(edges pipeline.json)" = "$(printf '%s\n' 'raw>clean_2 --input' 'lookup>clean_2 --lookup' \
		'clean_2>clean --output' 'clean>report --data' 'report>summary --output')" ]
	[ "$(jq -r '.nodes[] | select(.id == "summary") | .path' pipeline.json)" = out/summary.txt ]
	! grep -q report_out pipeline.json || false
	# no guess on a terminal
	! pane | grep -q "hint: run init on a terminal" || false
}

@test "the wizard: end of input aborts and writes nothing; 'n' writes nothing" {
	write_project
	start_wizard
	wait_for "reads which datasets? [3]:"
	tmux_ send-keys -t wizard C-d
	wait_for_exit
	[ "$(cat "$TEST_TMP/wizard.status")" = status=2 ]
	wait_for "nothing written"
	[ ! -e pipeline.json ]

	rm "$TEST_TMP/wizard.status"
	SESSION=again
	start_wizard
	tmux_ kill-session -t wizard
	# Enter at every question takes every default: "text:how many times seen".
	for q in "reads which:1" "argument for raw:1" "writes which:1" "argument for clean:1" \
		"reads which:2" "argument for clean:2" "writes which:2" \
		"argument for report_out:1" "pipeline name:1"; do
		wait_for "${q%:*}" "${q##*:}"
		answer ""
	done
	wait_for "[Y/n]"
	answer n
	wait_for_exit
	[ "$(cat "$TEST_TMP/wizard.status")" = status=0 ]
	[ ! -e pipeline.json ]
}

@test "the wizard offers the script's own options and asks positions as positions, never '-'" {
	printf 'k\n1\n' > a.csv
	printf 'k\n2\n' > b.csv
	printf 'k\n3\n' > c.csv
	cat > join.py <<'PY'
import argparse
p = argparse.ArgumentParser()
p.add_argument("--left", required=True)
p.add_argument("--right", required=True)
p.add_argument("--output", required=True)
a = p.parse_args()
PY
	cat > show.py <<'PY'
import argparse
p = argparse.ArgumentParser()
p.add_argument("table")
p.add_argument("--out")
a = p.parse_args()
PY
	start_wizard
	wait_for "An argument is an option (--input), a position"
	wait_for "join (join.py) reads which datasets? [1,2]:"
	# c is no guess of join's: it gets join's next option, --right.
	answer "3,1"
	wait_for "argument for c [--right]:"
	answer ""
	wait_for "argument for a [--left]:"
	answer ""
	wait_for "join writes which datasets? [4]:"
	answer ""
	wait_for "argument for join_out [--output]:"
	answer ""
	wait_for "show (show.py) reads which datasets? [4]:"
	answer ""
	wait_for "argument for join_out [position 1]:"
	answer "position x"
	wait_for "a position is a number from 1 to 32"
	wait_for "argument for join_out [position 1]:" 2
	answer "1"
	wait_for "show writes which datasets? [5]:"
	answer ""
	wait_for "argument for show_out [--out]:"
	answer "-"
	wait_for "pipeline name? [work]:"
	answer ""
	wait_for "Write ./pipeline.json? [Y/n]"
	answer y
	wait_for_exit
	[ "$(cat "$TEST_TMP/wizard.status")" = status=0 ]
	dfc validate pipeline.json
	[ "$(edges_args pipeline.json)" = "$(printf '%s\n' \
		'c>join ["--right",{"ref":"c"}]' \
		'a>join ["--left",{"ref":"a"}]' \
		'join>join_out ["--output",{"ref":"join_out"}]' \
		'show>show_out []' \
		'join_out>show [{"ref":"join_out"}]')" ]
	! grep -q '"-"' pipeline.json || false
}
