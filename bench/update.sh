#!/usr/bin/env bash
# bench/update.sh - SPEC §11: `update` of a small edit against
# `git add FILE && git commit` of the same edit in a plain git repository.
# Target: ratio <= 0.5.
#
# For information, the same against git asked to fsync what it writes
# (core.fsync=all): the tool fsyncs its objects, refs and views (crash
# safety, docs/DECISIONS.md), which git by default does not, and on a disk
# that others write to an fsync's wait can outweigh everything else.
#
#   bench/update.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

export DATA_FACTORY_HOME=$work/home
mkdir -p tool repo
small_pipeline tool/pipeline.json
dfc create tool/pipeline.json > /dev/null
small_pipeline repo/pipeline.json
git -C repo init -q
git -C repo add -A
git -C repo commit -q -m "version 1"

tool_rows=1 ref_rows=1
tool_prep() { tool_rows=$((tool_rows + 1)); set_rows tool/pipeline.json "$tool_rows"; }
tool() { dfc update tool/pipeline.json; }
ref_prep() { ref_rows=$((ref_rows + 1)); set_rows repo/pipeline.json "$ref_rows"; }
ref() { git -C repo add pipeline.json && git -C repo commit -q -m "limit the rows"; }
synced_ref() {
	git -C repo -c core.fsync=all add pipeline.json &&
		git -C repo -c core.fsync=all commit -q -m "limit the rows"
}

compare "update vs git add && git commit" 0.5 tool_prep tool ref_prep ref
compare "(update vs the same git, core.fsync=all)" - tool_prep tool ref_prep synced_ref
