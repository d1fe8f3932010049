#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# Two people sharing one catalog (SPEC §5 "No lost updates", "Three-way
# sync"): Alice and Bob, each with their own DATA_FACTORY_HOME and work
# folder, on a local bare repository and over the suite's HTTP server.

load helper
load git_server

setup_file() { git_server_start; }
teardown_file() { git_server_stop; }

# A pipeline whose step really writes its output, with a stamp of when it
# ran: before versions stopped holding run results, running it changed what
# a share stored.
write_team_pipeline() {
	mkdir -p scripts data
	printf 'a,b\n1,2\n' > data/raw.csv
	printf '#!/usr/bin/env bash\ncat "$2" > "$4"\ndate +%%s%%N >> "$4"\n' > scripts/clean.sh
	cat > pipeline.json <<'JSON'
{
  "name": "daily-sales",
  "nodes": [
    { "id": "raw", "type": "dataset", "path": "data/raw.csv" },
    { "id": "clean", "type": "script", "path": "scripts/clean.sh" },
    { "id": "out", "type": "dataset", "path": "data/out.csv" }
  ],
  "edges": [
    { "from": "raw", "to": "clean", "arguments": ["--in", { "ref": "raw" }] },
    { "from": "clean", "to": "out", "arguments": ["--out", { "ref": "out" }, "--rows", 1000] }
  ]
}
JSON
}

# as NAME COMMAND...: the tool as Alice or Bob, in their folder.
as() {
	local who=$1
	shift
	(cd "$TEST_TMP/$who" && DATA_FACTORY_HOME=$TEST_TMP/$who-home "$DFC_BIN" "$@")
}

# Alice creates and shares version 1; Bob takes the project as a clone
# would (the file carries the id) and syncs it.
start_team() {
	export DATA_FACTORY_CATALOG=$1
	mkdir -p "$TEST_TMP/alice" "$TEST_TMP/bob"
	(cd "$TEST_TMP/alice" && write_team_pipeline)
	ID=$(as alice create pipeline.json)
	as alice share -f pipeline.json
	cp -r "$TEST_TMP/alice/." "$TEST_TMP/bob/"
	run --separate-stderr as bob sync pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

# set_rows FILE N: the rows argument of FILE (in any layout) set to N.
set_rows() {
	jq --argjson n "$2" '.edges[1].arguments[3] = $n' "$1" > "$1.new" && mv "$1.new" "$1"
}

# Alice changes where raw data comes from and shares version 2; Bob, who
# has not looked, changes the rows.
diverge() {
	sed -i 's|data/raw.csv|data/raw-2026.csv|' "$TEST_TMP/alice/pipeline.json"
	cp "$TEST_TMP/alice/data/raw.csv" "$TEST_TMP/alice/data/raw-2026.csv"
	as alice share -f pipeline.json
	set_rows "$TEST_TMP/bob/pipeline.json" 5
}

# The whole story: Bob is stopped, syncs (a merge), and shares both changes.
check_no_lost_update() {
	catalog_versions() { as alice list versions --remote -i "$ID" 2>/dev/null | grep -c . || true; }
	start_team "$1"
	diverge
	run --separate-stderr as bob share -f pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *"catalog version 2 of '$ID' (Ada Lovelace, "*") is newer than version 1, which this share started from; nothing was appended"* ]]
	[[ "$stderr" == *"sync"* ]]
	run --separate-stderr as bob sync pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[[ "$stderr" == *"merged catalog version 2 into 'pipeline.json'"* ]]
	[ "$(jq -r '.nodes[0].path' "$TEST_TMP/bob/pipeline.json")" = data/raw-2026.csv ]
	[ "$(jq -c '.edges[1].arguments[3]' "$TEST_TMP/bob/pipeline.json")" = 5 ]
	cp "$TEST_TMP/alice/data/raw-2026.csv" "$TEST_TMP/bob/data/"
	run --separate-stderr as bob share -f pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	# Version 3 holds both changes: Alice's was not reverted.
	run --separate-stderr as alice sync pipeline.json
	[ "$output" = 3 ]
	[ "$(jq -r '.nodes[0].path' "$TEST_TMP/alice/pipeline.json")" = data/raw-2026.csv ]
	[ "$(jq -c '.edges[1].arguments[3]' "$TEST_TMP/alice/pipeline.json")" = 5 ]
}

@test "a stale share is refused naming the newer version; sync merges; nothing is lost (local catalog)" {
	git init -q --bare "$TEST_TMP/catalog.git"
	check_no_lost_update "$TEST_TMP/catalog.git"
}

@test "a stale share is refused naming the newer version; sync merges; nothing is lost (HTTP catalog)" {
	url=$(git_server_new_repo "team-$BATS_TEST_NUMBER")
	export DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	check_no_lost_update "$url"
}

@test "two changes to one value: sync lists the conflict and leaves the file as it was" {
	git init -q --bare "$TEST_TMP/catalog.git"
	start_team "$TEST_TMP/catalog.git"
	set_rows "$TEST_TMP/alice/pipeline.json" 10
	as alice share -f pipeline.json
	set_rows "$TEST_TMP/bob/pipeline.json" 20
	cp "$TEST_TMP/bob/pipeline.json" "$TEST_TMP/bob-before.json"
	run --separate-stderr as bob sync pipeline.json
	[ "$status" -eq 8 ]
	[[ "$stderr" == *'conflict: pipeline.json: /edges/1/arguments: ours ["--out",{"ref":"out"},"--rows",20], theirs ["--out",{"ref":"out"},"--rows",10]'* ]]
	cmp "$TEST_TMP/bob/pipeline.json" "$TEST_TMP/bob-before.json"
}

@test "create, share, sync, run, edit, share, sync: a run anywhere in between never makes a sync refuse" {
	git init -q --bare "$TEST_TMP/catalog.git"
	export DATA_FACTORY_CATALOG=$TEST_TMP/catalog.git
	mkdir -p "$TEST_TMP/alice"
	cd "$TEST_TMP/alice"
	write_team_pipeline
	steps=("create pipeline.json" "share -f pipeline.json" "sync pipeline.json" "edit"
	       "share -f pipeline.json" "sync pipeline.json")
	for ((k = 0; k < ${#steps[@]}; k++)); do
		if [ "${steps[k]}" = edit ]; then
			set_rows pipeline.json $((k + 7))
		else
			# shellcheck disable=SC2086 # the step's words
			run --separate-stderr dfc ${steps[k]}
			echo "${steps[k]}: $stderr"
			[ "$status" -eq 0 ]
		fi
		# A run after every step, so one comes between every two of them,
		# writing a new output each time.
		dfc run -f pipeline.json > /dev/null 2>&1
		[ -s data/out.csv ]
	done
	[[ "$(dfc status pipeline.json)" == *"catalog version 2"* ]]
}

@test "a home that never saw the pipeline syncs a cloned file, and its next share builds on it" {
	git init -q --bare "$TEST_TMP/catalog.git"
	start_team "$TEST_TMP/catalog.git"
	set_rows "$TEST_TMP/bob/pipeline.json" 7
	run --separate-stderr as bob share -f pipeline.json
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "share says where the version went: the catalog, or that the default one is private" {
	mkdir -p "$TEST_TMP/alice"
	cd "$TEST_TMP/alice"
	write_team_pipeline
	dfc create pipeline.json > /dev/null
	run --separate-stderr dfc share -f pipeline.json
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"version 1 of the private catalog $DATA_FACTORY_HOME/catalog.git, which only this home sees"* ]]
	[[ "$stderr" == *"config set catalog.url URL"* ]]
	git init -q --bare "$TEST_TMP/shared.git"
	run --separate-stderr dfc --catalog "$TEST_TMP/shared.git" share -f pipeline.json
	[[ "$stderr" == *"shared '"*"' as catalog version 1 at $TEST_TMP/shared.git"* ]]
}

# run_ids NAME: the ids of the runs NAME's home lists for $ID, one a line.
run_ids() {
	as "$1" runs -i "$ID" --json | jq -r '.[].run'
}

# The runs of each teammate reach the other through the catalog.
check_shared_runs() {
	start_team "$1"
	as alice run -f pipeline.json > /dev/null 2>&1
	a_run=$(run_ids alice)
	[ -n "$a_run" ]
	run --separate-stderr as alice share -f pipeline.json --runs
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[[ "$stderr" == *"nothing to append"* ]]
	[[ "$stderr" == *"shared 1 run(s) of '$ID' at "* ]]
	# Twice: nothing new to push.
	run --separate-stderr as alice share -f pipeline.json --runs
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"the catalog has every run of '$ID' recorded here: no runs pushed"* ]]
	# Bob's sync brings Alice's run, with the host it ran on.
	run --separate-stderr as bob sync pipeline.json
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recorded 1 run(s) of '$ID' from the catalog"* ]]
	[ "$(run_ids bob)" = "$a_run" ]
	run --separate-stderr as bob runs show "$a_run"
	[ "$status" -eq 0 ]
	[[ "$output" == *" on $(hostname) by "* ]]
	# A file Alice's run made, handed to Bob, traces to her run on his machine.
	cp "$TEST_TMP/alice/data/out.csv" "$TEST_TMP/bob/from-alice.csv"
	run --separate-stderr as bob lineage from-alice.csv
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "  written by step clean of run $a_run" ]
	# Bob runs and shares his; Alice, who ran again meanwhile, sees all three.
	sleep 1
	as bob run -f pipeline.json --force > /dev/null 2>&1
	as alice run -f pipeline.json --force > /dev/null 2>&1
	run --separate-stderr as bob share -f pipeline.json --runs
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"shared 1 run(s) of '$ID'"* ]]
	run --separate-stderr as alice share -f pipeline.json --runs
	echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recorded 1 run(s) of '$ID' from the catalog first"* ]]
	[[ "$stderr" == *"shared 1 run(s) of '$ID'"* ]]
	run --separate-stderr as bob sync pipeline.json
	[ "$status" -eq 0 ]
	[ "$(run_ids alice | wc -l)" -eq 3 ]
	[ "$(run_ids alice)" = "$(run_ids bob)" ]
	as alice fsck
	as bob fsck
}

@test "share --runs: each teammate's runs reach the other with sync (local catalog)" {
	git init -q --bare "$TEST_TMP/catalog.git"
	check_shared_runs "$TEST_TMP/catalog.git"
}

@test "share --runs: each teammate's runs reach the other with sync (HTTP catalog with its guard)" {
	url=$(git_server_new_repo "team-$BATS_TEST_NUMBER")
	export DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	check_shared_runs "$url"
	# A rewrite of the shared runs is refused by the server's guard.
	catalog=$GIT_SERVER_REPOS/team-$BATS_TEST_NUMBER.git
	before=$(git --git-dir="$catalog" rev-parse "refs/dfc/runs/$ID")
	store=$TEST_TMP/alice-home/repo.git
	run git --git-dir="$store" -c http.extraHeader="Authorization: Bearer $GIT_SERVER_TOKEN" \
		push --force "$url" "refs/dfc/runs/$ID~1:refs/dfc/runs/$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"pre-receive: refused: refs/dfc/runs/$ID: non-fast-forward"* ]]
	[ "$(git --git-dir="$catalog" rev-parse "refs/dfc/runs/$ID")" = "$before" ]
}

@test "share --runs from two homes at once over HTTP: both land, the catalog holds the union" {
	url=$(git_server_new_repo "team-$BATS_TEST_NUMBER")
	export DATA_FACTORY_TOKEN=$GIT_SERVER_TOKEN
	start_team "$url"
	as alice run -f pipeline.json > /dev/null 2>&1
	as bob run -f pipeline.json > /dev/null 2>&1
	pids=()
	for who in alice bob alice bob; do
		as "$who" share -f pipeline.json --runs > /dev/null 2>&1 &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do wait "$pid"; done
	catalog=$GIT_SERVER_REPOS/team-$BATS_TEST_NUMBER.git
	as alice sync pipeline.json
	as bob sync pipeline.json
	want=$( (run_ids alice; run_ids bob) | sort -u)
	[ "$(echo "$want" | wc -l)" -eq 2 ]
	[ "$(git --git-dir="$catalog" ls-tree --name-only "refs/dfc/runs/$ID" | sed 's/\.json$//' | sort)" = "$want" ]
	[ "$(run_ids alice | sort)" = "$want" ]
	[ "$(run_ids bob | sort)" = "$want" ]
	[ "$(git --git-dir="$catalog" rev-list --merges "refs/dfc/runs/$ID" | wc -l)" -eq 0 ]
}
