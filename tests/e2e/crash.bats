#!/usr/bin/env bats
# kill -9 at random moments (SPEC §12): update and share killed again and
# again leave repo.git and the catalogs valid (git fsck), a home that
# `fsck --repair` makes healthy, and every version a command reported as
# recorded in place, numbered without gaps or duplicates.

load helper
load catalog_scale

# Rounds of update + share to the default catalog + share to a file://
# catalog, each command killed at a random moment.
ROUNDS=${DFC_CRASH_ROUNDS:-30}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Run the tool with "$@" in the background, stdout to $OUT, stderr to $ERR,
# and kill -9 it after a random delay of 0 to $MAX_DELAY_MS milliseconds.
# Sets STATUS (137 when the kill landed) and WROTE (objects appeared in
# repo.git or a catalog while it ran).
run_and_kill() {
	local ms pid before
	before=$(object_count)
	(exec "$DFC_BIN" "$@" > "$OUT" 2> "$ERR") &
	pid=$!
	ms=$((RANDOM % (MAX_DELAY_MS + 1)))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	kill -9 "$pid" 2> /dev/null || true
	STATUS=0
	# (braces: the shell's "Killed" notice goes to /dev/null too)
	{ wait "$pid"; } 2> /dev/null || STATUS=$?
	WROTE=0
	[ "$(object_count)" -eq "$before" ] || WROTE=1
}

# Loose objects in repo.git and both catalogs.
object_count() {
	find "$DATA_FACTORY_HOME/repo.git/objects" "$DATA_FACTORY_HOME/catalog.git/objects" \
		"$FILE_CATALOG/objects" -type f 2> /dev/null | wc -l
}

# Record the outcome of the last run_and_kill for command $1: a number on
# stdout means "reported as recorded", and is appended to file $2 with $3.
note_outcome() {
	local name=$1 reported=$2 extra=$3 n
	case $STATUS in
	137)
		KILLED=$((KILLED + 1))
		KILLED_BY[$name]=$((${KILLED_BY[$name]:-0} + 1))
		MID_WRITE=$((MID_WRITE + WROTE)) ;;
	0) COMPLETED=$((COMPLETED + 1)) ;;
	*)
		echo "$name exited $STATUS:"
		cat "$ERR"
		return 1 ;;
	esac
	n=$(cat "$OUT")
	if [ -n "$n" ]; then
		[[ "$n" =~ ^[0-9]+$ ]] || { echo "$name printed '$n'"; return 1; }
		echo "$n $extra" >> "$reported"
	fi
	# a run that was not killed reported its version
	[ "$STATUS" -ne 0 ] || [ -n "$n" ]
}

# The versions of branch pipelines/$2 in git dir $1 must be N, N-1, ... 1
# down the first parents; prints N.
check_numbering() {
	local dir=$1 id=$2 versions n
	versions=$(git --git-dir="$dir" log --first-parent \
		--format='%(trailers:key=Pipeline-Version,valueonly,separator=)' "pipelines/$id")
	n=$(head -1 <<< "$versions")
	[ "$versions" = "$(seq "$n" -1 1)" ] || { echo "$dir: versions are $versions"; return 1; }
	echo "$n"
}

# Every version listed in file $3 ("N ROWS" lines) is on branch
# pipelines/$2 of git dir $1 with that content ("--rows" argument).
check_reported() {
	local dir=$1 id=$2 file=$3 latest v rows commit
	latest=$(check_numbering "$dir" "$id")
	while read -r v rows; do
		if [ "$v" -lt 1 ] || [ "$v" -gt "$latest" ]; then
			echo "$dir: v$v beyond $latest"
			return 1
		fi
		commit=$(git --git-dir="$dir" rev-parse "pipelines/$id~$((latest - v))")
		[ -z "$rows" ] && continue
		[ "$(git --git-dir="$dir" show "$commit:pipeline.json" | jq '.edges[1].arguments[3]')" = "$rows" ] ||
			{ echo "$dir: v$v does not hold --rows $rows"; return 1; }
	done < "$file"
}

# Every version of pipelines/$2 in git dir $1 has its tag, at its commit.
check_tags() {
	local dir=$1 id=$2 latest v
	latest=$(check_numbering "$dir" "$id")
	for v in $(seq 1 "$latest"); do
		[ "$(git --git-dir="$dir" rev-parse -q --verify "refs/tags/pipelines/$id/v$v")" = \
			"$(git --git-dir="$dir" rev-parse "pipelines/$id~$((latest - v))")" ] ||
			{ echo "$dir: tag v$v missing or wrong"; return 1; }
	done
}

set_rows() {
	sed -i "s/\"--rows\", [0-9]*/\"--rows\", $1/" pipeline.json
}

@test "update and share killed at random moments $ROUNDS times: nothing lost, everything repairable" {
	local seed=${DFC_CRASH_SEED:-$$}
	RANDOM=$seed
	echo "seed $seed (DFC_CRASH_SEED reproduces the delays)"
	FILE_CATALOG=$TEST_TMP/file-catalog.git
	git init -q --bare "$FILE_CATALOG"
	# Other pipelines' refs, packed (DFC_TEST_CATALOG_REFS=60000 for an organisation's).
	catalog_fill "$FILE_CATALOG" "${DFC_TEST_CATALOG_REFS:-600}"
	create_pipeline
	dfc share -i "$ID" > /dev/null
	dfc share -f pipeline.json --catalog "file://$FILE_CATALOG" > /dev/null
	# Kills spread over the whole run of a command on this machine, start-up
	# to exit: the longest of an update and two shares, and at least 50 ms.
	set_rows 1
	start=$(now_ms)
	dfc update pipeline.json > /dev/null
	dfc share -i "$ID" > /dev/null
	dfc share -f pipeline.json --catalog "file://$FILE_CATALOG" > /dev/null
	MAX_DELAY_MS=$(($(now_ms) - start))
	[ "$MAX_DELAY_MS" -ge 50 ] || MAX_DELAY_MS=50
	echo "kills within $MAX_DELAY_MS ms"

	OUT=$TEST_TMP/out
	ERR=$TEST_TMP/err
	KILLED=0 COMPLETED=0 MID_WRITE=0
	declare -A KILLED_BY=()
	local_reported=$TEST_TMP/local.txt default_reported=$TEST_TMP/default.txt
	file_reported=$TEST_TMP/file.txt
	: > "$local_reported"
	: > "$default_reported"
	: > "$file_reported"
	# At least $ROUNDS rounds, and more (up to three times as many) until the
	# kills have landed both before and after the commands finished, and
	# some while they were writing. One timing of the window may be off on a
	# busy machine, so the window is narrowed while too few runs are killed
	# and widened while too few complete.
	i=0
	while ((i < ROUNDS)) || {
		((KILLED < 5 || COMPLETED < 5 || MID_WRITE < 1)) && ((i < 3 * ROUNDS))
	}; do
		if ((i >= ROUNDS)); then
			if ((KILLED < 5)); then
				MAX_DELAY_MS=$((MAX_DELAY_MS * 2 / 3 > 50 ? MAX_DELAY_MS * 2 / 3 : 50))
			elif ((COMPLETED < 5)); then
				MAX_DELAY_MS=$((MAX_DELAY_MS * 3 / 2))
			fi
		fi
		i=$((i + 1))
		rows=$((1000 + i))
		set_rows "$rows"
		run_and_kill update pipeline.json
		note_outcome update "$local_reported" "$rows"
		run_and_kill share -i "$ID"
		note_outcome share-default "$default_reported" ""
		run_and_kill share -f pipeline.json --catalog "file://$FILE_CATALOG"
		note_outcome share-file "$file_reported" "$rows"
	done
	echo "$i rounds, kills within $MAX_DELAY_MS ms at the end: killed $KILLED (update" \
		"${KILLED_BY[update]:-0}, share ${KILLED_BY[share-default]:-0}" \
		"+ ${KILLED_BY[share-file]:-0}), $MID_WRITE of them mid-write; completed $COMPLETED"
	[ "$KILLED" -ge 5 ]
	[ "$COMPLETED" -ge 5 ]
	[ "$MID_WRITE" -ge 1 ]

	# git itself finds every repository valid
	store_git fsck --strict --no-dangling
	git --git-dir="$DATA_FACTORY_HOME/catalog.git" fsck --strict --no-dangling
	git --git-dir="$FILE_CATALOG" fsck --strict --no-dangling
	# whatever fsck finds, --repair can fix, and then nothing is left
	run --separate-stderr dfc fsck --json
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	echo "$output"
	[ "$(jq '[.problems[] | select(.repairable | not)] | length' <<< "$output")" -eq 0 ]
	dfc fsck --repair
	dfc fsck
	check_view "$ID"
	check_tags "$DATA_FACTORY_HOME/repo.git" "$ID"

	# every version reported as recorded is there, with its content, numbered
	# without gaps or duplicates
	check_reported "$DATA_FACTORY_HOME/repo.git" "$ID" "$local_reported"
	check_reported "$DATA_FACTORY_HOME/catalog.git" "$ID" "$default_reported"
	check_reported "$FILE_CATALOG" "$ID" "$file_reported"
	[ "$(cut -d' ' -f1 "$local_reported" | sort -n | uniq -d)" = "" ]

	# and the next normal commands work
	set_rows 9999
	latest=$(check_numbering "$DATA_FACTORY_HOME/repo.git" "$ID")
	[ "$(dfc update pipeline.json)" -eq $((latest + 1)) ]
	latest=$(check_numbering "$DATA_FACTORY_HOME/catalog.git" "$ID")
	[ "$(dfc share -i "$ID")" -eq $((latest + 1)) ]
	latest=$(check_numbering "$FILE_CATALOG" "$ID")
	[ "$(dfc share -f pipeline.json --catalog "file://$FILE_CATALOG")" -eq $((latest + 1)) ]
	dfc fsck
	check_view "$ID"
	check_tags "$DATA_FACTORY_HOME/catalog.git" "$ID"
	check_tags "$FILE_CATALOG" "$ID"
	store_git fsck --strict --no-dangling
}

catalog_git() {
	git --git-dir="$DATA_FACTORY_HOME/catalog.git" "$@"
}

@test "ref locks left by a killed share do not block the next share" {
	create_pipeline
	dfc share -i "$ID"
	sed -i 's/1000/2000/' pipeline.json
	dfc update pipeline.json
	# what a share killed while libgit2 held its ref locks leaves behind
	mkdir -p "$DATA_FACTORY_HOME/repo.git/refs/dfc/share/$ID" \
		"$DATA_FACTORY_HOME/catalog.git/refs/tags/pipelines/$ID"
	touch "$DATA_FACTORY_HOME/repo.git/refs/dfc/share/$ID/0.lock" \
		"$DATA_FACTORY_HOME/repo.git/refs/remotes/catalog/pipelines/$ID.lock" \
		"$DATA_FACTORY_HOME/catalog.git/refs/heads/pipelines/$ID.lock" \
		"$DATA_FACTORY_HOME/catalog.git/refs/tags/pipelines/$ID/v2.lock"
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(catalog_git rev-parse "pipelines/$ID/v2")" = "$(catalog_git rev-parse "pipelines/$ID")" ]
	[ "$(store_git rev-parse "refs/remotes/catalog/pipelines/$ID")" = "$(catalog_git rev-parse "pipelines/$ID")" ]
	[ -z "$(find "$DATA_FACTORY_HOME" -name '*.lock' -not -path '*/dfc-locks/*')" ]
}

@test "a config.lock left by a killed share does not block a change of catalog" {
	create_pipeline
	dfc share -i "$ID"
	git init -q --bare "$TEST_TMP/other.git"
	touch "$DATA_FACTORY_HOME/repo.git/config.lock"
	run --separate-stderr dfc share -i "$ID" --catalog "file://$TEST_TMP/other.git"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(store_git config remote.catalog.url)" = "$TEST_TMP/other.git" ]
	[ ! -e "$DATA_FACTORY_HOME/repo.git/config.lock" ]
}

@test "every catalog tag a killed share left missing is pushed again, also when nothing is appended" {
	create_pipeline
	for rows in 2000 3000 4000; do
		dfc share -i "$ID"
		sed -i "s/\"--rows\", [0-9]*/\"--rows\", $rows/" pipeline.json
		dfc update pipeline.json
	done
	dfc share -i "$ID"
	# as if two shares in a row had been killed after their branch push
	catalog_git update-ref -d "refs/tags/pipelines/$ID/v2"
	catalog_git update-ref -d "refs/tags/pipelines/$ID/v4"
	run --separate-stderr dfc share -i "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 4 ]
	[[ "$stderr" == *"nothing to append"* ]]
	for v in 1 2 3 4; do
		[ "$(catalog_git rev-parse "pipelines/$ID/v$v")" = "$(catalog_git rev-parse "pipelines/$ID~$((4 - v))")" ]
	done
	catalog_git fsck --strict --no-dangling
}
