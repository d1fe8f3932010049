#!/usr/bin/env bats
# The command line itself: help, version, global options, exit codes.

load helper

commands() { dfc --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}'; }

@test "--help lists the commands and exits 0" {
	run --separate-stderr dfc --help
	[ "$status" -eq 0 ]
	for c in create update validate show log status; do
		[[ "$output" == *"  $c "* ]]
	done
}

@test "every command accepts --help and -h" {
	for c in $(commands); do
		run --separate-stderr dfc "$c" --help
		[ "$status" -eq 0 ] || { echo "$c --help: $status"; return 1; }
		[[ "$output" == "usage: data-factory-cli $c"* ]]
		run --separate-stderr dfc "$c" -h
		[ "$status" -eq 0 ]
	done
	[ "$(commands | wc -l)" -ge 6 ]
}

@test "--version prints the version" {
	run dfc --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^data-factory-cli\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--version after every command: the tool's version, or the command's own -v N" {
	local own=" show share sync generate run graph " version
	run --separate-stderr dfc --version
	version=$output
	[ "$(commands | wc -l)" -ge 20 ]
	for c in $(commands); do
		run --separate-stderr dfc "$c" --version
		if [[ $own == *" $c "* ]]; then
			[ "$status" -eq 2 ] || { echo "$c --version: $status"; return 1; }
			[ "${stderr_lines[0]}" = "data-factory-cli: error: $c: option '--version' needs a value: the pipeline version N" ]
			[[ "${stderr_lines[1]}" == "hint: usage: data-factory-cli $c "*"-v"*" N"* ]]
			[ "${stderr_lines[2]}" = "hint: the version of data-factory-cli itself: 'data-factory-cli --version', before any command" ]
			[ -z "$output" ]
		else
			[ "$status" -eq 0 ] || { echo "$c --version: $status $stderr"; return 1; }
			[ "$output" = "$version" ]
			[ -z "$stderr" ]
		fi
	done
	# -v alone too; the command's -v N and --version N keep working.
	run --separate-stderr dfc show -v
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: show: option '-v' needs a value: the pipeline version N" ]
	create_pipeline
	run --separate-stderr dfc show -i "$ID" --version 1
	[ "$status" -eq 0 ]
	[ "$(dfc show -i "$ID" -v 1)" = "$output" ]
	run --separate-stderr dfc show -i "$ID" --version x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: option '--version' expects a positive number, not 'x'" ]
	run --separate-stderr dfc --version show -i "$ID"
	[ "$output" = "$version" ]
}

@test "no command is a usage error" {
	run --separate-stderr dfc
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"data-factory-cli: error: no command given"* ]]
}

@test "an unknown command or option exits 2 with a hint" {
	run --separate-stderr dfc frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: unknown command 'frobnicate'"* ]]
	[[ "$stderr" == *"hint: "* ]]
	run --separate-stderr dfc validate --frob x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown option '--frob'"* ]]
	run --separate-stderr dfc show -i
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"needs a value"* ]]
}

@test "a file given without -f to a command that takes -f FILE: the command line to type" {
	write_pipeline
	run --separate-stderr dfc share pipeline.json
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "data-factory-cli: error: share: unexpected argument 'pipeline.json'" ]
	[ "${stderr_lines[1]}" = "hint: the file goes with -f: data-factory-cli share -f pipeline.json" ]
	cp pipeline.json "my pipeline.json"
	run --separate-stderr dfc run "my pipeline.json" --dry-run
	[ "$status" -eq 2 ]
	[ "${stderr_lines[1]}" = "hint: the file goes with -f: data-factory-cli run -f 'my pipeline.json'" ]
	# Not for what is not a file, nor for two arguments.
	run --separate-stderr dfc share nothing-here.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"share: expected fewer arguments"* ]]
	run --separate-stderr dfc run pipeline.json pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"run: expected fewer arguments"* ]]
	[ ! -e .dfc ] && [ ! -e "$DATA_FACTORY_HOME" ]
}

@test "global options work before and after the command" {
	write_pipeline
	id=$(dfc --home "$TEST_TMP/h1" create pipeline.json)
	[ -d "$TEST_TMP/h1/repo.git" ]
	run dfc show -i "$id" --home "$TEST_TMP/h1" --quiet
	[ "$status" -eq 0 ]
	run dfc show -i "$id"
	[ "$status" -eq 7 ]
}

@test "--home beats DATA_FACTORY_HOME, which beats ~/data-factory-home" {
	write_pipeline
	unset DATA_FACTORY_HOME
	id=$(dfc create pipeline.json)
	[ -f "$HOME/data-factory-home/pipelines/${id}_1.json" ]
	sed -i 's/1000/5/' pipeline.json
	DATA_FACTORY_HOME=$TEST_TMP/h2 run dfc update pipeline.json
	[ "$status" -eq 7 ]
	DATA_FACTORY_HOME=$TEST_TMP/h2 run dfc --home "$HOME/data-factory-home" update pipeline.json
	[ "$status" -eq 0 ]
}

@test "--color takes auto, always or never" {
	run --separate-stderr dfc --color=never validate --help
	[ "$status" -eq 0 ]
	write_pipeline
	run --separate-stderr dfc --color=sometimes validate pipeline.json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad --color value"* ]]
}

@test "pipeline is accepted as a prefix word" {
	write_pipeline
	run dfc pipeline validate pipeline.json
	[ "$status" -eq 0 ]
}

@test "a closed standard output is an error, not silence" {
	write_pipeline
	# shellcheck disable=SC2016 # $0 is expanded by the inner bash
	run --separate-stderr bash -c '"$0" validate pipeline.json >/dev/full' "$DFC_BIN"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cannot write to standard output"* ]]
}

@test "a global option that swallows the command says so" {
	run --separate-stderr dfc --color list pipelines
	[ "$status" -eq 2 ]
	[ "$stderr" = "data-factory-cli: error: bad --color value 'list'
hint: use --color=auto, --color=always or --color=never" ]
	run --separate-stderr dfc --home list pipelines
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"error: unknown command 'pipelines'"* ]]
	[[ "$stderr" == *"hint: 'list' was taken for the value of --home: give it one, as --home=DIR, before the command"* ]]
	[ ! -e list ]
	run --separate-stderr dfc --catalog show -i x
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"hint: 'show' was taken for the value of --catalog: give it one, as --catalog=URL, before the command"* ]]
	run --separate-stderr dfc nosuch
	[[ "$stderr" == *"hint: see 'data-factory-cli --help' for the list of commands"* ]]
}
