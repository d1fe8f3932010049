# runtime_record.sh - the part of a generated script that writes the run
# record, .dfc/runs/<run id>.json (docs/run-record.md, SPEC §14): one JSON
# object per line, each appended with one write as the run goes, so that a
# run killed at any moment leaves a record of what finished. It follows
# runtime.sh, runtime_files.sh and runtime_state.sh, whose functions and
# variables it uses. Writing it never stops a run: a record that cannot be
# written is warned about once, and the run goes on without it.

DFC_RUN_ID=''
DFC_RECORD_FD=''
# Why each step ran, and when it started and ended (dfc_now values).
declare -a DFC_STEP_WHY=() DFC_STEP_T0=() DFC_STEP_T1=()
# The steps found up to date, in the order they were.
declare -a DFC_SKIPPED=()

# dfc_json_string VAR TEXT: TEXT as a JSON string (quotes included) into VAR.
dfc_json_string() {
	if [[ $2 != *[$'\x01'-$'\x1f\x7f\\"']* ]]; then
		printf -v "$1" '"%s"' "$2"
		return
	fi
	local LC_ALL=C _dfc_in=$2 _dfc_out='' _dfc_c _dfc_i
	for ((_dfc_i = 0; _dfc_i < ${#_dfc_in}; _dfc_i++)); do
		_dfc_c=${_dfc_in:_dfc_i:1}
		case $_dfc_c in
		'"' | \\) _dfc_out+="\\$_dfc_c" ;;
		[$'\x01'-$'\x1f\x7f']) printf -v _dfc_c '\\u%04x' "'$_dfc_c"; _dfc_out+=$_dfc_c ;;
		*) _dfc_out+=$_dfc_c ;;
		esac
	done
	printf -v "$1" '"%s"' "$_dfc_out"
}

# dfc_json_strings VAR WORD...: the WORDs as JSON strings separated by
# ", " (the inside of an array) into VAR; one printf when none needs an
# escape, as is usual.
dfc_json_strings() {
	local _dfc_var=$1 _dfc_all _dfc_word _dfc_list=''
	shift
	if (($# == 0)); then
		printf -v "$_dfc_var" ''
		return
	fi
	printf -v _dfc_all '%s ' "$@"
	if [[ $_dfc_all != *[$'\x01'-$'\x1f\x7f\\"']* ]]; then
		printf -v _dfc_all '"%s", ' "$@"
		printf -v "$_dfc_var" '%s' "${_dfc_all%, }"
		return
	fi
	for _dfc_word in "$@"; do
		dfc_json_string _dfc_word "$_dfc_word"
		_dfc_list+="${_dfc_list:+, }$_dfc_word"
	done
	printf -v "$_dfc_var" '%s' "$_dfc_list"
}

# dfc_json_or_null VAR TEXT: TEXT as a JSON string, or null when empty.
dfc_json_or_null() {
	if [[ -z $2 ]]; then
		printf -v "$1" null
	else
		dfc_json_string "$1" "$2"
	fi
}

# dfc_json_time VAR MICROSECONDS: a dfc_now value as a JSON string, ISO
# 8601 in UTC with microseconds. The date and time of the last second asked
# for is kept: formatting it in UTC costs a time zone switch.
DFC_TIME_SECOND='' DFC_TIME_TEXT=''
dfc_json_time() {
	local us=$2
	if ((${#us} < 7)); then
		us=0000000$us
		us=${us: -7}
	fi
	if [[ ${us:0:${#us}-6} != "$DFC_TIME_SECOND" ]]; then
		DFC_TIME_SECOND=${us:0:${#us}-6}
		TZ=UTC0 printf -v DFC_TIME_TEXT '%(%Y-%m-%dT%H:%M:%S)T' "$DFC_TIME_SECOND"
	fi
	printf -v "$1" '"%s.%sZ"' "$DFC_TIME_TEXT" "${us: -6}"
}

# dfc_record_line TEXT: append one line to the record, in one write.
dfc_record_line() {
	if [[ -z $DFC_RECORD_FD ]]; then
		return 0
	fi
	if ! printf '%s\n' "$1" >&"$DFC_RECORD_FD"; then
		dfc_warn "cannot write the run record $PWD/$DFC_STATE/runs/$DFC_RUN_ID.json; the run goes on without it"
		exec {DFC_RECORD_FD}>&-
		DFC_RECORD_FD=''
	fi
}

# dfc_record_open RUN_ID: open the record of run RUN_ID to append to it.
dfc_record_open() {
	DFC_RUN_ID=$1
	if ! exec {DFC_RECORD_FD}>>"$DFC_STATE/runs/$DFC_RUN_ID.json"; then
		dfc_warn "cannot write the run record in $PWD/$DFC_STATE/runs; the run goes on without it"
		DFC_RECORD_FD=''
		return 1
	fi
}

# dfc_record_close: no more lines from this process.
dfc_record_close() {
	if [[ -n $DFC_RECORD_FD ]]; then
		exec {DFC_RECORD_FD}>&-
		DFC_RECORD_FD=''
	fi
}

# dfc_record_begin TARGET: start the record, a file named by a new run id,
# with its `run` line. The datasets that no selected step writes are
# hashed now, before any step starts, so that the record holds what the
# steps read.
dfc_record_begin() {
	local target=$1 now id version=null fp sha origin host user only from force=false i k
	local -a sources=()
	local -A written=()
	dfc_now now
	TZ=UTC0 printf -v id '%(%Y%m%dT%H%M%SZ)T-%d-%04x' "${now:0:${#now}-6}" "$$" \
		$(((RANDOM << 1 ^ RANDOM) & 0xffff))
	dfc_record_open "$id" || return 0
	if ((!DFC_ALL_UP_TO_DATE)); then
		for i in "${!DFC_SELECTED[@]}"; do
			for k in ${DFC_STEP_OUTPUTS[i]}; do
				written[$k]=1
			done
		done
		for i in "${!DFC_SELECTED[@]}"; do
			for k in ${DFC_STEP_INPUTS[i]}; do
				if [[ -z ${written[$k]:-} ]]; then
					sources+=("${DFC_DS_PATH[k]}")
				fi
			done
		done
		if ((${#sources[@]})); then
			dfc_hash "${sources[@]}"
		fi
	fi
	sha=${DFC_SHA[$DFC_SELF]:-}
	dfc_json_string id "$DFC_RUN_ID"
	if [[ -n $DFC_VERSION ]]; then
		version=$DFC_VERSION
	fi
	if ((DFC_FORCE)); then
		force=true
	fi
	dfc_json_or_null fp "$DFC_FINGERPRINT"
	dfc_json_or_null origin "$DFC_ORIGIN"
	dfc_json_or_null host "${HOSTNAME:-}"
	dfc_json_or_null user "${USER:-${LOGNAME:-}}"
	dfc_json_or_null only "$DFC_ONLY"
	dfc_json_or_null from "$DFC_FROM"
	dfc_json_time now "$now"
	local pid name dir
	dfc_json_or_null pid "$DFC_PIPELINE_ID"
	dfc_json_or_null name "$DFC_NAME"
	dfc_json_string dir "$PWD"
	if [[ $sha == - || -z $sha ]]; then
		sha=null
	else
		sha="\"$sha\""
	fi
	dfc_record_line "{\"record\": \"run\", \"format\": 1, \"run\": $id, \"pipeline\": {\"id\": $pid, \"name\": $name, \"version\": $version, \"fingerprint\": $fp, \"origin\": $origin}, \"script\": {\"sha256\": $sha, \"target\": \"$target\"}, \"host\": $host, \"user\": $user, \"workdir\": $dir, \"start\": $now, \"selection\": {\"only\": $only, \"from\": $from, \"force\": $force, \"jobs\": ${DFC_JOBS:-1}}}"
}

# dfc_record_files VAR K...: the datasets K as a JSON array, each with its
# id, path, size and sha256 as last hashed (null when missing).
dfc_record_files() {
	local var=$1 k p id path sig sha entry list=''
	shift
	for k in "$@"; do
		p=${DFC_DS_PATH[k]}
		if [[ $p != *[$'\x01'-$'\x1f\x7f\\"']* ]]; then
			path="\"$p\"" # and ids never need an escape
			id="\"${DFC_DS_ID[k]}\""
		else
			dfc_json_string id "${DFC_DS_ID[k]}"
			dfc_json_string path "$p"
		fi
		sig=${DFC_SIG[$p]:-}
		sha=${DFC_SHA[$p]:--}
		if [[ -z $sig || $sha == - ]]; then
			entry="{\"id\": $id, \"path\": $path, \"size\": null, \"sha256\": null}"
		else
			entry="{\"id\": $id, \"path\": $path, \"size\": ${sig%% *}, \"sha256\": \"$sha\"}"
		fi
		list+="${list:+, }$entry"
	done
	printf -v "$var" '[%s]' "$list"
}

# dfc_record_step I OUTCOME STATUS: the `step` line of step I, which ran
# (its files hashed since) or failed.
dfc_record_step() {
	local i=$1 outcome=$2 status=$3 why start end cmd inputs outputs
	if [[ -z $DFC_RECORD_FD ]]; then
		return 0
	fi
	local -n argv=DFC_ARGV_$i
	dfc_json_string why "${DFC_STEP_WHY[i]:-}"
	dfc_json_time start "${DFC_STEP_T0[i]:-0}"
	dfc_json_time end "${DFC_STEP_T1[i]:-0}"
	dfc_json_strings cmd "${argv[@]}"
	# shellcheck disable=SC2086 # lists of indices
	dfc_record_files inputs ${DFC_STEP_INPUTS[i]}
	# shellcheck disable=SC2086
	dfc_record_files outputs ${DFC_STEP_OUTPUTS[i]}
	dfc_record_line "{\"record\": \"step\", \"step\": \"${DFC_STEP_ID[i]}\", \"outcome\": \"$outcome\", \"reason\": $why, \"exit\": $status, \"command\": [$cmd], \"start\": $start, \"end\": $end, \"inputs\": $inputs, \"outputs\": $outputs}"
}

# dfc_record_failed I STATUS: the `step` line of step I, which failed: its
# files hashed as it left them.
dfc_record_failed() {
	if [[ -z $DFC_RECORD_FD ]]; then
		return 0
	fi
	dfc_step_paths "$1"
	dfc_touched "${DFC_PATHS[@]}"
	dfc_hash "${DFC_PATHS[@]}"
	dfc_record_step "$1" failed "$2"
}

# dfc_record_skipped: the `skipped` line of the steps found up to date so
# far (DFC_SKIPPED), if any.
dfc_record_skipped() {
	local list i
	local -a ids=()
	if [[ -z $DFC_RECORD_FD ]] || ((${#DFC_SKIPPED[@]} == 0)); then
		return 0
	fi
	for i in "${DFC_SKIPPED[@]}"; do
		ids+=("${DFC_STEP_ID[i]}")
	done
	# Node ids are [A-Za-z0-9_.-] (checked when the script was generated).
	printf -v list '"%s", ' "${ids[@]}"
	dfc_record_line "{\"record\": \"skipped\", \"steps\": [${list%, }]}"
}

# dfc_record_end STATUS RAN FAILED NOT_RUN: the `skipped` line (when a step
# was up to date) and the `end` line; the record is closed.
dfc_record_end() {
	local status=$1 now
	if [[ -z $DFC_RECORD_FD ]]; then
		return 0
	fi
	dfc_record_skipped
	dfc_now now
	dfc_json_time now "$now"
	dfc_record_line "{\"record\": \"end\", \"end\": $now, \"status\": \"$status\", \"ran\": $2, \"skipped\": ${#DFC_SKIPPED[@]}, \"failed\": $3, \"not_run\": $4}"
	dfc_record_close
}
