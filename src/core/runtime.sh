# shellcheck shell=bash
#
# runtime.sh - the fixed part of every script `data-factory-cli generate`
# writes (SPEC §6, §13), common to both targets. It is embedded in the tool
# at build time and copied verbatim into each generated script, after the
# pipeline's own part:
#
#   dfc_pipeline   a function that declares the pipeline as data, through
#                  dfc_info, dfc_dataset, dfc_step, dfc_after, dfc_reads,
#                  dfc_writes and dfc_command below (and, for Slurm,
#                  dfc_slurm and dfc_resources of runtime_slurm.sh);
#   dfc_file_<id>  one function per embedded file (script or dataset) that
#                  prints its content; <id> is the content's git blob id.
#
# runtime_files.sh (the embedded scripts and the input datasets put in the
# run folder) and runtime_state.sh (what a run remembers) follow it, then
# the target's part: runtime_local.sh (steps run on this machine) or
# runtime_slurm.sh (one Slurm job per step). That part sets
# DFC_VALUE_OPTIONS and defines dfc_usage, dfc_target_option and dfc_main;
# the script ends with `dfc_main "$@"`. Nothing here is specific to a
# pipeline. Arguments are only ever kept in arrays and passed as
# "${words[@]}": no string is ever evaluated by the shell.
#
# Exit statuses: 0 done, 2 usage, 4 a step failed, 5 an interpreter, tool
# or input dataset is missing, 6 an embedded file does not match its id.

if [ -z "${BASH_VERSINFO[0]:-}" ] || [ "${BASH_VERSINFO[0]}" -lt 4 ] ||
	{ [ "${BASH_VERSINFO[0]}" -eq 4 ] && [ "${BASH_VERSINFO[1]}" -lt 3 ]; }; then
	echo "dfc: this script needs bash 4.3 or newer (this is ${BASH_VERSION:-not bash})" >&2
	exit 5
fi

set -o pipefail
shopt -s extglob
# Ranges in patterns ([\x01-\x1f]) by code point, whatever the locale.
shopt -s globasciiranges

# --- The pipeline, as declared by dfc_pipeline -----------------------------

DFC_NAME=''
DFC_ORIGIN=''
DFC_REGENERATE=''
DFC_PIPELINE_ID=''
DFC_VERSION=''
DFC_FINGERPRINT=''

# Datasets, by position k: id, path in the run folder, URL, expected
# sha256, embedded blob id and size, and the steps that write it.
DFC_NR_DATASETS=0
declare -A DFC_DS_INDEX=()
declare -a DFC_DS_ID=() DFC_DS_PATH=() DFC_DS_URL=() DFC_DS_SHA=()
declare -a DFC_DS_BLOB=() DFC_DS_SIZE=() DFC_DS_PRODUCERS=()

# Steps, by position i in topological order: id, embedded script (blob id,
# size, path in the run folder, executable or not), interpreter command
# (empty when the file is executed directly), the steps it waits for, the
# steps it follows directly (script -> script edges), the datasets it reads
# and writes, and its command line: the array DFC_ARGV_<i> (one array a
# step: slicing one long array costs its whole length in bash) and, as bash
# quotes it, DFC_STEP_CMD: the lines of its stamp that say how it runs
# (interpreter words, the script's file, the arguments after it).
DFC_NR_STEPS=0
declare -A DFC_STEP_INDEX=()
declare -a DFC_STEP_ID=() DFC_STEP_BLOB=() DFC_STEP_SIZE=() DFC_STEP_FILE=()
declare -a DFC_STEP_INTERP=() DFC_STEP_DEPS=() DFC_STEP_AFTER=()
declare -a DFC_STEP_INPUTS=() DFC_STEP_OUTPUTS=()
declare -a DFC_STEP_CMD=()

# --- Options and state of this run ----------------------------------------

DFC_DRY_RUN=0
DFC_FORCE=0
DFC_QUIET=0
DFC_JSON=0
DFC_WORKDIR=''
DFC_RUN_DIR=''
DFC_SELF=''
DFC_ONLY=''
DFC_FROM=''
DFC_STATUS_FILE=''
# The command of the tool that runs this script, if one does; not passed on
# to the steps.
DFC_CALLER=${DFC_CALLER:-}
export -n DFC_CALLER
DFC_TMP=''
DFC_FIFO_FD=''
DFC_STATE=.dfc
declare -a DFC_SELECTED=()

# --- Messages ---------------------------------------------------------------

# dfc_printable VAR TEXT...: TEXT with its control characters (C0, DEL and
# C1, U+0080 to U+009F) written \xNN into VAR, as data-factory-cli prints
# them: a name or path from the pipeline never drives the terminal. Its
# locals are prefixed so that VAR may be any caller's local.
dfc_printable() {
	local _dfc_var=$1 _dfc_in _dfc_out='' _dfc_c _dfc_i
	shift
	_dfc_in=$*
	# Printable ASCII, the usual case, needs no switch of locale (which
	# costs more than the rest).
	if [[ $_dfc_in != *[!\ -~]* ]]; then
		printf -v "$_dfc_var" '%s' "$_dfc_in"
		return
	fi
	local LC_ALL=C
	for ((_dfc_i = 0; _dfc_i < ${#_dfc_in}; _dfc_i++)); do
		_dfc_c=${_dfc_in:_dfc_i:1}
		if [[ $_dfc_c == [$'\x01'-$'\x1f\x7f'] ]]; then
			printf -v _dfc_c '\\x%02x' "'$_dfc_c"
		elif [[ $_dfc_c == $'\xc2' && ${_dfc_in:_dfc_i+1:1} == [$'\x80'-$'\x9f'] ]]; then
			printf -v _dfc_c '\\xc2\\x%02x' "'${_dfc_in:_dfc_i+1:1}"
			_dfc_i=$((_dfc_i + 1))
		fi
		_dfc_out+=$_dfc_c
	done
	printf -v "$_dfc_var" '%s' "$_dfc_out"
}

# dfc_say MESSAGE...: a line of the run's log on stderr, with the time.
dfc_say() {
	local text
	dfc_clock
	dfc_printable text "$*"
	printf 'dfc: %s %s\n' "$DFC_CLOCK" "$text" >&2
}

# The time of day of the log, HH:MM:SS, into DFC_CLOCK: formatted once a
# second, not once a line.
DFC_CLOCK_AT=''
dfc_clock() {
	local s=${EPOCHREALTIME%[.,]*}
	if [[ -z $s || $s != "$DFC_CLOCK_AT" ]]; then
		printf -v DFC_CLOCK '%(%H:%M:%S)T' "${s:--1}"
		DFC_CLOCK_AT=$s
	fi
}

# dfc_log MESSAGE...: dfc_say, unless --quiet (failures and the summary
# are said with dfc_say).
dfc_log() {
	if ((!DFC_QUIET)); then
		dfc_say "$@"
	fi
}

dfc_warn() {
	local text
	dfc_printable text "$*"
	printf 'dfc: warning: %s\n' "$text" >&2
}

# dfc_error MESSAGE...: say it on stderr, made printable.
dfc_error() {
	local text
	dfc_printable text "$*"
	printf 'dfc: error: %s\n' "$text" >&2
}

# Record the outcome for a caller that passed --status-file.
dfc_report() {
	if [[ -n $DFC_STATUS_FILE ]]; then
		printf '%s\n' "$*" >>"$DFC_STATUS_FILE"
	fi
}

# dfc_die STATUS REPORT MESSAGE...: say why, record it, and exit.
dfc_die() {
	local status=$1 report=$2
	shift 2
	dfc_error "$*"
	if [[ -n $report ]]; then
		dfc_report "$report"
	fi
	dfc_cleanup
	exit "$status"
}

# Time in microseconds (whole seconds before bash 5) into variable $1.
dfc_now() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		printf -v "$1" '%s' "${EPOCHREALTIME//[!0-9]/}"
	else
		printf -v "$1" '%s000000' "$SECONDS"
	fi
}

# A duration between two dfc_now values as "1.25s", into variable $1.
dfc_duration() {
	local us=$(($3 - $2))
	printf -v "$1" '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

# --- Declarations used by dfc_pipeline --------------------------------------

# dfc_info NAME ORIGIN REGENERATE PIPELINE_ID VERSION FINGERPRINT (the
# last three for the run record: '' when not known)
dfc_info() {
	DFC_NAME=$1
	DFC_ORIGIN=$2
	DFC_REGENERATE=$3
	DFC_PIPELINE_ID=${4:-}
	DFC_VERSION=${5:-}
	DFC_FINGERPRINT=${6:-}
}

# dfc_dataset ID PATH [--url URL] [--sha256 HEX] [--embedded BLOB SIZE]
dfc_dataset() {
	local k=$DFC_NR_DATASETS
	DFC_DS_INDEX[$1]=$k
	DFC_DS_ID[k]=$1
	DFC_DS_PATH[k]=$2
	DFC_DS_URL[k]='' DFC_DS_SHA[k]='' DFC_DS_BLOB[k]='' DFC_DS_SIZE[k]='' DFC_DS_PRODUCERS[k]=''
	shift 2
	while (($#)); do
		case $1 in
		--url) DFC_DS_URL[k]=$2; shift 2 ;;
		--sha256) DFC_DS_SHA[k]=$2; shift 2 ;;
		--embedded) DFC_DS_BLOB[k]=$2; DFC_DS_SIZE[k]=$3; shift 3 ;;
		*) dfc_die 1 '' "dfc_dataset: unknown field '$1'" ;;
		esac
	done
	DFC_NR_DATASETS=$((k + 1))
}

# dfc_step ID BLOB SIZE FILE INTERPRETER: a script node, its embedded
# script (git blob id and size), where that script is written in the run
# folder, and the command that runs it ('' when the file is executed).
dfc_step() {
	local i=$DFC_NR_STEPS
	DFC_STEP_INDEX[$1]=$i
	DFC_STEP_ID[i]=$1
	DFC_STEP_BLOB[i]=$2
	DFC_STEP_SIZE[i]=$3
	DFC_STEP_FILE[i]=$4
	DFC_STEP_INTERP[i]=$5
	# Filled by the declarations that follow it (dfc_after, dfc_reads, ...).
	DFC_STEP_DEPS[i]='' DFC_STEP_AFTER[i]='' DFC_STEP_INPUTS[i]='' DFC_STEP_OUTPUTS[i]=''
	DFC_STEP_CMD[i]=''
	DFC_NR_STEPS=$((i + 1))
}

# Add step position $2 to the steps the current step waits for.
dfc_add_dep() {
	local i=$1 d=$2
	if [[ " ${DFC_STEP_DEPS[i]} " != *" $d "* ]]; then
		DFC_STEP_DEPS[i]+=" $d"
	fi
}

# dfc_after STEP...: scripts the current step follows directly.
dfc_after() {
	local i=$((DFC_NR_STEPS - 1)) id
	for id in "$@"; do
		DFC_STEP_AFTER[i]+=" ${DFC_STEP_INDEX[$id]}"
		dfc_add_dep "$i" "${DFC_STEP_INDEX[$id]}"
	done
}

# dfc_reads DATASET...: its inputs (it waits for the steps writing them).
dfc_reads() {
	local i=$((DFC_NR_STEPS - 1)) id k p
	for id in "$@"; do
		k=${DFC_DS_INDEX[$id]}
		DFC_STEP_INPUTS[i]+=" $k"
		for p in ${DFC_DS_PRODUCERS[k]}; do
			dfc_add_dep "$i" "$p"
		done
	done
}

# dfc_writes DATASET...: its outputs.
dfc_writes() {
	local i=$((DFC_NR_STEPS - 1)) id k
	for id in "$@"; do
		k=${DFC_DS_INDEX[$id]}
		DFC_STEP_OUTPUTS[i]+=" $k"
		DFC_DS_PRODUCERS[k]+=" $i"
	done
}

# dfc_command WORD...: the current step's command line, into DFC_ARGV_<i>
# (a global array: the nameref assigns it where no local of that name is).
dfc_command() {
	local -n _dfc_argv=DFC_ARGV_$((DFC_NR_STEPS - 1))
	_dfc_argv=("$@")
}

# Step i's command as its stamp records it, into DFC_STEP_CMD (once): the
# interpreter's words, the script's file and the arguments, as bash quotes
# them.
dfc_step_cmd() {
	local i=$1 k=0 interp='' args='' file
	local -n argv=DFC_ARGV_$1
	if [[ -n ${DFC_STEP_CMD[i]} ]]; then
		return
	fi
	# The words before the script's file are its interpreter's.
	while ((k < ${#argv[@]})) && [[ ${argv[k]} != "${DFC_STEP_FILE[i]}" ]]; do
		k=$((k + 1))
	done
	if ((k > 0)); then
		printf -v interp ' %q' "${argv[@]:0:k}"
	fi
	if ((k + 1 < ${#argv[@]})); then
		printf -v args ' %q' "${argv[@]:k+1}"
	fi
	printf -v file '%q' "${DFC_STEP_FILE[i]}"
	DFC_STEP_CMD[i]="interpreter$interp"$'\n'"file $file"$'\n'"arguments$args"
}

# --- Options ------------------------------------------------------------------

# A refused option: exit 2 saying why and where the usage is. When a
# command of the tool runs this script (DFC_CALLER, e.g. "data-factory-cli
# run") with a --status-file, the reason goes there for the caller to word
# for its own options, and nothing is printed; this script's name (a
# temporary file there) appears only when it is run on its own.
dfc_usage_error() {
	if [[ -n $DFC_CALLER && -n $DFC_STATUS_FILE ]]; then
		dfc_report "usage $*"
		exit 2
	fi
	dfc_error "$*"
	printf "hint: see '%s --help'\n" "${DFC_CALLER:-${0##*/}}" >&2
	dfc_report "usage"
	exit 2
}

# Options every target takes. DFC_VALUE_OPTIONS (set by the target's part)
# lists the options that take a value; dfc_target_option OPT VALUE handles
# the target's own options and fails for an unknown one.
dfc_parse_options() {
	local opt value
	while (($#)); do
		opt=$1
		value=''
		if [[ $opt == --*=* && " $DFC_VALUE_OPTIONS " == *" ${opt%%=*} "* ]]; then
			value=${opt#*=}
			opt=${opt%%=*}
			shift
		elif [[ " $DFC_VALUE_OPTIONS " == *" $opt "* ]]; then
			if (($# < 2)); then
				dfc_usage_error "option '$opt' needs a value"
			fi
			value=$2
			shift 2
		else
			shift
		fi
		case $opt in
		-h | --help) dfc_usage; exit 0 ;;
		--dry-run) DFC_DRY_RUN=1 ;;
		--force) DFC_FORCE=1 ;;
		--quiet) DFC_QUIET=1 ;;
		--json) DFC_JSON=1 ;;
		--workdir) DFC_WORKDIR=$value ;;
		--only) DFC_ONLY=$value ;;
		--from) DFC_FROM=$value ;;
		--status-file)
			DFC_STATUS_FILE=$value
			if [[ $value != /* ]]; then
				DFC_STATUS_FILE=$PWD/$value
			fi
			;;
		*)
			dfc_target_option "$opt" "$value" ||
				dfc_usage_error "unknown option '$opt'"
			;;
		esac
	done
	if [[ -n $DFC_ONLY && -n $DFC_FROM ]]; then
		dfc_usage_error "give --only or --from, not both"
	fi
	if ((DFC_JSON && !DFC_DRY_RUN)); then
		dfc_usage_error "--json goes with --dry-run: it prints the plan as JSON"
	fi
}


# --- Which steps run ------------------------------------------------------------

dfc_select() {
	local i d k selected
	if [[ -n $DFC_ONLY ]]; then
		if [[ -z ${DFC_STEP_INDEX[$DFC_ONLY]+set} ]]; then
			dfc_usage_error "--only: '$DFC_ONLY' is not a script node of this pipeline"
		fi
		DFC_SELECTED[${DFC_STEP_INDEX[$DFC_ONLY]}]=1
		return
	fi
	if [[ -z $DFC_FROM ]]; then
		for ((i = 0; i < DFC_NR_STEPS; i++)); do
			DFC_SELECTED[i]=1
		done
		return
	fi
	if [[ -n ${DFC_STEP_INDEX[$DFC_FROM]+set} ]]; then
		DFC_SELECTED[${DFC_STEP_INDEX[$DFC_FROM]}]=1
	elif [[ -z ${DFC_DS_INDEX[$DFC_FROM]+set} ]]; then
		dfc_usage_error "--from: '$DFC_FROM' is not a node of this pipeline"
	fi
	# Steps come in dependency order: one pass marks everything downstream.
	for ((i = 0; i < DFC_NR_STEPS; i++)); do
		selected=0
		for k in ${DFC_STEP_INPUTS[i]}; do
			if [[ ${DFC_DS_ID[k]} == "$DFC_FROM" ]]; then
				selected=1
			fi
		done
		for d in ${DFC_STEP_DEPS[i]}; do
			if [[ -n ${DFC_SELECTED[d]:-} ]]; then
				selected=1
			fi
		done
		if ((selected)); then
			DFC_SELECTED[i]=1
		fi
	done
}

# --- Checks before anything runs ------------------------------------------------

dfc_check_interpreters() {
	local i interp missing=()
	local -A seen=()
	for i in "${!DFC_SELECTED[@]}"; do
		interp=${DFC_STEP_INTERP[i]}
		if [[ -z $interp || -n ${seen[$interp]+set} ]]; then
			continue
		fi
		seen[$interp]=1
		if ! command -v -- "$interp" >/dev/null 2>&1; then
			missing+=("$interp")
			dfc_error "interpreter '$interp' of step '${DFC_STEP_ID[i]}' is not installed" \
				"(not found in PATH)"
			dfc_report "missing $interp"
		fi
	done
	if ((${#missing[@]})); then
		dfc_die 5 '' "missing interpreter${missing[1]+s}: ${missing[*]}; nothing was run"
	fi
}

# --- Running a step -------------------------------------------------------------

dfc_prefix() {
	local line
	while IFS= read -r line || [[ -n $line ]]; do
		printf '[%s] %s\n' "$1" "$line"
	done
}

# dfc_say_skipped ID...: the log line of each step that is up to date, with
# one printf (node ids hold nothing to escape).
dfc_say_skipped() {
	if ((!DFC_QUIET && $#)); then
		dfc_clock
		printf "dfc: $DFC_CLOCK %s: skipped (up to date: script, arguments, inputs and outputs unchanged)\n" "$@" >&2
	fi
}

# Run WORD... with stdout and stderr prefixed by "[ID] ", line by line, and
# copied to the step's log; the status is the command's.
dfc_exec_prefixed() {
	local id=$1 log=$2
	shift 2
	{ { "$@" 2>&1 1>&3 3>&- </dev/null | tee -a -- "$log" | dfc_prefix "$id" >&2 3>&-; } 3>&1 |
		tee -a -- "$log" | dfc_prefix "$id"; }
	return "${PIPESTATUS[0]}"
}

dfc_mkparent() {
	if [[ $1 == */* && ! -d ${1%/*} ]]; then
		mkdir -p -- "${1%/*}"
	fi
}

# dfc_keep_log LOG STATUS SHOW OUTPUT: the output of a step that ended with
# STATUS, in the file OUTPUT, into LOG, and on stdout with SHOW. A step that
# succeeded and printed nothing leaves no log (or an empty one): creating
# a file can cost more than a trivial step, and such a step needs no
# process either.
DFC_OUTPUT=$DFC_STATE/output.$$
DFC_REQUEST=$DFC_STATE/request.$$
dfc_keep_log() {
	if [[ -s $4 ]]; then
		if (($3)); then
			tee -- "$1" <"$4"
		else
			cat -- "$4" >"$1"
		fi
	elif (($2)) || [[ -e $1 ]]; then
		: >"$1"
	fi
}

# Decide step i (dfc_why) and, when it runs, prepare it (dfc_step_prepare);
# 1 when it is up to date, as the log says.
dfc_step_begin() {
	dfc_why "$1"
	if [[ -z $DFC_REASON ]]; then
		dfc_say_skipped "${DFC_STEP_ID[$1]}"
		return 1
	fi
	dfc_step_prepare "$1"
}

# Before step i runs (for DFC_REASON): until it succeeds and is stamped
# again, it is not up to date; the folders of its outputs exist.
dfc_step_prepare() {
	local k
	DFC_STEP_WHY[$1]=$DFC_REASON
	dfc_stamp_read "$1"
	if [[ -n $DFC_STAMP_READ && $DFC_STAMP_READ != "token -"$'\n' ]]; then
		dfc_stamp_write "$1" "token -"$'\n'
	fi
	for k in ${DFC_STEP_OUTPUTS[$1]}; do
		dfc_mkparent "${DFC_DS_PATH[k]}"
	done
}

# dfc_step_end I STATUS [OUTPUT]: step i ended with STATUS, between
# DFC_LAUNCH_T0 and DFC_LAUNCH_T1; its output, in the file OUTPUT if it is
# not in its log already, is kept and shown. Says how it went; STATUS again.
dfc_step_end() {
	local i=$1 status=$2 id=${DFC_STEP_ID[$1]} took
	if [[ -n ${3:-} ]]; then
		dfc_keep_log "$DFC_STATE/logs/$id.log" "$status" $((!DFC_QUIET)) "$3"
	fi
	if [[ -z $DFC_LAUNCH_T0 || -z $DFC_LAUNCH_T1 ]]; then
		dfc_now DFC_LAUNCH_T1 # not measured (bash < 5): no duration
		DFC_LAUNCH_T0=$DFC_LAUNCH_T1
	fi
	DFC_STEP_T0[i]=$DFC_LAUNCH_T0
	DFC_STEP_T1[i]=$DFC_LAUNCH_T1
	dfc_duration took "$DFC_LAUNCH_T0" "$DFC_LAUNCH_T1"
	if ((status != 0)); then
		dfc_stamp_write "$i" "token failed"$'\n'
		dfc_say "$id: FAILED with exit status $status after $took; its output: $DFC_STATE/logs/$id.log"
		return "$status"
	fi
	dfc_log "$id: done in $took"
}

# Run step i here unless it is up to date: its output streamed to the
# terminal and its log (a step run one at a time otherwise goes through
# the launcher: runtime_launch.sh); with `prefixed`, each line marked with
# the step (a job of a parallel run); with `logged`, to this script's
# output, which is the log already (a Slurm job). Its status is the
# command's, and DFC_RAN says whether it ran.
DFC_RAN=0
dfc_run_step() {
	local i=$1 prefixed=$2 logged=${3:-0} id=${DFC_STEP_ID[$1]} status log
	local -n argv=DFC_ARGV_$i
	DFC_RAN=0
	if ! dfc_step_begin "$i"; then
		return 0
	fi
	DFC_RAN=1
	dfc_log "$id: start ($DFC_REASON)"
	log=$DFC_STATE/logs/$id.log
	if ((!prefixed && !logged)); then
		dfc_flush_due
	fi
	dfc_now DFC_LAUNCH_T0
	if ((logged)); then
		"${argv[@]}" </dev/null
		status=$?
	elif ((prefixed)); then
		: >"$log"
		dfc_exec_prefixed "$id" "$log" "${argv[@]}"
		status=$?
	else
		"${argv[@]}" </dev/null 2>&1 | tee -- "$log"
		status=${PIPESTATUS[0]}
	fi
	dfc_now DFC_LAUNCH_T1
	dfc_step_end "$i" "$status"
}

dfc_cleanup() {
	if [[ -n $DFC_FIFO_FD ]]; then
		exec {DFC_FIFO_FD}>&-
		DFC_FIFO_FD=''
	fi
	if [[ -n $DFC_TMP ]]; then
		rm -rf -- "$DFC_TMP"
		DFC_TMP=''
	fi
	local -a files=()
	if [[ -f $DFC_STATE/scratch.$$ ]]; then
		files+=("$DFC_STATE/scratch.$$")
	fi
	if [[ -f $DFC_OUTPUT.0 ]]; then
		files+=("$DFC_OUTPUT".[01] "$DFC_REQUEST".[01])
	fi
	if ((${#files[@]})); then
		rm -f -- "${files[@]}"
	fi
}

# Enter the work folder (--workdir), creating it unless this is a dry run;
# DFC_RUN_DIR is its absolute path, entered or not. DFC_SELF is this
# script's absolute path ('' when it is not a file: piped into bash).
dfc_enter_workdir() {
	local why
	if [[ -f $0 ]]; then
		DFC_SELF=$0
		if [[ $DFC_SELF != /* ]]; then
			DFC_SELF=$PWD/$0
		fi
	fi
	DFC_RUN_DIR=$PWD
	if [[ -z $DFC_WORKDIR ]]; then
		return 0
	fi
	DFC_RUN_DIR=$DFC_WORKDIR
	if [[ $DFC_RUN_DIR != /* ]]; then
		DFC_RUN_DIR=$PWD/$DFC_WORKDIR
	fi
	if [[ ! -d $DFC_WORKDIR ]] && ((!DFC_DRY_RUN)); then
		# mkdir's reason, on the same line as ours.
		why=$(mkdir -p -- "$DFC_WORKDIR" 2>&1) ||
			dfc_usage_error "--workdir '$DFC_WORKDIR': cannot create the folder${why:+: ${why##*: }}"
	fi
	if [[ -d $DFC_WORKDIR ]]; then
		cd -- "$DFC_WORKDIR" 2>/dev/null ||
			dfc_usage_error "--workdir '$DFC_WORKDIR': cannot enter the folder"
		DFC_RUN_DIR=$PWD
	fi
}

# Load the cache, and stat and hash in one batch every file this run may
# look at: the datasets and scripts of the selected steps, and this script.
dfc_stat_run() {
	local i k
	local -a paths=()
	dfc_cache_load
	for i in "${!DFC_SELECTED[@]}"; do
		paths+=("${DFC_STEP_FILE[i]}")
		for k in ${DFC_STEP_INPUTS[i]} ${DFC_STEP_OUTPUTS[i]}; do
			paths+=("${DFC_DS_PATH[k]}")
		done
	done
	if [[ -n $DFC_SELF ]]; then
		paths+=("$DFC_SELF")
	fi
	dfc_stat "${paths[@]}"
	# The files whose cache entry does not hold are hashed now, together.
	dfc_hash "${paths[@]}"
}

# Make the folders of .dfc/ a run writes in (no process when they exist).
dfc_make_state_dirs() {
	local d
	local -a missing=()
	for d in "$@"; do
		if [[ ! -d $DFC_STATE/$d ]]; then
			missing+=("$DFC_STATE/$d")
		fi
	done
	if ((${#missing[@]})); then
		mkdir -p -- "${missing[@]}" || dfc_die 1 '' "cannot create ${missing[*]} in $PWD"
	fi
}
