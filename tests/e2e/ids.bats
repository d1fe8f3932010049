#!/usr/bin/env bats
# -i ID: a full id, a unique prefix of at least 4 characters or a unique
# pipeline name; FILE where a command takes -i (SPEC §5).

load helper

# Record the example pipeline under id $2 (and name $3) from file $1.
create_with_id() {
	write_pipeline tmp.json
	jq --arg id "$2" --arg name "${3:-daily-sales}" '.id = $id | .name = $name' tmp.json > "$1"
	rm tmp.json
	dfc create "$1" > /dev/null
}

@test "a prefix of 4 characters or more names the pipeline for show, log, graph, generate, diff, run" {
	create_pipeline
	run --separate-stderr dfc show -i "${ID:0:4}"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	run --separate-stderr dfc log -i "${ID:0:8}" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].id' <<<"$output")" = "$ID" ]
	run --separate-stderr dfc graph -i "${ID:0:13}" --format ascii
	[ "$status" -eq 0 ]
	[[ "$output" == *"raw --> clean"* ]]
	run --separate-stderr dfc generate -i "${ID:0:6}"
	[ "$status" -eq 0 ]
	# The script names the whole id, whatever was typed.
	grep -q -- "generate -i $ID -v 1" <<<"$output"
	dfc update --allow-empty pipeline.json
	run --separate-stderr dfc diff -i "${ID:0:5}" 1 2
	[ "$status" -eq 0 ]
	run --separate-stderr dfc run -i "${ID:0:4}" --dry-run
	[ "$status" -eq 0 ]
}

@test "3 characters are no prefix: not found (exit 7), with a hint" {
	create_pipeline
	run --separate-stderr dfc show -i "${ID:0:3}"
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no pipeline '${ID:0:3}'"* ]]
	[[ "$stderr" == *"at least 4 characters"* ]]
}

@test "an ambiguous prefix is refused (exit 2) listing both pipelines" {
	create_with_id a.json abcd-1111 first
	create_with_id b.json abcd-2222 second
	for cmd in show log graph generate; do
		run --separate-stderr dfc "$cmd" -i abcd
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"'abcd' matches 2 pipelines"* ]]
		grep -q '^hint: abcd-1111  first$' <<<"$stderr"
		grep -q '^hint: abcd-2222  second$' <<<"$stderr"
		[ -z "$output" ]
	done
	# Longer, it is unique again.
	run --separate-stderr dfc show -i abcd-2
	[ "$status" -eq 0 ]
	[ "$(jq -r .name <<<"$output")" = second ]
}

@test "UUIDv7 ids made together share their start: that prefix is ambiguous" {
	create_pipeline one.json
	first=$ID
	create_pipeline two.json
	n=0
	while [ "${first:n:1}" = "${ID:n:1}" ]; do n=$((n + 1)); done
	[ "$n" -ge 4 ] || skip "the ids share fewer than 4 characters"
	run --separate-stderr dfc log -i "${ID:0:n}"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$first  daily-sales"* ]]
	[[ "$stderr" == *"$ID  daily-sales"* ]]
	run --separate-stderr dfc log -i "${ID:0:n+1}"
	[ "$status" -eq 0 ]
}

@test "a unique name names the pipeline; a duplicate name is refused listing both" {
	create_with_id a.json aaaa-1111 "Sales report"
	create_with_id b.json bbbb-2222 weekly
	create_with_id c.json cccc-3333 weekly
	run --separate-stderr dfc show -i "Sales report"
	[ "$status" -eq 0 ]
	[ "$(jq -r .id <<<"$output")" = aaaa-1111 ]
	run --separate-stderr dfc log -i weekly
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'weekly' matches 2 pipelines"* ]]
	grep -q '^hint: bbbb-2222  weekly$' <<<"$stderr"
	grep -q '^hint: cccc-3333  weekly$' <<<"$stderr"
	# The name of the latest version counts.
	jq '.name = "monthly"' c.json > c2.json && mv c2.json c.json
	dfc update c.json
	run --separate-stderr dfc log -i weekly --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].id' <<<"$output")" = bbbb-2222 ]
	run --separate-stderr dfc graph -i monthly
	[ "$status" -eq 0 ]
}

@test "a full id wins over a name equal to it" {
	create_with_id a.json aaaa-1111 bbbb-2222
	create_with_id b.json bbbb-2222 other
	run --separate-stderr dfc show -i bbbb-2222
	[ "$status" -eq 0 ]
	[ "$(jq -r .name <<<"$output")" = other ]
}

@test "what names nothing keeps its errors: not found (7), unsafe (6)" {
	create_pipeline
	run --separate-stderr dfc show -i nothing-here
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"no pipeline 'nothing-here'"* ]]
	before=$(home_listing)
	run --separate-stderr dfc log -i '../../x'
	[ "$status" -eq 6 ]
	[ "$(home_listing)" = "$before" ]
}

@test "hostile names in a refusal reach the terminal escaped" {
	create_with_id a.json aaaa-1111 "$(printf 'x\033]0;pwned\007y')"
	create_with_id b.json aaaa-2222 "$(printf 'x\033]0;pwned\007y')"
	run --separate-stderr dfc show -i aaaa
	[ "$status" -eq 2 ]
	[[ "$stderr" != *$'\033'* ]]
	[[ "$stderr" != *$'\007'* ]]
	[[ "$stderr" == *'aaaa-1111  x\x1b]0;pwned\x07y'* ]]
	# A name with control characters is still a name to give.
	run --separate-stderr dfc show -i "$(printf 'x\033]0;pwned\007y')"
	[ "$status" -eq 2 ]
}

@test "more than 10 candidates: 10 are listed, and how many more" {
	for i in $(seq 10 21); do
		create_with_id "p$i.json" "abcd-$i" "p$i"
	done
	run --separate-stderr dfc show -i abcd
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'abcd' matches 12 pipelines"* ]]
	[ "$(grep -c '^hint: abcd-' <<<"$stderr")" -eq 10 ]
	grep -q '^hint: and 2 more$' <<<"$stderr"
}

@test "show FILE prints the recorded version of the pipeline FILE carries" {
	create_pipeline
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	run --separate-stderr dfc show pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "$(dfc show -i "$ID")" ]
	run --separate-stderr dfc show pipeline.json -v 1
	[[ "$output" == *1000* ]]
	run --separate-stderr dfc show pipeline.json -i "$ID"
	[ "$status" -eq 2 ]
	write_pipeline new.json
	run --separate-stderr dfc show new.json
	[ "$status" -eq 7 ]
	[[ "$stderr" == *"has no pipeline id"* ]]
}

@test "log FILE, graph FILE, generate FILE" {
	create_pipeline
	run --separate-stderr dfc log pipeline.json
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == v1* ]]
	# graph FILE and generate FILE: the file as it is, as with -f.
	jq '.nodes += [{"id": "extra", "type": "dataset", "path": "x.csv"}] | .edges += [{"from": "clean", "to": "extra"}]' pipeline.json > p.json && mv p.json pipeline.json
	run --separate-stderr dfc graph pipeline.json --format ascii
	[ "$status" -eq 0 ]
	[ "$output" = "$(dfc graph -f pipeline.json --format ascii)" ]
	[[ "$output" == *extra* ]]
	run --separate-stderr dfc generate pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = "$(dfc generate -f pipeline.json)" ]
	# With -v N, FILE stands for its pipeline's id: the recorded version.
	run --separate-stderr dfc graph pipeline.json -v 1 --format ascii
	[ "$status" -eq 0 ]
	[ "$output" = "$(dfc graph -i "$ID" -v 1 --format ascii)" ]
	[[ "$output" != *extra* ]]
	run --separate-stderr dfc generate pipeline.json -v 1
	[ "$status" -eq 0 ]
	[ "$output" = "$(dfc generate -i "$ID" -v 1)" ]
	# One source only.
	run --separate-stderr dfc graph pipeline.json -f pipeline.json
	[ "$status" -eq 2 ]
	run --separate-stderr dfc generate pipeline.json -i "$ID"
	[ "$status" -eq 2 ]
}

@test "completion offers names beside ids after -i" {
	create_with_id a.json aaaa-1111 "Sales report"
	create_with_id b.json bbbb-2222 weekly
	create_with_id c.json cccc-3333 weekly
	run dfc --list-ids
	[ "$status" -eq 0 ]
	grep -qx aaaa-1111 <<<"$output"
	grep -qx "Sales report" <<<"$output"
	# A name that names two pipelines names none.
	! grep -qx weekly <<<"$output" || false
	# shellcheck source=completions/data-factory-cli.bash
	source "$DFC_SOURCE_DIR/completions/data-factory-cli.bash"
	PATH=$(dirname "$DFC_BIN"):$PATH
	COMP_WORDS=("$DFC_BIN" show -i Sa)
	COMP_CWORD=3
	_data_factory_cli
	# Quoted for the shell, as the user would type it.
	[ "${COMPREPLY[*]}" = 'Sales\ report' ]
	COMP_WORDS=("$DFC_BIN" show -i 'Sales\ r')
	_data_factory_cli
	[ "${COMPREPLY[*]}" = 'Sales\ report' ]
	COMP_WORDS=("$DFC_BIN" show -i 'Sales\ report' -v "")
	COMP_CWORD=5
	_data_factory_cli
	[ "${COMPREPLY[*]}" = 1 ]
	# Versions complete after -i NAME too.
	run dfc --list-versions "Sales report"
	[ "$output" = 1 ]
}
