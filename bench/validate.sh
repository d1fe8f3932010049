#!/usr/bin/env bash
# bench/validate.sh - SPEC §11: `validate` of a 40,000-node pipeline
# against `jq empty` on the same file. Target: ratio <= 0.5.
#
#   bench/validate.sh [path/to/data-factory-cli]
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

nodes=$(size 200 40000)
chain_pipeline "$nodes" > big.json
# validate checks that the script file it names is there
# shellcheck disable=SC2016 # the step script is literal
echo 'echo "step $1"' > step.sh

tool() { dfc validate --quiet big.json; }
ref() { jq empty big.json; }

compare "validate $nodes nodes vs jq empty" 0.5 nothing tool nothing ref
