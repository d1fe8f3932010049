#!/usr/bin/env bash
# bench/list.sh - SPEC §11: `list pipelines` (offline, from the last known
# catalog state) with 500 pipelines against `git for-each-ref` on the same
# repo.git. Target: ratio <= 2.
#
#   bench/list.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

pipelines=$(size 5 500)
export DATA_FACTORY_HOME=$work/home
mkdir -p files
for ((i = 0; i < pipelines; i++)); do
	small_pipeline "files/p$i.json" "$i"
	dfc create "files/p$i.json" > /dev/null
done
# Half of them shared, so the catalog's last known state has something in it.
for ((i = 0; i < pipelines; i += 2)); do
	dfc share -f "files/p$i.json" > /dev/null
done

tool() { dfc list pipelines; }
ref() { git --git-dir="$DATA_FACTORY_HOME/repo.git" for-each-ref; }

compare "list pipelines ($pipelines) vs git for-each-ref" 2 nothing tool nothing ref
