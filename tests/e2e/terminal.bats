#!/usr/bin/env bats
# Terminal safety (SPEC §8): text from pipeline files, commit messages and
# catalogs reaches a real terminal with its control characters escaped.

load helper

C1=$'\xc2\x9b'                      # U+009B, a CSI for many terminals
NAME=$'\e]0;owned\a\e[2J'           # sets the window title, clears the screen

# The example pipeline made hostile: its name, a description, an argument
# and the paths of a dataset and a script hold ESC, BEL or a C1 CSI.
write_hostile() {
	write_pipeline
	mv data/raw.csv "data/raw${C1}1m.csv"
	mv scripts/clean.py "scripts/clean${C1}2J.py"
	jq --arg name "$NAME" --arg c1 "$C1" '
		.name = $name
		| .description = "desc \($c1)31m C1"
		| (.nodes[] | select(.id == "raw") | .path) = "data/raw\($c1)1m.csv"
		| (.nodes[] | select(.id == "clean") | .path) = "scripts/clean\($c1)2J.py"
		| .edges[0].arguments += ["--tag", "\u001b[31mx"]' pipeline.json > hostile.json
	mv hostile.json pipeline.json
}

# Run the tool on a pseudo-terminal, as a person at a terminal would
# (util-linux script); every byte the terminal received, from stdout and
# stderr, is in $TEST_TMP/tty.out. With NO_COLOR, an escape sequence there
# can only come from the data.
on_tty() {
	tty_run "$DFC_BIN" "$@"
}

# The same for any command, such as a generated script.
tty_run() {
	local cmd
	cmd=$(printf '%q ' "$@")
	NO_COLOR=1 SHELL=/bin/bash script -qec "$cmd" /dev/null < /dev/null > "$TEST_TMP/tty.out"
}

# $TEST_TMP/tty.out is valid UTF-8 and holds no C0 control but tab and line
# ends, no DEL and no C1 control (0xc2 0x80-0x9f).
tty_safe() {
	local hex
	hex=$(od -An -tx1 -v "$TEST_TMP/tty.out" | tr -s ' \n' '  ')
	cat -v "$TEST_TMP/tty.out"
	iconv -f UTF-8 -t UTF-8 "$TEST_TMP/tty.out" > /dev/null ||
		{ echo "not UTF-8"; return 1; }
	if grep -Eo ' (0[0-8bcef]|1[0-9a-f]|7f|c2 [89][0-9a-f])( |$)' <<<"$hex"; then
		echo "control characters reached the terminal"
		return 1
	fi
}

# $TEST_TMP/tty.out is safe and shows each of the texts given (the escaped
# forms of what the data held).
tty_shows() {
	local shown
	tty_safe
	for shown in "$@"; do
		grep -qF -- "$shown" "$TEST_TMP/tty.out" || { echo "missing: $shown"; return 1; }
	done
}

# The hostile pipeline recorded (by an author whose name holds ESC) and
# shared by a first home; then the second user works in $TEST_TMP/work2 (a
# clone of the folder) with the home $TEST_TMP/home2.
share_hostile() {
	export DATA_FACTORY_CATALOG=$TEST_TMP/catalog.git
	git init -q --bare "$DATA_FACTORY_CATALOG"
	write_hostile
	ID=$(GIT_AUTHOR_NAME=$'Eve\e[5m' dfc create -m $'first \e]0;x\a' pipeline.json)
	dfc share -f pipeline.json > /dev/null
	cp -r "$TEST_TMP/work" "$TEST_TMP/work2"
	cd "$TEST_TMP/work2" || return 1
	export DATA_FACTORY_HOME=$TEST_TMP/home2
}

@test "list of pipelines, scripts and datasets from a catalog: names escaped" {
	share_hostile
	on_tty list --refresh
	tty_shows '\x1b]0;owned\x07\x1b[2J' catalog-only
	on_tty list pipelines
	tty_shows '\x1b]0;owned\x07\x1b[2J'
	on_tty list scripts
	tty_shows 'clean\xc2\x9b2J.py'
	on_tty list datasets
	tty_shows 'raw\xc2\x9b1m.csv'
	on_tty list pipelines --search owned
	tty_shows '\x1b]0;owned'
	# --json keeps the exact value, and writes C1 as \u009b
	run --separate-stderr dfc list pipelines --json
	[ "$(jq -r '.[0].name' <<<"$output")" = "$NAME" ]
	run --separate-stderr dfc list scripts --json
	[ "$(jq -r '.[0].name' <<<"$output")" = "clean${C1}2J.py" ]
	[[ "$output" == *'clean\u009b2J.py'* ]]
	[[ "$output" != *"$C1"* ]]
}

@test "status, show, diff, graph and log on a terminal: data escaped" {
	share_hostile
	on_tty status pipeline.json
	tty_shows 'state:    untracked'
	on_tty create pipeline.json
	tty_safe
	on_tty sync pipeline.json
	tty_safe
	on_tty show -i "$ID"
	tty_shows '\u001b]0;owned\u0007' 'desc \u009b31m C1'
	on_tty graph -i "$ID" --format ascii
	tty_shows ' [31mx' '[clean]'
	jq --arg c1 "$C1" '.name = "\u001b[1mnew\($c1)" | .description = "d\u007f"' \
		pipeline.json > new.json
	mv new.json pipeline.json
	on_tty status pipeline.json
	tty_shows 'state:    modified'
	on_tty diff pipeline.json
	tty_shows "field 'name'" 'new\xc2\x9b' 'd\x7f'
	on_tty update -m $'\e[31mred\e[0m \xc2\x9b\n\nbody \a' pipeline.json
	tty_safe
	on_tty diff -i "$ID" --from-catalog
	tty_shows "field 'description'" 'desc \xc2\x9b31m'
	jq '.description = "third"' pipeline.json > new.json
	mv new.json pipeline.json
	GIT_AUTHOR_NAME=$'Mal\e[8m' GIT_AUTHOR_EMAIL=$'m\a@x' on_tty update --verbose pipeline.json
	tty_safe
	on_tty log pipeline.json
	tty_shows '\x1b[31mred\x1b[0m \xc2\x9b' 'Mal\x1b[8m <m\x07@x>'
	# one line a version: a line break in a subject or name starts none
	[ "$(grep -c '^v' "$TEST_TMP/tty.out")" -eq 3 ]
	on_tty log -i "$ID" --json
	tty_safe
	run --separate-stderr dfc log -i "$ID" --json
	[[ "$(jq -r '.[1].message' <<<"$output")" == $'\e[31mred\e[0m \xc2\x9b\n\nbody \a'* ]]
	[ "$(jq -r '.[0].author.name' <<<"$output")" = $'Mal\e[8m' ]
	run --separate-stderr dfc show -i "$ID" -v 2 --json
	[ "$(jq -r .pipeline.name <<<"$output")" = $'\e[1mnew'"$C1" ]
	run --separate-stderr dfc diff -i "$ID" 1 2 --format json
	[ "$(jq -r '.changes[] | select(.field == "name") | .new' <<<"$output")" = $'\e[1mnew'"$C1" ]
	[[ "$output" != *"$C1"* ]]
	run --separate-stderr dfc status --json pipeline.json
	[ "$(jq -r .state <<<"$output")" = clean ]
}

@test "errors, hints and notes naming hostile files are escaped" {
	share_hostile
	run on_tty status $'gone\e]0;owned\a\xc2\x9b.json'
	[ "$status" -ne 0 ]
	tty_shows 'error:' 'gone\x1b]0;owned\x07\xc2\x9b.json'
	# a script file that is missing, its path from the file
	jq '(.nodes[] | select(.id == "clean") | .path) = "scripts/\u001b[2Jgone.py"' \
		pipeline.json > other.json
	run on_tty create other.json
	[ "$status" -eq 5 ]
	tty_shows 'scripts/\x1b[2Jgone.py'
	# a structural problem: the pointer and the file name
	printf '{"nodes":[{"id":"a","type":"script","path":"a.sh","resources":{"x\\u009b":1}}],"edges":[]}' \
		> $'bad\e[2J.json'
	run on_tty validate $'bad\e[2J.json'
	[ "$status" -eq 3 ]
	tty_shows 'bad\x1b[2J.json: /nodes/0/resources/x\xc2\x9b: unknown resource'
	# a note: a file recorded under a name holding escapes
	cp pipeline.json $'copy\e[5m.json'
	run on_tty update $'copy\e[5m.json'
	tty_shows 'copy\x1b[5m.json'
	# a line break in a name cannot start a line of its own
	run on_tty status $'x\nhint: run rm -rf ~'
	tty_shows 'x\x0ahint: run rm -rf ~'
	[ "$(grep -c '^hint: run rm' "$TEST_TMP/tty.out")" -eq 0 ]
}

@test "run: the generated script's messages escape names and paths" {
	write_hostile
	on_tty run -f pipeline.json
	tty_shows 'running ?]0;owned??[2J' 'clean: done'
	jq '(.nodes[] | select(.id == "raw") | .path) = "data/gone\u001b[2J.csv"' \
		pipeline.json > missing.json
	run on_tty run -f missing.json
	[ "$status" -eq 5 ]
	tty_shows 'data/gone\x1b[2J.csv'
	on_tty generate -f pipeline.json -o run.sh
	tty_safe
	tty_run ./run.sh --dry-run --force
	# the dry run shows each command as bash would read it back
	tty_shows "--tag \$'\\E[31mx'"
}

@test "colour on a terminal is our own: data inside is escaped first" {
	share_hostile
	dfc create pipeline.json > /dev/null
	jq '.name = "\u001b[1mnew"' pipeline.json > new.json
	mv new.json pipeline.json
	cmd=$(printf '%q ' "$DFC_BIN" diff --color=always pipeline.json)
	SHELL=/bin/bash script -qec "$cmd" /dev/null < /dev/null > "$TEST_TMP/tty.out"
	grep -qF '\u001B[1mnew' "$TEST_TMP/tty.out"
	# every ESC starts one of the diff's colours: 31, 32, 33 or reset
	[ "$(LC_ALL=C grep -o $'\e' "$TEST_TMP/tty.out" | wc -l)" -eq \
		"$(LC_ALL=C grep -oE $'\e\\[(3[123])?m' "$TEST_TMP/tty.out" | wc -l)" ]
	LC_ALL=C grep -qE $'\e\\[33m' "$TEST_TMP/tty.out"
}

@test "the init wizard escapes folder names and answers" {
	dir=$'proj\e]0;owned\a'
	mkdir -p "$dir/scripts" "$dir/data"
	printf 'print(1)\n' > "$dir/scripts/step.py"
	printf 'a\n' > "$dir/data/in.csv"
	cmd=$(printf '%q ' "$DFC_BIN" init "$dir")
	printf '%s\n' $'\e[2Jnope' - - - - n | SHELL=/bin/bash script -qec "$cmd" /dev/null \
		> "$TEST_TMP/tty.out" || true
	# what was typed is echoed by the terminal itself; what we print is safe
	run ! grep -qF "pipeline name? [$dir]" "$TEST_TMP/tty.out"
	grep -qF 'pipeline name? [proj\x1b]0;owned\x07]' "$TEST_TMP/tty.out"
	grep -qF "no dataset '"'\x1b[2Jnope'"'" "$TEST_TMP/tty.out"
}
