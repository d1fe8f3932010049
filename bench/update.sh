#!/usr/bin/env bash
# bench/update.sh - SPEC §11: `update` of a small edit against
# `git add FILE && git commit` of the same edit in a plain git repository.
# Target: ratio <= 0.5.
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

compare "update vs git add && git commit" 0.5 tool_prep tool ref_prep ref
