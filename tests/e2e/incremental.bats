#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# The generated script's incremental runs (SPEC §6): every reason a step
# must run again, under --jobs 1 and --jobs 4; the stat-signature cache
# and its racy rule; no process on the skip path; the plan of --dry-run;
# --keep-going, --quiet, per-step logs and the summary line.

load helper
load generate_helper

# Run gen.sh with the given options plus $JOBS; the steps that ran, in
# order, are in $RAN (from runs.log, emptied first). With SETTLE=1, once
# the run succeeded, wait past the racy second and run again, so that
# .dfc/uptodate holds before whatever the test changes next.
run_gen() {
	: > runs.log
	run --separate-stderr bash gen.sh --jobs "$JOBS" "$@"
	RAN=$(runs)
	if [ "${SETTLE:-0}" = 1 ] && [ "$status" -eq 0 ]; then
		sleep 2.1
		bash gen.sh --jobs "$JOBS" > /dev/null 2>&1
		[ -s .dfc/uptodate ]
		: > runs.log
	fi
}

# Every reason a step reruns, and nothing else reruns, at a given --jobs.
check_reasons() {
	JOBS=$1
	write_chain
	generate_to gen.sh -f pipeline.json
	run_gen
	[ "$status" -eq 0 ]
	[ "$RAN" = "s1 s2 s3 " ] || [ "$JOBS" -gt 1 ]
	run_gen
	[ "$RAN" = "" ]
	[[ "$stderr" == *"summary: 0 run, 3 up to date, 0 failed, 0 not run"* ]]

	# Input content, same size, mtime put back: the ctime gives it away.
	stamp=$(stat -c %y data/raw.txt)
	printf 'RAW\n' > data/raw.txt
	touch -d "$stamp" data/raw.txt
	run_gen
	[ "$RAN" = "s1 s2 " ]
	[[ "$stderr" == *"s1: start (input raw changed)"* ]]
	[[ "$stderr" == *"s2: start (input mid changed)"* ]]

	# Input rewritten with the same bytes: a new signature, the same
	# sha256, nothing to run.
	cp data/raw.txt raw.copy && mv raw.copy data/raw.txt
	run_gen
	[ "$RAN" = "" ]

	# An output deleted, then one edited.
	rm out/deep/final.txt
	run_gen
	[ "$RAN" = "s2 " ]
	[[ "$stderr" == *"s2: start (output final missing)"* ]]
	echo edited >> data/o3.txt
	run_gen
	[ "$RAN" = "s3 " ]
	[[ "$stderr" == *"s3: start (output o3 changed)"* ]]

	# The script, an argument, the interpreter: each reruns what it changes.
	sed 's/"s3", { "ref": "o3" }/"s3!", { "ref": "o3" }/' pipeline.json > p2.json
	generate_to gen.sh -f p2.json
	run_gen
	[ "$RAN" = "s3! " ]
	[[ "$stderr" == *"s3: start (arguments changed)"* ]]
	jq '.nodes[1].interpreter = "bash -e"' p2.json > p3.json
	generate_to gen.sh -f p3.json
	run_gen
	[ "$RAN" = "s1 " ]
	[[ "$stderr" == *"s1: start (interpreter changed)"* ]]
	echo '# changed' >> scripts/step.sh
	generate_to gen.sh -f p3.json
	run_gen
	[[ "$stderr" == *"s1: start (script changed)"* ]]
	[[ "$stderr" == *"s2: start (script changed)"* ]]
	[[ "$stderr" == *"s3: start (script changed)"* ]]

	# --force reruns everything.
	run_gen --force
	[ "$(wc -w <<< "$RAN")" -eq 3 ]
	[[ "$stderr" == *"s1: start (forced)"* ]]
}

@test "every reason reruns exactly its step and what it feeds (--jobs 1)" {
	check_reasons 1
}

@test "every reason reruns exactly its step and what it feeds (--jobs 4)" {
	check_reasons 4
}

@test "every reason reruns exactly its step, also when the whole run was recorded up to date (.dfc/uptodate)" {
	SETTLE=1 check_reasons 1
}

@test "a settled no-op rerun decides with one stat: it reads no stamp and hashes nothing" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	sleep 2.1
	bash gen.sh 2> /dev/null
	[ -s .dfc/uptodate ]
	strace -f -e trace=openat,execve -o trace.txt bash gen.sh 2> err.txt
	grep -q 'summary: 0 run, 3 up to date, 0 failed, 0 not run' err.txt
	[ "$(grep -c 'skipped (up to date' err.txt)" -eq 3 ]
	! grep -q 'openat(.*\.dfc/stamps/[^"]' trace.txt || false
	! grep -q 'sha256sum' trace.txt || false
	[ "$(grep -c 'execve("/usr/bin/stat"' trace.txt)" -eq 1 ]
	# --force, another selection, or another script do not use the record.
	run --separate-stderr bash gen.sh --force
	[[ "$stderr" == *"summary: 3 run"* ]]
}

@test "a dataset that is a symbolic link is its target's content" {
	write_chain
	mv data/raw.txt data/raw.target
	ln -s raw.target data/raw.txt
	generate_to gen.sh -f pipeline.json
	JOBS=1 run_gen
	[ "$RAN" = "s1 s2 s3 " ]
	sleep 2.1
	JOBS=1 run_gen
	[ "$RAN" = "" ]
	# The link is unchanged; its target is not.
	stamp=$(stat -c %y data/raw.target)
	printf 'RAW\n' > data/raw.target
	touch -d "$stamp" data/raw.target
	JOBS=1 run_gen
	[ "$RAN" = "s1 s2 " ]
	[[ "$stderr" == *"s1: start (input raw changed)"* ]]
}

@test "an upstream step that reruns reruns the scripts that follow it" {
	mkdir -p scripts
	printf 'echo "a $(cat n 2>/dev/null)" >> runs.log\n' > scripts/a.sh
	printf 'echo b >> runs.log\n' > scripts/b.sh
	cat > pipeline.json <<'JSON'
{ "nodes": [ { "id": "a", "type": "script", "path": "scripts/a.sh" },
             { "id": "b", "type": "script", "path": "scripts/b.sh" } ],
  "edges": [ { "from": "a", "to": "b" } ] }
JSON
	generate_to gen.sh -f pipeline.json
	JOBS=1 run_gen
	[ "$RAN" = "a  b " ]
	JOBS=1 run_gen --only a --force
	JOBS=1 run_gen
	[ "$RAN" = "b " ]
	[[ "$stderr" == *"b: start (upstream a changed)"* ]]
}

# Rewrite the cache entry of PATH: its signature as the file has it now,
# its sha256 the one recorded before, hashed at second AT (relative to the
# file's ctime): what a file system whose clock tick hides a rewrite leaves.
forge_cache_entry() {
	python3 - "$1" "$2" <<'PY'
import os, sys
path, delta = sys.argv[1], int(sys.argv[2])
st = os.stat(path)
sig = "%d %d.%09d %d.%09d %d" % (st.st_size, st.st_mtime_ns // 10**9, st.st_mtime_ns % 10**9,
                                 st.st_ctime_ns // 10**9, st.st_ctime_ns % 10**9, st.st_ino)
rec = open(".dfc/cache", "rb").read().split(b"\0")[:-1]
for k in range(0, len(rec) - 4, 5):
    if rec[k] == b"f" and rec[k + 1] == path.encode():
        rec[k + 2] = sig.encode()
        rec[k + 4] = str(st.st_ctime_ns // 10**9 + delta).encode()
open(".dfc/cache", "wb").write(b"".join(r + b"\0" for r in rec))
PY
}

@test "a file whose signature matches but which changed in the second of its hash is hashed again (racy rule)" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	printf 'RAW\n' > data/raw.txt # the same size
	# Hashed in the same second as the rewrite: not to be trusted.
	forge_cache_entry data/raw.txt 0
	: > runs.log
	run --separate-stderr bash gen.sh
	[ "$(runs)" = "s1 s2 " ]
	[[ "$stderr" == *"s1: start (input raw changed)"* ]]
	# Hashed two seconds after its last change: the cache is trusted, and
	# a forged entry shows that it is (no rehash, nothing runs).
	printf 'raw\n' > data/raw.txt
	forge_cache_entry data/raw.txt 2
	: > runs.log
	run --separate-stderr bash gen.sh
	[ "$(runs)" = "" ]
}

@test "the cache keeps size, mtime and ctime in nanoseconds, inode and sha256 per file" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	[ -f .dfc/cache ]
	# NUL-separated records of five fields.
	rec=$(tr '\0' '\n' < .dfc/cache | grep -A4 -x 'f' | grep -A3 -x 'data/raw.txt' | head -4)
	sig=$(sed -n 2p <<< "$rec")
	[ "$sig" = "$(stat -c '%s %.9Y %.9Z %i' data/raw.txt)" ]
	[ "$(sed -n 3p <<< "$rec")" = "$(sha256sum < data/raw.txt | cut -d' ' -f1)" ]
	# A damaged cache is a slower run, never a wrong one.
	head -c 100 .dfc/cache > c && mv c .dfc/cache
	echo changed > data/other.txt
	: > runs.log
	run bash gen.sh
	[ "$status" -eq 0 ]
	[ "$(runs)" = "s3 " ]
}

# The processes a run of gen.sh creates (clone, clone3, fork, vfork).
count_processes() {
	strace -f -qq -c -o "$TEST_TMP/strace.$1" bash gen.sh --quiet 2> /dev/null
	awk '$NF ~ /^(clone|clone3|fork|vfork)$/ { n += $4 } END { print n + 0 }' "$TEST_TMP/strace.$1"
}

@test "a no-op rerun makes O(1) processes, not O(steps)" {
	mkdir small big
	(cd small && write_long_chain 10 && bash gen.sh --quiet 2> /dev/null)
	(cd big && write_long_chain 100 && bash gen.sh --quiet 2> /dev/null)
	# Past the racy second, every entry of the cache holds.
	sleep 2
	(cd small && bash gen.sh --quiet 2> /dev/null)
	(cd big && bash gen.sh --quiet 2> /dev/null)
	small=$(cd small && count_processes small)
	big=$(cd big && count_processes big)
	echo "processes: $small for 10 steps, $big for 100 steps"
	[ "$big" -le $((small + 2)) ]
	[ "$big" -le 5 ]
	# and the steps were indeed up to date
	run --separate-stderr bash big/gen.sh --workdir big --quiet
	[[ "$stderr" == *"summary: 0 run, 100 up to date"* ]]
}

@test "--dry-run lists what would run, with reasons, and how many are up to date" {
	write_chain
	generate_to gen.sh -f pipeline.json
	bash gen.sh 2> /dev/null
	echo "new raw" > data/raw.txt
	before=$(listing)
	run --separate-stderr bash gen.sh --dry-run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "s1: bash .dfc/scripts/s1/step.sh s1 data/mid.txt data/raw.txt  # input raw changed" ]
	[ "${lines[1]}" = "s2: bash .dfc/scripts/s1/step.sh s2 out/deep/final.txt data/mid.txt  # upstream s1 reruns" ]
	[ "${lines[2]}" = "# 2 of 3 steps would run, 1 up to date" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(listing)" = "$before" ]
	run --separate-stderr bash gen.sh --dry-run --json
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.steps[] | [.id, .reason, .command[-1]]]' <<< "$output")" = \
		'[["s1","input raw changed","data/raw.txt"],["s2","upstream s1 reruns","data/mid.txt"]]' ]
	[ "$(jq -c '[.would_run, .up_to_date, .selected, .total]' <<< "$output")" = '[2,1,3,3]' ]
	run --separate-stderr bash gen.sh --json
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--json goes with --dry-run"* ]]
}

@test "the JSON plan escapes what the arguments hold" {
	mkdir -p scripts
	echo 'true' > scripts/a.sh
	jq -n '{nodes: [{id: "a", type: "script", path: "scripts/a.sh"}, {id: "o", type: "dataset", path: "o.txt"}],
		edges: [{from: "a", to: "o", arguments: ["q\"uote", "back\\slash", "tab\there", "nl\nx", "é"]}]}' > pipeline.json
	generate_to gen.sh -f pipeline.json
	run --separate-stderr bash gen.sh --dry-run --json
	[ "$status" -eq 0 ]
	[ "$(jq -c '.steps[0].command[2:]' <<< "$output")" = '["q\"uote","back\\slash","tab\there","nl\nx","é"]' ]
}

@test "--keep-going runs what does not depend on a failure, and names every failed step (--jobs 1 and 4)" {
	mkdir -p scripts
	printf 'echo "$1" >> runs.log; exit 3\n' > scripts/fail.sh
	printf 'echo "$1" >> runs.log; touch "$2"\n' > scripts/ok.sh
	cat > pipeline.json <<'JSON'
{ "nodes": [ { "id": "bad1", "type": "script", "path": "scripts/fail.sh" },
             { "id": "after1", "type": "script", "path": "scripts/ok.sh" },
             { "id": "good", "type": "script", "path": "scripts/ok.sh" },
             { "id": "bad2", "type": "script", "path": "scripts/fail.sh" },
             { "id": "d", "type": "dataset", "path": "d.txt" },
             { "id": "e", "type": "dataset", "path": "e.txt" },
             { "id": "f", "type": "dataset", "path": "f.txt" },
             { "id": "g", "type": "dataset", "path": "g.txt" } ],
  "edges": [ { "from": "bad1", "to": "d", "arguments": ["bad1"] },
             { "from": "d", "to": "after1" },
             { "from": "after1", "to": "e", "arguments": ["after1", { "ref": "e" }] },
             { "from": "good", "to": "f", "arguments": ["good", { "ref": "f" }] },
             { "from": "bad2", "to": "g", "arguments": ["bad2"] } ] }
JSON
	generate_to gen.sh -f pipeline.json
	for JOBS in 1 4; do
		rm -rf .dfc
		run_gen
		[ "$status" -eq 4 ]
		[ "$RAN" = "bad1 " ] || [ "$JOBS" -gt 1 ]
		rm -rf .dfc
		run_gen --keep-going
		[ "$status" -eq 4 ]
		[[ "$RAN" == *good* && "$RAN" == *bad2* && "$RAN" != *after1* ]]
		[[ "$stderr" == *"step 'bad1' failed (exit status 3), step 'bad2' failed (exit status 3); not run because of that: after1 (after bad1)"* ]]
		[[ "$stderr" == *"summary: 1 run, 0 up to date, 2 failed, 1 not run"* ]]
		# The step that worked is up to date next time.
		run_gen --keep-going
		[[ "$RAN" != *good* ]]
	done
}

@test "--quiet prints only failures and the summary; each step's output is in .dfc/logs" {
	write_failing
	generate_to gen.sh -f pipeline.json
	run --separate-stderr bash gen.sh --quiet
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[[ "$stderr" != *"first: start"* && "$stderr" != *"running"* ]]
	[[ "$stderr" == *"boom: FAILED with exit status 3"*"its output: .dfc/logs/boom.log"* ]]
	[[ "$stderr" == *"summary: 1 run, 0 up to date, 1 failed, 1 not run"* ]]
	[[ "$stderr" == *"step 'boom' failed (exit status 3)"* ]]
	[ "$(cat .dfc/logs/boom.log)" = "about to fail" ]
	# Without --quiet the output shows and is kept too.
	run --separate-stderr bash gen.sh
	[[ "$output" == *"about to fail"* ]]
	[ "$(cat .dfc/logs/boom.log)" = "about to fail" ]
}
