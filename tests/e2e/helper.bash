# helper.bash - shared set-up of the end-to-end tests: each test runs in its
# own temporary folder with its own HOME and DATA_FACTORY_HOME, so nothing
# leaks between tests or into the machine's real home.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0

: "${DFC_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${DFC_BIN:=$DFC_SOURCE_DIR/build/data-factory-cli}"

setup() {
	TEST_TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/dfc-e2e.XXXXXX")
	export HOME=$TEST_TMP/user
	export DATA_FACTORY_HOME=$TEST_TMP/home
	export GIT_CONFIG_NOSYSTEM=1
	unset DATA_FACTORY_CATALOG DATA_FACTORY_TOKEN NO_COLOR
	unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE
	unset GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
	mkdir -p "$HOME" "$TEST_TMP/work"
	git config --global user.name "Ada Lovelace"
	git config --global user.email "ada@example.org"
	cd "$TEST_TMP/work" || return 1
}

teardown() {
	cd / && rm -rf "$TEST_TMP"
}

dfc() {
	"$DFC_BIN" "$@"
}

# The example pipeline of SPEC §2 (without an id), its script and its data.
write_pipeline() {
	local file=${1:-pipeline.json}
	mkdir -p scripts data
	printf 'a,b\n1,2\n' > data/raw.csv
	printf 'import sys\nprint(sys.argv)\n' > scripts/clean.py
	cat > "$file" <<'JSON'
{
  "name": "daily-sales",
  "nodes": [
    { "id": "raw",   "type": "dataset", "path": "data/raw.csv" },
    { "id": "clean", "type": "script",  "path": "scripts/clean.py" },
    { "id": "out",   "type": "dataset", "path": "data/clean.csv" }
  ],
  "edges": [
    { "from": "raw",   "to": "clean", "arguments": ["--input",  { "ref": "raw" }] },
    { "from": "clean", "to": "out",   "arguments": ["--output", { "ref": "out" }, "--rows", 1000] }
  ]
}
JSON
}

# Create the example pipeline and put its id in $ID.
create_pipeline() {
	write_pipeline "${1:-pipeline.json}"
	ID=$(dfc create "${1:-pipeline.json}")
	[ -n "$ID" ]
}

# Every file and folder under DATA_FACTORY_HOME with a hash of its content:
# two equal listings mean nothing was written.
home_listing() {
	[ -d "$DATA_FACTORY_HOME" ] || { echo "(no home)"; return; }
	(cd "$DATA_FACTORY_HOME" && find . -print0 | sort -z |
		while IFS= read -r -d '' f; do
			if [ -f "$f" ]; then
				printf '%s %s\n' "$(sha256sum < "$f" | cut -c1-16)" "$f"
			else
				printf 'dir %s\n' "$f"
			fi
		done)
}

# The git command on the store.
store_git() {
	git --git-dir="$DATA_FACTORY_HOME/repo.git" "$@"
}

# Check that the view matches repo.git for pipeline $1: every version file
# byte-identical to its tag's pipeline.json and the state file exact.
check_view() {
	local id=$1 latest n expected
	latest=$(store_git for-each-ref --format='%(refname)' "refs/tags/pipelines/$id/" |
		sed 's/.*\/v//' | sort -n | tail -1)
	[ -n "$latest" ] || { echo "no tags for $id"; return 1; }
	for n in $(seq 1 "$latest"); do
		store_git show "pipelines/$id/v$n:pipeline.json" > "$TEST_TMP/expected.json" ||
			{ echo "tag v$n missing"; return 1; }
		cmp "$TEST_TMP/expected.json" "$DATA_FACTORY_HOME/pipelines/${id}_$n.json" ||
			{ echo "view of v$n differs"; return 1; }
	done
	expected=$(jq -cn --arg id "$id" --argjson n "$latest" \
		'{latest_version: $n, versions: ([range(1; $n + 1)] | map({key: tostring, value: "\($id)_\(.).json"}) | from_entries)}')
	[ "$(jq -c . "$DATA_FACTORY_HOME/pipelines/${id}_state.json")" = "$expected" ] ||
		{ echo "state file differs"; return 1; }
	[ "$(jq -r 'keys | join(",")' "$DATA_FACTORY_HOME/pipelines/${id}_state.json")" = "latest_version,versions" ]
}

# A git repository in ./proj with the hooks installed; the test goes into it.
setup_repo() {
	mkdir -p proj && cd proj || return 1
	git init -q .
	git config user.name "Ada Lovelace"
	git config user.email "ada@example.org"
	export DFC_BIN
	dfc hooks install
}
