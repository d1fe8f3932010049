#!/usr/bin/env bash
# bench/run.sh - SPEC §11: the generated script (`generate -f pipeline.json
# -o run.sh`, then `bash run.sh --workdir W`) against make and sha256sum.
#
#   1. first run of a 300-step chain of trivial bash steps against `make`
#      running the same 300 steps from a Makefile. Target: <= 1.5.
#   2. no-op rerun of that chain against that same `make` first run.
#      Target: <= 0.1. Shown beside it, for information only: against a
#      no-op `make` of the same Makefile, and the same rerun without
#      .dfc/uptodate (the record of a whole run up to date), so that each
#      step is checked against its stamp.
#   3. no-op rerun of 4 times the steps (1,200) against that of 300.
#      Target: <= 5.
#   4. no-op rerun of a one-step pipeline whose input is an unchanged 1 GiB
#      file against `sha256sum` of that file. Target: <= 0.1. At most 5
#      pairs: a side can take seconds.
#   5. `--jobs 2` against `--jobs 1` on 8 independent steps that each sleep
#      0.2 s. Ideal: 0.5; target <= 0.6.
#
# Every step of a chain is the same script, step.sh IN OUT (`cat IN > OUT`),
# step i reading d(i-1) and writing d(i); the first input is a small file.
# A first run starts from a clean work folder: the outputs and .dfc/ are
# deleted before each one (make's outputs likewise). The tool's log
# (stderr) is discarded like make's.
#
#   bench/run.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

steps=$(size 10 300)
many=$((4 * steps))
big_size=$(size 1M 1G)
sleeps=8
sleep_s=$(size 0.01 0.2)
unset MAKEFLAGS MAKELEVEL

# shellcheck disable=SC2016 # the step scripts are literal
{
	printf '%s\n' '#!/usr/bin/env bash' 'cat "$1" > "$2"' > step.sh
	printf '%s\n' '#!/usr/bin/env bash' 'head -c 16 "$1" > "$2"' > head.sh
	printf '%s\n' '#!/usr/bin/env bash' 'sleep "$2"' ': > "$1"' > nap.sh
}

# chain_files N: in folder chain-N, pipeline.json (N steps of step.sh,
# outputs in out/) and its generated script run.sh, whose work folder is
# work/; make/ holds the Makefile running the same steps. Both folders
# start with the first input, data/d0.txt.
chain_files() {
	mkdir -p "chain-$1/work/data" "chain-$1/make/data"
	cp step.sh "chain-$1/"
	cp step.sh "chain-$1/make/"
	echo "first input" > "chain-$1/work/data/d0.txt"
	echo "first input" > "chain-$1/make/data/d0.txt"
	python3 - "$1" "chain-$1" <<'PY'
import json, sys
n, dir = int(sys.argv[1]), sys.argv[2]
path = lambda i: "data/d0.txt" if i == 0 else "out/d%d.txt" % i
nodes = [{"id": "d0", "type": "dataset", "path": path(0)}]
edges = []
rules = ["all: %s\n" % path(n)]
for i in range(1, n + 1):
    nodes.append({"id": "s%d" % i, "type": "script", "path": "step.sh"})
    nodes.append({"id": "d%d" % i, "type": "dataset", "path": path(i)})
    edges.append({"from": "d%d" % (i - 1), "to": "s%d" % i,
                  "arguments": [{"ref": "d%d" % (i - 1)}]})
    edges.append({"from": "s%d" % i, "to": "d%d" % i,
                  "arguments": [{"ref": "d%d" % i}]})
    rules.append("%s: %s\n\tbash step.sh %s %s\n" % (path(i), path(i - 1), path(i - 1), path(i)))
with open(dir + "/pipeline.json", "w") as f:
    json.dump({"name": "chain-%d" % n, "nodes": nodes, "edges": edges}, f, indent=1)
with open(dir + "/make/Makefile", "w") as f:
    f.write("".join(rules))
PY
	(cd "chain-$1" && dfc generate -f pipeline.json -o run.sh)
}

# run_script DIR ARGS...: DIR/run.sh in its work folder DIR/work, its log
# discarded; a failure stops the benchmark (in the warm-up pair).
run_script() {
	local dir=$1
	shift
	bash "$dir/run.sh" --workdir "$dir/work" "$@" 2> "$work/run.log" || {
		cat "$work/run.log" >&2
		return 1
	}
}

chain_files "$steps"
chain_files "$many"
c=chain-$steps

clean_tool() { rm -rf "$c/work/out" "$c/work/.dfc"; }
first_run() { run_script "$c"; }
clean_make() { rm -rf "$c/make/out"; mkdir "$c/make/out"; }
make_run() { make -s -C "$c/make"; }

compare "run: first run, $steps steps vs make" 1.5 clean_tool first_run clean_make make_run
# Both sides up to date from here on.
first_run > /dev/null
make_run > /dev/null

noop_run() { run_script "$c"; }
noop_many() { run_script "chain-$many"; }
noop_make() { make -s -C "$c/make"; }

compare "run: no-op rerun, $steps steps vs make" 0.1 nothing noop_run clean_make make_run
make_run > /dev/null
compare "(run: no-op rerun vs no-op make, $steps steps)" - nothing noop_run nothing noop_make
# Without the record of a whole run up to date, each step is checked.
no_record() { rm -f "$c/work/.dfc/uptodate"; }
compare "(run: no-op rerun checking each step vs make, $steps steps)" - no_record noop_run clean_make make_run
run_script "chain-$many" > /dev/null
compare "run: no-op rerun, $many vs $steps steps" 5 nothing noop_many nothing noop_run

# One step reading a large unchanged input.
mkdir -p big/work/data
cp head.sh big/
head -c "$big_size" /dev/urandom > big/work/data/big.bin
cat > big/pipeline.json <<'JSON'
{
  "name": "big-input",
  "nodes": [
    { "id": "big", "type": "dataset", "path": "data/big.bin" },
    { "id": "head", "type": "script", "path": "head.sh" },
    { "id": "out", "type": "dataset", "path": "out/head.bin" }
  ],
  "edges": [
    { "from": "big", "to": "head", "arguments": [{ "ref": "big" }] },
    { "from": "head", "to": "out", "arguments": [{ "ref": "out" }] }
  ]
}
JSON
(cd big && dfc generate -f pipeline.json -o run.sh)
run_script big > /dev/null

noop_big() { run_script big; }
hash_big() { sha256sum big/work/data/big.bin; }

all_pairs=$pairs
pairs=$((pairs < 5 ? pairs : 5))
compare "run: no-op rerun, $big_size input vs sha256sum" 0.1 nothing noop_big nothing hash_big
pairs=$all_pairs

# Independent steps that only wait.
mkdir -p naps
cp nap.sh naps/
python3 - "$sleeps" "$sleep_s" > naps/pipeline.json <<'PY'
import json, sys
n, s = int(sys.argv[1]), sys.argv[2]
nodes, edges = [], []
for i in range(n):
    nodes += [{"id": "nap%d" % i, "type": "script", "path": "nap.sh"},
              {"id": "out%d" % i, "type": "dataset", "path": "out/%d" % i}]
    edges.append({"from": "nap%d" % i, "to": "out%d" % i,
                  "arguments": [{"ref": "out%d" % i}, s]})
json.dump({"name": "naps", "nodes": nodes, "edges": edges}, sys.stdout, indent=1)
PY
(cd naps && dfc generate -f pipeline.json -o run.sh)

jobs2() { run_script naps --force --jobs 2; }
jobs1() { run_script naps --force --jobs 1; }

compare "run: --jobs 2 vs 1, $sleeps steps of sleep $sleep_s" 0.6 nothing jobs2 nothing jobs1
