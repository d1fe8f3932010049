#!/usr/bin/env bats
# completions/: bash, zsh and fish completion, driven through each shell's
# own completion machinery, with the tool's hidden helpers behind them.

load helper

# Complete LINE (what follows the tool's name) with the bash function, the
# line split into COMP_WORDS as bash splits it: at blanks, and a run of
# COMP_WORDBREAKS characters (`=`, `:`) is a word of its own, so that
# `--format=` is `--format` `=`. Prints COMPREPLY, one a line.
complete_line() {
	local line="$DFC_BIN $1" word='' kind='' c k i
	# shellcheck source=completions/data-factory-cli.bash
	source "$DFC_SOURCE_DIR/completions/data-factory-cli.bash"
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:space:]] ]]; then
			[[ -n $word ]] && COMP_WORDS+=("$word")
			word='' kind=''
			continue
		fi
		k=word
		[[ $COMP_WORDBREAKS == *"$c"* ]] && k='break'
		if [[ -n $word && $k != "$kind" ]]; then
			COMP_WORDS+=("$word")
			word=''
		fi
		word+=$c kind=$k
	done
	if [[ -n $word ]]; then
		COMP_WORDS+=("$word")
	else
		COMP_WORDS+=("")
	fi
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	_data_factory_cli
	printf '%s\n' "${COMPREPLY[@]}"
}

# The words given, the last one being completed ("" for a new word).
complete_words() {
	complete_line "$*"
}

# The line an interactive bash or zsh ($1) shows after typing LINE ($2)
# and TAB (python3 drives it on a terminal).
shell_line() {
	python3 "$DFC_SOURCE_DIR/tests/e2e/complete_pty.py" "$1" "$DFC_SOURCE_DIR" \
		"data-factory-cli $2"
}

# What fish offers for LINE, one a line, sorted.
fish_complete() {
	fish -c "source '$DFC_SOURCE_DIR/completions/data-factory-cli.fish'
		complete -C'data-factory-cli $1'" | cut -f1 | sort
}

@test "commands complete from the command table" {
	run complete_words "up"
	[ "$output" = update ]
	run complete_words ""
	for c in create update validate show log status; do
		grep -qx "$c" <<<"$output"
	done
}

@test "options complete per command, global ones included" {
	run complete_words update --al
	[ "$output" = --allow-empty ]
	run complete_words show --
	grep -qx -- --json <<<"$output"
	grep -qx -- --home= <<<"$output"
	! grep -qx -- --allow-empty <<<"$output" || false
}

@test "the completion helpers list every option of every command" {
	for c in $(dfc --list-commands); do
		dfc "$c" --list-options | grep -qx -- --help
	done
	[ "$(dfc --list-commands | wc -l)" -ge 6 ]
}

@test "pipeline ids complete after -i, versions after -v" {
	create_pipeline one.json
	first=$ID
	create_pipeline two.json
	sed -i 's/1000/7/' two.json
	dfc update two.json
	PATH=$(dirname "$DFC_BIN"):$PATH
	run complete_words show -i ""
	grep -qx "$first" <<<"$output"
	grep -qx "$ID" <<<"$output"
	run complete_words show -i "$ID" -v ""
	[ "$output" = "$(printf '1\n2')" ]
}

@test "ids, versions and node ids come from the store of a --home on the line" {
	create_pipeline
	PATH=$(dirname "$DFC_BIN"):$PATH
	write_pipeline other.json
	sed -i 's/daily-sales/weekly/; s/"out"/"result"/g' other.json
	other=$(DATA_FACTORY_HOME=$TEST_TMP/other dfc create other.json)
	rm other.json
	run complete_words --home "$TEST_TMP/other" show -i ""
	[ "$output" = "$(printf '%s\nweekly' "$other")" ]
	run complete_line "run --home=$TEST_TMP/other -i weekly --from r"
	[ "$output" = "$(printf 'raw\nresult')" ]
	[ "$(fish_complete "--home $TEST_TMP/other show -i w")" = weekly ]
	[ "$(fish_complete "run --home=$TEST_TMP/other -i weekly --from r")" = "$(printf 'raw\nresult')" ]
	[ "$(shell_line zsh "--home $TEST_TMP/other show -i w")" = "data-factory-cli --home $TEST_TMP/other show -i weekly " ]
	shell_line zsh "run --home=$TEST_TMP/other -i weekly --from r"
	[ "$(cat .complete-dump.matches)" = "$(printf 'raw\nresult')" ]
	# Without it, the default store's.
	run complete_words show -i ""
	[ "$output" = "$(printf '%s\ndaily-sales' "$ID")" ]
}

@test "values complete after --target, --on and --template" {
	run complete_words generate --target ""
	[ "$output" = "$(printf 'bash\nslurm')" ]
	run complete_words run --on s
	[ "$output" = slurm ]
	run complete_words init --template m
	[ "$output" = "$(printf 'medallion\nml')" ]
}

@test "--format values per command, and the first word of list, config and hooks" {
	run complete_words diff --format ""
	[ "$output" = "$(printf 'text\njson\npatch\nmermaid')" ]
	run complete_words graph --format d
	[ "$output" = dot ]
	run complete_words lineage --format m
	[ "$output" = mermaid ]
	run complete_words list ""
	[ "$output" = "$(printf 'pipelines\nscripts\ndatasets')" ]
	run complete_words --home /tmp list --json s
	[ "$output" = scripts ]
	run complete_words config u
	[ "$output" = unset ]
	run complete_words hooks ""
	[ "$output" = "$(printf 'install\nuninstall\nrecord')" ]
	# Once given, files again.
	touch pipes.json
	run complete_words list pipelines pipe
	[ "$output" = pipes.json ]
	# After runs, its words and pipeline files.
	run complete_words runs s
	[ "$output" = show ]
	run complete_words runs pip
	[ "$output" = pipes.json ]
}

@test "bash: no -o filenames for the whole command, so a word never gains a / or an escaped =" {
	# shellcheck source=completions/data-factory-cli.bash
	source "$DFC_SOURCE_DIR/completions/data-factory-cli.bash"
	[ "$(complete -p data-factory-cli)" = "complete -F _data_factory_cli data-factory-cli" ]
	mkdir scripts pipelines
	run complete_words list sc
	[ "$output" = scripts ]
	run complete_words run --jo
	[ "$output" = --jobs= ]
	run complete_words run --fi
	[ "$output" = --file= ]
}

@test "bash: --opt=VALUE completes the value, whether or not bash splits words at =" {
	create_pipeline
	PATH=$(dirname "$DFC_BIN"):$PATH
	# bash's own split: it replaces the text after the `=`.
	run complete_line "diff --format="
	[ "$output" = "$(printf 'text\njson\npatch\nmermaid')" ]
	run complete_line "graph --format=d"
	[ "$output" = dot ]
	run complete_line "show --id=dai"
	[ "$output" = daily-sales ]
	run complete_line "show -i=dai"
	[ "$output" = daily-sales ]
	run complete_line "show -i=$ID -v=1"
	[ "$output" = 1 ]
	run complete_line "init --template=me"
	[ "$output" = medallion ]
	run complete_line "run --on=s"
	[ "$output" = slurm ]
	run complete_line "generate --target="
	[ "$output" = "$(printf 'bash\nslurm')" ]
	run complete_line "--color=a"
	[ "$output" = "$(printf 'auto\nalways')" ]
	run complete_line "run -f pipeline.json --node=c"
	[ "$output" = clean ]
	run complete_line "run --jobs="
	[ -z "$output" ]
	# Without `=` among the word breaks, the whole word is replaced.
	COMP_WORDBREAKS=${COMP_WORDBREAKS//=/}
	run complete_line "graph --format=d"
	[ "$output" = --format=dot ]
	run complete_line "show -i=dai"
	[ "$output" = -i=daily-sales ]
	run complete_line "run -f pipeline.json --from=r"
	[ "$output" = --from=raw ]
	# The command is found behind a global --opt=VALUE either way.
	run complete_line "--home=/tmp list s"
	[ "$output" = scripts ]
}

@test "-i=ID is read as --id=ID is" {
	create_pipeline
	[ "$(dfc show -i="$ID")" = "$(dfc show --id="$ID")" ]
}

@test "bash: node ids after --node, --from and --only, of the -f file or of -i's version" {
	create_pipeline
	PATH=$(dirname "$DFC_BIN"):$PATH
	# --node runs one step: script nodes only; --from takes any node.
	run complete_words run -f pipeline.json --node ""
	[ "$output" = clean ]
	run complete_words run -f pipeline.json --from ""
	[ "$output" = "$(printf 'raw\nclean\nout')" ]
	run complete_words run --file=pipeline.json --jobs 2 --from o
	[ "$output" = out ]
	# A recorded version: the latest, or the one -v names.
	sed -i 's/"out"/"result"/g' pipeline.json
	dfc update pipeline.json
	rm pipeline.json
	run complete_words run -i daily-sales --from ""
	[ "$output" = "$(printf 'raw\nclean\nresult')" ]
	run complete_words run -i daily-sales -v 1 --from ""
	[ "$output" = "$(printf 'raw\nclean\nout')" ]
	run complete_words run -i "$ID" --only ""
	[ "$output" = clean ]
	# Neither -f nor -i: nothing, not file names.
	run complete_words run --node ""
	[ -z "$output" ]
}

@test "node ids from a file are offered only when they print as they are, quoted for the shell" {
	PATH=$(dirname "$DFC_BIN"):$PATH
	# shellcheck disable=SC2016 # a command substitution in a node id, kept as text
	printf '{"nodes": [{"id": "my step", "type": "script"}, {"id": "x\\u001b]0;pwn\\u0007", "type": "script"}, {"id": "$(touch pwned)", "type": "script"}, {"id": "ok", "type": "dataset"}]}' > odd.json
	run dfc --list-nodes -f odd.json
	# shellcheck disable=SC2016
	[ "$output" = "$(printf 'my step\n$(touch pwned)\nok')" ]
	run complete_words run -f odd.json --node ""
	[ "$output" = "$(printf '%s\n' 'my\ step' '\$\(touch\ pwned\)')" ]
	[ ! -e pwned ]
}

@test "the hidden helpers print nothing and succeed on bad input, and stay out of --help" {
	run dfc --list-nodes -f missing.json
	[ "$status" -eq 0 ] && [ -z "$output" ]
	echo '{"nodes": [' > broken.json
	run dfc --list-nodes -f broken.json
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run dfc --list-nodes -i no-such-pipeline
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run dfc --list-nodes --bogus
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run dfc --list-nodes -f - </dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run dfc --list-config-keys
	[ "$output" = "$(printf 'catalog.url\ncatalog.max_dataset_bytes\ntoken\nuser.name\nuser.email')" ]
	run dfc --help
	[[ $output != *list-* ]]
}

@test "bash: config keys after config get, set and unset, then nothing" {
	PATH=$(dirname "$DFC_BIN"):$PATH
	touch user.txt
	run complete_words config get ""
	[ "$output" = "$(dfc --list-config-keys)" ]
	run complete_words config set user.
	[ "$output" = "$(printf 'user.name\nuser.email')" ]
	run complete_words config --json unset cat
	[ "$output" = "$(printf 'catalog.url\ncatalog.max_dataset_bytes')" ]
	run complete_words config get user.name ""
	[ -z "$output" ]
	run complete_words config list u
	[ -z "$output" ]
}

@test "bash, for real: what an interactive bash puts on the line" {
	create_pipeline
	mkdir -p scripts
	PATH=$(dirname "$DFC_BIN"):$PATH
	[ "$(shell_line bash 'list sc')" = "data-factory-cli list scripts " ]
	[ "$(shell_line bash 'run --jo')" = "data-factory-cli run --jobs=" ]
	[ "$(shell_line bash 'diff --format=pa')" = "data-factory-cli diff --format=patch " ]
	[ "$(shell_line bash 'run -f pipeline.json --from=o')" = "data-factory-cli run -f pipeline.json --from=out " ]
	[ "$(shell_line bash 'show -i=dai')" = "data-factory-cli show -i=daily-sales " ]
	[ "$(shell_line bash 'config get user.e')" = "data-factory-cli config get user.email " ]
	# File names are still file names: a folder gains its /.
	[ "$(shell_line bash 'run -f scr')" = "data-factory-cli run -f scripts/" ]
	# A word with a space is quoted on the line, and read back quoted.
	write_pipeline two.json
	sed -i 's/daily-sales/Sales report/' two.json
	dfc create two.json
	[ "$(shell_line bash 'show -i Sa')" = 'data-factory-cli show -i Sales\ report ' ]
	[ "$(shell_line bash 'run -i Sales\ report --from r')" = 'data-factory-cli run -i Sales\ report --from raw ' ]
}

@test "zsh, for real: the line and the matches an interactive zsh offers" {
	create_pipeline
	mkdir -p scripts
	PATH=$(dirname "$DFC_BIN"):$PATH
	[ "$(shell_line zsh 'list sc')" = "data-factory-cli list scripts " ]
	[ "$(shell_line zsh 'run --jo')" = "data-factory-cli run --jobs=" ]
	[ "$(shell_line zsh 'diff --format=pa')" = "data-factory-cli diff --format=patch " ]
	[ "$(shell_line zsh 'run -f pipeline.json --node ')" = "data-factory-cli run -f pipeline.json --node clean " ]
	[ "$(shell_line zsh 'run -i daily-sales --from=o')" = "data-factory-cli run -i daily-sales --from=out " ]
	[ "$(shell_line zsh 'show --id=dai')" = "data-factory-cli show --id=daily-sales " ]
	[ "$(shell_line zsh 'config unset user.n')" = "data-factory-cli config unset user.name " ]
	write_pipeline two.json
	sed -i 's/daily-sales/Sales report/' two.json
	dfc create two.json
	[ "$(shell_line zsh 'show -i Sa')" = 'data-factory-cli show -i Sales\ report ' ]
	[ "$(shell_line zsh 'run -i Sales\ report --from r')" = 'data-factory-cli run -i Sales\ report --from raw ' ]
	shell_line zsh 'run -f pipeline.json --from '
	[ "$(cat .complete-dump.matches)" = "$(printf 'raw\nclean\nout')" ]
	shell_line zsh 'config get '
	[ "$(cat .complete-dump.matches)" = "$(dfc --list-config-keys)" ]
	shell_line zsh 'graph --format='
	[ "$(cat .complete-dump.matches)" = "$(printf 'mermaid\ndot\nascii')" ]
}

@test "fish: the candidates complete -C gives" {
	create_pipeline
	mkdir -p scripts
	PATH=$(dirname "$DFC_BIN"):$PATH
	[ "$(fish_complete 'list sc')" = scripts ]
	[ "$(fish_complete 'run --jo')" = --jobs= ]
	[ "$(fish_complete 'diff --format=pa')" = --format=patch ]
	[ "$(fish_complete 'graph --format ')" = "$(printf 'ascii\ndot\nmermaid')" ]
	[ "$(fish_complete 'show -i=dai')" = -i=daily-sales ]
	[ "$(fish_complete 'run -f pipeline.json --node ')" = clean ]
	[ "$(fish_complete 'run -f pipeline.json --from=r')" = --from=raw ]
	[ "$(fish_complete 'run -i daily-sales --from ')" = "$(printf 'clean\nout\nraw')" ]
	[ "$(fish_complete 'config get ')" = "$(dfc --list-config-keys | sort)" ]
	[ -z "$(fish_complete 'config get token ')" ]
	[ "$(fish_complete 'init --template m')" = "$(printf 'medallion\nml')" ]
	[ "$(fish_complete 'run -f scr')" = scripts/ ]
	[ "$(fish_complete 'up')" = update ]
	write_pipeline two.json
	sed -i 's/daily-sales/Sales report/' two.json
	dfc create two.json
	[ "$(fish_complete 'show -i Sa')" = 'Sales report' ]
	[ "$(fish_complete 'run -i Sales\ report --from r')" = raw ]
}
