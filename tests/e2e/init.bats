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
	[[ "$stderr" == *"guessed clean_2 (scripts/clean.py): reads raw; writes clean"* ]]
	[[ "$stderr" == *"guessed report (scripts/report.sh): reads clean; writes report_out (new: data/report.out.csv)"* ]]
	[[ "$stderr" == *"hint: run init on a terminal to choose, or edit ./pipeline.json"* ]]
	! grep -q hidden pipeline.json || false
	! grep -q index.js pipeline.json || false
	dfc generate -f pipeline.json > /dev/null
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
