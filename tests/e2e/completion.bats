#!/usr/bin/env bats
# completions/: bash completion driven by the tool's own option tables.

load helper

# Complete the words given, the last one being completed; prints COMPREPLY.
complete_words() {
	# shellcheck source=completions/data-factory-cli.bash
	source "$DFC_SOURCE_DIR/completions/data-factory-cli.bash"
	COMP_WORDS=("$DFC_BIN" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	_data_factory_cli
	printf '%s\n' "${COMPREPLY[@]}"
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

@test "the zsh and fish completions parse" {
	zsh -n "$DFC_SOURCE_DIR/completions/_data-factory-cli"
	fish -n "$DFC_SOURCE_DIR/completions/data-factory-cli.fish"
	grep -q -- '--list-ids' "$DFC_SOURCE_DIR/completions/_data-factory-cli"
	grep -q -- '--list-ids' "$DFC_SOURCE_DIR/completions/data-factory-cli.fish"
}
