# generate_helper.bash - pipelines and checks shared by generate.bats and
# run.bats: small shell-script pipelines whose steps leave traces, and a
# Shellcheck runs on every script a test generates.
# shellcheck shell=bash

# dfc generate "$@" -o FILE, then shellcheck FILE.
generate_to() {
	local file=$1
	shift
	dfc generate "$@" -o "$file" || return
	shellcheck -s bash "$file"
}

# Every file under folder $1 (default .) with a hash of its content: the
# helper's home_listing, pointed at that folder.
listing() {
	DATA_FACTORY_HOME=$(cd "${1:-.}" && pwd) home_listing
}

# The shared fixture (tests/fixtures/workflow): the pipelines these tests
# run, their scripts and their input data.
WORKFLOW_FIXTURE=$DFC_SOURCE_DIR/tests/fixtures/workflow

# from_fixture FILE...: copy each FILE of the fixture to the same place here.
from_fixture() {
	local file
	for file in "$@"; do
		mkdir -p "$(dirname "$file")"
		cp "$WORKFLOW_FIXTURE/$file" "$file"
	done
}

# scripts/step.sh NAME OUT IN...: logs NAME to runs.log in the work folder
# and writes NAME and its inputs to OUT.
write_step_script() {
	from_fixture scripts/step.sh
}

# Two branches: raw -> s1 -> mid -> s2 -> final, and other -> s3 -> o3
# (the fixture's chain.json).
write_chain() {
	from_fixture scripts/step.sh data/raw.txt data/other.txt
	cp "$WORKFLOW_FIXTURE/chain.json" "${1:-pipeline.json}"
}

# The steps runs.log recorded, on one line.
runs() {
	if [ -f "${1:-.}/runs.log" ]; then
		tr '\n' ' ' < "${1:-.}/runs.log"
	fi
}

# a -> b, a -> c, b -> d, c -> d, all scripts. b and c wait (at most $1
# tenths of a second) for each other in folder $2: only a parallel run
# lets both finish. Each leaves done.<name> in the work folder.
write_diamond() {
	local tenths=$1 barrier=$2
	mkdir -p scripts
	echo 'touch done.a' > scripts/a.sh
	for me in b c; do
		other=$([ "$me" = b ] && echo c || echo b)
		cat > "scripts/$me.sh" <<SH
[ -e done.a ] || { echo "a has not run"; exit 3; }
touch "\$1/$me.ready"
echo "$me waiting for $other"
for _ in \$(seq "\$2"); do
	if [ -e "\$1/$other.ready" ]; then
		touch done.$me
		echo "$me saw $other"
		exit 0
	fi
	sleep 0.1
done
echo "$me gave up waiting for $other"
exit 1
SH
	done
	echo '[ -e done.b ] && [ -e done.c ] && touch done.d' > scripts/d.sh
	jq -n --arg dir "$barrier" --arg n "$tenths" '{
		name: "diamond",
		nodes: [ {id: "a", type: "script", path: "scripts/a.sh"},
			 {id: "b", type: "script", path: "scripts/b.sh"},
			 {id: "c", type: "script", path: "scripts/c.sh"},
			 {id: "d", type: "script", path: "scripts/d.sh"} ],
		edges: [ {from: "a", to: "b", arguments: [$dir, $n]},
			 {from: "a", to: "c", arguments: [$dir, $n]},
			 {from: "b", to: "d"}, {from: "c", to: "d"} ] }' > pipeline.json
}

# One step that fails with status 3 after a first one that works.
write_failing() {
	mkdir -p scripts
	echo 'touch first.done' > scripts/first.sh
	printf 'echo "about to fail" >&2\nexit 3\n' > scripts/boom.sh
	echo 'touch never.done' > scripts/after.sh
	cat > pipeline.json <<'JSON'
{
  "nodes": [
    { "id": "first", "type": "script", "path": "scripts/first.sh" },
    { "id": "boom", "type": "script", "path": "scripts/boom.sh" },
    { "id": "after", "type": "script", "path": "scripts/after.sh" }
  ],
  "edges": [
    { "from": "first", "to": "boom" },
    { "from": "boom", "to": "after" }
  ]
}
JSON
}

# A first step that works, then one whose interpreter does not exist.
write_missing_interpreter() {
	mkdir -p scripts
	echo 'touch first.done' > scripts/first.sh
	echo 'print("hi")' > scripts/odd.x
	cat > pipeline.json <<'JSON'
{
  "nodes": [
    { "id": "first", "type": "script", "path": "scripts/first.sh" },
    { "id": "odd", "type": "script", "path": "scripts/odd.x", "interpreter": "no-such-interp --flag" }
  ],
  "edges": [ { "from": "first", "to": "odd" } ]
}
JSON
}

# write_long_chain N [STEP]: a chain of N steps d(i-1) -> s(i) -> d(i),
# each step.sh IN OUT (STEP, by default `cat IN > OUT`), into gen.sh; the
# first input, data/d0.txt, holds "hi".
write_long_chain() {
	python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
nodes = [{"id": "d0", "type": "dataset", "path": "data/d0.txt"}]
edges = []
for i in range(1, n + 1):
    nodes += [{"id": "s%d" % i, "type": "script", "path": "step.sh"},
              {"id": "d%d" % i, "type": "dataset", "path": "data/d%d.txt" % i}]
    edges += [{"from": "d%d" % (i - 1), "to": "s%d" % i, "arguments": [{"ref": "d%d" % (i - 1)}]},
              {"from": "s%d" % i, "to": "d%d" % i, "arguments": [{"ref": "d%d" % i}]}]
json.dump({"name": "chain", "nodes": nodes, "edges": edges}, open("pipeline.json", "w"))
PY
	mkdir -p data
	echo hi > data/d0.txt
	# shellcheck disable=SC2016 # the step's own words
	local step='cat "$1" > "$2"'
	printf '%s\n' "${2:-$step}" > step.sh
	dfc generate -f pipeline.json -o gen.sh
}
