#!/usr/bin/env bats
# Concurrent writers and kill -9 (SPEC §12): every version lands with its
# own number, and a killed writer leaves a valid, repairable store.

load helper

# One pipeline has one working file (a copy is refused, SPEC §8), so the
# writers share it: each edits it (sed -i replaces it atomically) and
# records whatever it holds then, --allow-empty when another writer's edit
# made it equal to the latest version.
@test "6 writers x 5 rounds: 30 distinct consecutive versions, none lost" {
	create_pipeline
	for w in 1 2 3 4 5 6; do
		(
			for r in 1 2 3 4 5; do
				sed -i "s/\"--rows\", [0-9]*/\"--rows\", $w$r/" pipeline.json
				dfc update pipeline.json --allow-empty -m "writer $w round $r" >> "out$w.txt" || exit 1
			done
		) &
	done
	fail=0
	for job in $(jobs -p); do wait "$job" || fail=1; done
	[ "$fail" -eq 0 ]
	# every process printed a version; all 30 are distinct and consecutive
	[ "$(cat out*.txt | sort -n | uniq | wc -l)" -eq 30 ]
	[ "$(cat out*.txt | sort -n | head -1)" -eq 2 ]
	[ "$(cat out*.txt | sort -n | tail -1)" -eq 31 ]
	[ "$(store_git rev-list --count "pipelines/$ID")" -eq 31 ]
	for w in 1 2 3 4 5 6; do
		for r in 1 2 3 4 5; do
			[ "$(store_git log --format=%s "pipelines/$ID" | grep -cx "writer $w round $r")" -eq 1 ]
		done
	done
	for n in $(seq 1 31); do
		[ "$(store_git log -1 --format='%(trailers:key=Pipeline-Version,valueonly)' "pipelines/$ID/v$n" | head -1)" = "$n" ]
	done
	store_git fsck --strict --no-dangling
	check_view "$ID"
}

@test "concurrent creates of different pipelines all land" {
	for w in 1 2 3 4 5 6; do
		write_pipeline "p$w.json"
	done
	for w in 1 2 3 4 5 6; do
		dfc create "p$w.json" > "id$w.txt" &
	done
	wait
	[ "$(cat id*.txt | sort -u | wc -l)" -eq 6 ]
	for w in 1 2 3 4 5 6; do check_view "$(cat "id$w.txt")"; done
}

@test "kill -9 during update, 25 times: git fsck passes and the view is repairable" {
	create_pipeline
	recorded=$TEST_TMP/recorded
	: > "$recorded"
	for i in $(seq 1 25); do
		sed -i "s/\"--rows\", [0-9]*/\"--rows\", $((i + 100))/" pipeline.json
		( exec "$DFC_BIN" update pipeline.json >> "$recorded" 2>/dev/null ) &
		pid=$!
		# somewhere between start-up and completion (an update takes a few ms)
		sleep "0.0$((RANDOM % 3))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		store_git fsck --no-dangling >/dev/null 2>&1 || { store_git fsck --no-dangling; return 1; }
	done
	# the next command repairs the view and every reported version is there
	sed -i "s/\"--rows\", [0-9]*/\"--rows\", 9999/" pipeline.json
	dfc update pipeline.json >> "$recorded"
	store_git fsck --strict --no-dangling
	check_view "$ID"
	latest=$(jq .latest_version "$DATA_FACTORY_HOME/pipelines/${ID}_state.json")
	while read -r v; do
		[ "$v" -le "$latest" ]
		store_git rev-parse -q --verify "refs/tags/pipelines/$ID/v$v" >/dev/null
	done < "$recorded"
	# numbers are consecutive on the branch
	[ "$(store_git rev-list --count "pipelines/$ID")" -eq "$latest" ]
}
