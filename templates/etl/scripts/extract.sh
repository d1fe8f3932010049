#!/usr/bin/env bash
# extract: copy the shop's export, leaving out comment lines, blank lines
# and carriage returns, so that the next steps read plain CSV.
# usage: extract.sh --input FILE --output FILE
set -euo pipefail

input='' output=''
while [ $# -gt 0 ]; do
	case $1 in
	--input) input=$2; shift 2 ;;
	--output) output=$2; shift 2 ;;
	*) echo "extract.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$input" ] || [ -z "$output" ]; then
	echo "usage: extract.sh --input FILE --output FILE" >&2
	exit 2
fi

rows=0
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%$'\r'}
	case $line in
	'' | '#'*) continue ;;
	esac
	printf '%s\n' "$line"
	rows=$((rows + 1))
done < "$input" > "$output"
echo "extract: $((rows - 1)) orders from $input"
