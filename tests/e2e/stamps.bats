#!/usr/bin/env bats
# shellcheck disable=SC2016 # the scripts these tests write are single-quoted on purpose
# What a local run of the generated script keeps in .dfc/, and how it
# starts its steps (SPEC §6): the stamps' journals (one file per run, not
# per step; stamps of older scripts kept; merged past eight; a journal cut
# short never makes a step look up to date), the step logs (only the steps
# that printed), the launcher of the steps, and an interrupted run.

load helper
load generate_helper

# The stamps' journals, oldest first.
journals() {
	find .dfc/stamps -name '@*' | LC_ALL=C sort
}

@test "a run keeps its stamps in one journal, and a log for each step that printed" {
	write_long_chain 30 'if grep -q loud "$1"; then echo "$2 is loud"; fi; cat "$1" > "$2"'
	run --separate-stderr bash gen.sh
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"summary: 30 run, 0 up to date"* ]]
	[ "$(journals | wc -l)" -eq 1 ]
	[ "$(find .dfc/stamps -type f | wc -l)" -eq 1 ]
	# Thirty records, one per step, each its id then its stamp.
	[ "$(tr -cd '\0' < "$(journals)" | wc -c)" -eq 30 ]
	grep -qaz '^s17'$'\n''token [0-9]' "$(journals)"
	# No step printed: no log.
	[ -z "$(ls .dfc/logs)" ]

	echo loud > data/d0.txt
	run --separate-stderr bash gen.sh
	[ "$status" -eq 0 ]
	[ "$(find .dfc/logs -type f | wc -l)" -eq 30 ]
	[ "$(cat .dfc/logs/s7.log)" = "data/d7.txt is loud" ]
	[[ "$output" == *"data/d7.txt is loud"* ]]
	[ "$(journals | wc -l)" -eq 2 ]

	# Quiet again: each log says so, none keeps the last run's words.
	echo quiet > data/d0.txt
	run --separate-stderr bash gen.sh
	[ "$status" -eq 0 ]
	[ "$(find .dfc/logs -type f | wc -l)" -eq 30 ]
	[ -z "$(cat .dfc/logs/*.log)" ]

	# A rerun with nothing to do adds no journal.
	run --separate-stderr bash gen.sh
	[[ "$stderr" == *"summary: 0 run, 30 up to date"* ]]
	[ "$(journals | wc -l)" -eq 3 ]
	# The launcher's files are gone with the run.
	[ -z "$(find .dfc -maxdepth 1 -name 'request.*' -o -maxdepth 1 -name 'output.*')" ]
}

@test "a step that fails without a word still leaves its (empty) log" {
	write_long_chain 3 'cat "$1" > "$2"; [ "$2" != data/d2.txt ]'
	run --separate-stderr bash gen.sh
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"s2: FAILED with exit status 1"*"its output: .dfc/logs/s2.log"* ]]
	[ -f .dfc/logs/s2.log ] && [ ! -s .dfc/logs/s2.log ]
	[ ! -e .dfc/logs/s1.log ]
	# s3 was handed to the launcher while s2 ran: it did not start.
	[ ! -e data/d3.txt ]
	[[ "$stderr" == *"summary: 1 run, 0 up to date, 1 failed, 1 not run"* ]]
	run --separate-stderr bash gen.sh --dry-run
	[[ "$output" == *"s2:"*"# last run failed"* ]]
}

@test "stamps written by an older script, a file per step, still hold" {
	write_long_chain 5
	bash gen.sh 2> /dev/null
	# What an older script left: .dfc/stamps/<step>, the same stamp text.
	python3 - "$(journals)" <<'PY'
import sys
for rec in open(sys.argv[1], "rb").read().split(b"\0")[:-1]:
    step, stamp = rec.split(b"\n", 1)
    open(".dfc/stamps/" + step.decode(), "wb").write(stamp)
PY
	rm "$(journals)"
	run --separate-stderr bash gen.sh
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"summary: 0 run, 5 up to date"* ]]
	# They were carried into a journal: the old files are no longer needed.
	[ "$(journals | wc -l)" -eq 1 ]
	rm .dfc/stamps/s?
	run --separate-stderr bash gen.sh
	[[ "$stderr" == *"summary: 0 run, 5 up to date"* ]]
	# An older script's truncated stamp: that step did not finish.
	python3 - "$(journals)" <<'PY'
import sys
for rec in open(sys.argv[1], "rb").read().split(b"\0")[:-1]:
    step, stamp = rec.split(b"\n", 1)
    open(".dfc/stamps/" + step.decode(), "wb").write(b"token -\n" if step == b"s3" else stamp)
PY
	rm -f "$(journals)" .dfc/uptodate
	run --separate-stderr bash gen.sh --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *"s3:"*"# last run did not finish"*"s4:"*"# upstream s3 reruns"* ]]
	[[ "$output" == *"# 3 of 5 steps would run, 2 up to date" ]]
}

@test "journals past eight are merged into one, and what they say holds" {
	write_long_chain 3
	local n
	for n in $(seq 12); do
		echo "run $n"
		bash gen.sh --force 2> /dev/null
		[ "$(journals | wc -l)" -le 9 ]
	done
	[ "$(journals | wc -l)" -lt 9 ]
	run --separate-stderr bash gen.sh
	[[ "$stderr" == *"summary: 0 run, 3 up to date"* ]]
	# The merged journal holds one record per step.
	[ "$(tr -cd '\0' < "$(journals | head -n 1)" | wc -c)" -eq 3 ]
}

@test "a journal cut short at any byte never makes a step look up to date that is not" {
	write_long_chain 6
	bash gen.sh 2> /dev/null
	journal=$(journals)
	cp "$journal" full
	# The byte offsets at which each record is whole (its NUL aside).
	ends=$(python3 -c '
import sys
data = open("full", "rb").read()
ends, at = [], 0
for rec in data.split(b"\0")[:-1]:
    at += len(rec)
    ends.append(at)
    at += 1
print(" ".join(map(str, ends)))')
	size=$(stat -c %s full)
	# Every record boundary and a byte either side, and 40 random offsets.
	offsets=$(python3 -c '
import random, sys
ends, size = [int(e) for e in sys.argv[1].split()], int(sys.argv[2])
at = {0, size}
for e in ends:
    at |= {e - 1, e, e + 1}
rnd = random.Random(int(sys.argv[3]))
at |= {rnd.randrange(size + 1) for _ in range(40)}
print(" ".join(str(a) for a in sorted(at) if 0 <= a <= size))' "$ends" "$size" "${DFC_TEST_SEED:-$RANDOM}")
	for k in $offsets; do
		head -c "$k" full > "$journal"
		rm -f .dfc/uptodate
		whole=0
		for e in $ends; do
			if [ "$e" -le "$k" ]; then whole=$((whole + 1)); fi
		done
		run --separate-stderr bash gen.sh --dry-run --json
		[ "$status" -eq 0 ]
		up=$(jq .up_to_date <<< "$output")
		echo "cut at $k of $size: $whole whole records, $up steps up to date"
		# A chain: the steps up to date are those of the whole records.
		[ "$up" -eq "$whole" ]
		# A dry run writes nothing.
		[ "$(stat -c %s "$journal")" -eq "$k" ]
		[ "$(journals | wc -l)" -eq 1 ]
	done
}

@test "the steps start byte for byte as declared, in the work folder, with the script's environment" {
	write_long_chain 2 'printf "%s|" "$PWD" "$1" "$2" "${DFC_TEST_VAR:-unset}" "${DFC_CALLER:-none}" > "$2"'
	mkdir -p "$TEST_TMP/w x/data"
	cp data/d0.txt "$TEST_TMP/w x/data/"
	DFC_TEST_VAR='a b  "c"'$'\n''d' DFC_CALLER=tool run bash gen.sh --workdir "$TEST_TMP/w x"
	[ "$status" -eq 0 ]
	[ "$(cat "$TEST_TMP/w x/data/d2.txt")" = "$TEST_TMP/w x|data/d1.txt|data/d2.txt|a b  \"c\""$'\n'"d|none|" ]
}

@test "a run goes on when the process that starts its steps is killed; that step counts as failed" {
	write_long_chain 4 'cat "$1" > "$2"; echo "$2" >> ran.log
if [ "$2" = data/d2.txt ] && [ ! -e killed ]; then touch killed; kill "$PPID"; sleep 0.2; fi'
	run --separate-stderr bash gen.sh
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"warning: the process that starts the steps is gone"* ]]
	[[ "$stderr" == *"s2: FAILED with exit status 127"* ]]
	: > ran.log
	run --separate-stderr bash gen.sh
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' < ran.log)" = "data/d2.txt data/d3.txt data/d4.txt " ]
}

# interrupt SIGNAL: run gen.sh as a job of its own (its own process
# group, SIGINT not ignored, as a command typed at a terminal), send SIGNAL
# (to the script, or to the whole group, as a terminal's ^C does) while
# step s2 sleeps, and wait for it; its status is in $status.
interrupt() {
	rm -f started
	set -m
	bash gen.sh 2> err.txt &
	local pid=$! n
	set +m
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	for n in $(seq 100); do
		[ -e started ] && break
		sleep 0.05
	done
	[ -e started ]
	if [ "$1" = INT ]; then
		kill -INT -- "-$pid"
	else
		kill "-$1" "$pid"
	fi
	status=0
	wait "$pid" || status=$?
}

@test "an interrupted run stops with 130, keeps the stamps of the steps that ended, and the next run goes on" {
	# s2 says it started once s1's stamp is in the journal: a signal
	# during the hashing of s1's output is another case (see DECISIONS).
	write_long_chain 3 'echo "$2" >> ran.log
if [ "$2" = data/d2.txt ] && [ ! -e skip-sleep ]; then
	for _ in $(seq 100); do grep -qa "^s1\$" .dfc/stamps/@* && break; sleep 0.05; done
	touch started; sleep 1
fi
cat "$1" > "$2"'
	for signal in TERM INT; do
		rm -rf .dfc data/d[1-9].txt ran.log skip-sleep
		interrupt "$signal"
		[ "$status" -eq 130 ]
		grep -q 'error: interrupted' err.txt
		grep -q '"status": "interrupted"' .dfc/runs/*.json
		# s1's stamp was kept: the next run starts at s2.
		touch skip-sleep
		: > ran.log
		run --separate-stderr bash gen.sh
		[ "$status" -eq 0 ]
		cat ran.log err.txt; echo "$stderr"
		[ "$(tr '\n' ' ' < ran.log)" = "data/d2.txt data/d3.txt " ]
	done
}

@test "running one step ahead never changes what runs: random graphs, random failures, with and without --keep-going" {
	local seed=${DFC_TEST_SEED:-$RANDOM} case
	echo "seed $seed"
	for case in $(seq 25); do
		rm -rf .dfc scripts runs.log
		# A random graph of scripts (each after some earlier ones), some
		# failing; and, for each way of running it, the steps that must run.
		python3 - "$seed" "$case" <<'PY'
import json, random, sys
rnd = random.Random(int(sys.argv[1]) * 1000 + int(sys.argv[2]))
n = rnd.randint(2, 9)
fails = {i for i in range(n) if rnd.random() < 0.3}
deps = {i: sorted(rnd.sample(range(i), rnd.randint(0, min(i, 2)))) for i in range(n)}
nodes, edges = [], []
import os
os.makedirs("scripts", exist_ok=True)
for i in range(n):
    nodes.append({"id": "s%d" % i, "type": "script", "path": "scripts/s%d.sh" % i})
    with open("scripts/s%d.sh" % i, "w") as f:
        f.write("echo s%d >> runs.log\n%s\n" % (i, "exit 3" if i in fails else "exit 0"))
    edges += [{"from": "s%d" % d, "to": "s%d" % i} for d in deps[i]]
json.dump({"name": "random", "nodes": nodes, "edges": edges}, open("pipeline.json", "w"))
json.dump({"fails": sorted(fails), "deps": deps}, open("model.json", "w"))
PY
		generate_to gen.sh -f pipeline.json
		order=$(bash gen.sh --dry-run --json | jq -r '[.steps[].id] | join(" ")')
		for keep in '' --keep-going; do
			rm -rf .dfc runs.log
			# (a hang would be a failure, not a stuck suite)
			timeout 60 bash gen.sh $keep 2> /dev/null || true
			expected=$(python3 - "$order" "$keep" <<'PY'
import json, sys
model = json.load(open("model.json"))
fails, deps = set(model["fails"]), {int(k): v for k, v in model["deps"].items()}
ran, bad = [], set()
for step in sys.argv[1].split():
    i = int(step[1:])
    if any(d in bad for d in deps[i]):
        bad.add(i)  # not run: it waits for a failure
        continue
    ran.append(step)
    if i in fails:
        bad.add(i)
        if not sys.argv[2]:
            break
print(" ".join(ran))
PY
)
			actual=$(tr '\n' ' ' < runs.log 2> /dev/null | sed 's/ $//')
			echo "case $case ${keep:-(stop at a failure)}: order $order; ran '$actual', expected '$expected'"
			[ "$actual" = "$expected" ]
		done
	done
}
