#!/usr/bin/env bash
# bronze: land the raw export as it is, one row per line, each row tagged
# with the file and line it came from so that later layers can trace it.
# usage: bronze.sh --input FILE --output FILE
set -euo pipefail

input='' output=''
while [ $# -gt 0 ]; do
	case $1 in
	--input) input=$2; shift 2 ;;
	--output) output=$2; shift 2 ;;
	*) echo "bronze.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$input" ] || [ -z "$output" ]; then
	echo "usage: bronze.sh --input FILE --output FILE" >&2
	exit 2
fi

source_file=${input##*/}
n=0
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%$'\r'}
	n=$((n + 1))
	if [ "$n" -eq 1 ]; then
		printf '%s,source_file,source_line\n' "$line"
	elif [ -n "$line" ]; then
		printf '%s,%s,%d\n' "$line" "$source_file" "$n"
	fi
done < "$input" > "$output"
echo "bronze: $((n - 1)) rows landed from $source_file"
