#!/usr/bin/env bash
# workflow.sh - run a whole workflow (SPEC §12) under valgrind's memcheck:
# every command the tool has, on the happy path and on its error paths, in
# a throw-away DATA_FACTORY_HOME, HOME and git identity. Any memory error or
# definite leak fails the script, naming the step and showing the log.
#
# Usage: tests/valgrind/workflow.sh [BINARY]   (default: $DFC_BIN)
# Build the binary with debug info (Debug or RelWithDebInfo) for readable
# stacks; any build works.
#
# Leak kinds: errors for "definite" only. An indirect leak is a block
# reachable only from a definitely lost one, so it never comes alone: the
# definite root already fails the step, and counting its children too would
# only double each report (and each suppression). "Possibly lost" and
# "still reachable" blocks are neither errors nor shown (today the tool
# frees every block before it exits, libraries included).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${DFC_BIN:-}}
if [ -z "$bin" ]; then
	echo "usage: $0 BINARY (or set DFC_BIN)" >&2
	exit 2
fi
[ -x "$bin" ] || { echo "$0: '$bin' is not an executable" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v valgrind > /dev/null || { echo "$0: valgrind is missing: apt-get install -y valgrind" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dfc-valgrind.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2> /dev/null || true
		wait "$server" 2> /dev/null || true
	fi
	cd / && rm -rf "$tmp"
}
trap cleanup EXIT
logs=$tmp/logs work=$tmp/work
mkdir -p "$logs" "$work" "$tmp/user"

export HOME=$tmp/user
export DATA_FACTORY_HOME=$tmp/home
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$tmp/gitconfig
unset DATA_FACTORY_CATALOG DATA_FACTORY_TOKEN NO_COLOR DFC_BIN
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE
unset GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
printf '[user]\n\tname = Ada Lovelace\n\temail = ada@example.org\n' > "$GIT_CONFIG_GLOBAL"

# valgrind exits 99 on an error, which no exit status of the tool (0-9)
# can be taken for. --trace-children=no: `run` execs bash for the generated
# script; we check the tool, not bash. A forked child that fails to exec is
# still the tool, hence one log per process (%p).
vg=(valgrind --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
	--track-fds=no --trace-children=no --num-callers=40 --quiet)
if [ -f "$here/debian12.supp" ]; then
	vg+=(--suppressions="$here/debian12.supp")
fi

fail() {
	echo "not ok $1: $2" >&2
	for f in "$logs/$1".vg.*; do
		[ -s "$f" ] && { echo "--- valgrind ($f)" >&2; cat "$f" >&2; }
	done
	if [ -s "$logs/$1.err" ]; then
		echo "--- stderr" >&2
		cat "$logs/$1.err" >&2
	fi
	exit 1
}

# step NAME STATUS ARGS...: run the tool with ARGS under valgrind in the
# current folder, its stdout in $logs/NAME.out, its stderr in $logs/NAME.err.
# Fails unless it exits STATUS and valgrind logged nothing.
step() {
	local name=$1 want=$2 got=0 f
	shift 2
	[ ! -e "$logs/$name.out" ] || { echo "$0: step name '$name' used twice" >&2; exit 1; }
	"${vg[@]}" --log-file="$logs/$name.vg.%p" "$bin" "$@" \
		> "$logs/$name.out" 2> "$logs/$name.err" < /dev/null || got=$?
	[ "$got" -ne 99 ] || fail "$name" "valgrind found errors"
	for f in "$logs/$name".vg.*; do
		[ ! -s "$f" ] || fail "$name" "valgrind reported something (exit $got)"
	done
	[ "$got" -eq "$want" ] || fail "$name" "exit $got, expected $want"
	echo "ok $name"
}

# The step's stdout.
out() { cat "$logs/$1.out"; }

# check NAME TEST...: a check on the files or outputs a step left.
check() {
	local name=$1
	shift
	"$@" || fail "$name" "check failed: $*"
}

cd "$work"
# The shared fixture's daily-sales pipeline (raw -> clean -> out -> count ->
# total), its scripts and its data.
fixture=$here/../fixtures/workflow
mkdir -p scripts data
cp "$fixture/scripts/clean.py" "$fixture/scripts/count.sh" scripts/
cp "$fixture/data/raw.csv" data/
cp "$fixture/daily-sales.json" pipeline.json

# Record, edit, look around.
step validate 0 validate pipeline.json
step validate-json 0 validate --json pipeline.json
step create 0 create pipeline.json -m "first cut of daily sales"
id=$(out create)
check create grep -q "\"id\": \"$id\"" pipeline.json
step status-clean 0 status pipeline.json
sed -i 's/\["--output", { "ref": "out" }\]/["--output", { "ref": "out" }, "--rows", 2]/' pipeline.json
step status-modified 0 status pipeline.json
step diff-file 0 diff pipeline.json
step diff-file-json 0 diff pipeline.json --format json
step update 0 update pipeline.json -m "limit the rows"
check update [ "$(out update)" = 2 ]
step update-unchanged 0 update pipeline.json
check update-unchanged [ "$(out update-unchanged)" = "" ]
step status 0 status pipeline.json
step status-json 0 status pipeline.json --json
step log 0 log -i "$id"
step log-file 0 log pipeline.json
step log-json 0 log -i "$id" --json
step show 0 show -i "$id"
step show-v1-json 0 show -i "$id" -v 1 --json
for format in text json patch mermaid; do
	step "diff-$format" 0 diff -i "$id" 1 2 --format "$format"
done
step diff-exit-code 1 diff -i "$id" 1 2 --exit-code
for format in mermaid dot ascii; do
	step "graph-f-$format" 0 graph -f pipeline.json --format "$format"
	step "graph-i-$format" 0 graph -i "$id" -v 1 --format "$format"
done
step textconv 0 textconv pipeline.json

# The default catalog ($DATA_FACTORY_HOME/catalog.git).
step share-i 0 share -i "$id" -m "first shared version"
check share-i [ "$(out share-i)" = 1 ]
sed -i 's/"--rows", 2/"--rows", 3/' pipeline.json
step share-f 0 share -f pipeline.json -m "three rows"
check share-f [ "$(out share-f)" = 2 ]
step update-shared 0 update pipeline.json -m "three rows"
for what in pipelines scripts datasets; do
	step "list-$what" 0 list "$what"
	step "list-$what-refresh-json" 0 list "$what" --refresh --json
done
step list-search 0 list pipelines --search daily --local-only
step diff-from-catalog 0 diff -i "$id" --from-catalog 1
step status-shared 0 status pipeline.json --json

# sync: the working file, a second file (a copy of version 1), --version 1.
step sync 0 sync pipeline.json
check sync [ "$(out sync)" = 2 ]
check sync grep -q '"script_id"' pipeline.json
cp "$DATA_FACTORY_HOME/pipelines/${id}_1.json" second.json
step sync-second 0 sync second.json
check sync-second [ "$(out sync-second)" = 2 ]
step sync-second-v1 0 sync second.json --version 1
check sync-second-v1 [ "$(out sync-second-v1)" = 1 ]
step status-second 0 status second.json

# generate and run: the scripts really run and write their outputs.
step generate-f 0 generate -f pipeline.json -o run-f.sh
step generate-i 0 generate -i "$id" -v 1
step generate-catalog 0 generate -i "$id" --from-catalog -o run-catalog.sh
check generate-f bash -n run-f.sh
check generate-catalog bash -n run-catalog.sh
step run 0 run -f pipeline.json
check run [ "$(cat data/clean.csv)" = $'name,amount\nada,3\ngrace,5\nedsger,8' ]
check run [ "$(cat data/total.txt)" = 3 ]
step run-again 0 run -f pipeline.json
check run-again grep -q "skipped (up to date" "$logs/run-again.err" "$logs/run-again.out"
step run-i-dry 0 run -i "$id" -v 2 --dry-run

cat > failing.json <<'JSON'
{
  "name": "failing",
  "nodes": [
    { "id": "raw",  "type": "dataset", "path": "data/raw.csv" },
    { "id": "boom", "type": "script",  "path": "scripts/boom.sh" }
  ],
  "edges": [ { "from": "raw", "to": "boom", "arguments": [{ "ref": "raw" }] } ]
}
JSON
cat > scripts/boom.sh <<'SH'
echo "read $(wc -l < "$1") lines of $1, then failed" >&2
exit 3
SH
step run-failing 4 run -f failing.json
check run-failing grep -q "step 'boom' failed" "$logs/run-failing.err"

# runs: a record as a generated script writes it (docs/run-record.md), of
# a day no run of this workflow has, so that a prefix of its id is its own.
fp=$(git --git-dir="$DATA_FACTORY_HOME/repo.git" log -1 --format='%(trailers:key=Content-Fingerprint,valueonly)' "pipelines/$id" | head -1)
run_id=20200106T112000Z-4242-1a2b
mkdir -p rec/.dfc/runs
{
	printf '{"record": "run", "format": 1, "run": "%s", "pipeline": {"id": "%s", "version": 2, "fingerprint": "%s"}, "host": "h", "start": "2020-01-06T11:20:00.123456Z"}\n' "$run_id" "$id" "$fp"
	printf '{"record": "step", "step": "clean", "outcome": "ran", "reason": "never run", "exit": 0, "start": "2020-01-06T11:20:00.2Z", "end": "2020-01-06T11:20:01.9Z", "inputs": [{"id": "raw", "path": "data/raw.csv", "size": 8, "sha256": "e3b0"}], "outputs": []}\n'
	printf '{"record": "skipped", "steps": ["count"]}\n'
	printf '{"record": "end", "end": "2020-01-06T11:20:02Z", "status": "done"}\n'
} > "rec/.dfc/runs/$run_id.json"
step runs-import 0 runs import rec
check runs-import grep -q "recorded run $run_id of $id (version [0-9]*)" "$logs/runs-import.err"
step runs-import-again 0 runs import rec
step runs-list 0 runs -i "$id"
step runs-list-json 0 runs pipeline.json --json
step runs-show 0 runs show "$run_id"
step runs-show-json 0 runs show "${run_id:0:20}" -i "$id" --json
step runs-log 0 log -i "$id"
check runs-log grep -q "\[ran " "$logs/runs-log.out"
step runs-fsck 0 fsck
printf '{"record": "run", "format": 1, "run": "../x"}\n' > rec/.dfc/runs/20261206T112001Z-1-abcd.json
step runs-import-hostile 6 runs import rec
step runs-show-unknown 7 runs show 2030

# lineage and report of what `run` wrote above.
step lineage 0 lineage data/total.txt
check lineage grep -q "written by step count of run " "$logs/lineage.out"
step lineage-json 0 lineage --format json data/total.txt
step lineage-dot 0 lineage --format dot data/total.txt
step lineage-unknown 7 lineage pipeline.json
step report 0 report -i "$id" -o report.html
check report grep -q '<svg class="graph"' report.html
step report-mermaid 0 report --format mermaid -i "$id"

# hooks, in a git repository of the user's own.
mkdir repo
git init -q repo
step hooks-install 0 hooks install --repo repo
step hooks-uninstall 0 hooks uninstall --repo repo
# hooks record: a commit that changes only a script the pipeline names.
mkdir -p repo/scripts
printf 'echo one\n' > repo/scripts/one.sh
printf '{"nodes": [{"id": "one", "type": "script", "path": "scripts/one.sh"}], "edges": []}\n' > repo/p.json
step hooks-create 0 create repo/p.json
git -C repo add . && git -C repo -c user.name=V -c user.email=v@example.org commit -qm one
printf 'echo two\n' >> repo/scripts/one.sh
git -C repo -c user.name=V -c user.email=v@example.org commit -qam two
step hooks-record 0 hooks record --repo repo
check hooks-record grep -qx 'data-factory-cli: recorded p.json as version 2' "$logs/hooks-record.out"
step hooks-record-since 0 hooks record --repo repo --since HEAD~1

# Error paths: the expected exit status, and still nothing from valgrind.
printf '{ "nodes": [ { "id": "a", "type": "script", "path": "a.sh" },\n' > bad.json
cat > invalid.json <<'JSON'
{ "nodes": [ { "id": "a", "type": "script", "path": "a.sh" },
             { "id": "b", "type": "dataset" },
             { "id": "a", "type": "table" } ],
  "edges": [ { "from": "a", "to": "ghost" }, { "from": "a", "to": "a" } ] }
JSON
unknown=01900000-0000-7000-8000-000000000000
step validate-bad-json 3 validate bad.json
step validate-invalid 3 validate invalid.json --json
step create-bad-json 3 create bad.json
step update-bad-json 3 update bad.json
step show-unknown 7 show -i "$unknown"
step log-unknown 7 log -i "$unknown"
step share-unknown 7 share -i "$unknown"
step show-unknown-version 7 show -i "$id" -v 99
step diff-unknown-version 7 diff -i "$id" 1 99
step sync-unknown-version 7 sync pipeline.json --version 99
step generate-unknown 7 generate -i "$unknown"
step bad-option 2 list pipelines --no-such-option
step bad-command 2 no-such-command
step bad-format 2 graph -f pipeline.json --format png
jq '.edges[1].arguments[3] = 4' pipeline.json > local-change.json
step sync-conflict 8 sync local-change.json

# Over HTTP (libcurl, OpenSSL, libgit2's transports), last: another
# catalog replaces the default one's last known state. A local web server
# serves a URL dataset; a port nothing listens on stands for a server that
# is down.
mkdir web
cp data/raw.csv web/remote.csv
python3 - "$tmp/web-ports" web > /dev/null 2>&1 <<'PY' &
import functools, http.server, os, socket, socketserver, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
closed = socket.socket()
closed.bind(("127.0.0.1", 0))
down = closed.getsockname()[1]
closed.close()
httpd = socketserver.TCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[2]))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d\n" % (httpd.server_address[1], down))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
httpd.serve_forever()
PY
server=$!
for _ in $(seq 300); do
	[ -e "$tmp/web-ports" ] && break
	sleep 0.1
done
[ -e "$tmp/web-ports" ] || { echo "not ok web-server: python3 http.server did not start" >&2; exit 1; }
read -r port down < "$tmp/web-ports"
url_pipeline() {
	jq -n --arg url "$1" '{
		name: "remote-sales",
		nodes: [ {id: "raw", type: "dataset", url: $url},
			 {id: "clean", type: "script", path: "scripts/clean.py"},
			 {id: "out", type: "dataset", path: "data/remote-clean.csv"} ],
		edges: [ {from: "raw", to: "clean", arguments: ["--input", {ref: "raw"}]},
			 {from: "clean", to: "out", arguments: ["--output", {ref: "out"}]} ] }'
}
url_pipeline "http://127.0.0.1:$port/remote.csv" > remote.json
step create-url 0 create remote.json
rid=$(out create-url)
step share-url 0 share -f remote.json
check share-url git --git-dir="$DATA_FACTORY_HOME/catalog.git" grep -q '"sha256"' "pipelines/$rid" -- datasets
step generate-url-catalog 0 generate -i "$rid" --from-catalog -o run-remote.sh
url_pipeline "http://127.0.0.1:$port/missing.csv" | jq --arg id "$rid" '{id: $id} + .' > remote.json
step share-url-404 7 share -f remote.json
url_pipeline "http://127.0.0.1:$down/remote.csv" | jq --arg id "$rid" '{id: $id} + .' > remote.json
step share-url-down 9 share -f remote.json
# With a token, libgit2 leaks its copy of the header here (debian12.supp).
step list-catalog-down 9 list pipelines --refresh --catalog "http://127.0.0.1:$down/catalog.git" --token secret
step share-not-git 9 share -i "$id" --catalog "http://127.0.0.1:$port/catalog.git" --token secret
step sync-https-not-tls 9 sync pipeline.json --catalog "https://127.0.0.1:$port/catalog.git"

# Settings: the editor and every way of reading them.
step config-set 0 config set catalog.max_dataset_bytes 4096
step config-set-token 0 config set token tok-value
check config-set-token [ "$(stat -c %a "$DATA_FACTORY_HOME/config.json")" = 600 ]
step config-get 0 config get catalog.max_dataset_bytes
check config-get [ "$(out config-get)" = 4096 ]
step config-list 0 config list --show-origin
step config-list-json 0 config list --json
step config-unset 0 config unset token
step config-get-unset 7 config get token
step config-bad-key 2 config set catalog.nope 1
printf '[user]\nname = Ada\n; a comment\n' > "$DATA_FACTORY_HOME/config.ini"
rm "$DATA_FACTORY_HOME/config.json"
step config-set-ini 0 config set user.email ada@example.org
check config-set-ini grep -q '^; a comment$' "$DATA_FACTORY_HOME/config.ini"
step config-ini-refused 2 config set user.name ' padded'

# Checking and repairing the store.
step fsck 0 fsck
step fsck-json 0 fsck --json
rm "$DATA_FACTORY_HOME/pipelines/${id}_1.json"
printf 'stray\n' > "$DATA_FACTORY_HOME/pipelines/stray.json"
step fsck-damaged 3 fsck
step fsck-repair 0 fsck --repair
check fsck-repair [ -f "$DATA_FACTORY_HOME/pipelines/${id}_1.json" ]
step fsck-repaired 0 fsck --json

# share --runs, and a second home on the same catalog taking them with sync;
# then runs on both sides: the first home takes the second's before it pushes.
catalog=$DATA_FACTORY_HOME/catalog.git
home1=$DATA_FACTORY_HOME
home2=$work/home2
step share-runs 0 share -i "$id" --runs
check share-runs grep -q "shared [0-9]* run(s) of '$id'" "$logs/share-runs.err"
step share-runs-again 0 share -i "$id" --runs
check share-runs-again grep -q "no runs pushed" "$logs/share-runs-again.err"
# another_run DIR RUN: a record of run RUN of $id in DIR/.dfc/runs/.
another_run() {
	mkdir -p "$1/.dfc/runs"
	printf '{"record": "run", "format": 1, "run": "%s", "pipeline": {"id": "%s"}, "host": "h2", "start": "2026-12-07T11:20:00Z"}\n' "$2" "$id" > "$1/.dfc/runs/$2.json"
}
export DATA_FACTORY_HOME=$home2
step runs-sync-other-home 0 --catalog "$catalog" sync pipeline.json
check runs-sync-other-home grep -q "recorded [0-9]* run(s) of '$id' from the catalog" "$logs/runs-sync-other-home.err"
another_run rec2 20261207T112000Z-2-beef
step runs-import-other-home 0 runs import rec2
step share-runs-other-home 0 --catalog "$catalog" share -f pipeline.json --runs
export DATA_FACTORY_HOME=$home1
another_run rec3 20261208T112000Z-3-cafe
step runs-import-3 0 runs import rec3
step share-runs-merged 0 share -i "$id" --runs
check share-runs-merged grep -q "recorded 1 run(s) of '$id' from the catalog first" "$logs/share-runs-merged.err"
step runs-fsck-merged 0 fsck
