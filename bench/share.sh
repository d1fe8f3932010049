#!/usr/bin/env bash
# bench/share.sh - SPEC §11: `share` of one version to a local catalog
# against `git push` of a commit of the same size to a local bare
# repository. Target: ratio <= 1.0.
#
#   bench/share.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

export DATA_FACTORY_HOME=$work/home
small_pipeline tool/pipeline.json
id=$(dfc create tool/pipeline.json)
dfc --quiet share -i "$id" > /dev/null
small_pipeline repo/pipeline.json
git -C repo init -q
git -C repo add -A
git -C repo commit -q -m "version 1"
git init -q --bare catalog.git
git -C repo push -q ../catalog.git HEAD:refs/heads/pipeline

tool_rows=1 ref_rows=1
tool_prep() {
	tool_rows=$((tool_rows + 1))
	set_rows tool/pipeline.json "$tool_rows"
	dfc update tool/pipeline.json > /dev/null
}
tool() { dfc --quiet share -i "$id"; }
ref_prep() {
	ref_rows=$((ref_rows + 1))
	set_rows repo/pipeline.json "$ref_rows"
	git -C repo commit -q -a -m "version $ref_rows"
}
ref() { git -C repo push -q ../catalog.git HEAD:refs/heads/pipeline; }

compare "share to a local catalog vs git push" 1.0 tool_prep tool ref_prep ref
