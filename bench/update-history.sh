#!/usr/bin/env bash
# bench/update-history.sh - SPEC §11: `update` in a home of 500 pipelines,
# one of them at 300 versions, against the same update in a fresh home.
# Target: ratio <= 1.2 (the cost of an update does not grow with history).
#
#   bench/update-history.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

pipelines=$(size 5 500)
versions=$(size 3 300)

# A busy home: many pipelines, and one with a long history.
export DATA_FACTORY_HOME=$work/busy
mkdir -p busy-files fresh
small_pipeline busy-files/long.json
dfc create busy-files/long.json > /dev/null
for ((v = 2; v <= versions; v++)); do
	set_rows busy-files/long.json "$v"
	dfc update busy-files/long.json > /dev/null
done
for ((i = 1; i < pipelines; i++)); do
	small_pipeline "busy-files/p$i.json" "$i"
	dfc create "busy-files/p$i.json" > /dev/null
done
DATA_FACTORY_HOME=$work/fresh-home
small_pipeline fresh/long.json
dfc create fresh/long.json > /dev/null

busy_rows=$versions fresh_rows=1
busy_prep() { busy_rows=$((busy_rows + 1)); set_rows busy-files/long.json "$busy_rows"; }
busy() { DATA_FACTORY_HOME=$work/busy dfc update busy-files/long.json; }
fresh_prep() { fresh_rows=$((fresh_rows + 1)); set_rows fresh/long.json "$fresh_rows"; }
fresh() { DATA_FACTORY_HOME=$work/fresh-home dfc update fresh/long.json; }

compare "update: $pipelines pipelines, $versions versions vs fresh" 1.2 \
	busy_prep busy fresh_prep fresh
