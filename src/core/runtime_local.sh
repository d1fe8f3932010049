# runtime_local.sh - the part of a generated script (target bash, SPEC §6)
# that runs the steps on this machine, one at a time or up to --jobs N at
# once. It follows runtime.sh, whose functions and variables it uses.

DFC_VALUE_OPTIONS='--workdir --only --from --jobs --status-file'
DFC_JOBS=1
DFC_KEEP_GOING=0
declare -A DFC_JOB_PID=()
# A step's output streams as it comes (through tee) only to a terminal.
DFC_LIVE=0
if [[ -t 1 ]]; then
	DFC_LIVE=1
fi
# How the steps ended: ran, up to date, failed (with status), not run
# because a step they depend on failed (with its id).
DFC_NR_RAN=0
DFC_NR_SKIPPED=0
declare -A DFC_FAILED=() DFC_BLOCKED=()

dfc_usage() {
	cat <<EOF
usage: ${0##*/} [--dry-run [--json]] [--workdir DIR] [--only NODE | --from NODE]
       [--jobs N] [--force] [--keep-going] [--quiet]

Runs pipeline ${DFC_NAME:-"(unnamed)"}: $DFC_ORIGIN.
Regenerate it with: $DFC_REGENERATE

options:
  --dry-run        print the steps that would run, each with its reason, and
                   how many are up to date; run nothing, write nothing
                   (with --force: every command)
  --json           with --dry-run: the plan as JSON
  --workdir DIR    run in DIR (default: the current folder); created if needed
  --only NODE      run step NODE alone
  --from NODE      run NODE and every step downstream of it
  --jobs N         run up to N independent steps at once (default 1)
  --force          rerun steps that are up to date
  --keep-going     after a failure, still run the steps that do not depend on it
  --quiet          print only failures and the summary
  --status-file F  append the outcome (failed STEP, missing TOOL) to F
  -h, --help       show this help

Stamps of successful steps are kept in .dfc/ inside the work folder; a
step whose script, arguments and inputs are unchanged and whose outputs
are still as it left them is skipped. Each step's output is also kept in
.dfc/logs/STEP.log (a step that succeeded without printing leaves none).

exit status: 0 done, 2 usage, 4 a step failed, 5 an interpreter, tool or
input is missing, 6 an embedded script does not match its id.
EOF
}

dfc_target_option() {
	case $1 in
	--jobs)
		if [[ $2 != +([0-9]) ]] || ((10#$2 < 1)); then
			dfc_usage_error "--jobs needs a positive number, not '$2'"
		fi
		DFC_JOBS=$((10#$2))
		;;
	--keep-going) DFC_KEEP_GOING=1 ;;
	*) return 1 ;;
	esac
}

# The plan of a dry run: the steps that would run, each with its command
# and reason (a step waiting for one that reruns reruns too), and how many
# are up to date. With --force, every command, as they would run.
dfc_plan() {
	local i d n=0 up=0 line word json=''
	local -A runs=()
	for i in "${!DFC_SELECTED[@]}"; do
		dfc_why "$i"
		if [[ -z $DFC_REASON ]]; then
			for d in ${DFC_STEP_DEPS[i]}; do
				if [[ -n ${runs[$d]:-} ]]; then
					DFC_REASON="upstream ${DFC_STEP_ID[d]} reruns"
					break
				fi
			done
		fi
		if [[ -z $DFC_REASON ]]; then
			up=$((up + 1))
			continue
		fi
		runs[$i]=1
		n=$((n + 1))
		local -n argv=DFC_ARGV_$i
		if ((DFC_JSON)); then
			dfc_json_string word "${DFC_STEP_ID[i]}"
			line="{\"id\": $word, \"reason\": "
			dfc_json_string word "$DFC_REASON"
			line+="$word, \"command\": ["
			for d in "${!argv[@]}"; do
				dfc_json_string word "${argv[d]}"
				if ((d)); then
					line+=', '
				fi
				line+=$word
			done
			json+="${json:+,}"$'\n    '"$line]}"
			continue
		fi
		printf '%s:' "${DFC_STEP_ID[i]}"
		printf ' %q' "${argv[@]}"
		if ((DFC_FORCE)); then
			printf '\n'
		else
			printf '  # %s\n' "$DFC_REASON"
		fi
	done
	if ((DFC_JSON)); then
		printf '{\n  "steps": [%s%s],\n  "would_run": %d,\n  "up_to_date": %d,\n  "selected": %d,\n  "total": %d\n}\n' \
			"$json" "${json:+$'\n  '}" "$n" "$up" "${#DFC_SELECTED[@]}" "$DFC_NR_STEPS"
	elif ((!DFC_FORCE)); then
		printf '# %d of %d steps would run, %d up to date\n' "$n" "${#DFC_SELECTED[@]}" "$up"
	fi
}

# Step i ended with `status` (having run or not, DFC_RAN): count it, stamp
# it, and after a failure mark what depends on it as not to run.
dfc_ended() {
	local i=$1 status=$2 ran=$3 k j d
	if ((status != 0)); then
		DFC_FAILED[$i]=$status
		# As the step wrote it, maybe in a job's process.
		DFC_STAMP_OF[${DFC_STEP_ID[i]}]="token failed"$'\n'
		# The record keeps the order the steps ended in.
		dfc_flush_stamps
		dfc_record_failed "$i" "$status"
		# Steps come in dependency order: one pass reaches everything downstream.
		for j in "${!DFC_SELECTED[@]}"; do
			for d in ${DFC_STEP_DEPS[j]}; do
				if [[ $d == "$i" || -n ${DFC_BLOCKED[$d]:-} ]] && [[ -z ${DFC_BLOCKED[$j]:-} ]]; then
					DFC_BLOCKED[$j]=${DFC_BLOCKED[$d]:-${DFC_STEP_ID[i]}}
				fi
			done
		done
		return
	fi
	if ((!ran)); then
		DFC_NR_SKIPPED=$((DFC_NR_SKIPPED + 1))
		DFC_SKIPPED+=("$i")
		return
	fi
	DFC_NR_RAN=$((DFC_NR_RAN + 1))
	for k in ${DFC_STEP_OUTPUTS[i]}; do
		dfc_touched "${DFC_DS_PATH[k]}"
	done
	DFC_TO_STAMP+=("$i")
	# One at a time, while the next step runs (dfc_run_step).
	if ((DFC_JOBS > 1)); then
		dfc_flush_due
	fi
}

# Every selected step is up to date (.dfc/uptodate holds): say so at once.
dfc_skip_all() {
	local i
	local -a ids=()
	for i in "${!DFC_SELECTED[@]}"; do
		ids+=("${DFC_STEP_ID[i]}")
	done
	dfc_say_skipped "${ids[@]}"
	DFC_NR_SKIPPED=${#ids[@]}
	DFC_SKIPPED=("${!DFC_SELECTED[@]}")
}

dfc_run_sequential() {
	local i status
	if ((!DFC_LIVE || DFC_QUIET)); then
		dfc_run_launched
		return
	fi
	for i in "${!DFC_SELECTED[@]}"; do
		if [[ -n ${DFC_BLOCKED[$i]:-} ]]; then
			continue
		fi
		dfc_run_step "$i" 0
		status=$?
		dfc_ended "$i" "$status" "$DFC_RAN"
		if ((status != 0 && !DFC_KEEP_GOING)); then
			break
		fi
	done
}

# Up to DFC_JOBS steps at once. Each step starts once every selected step
# it depends on has finished; a finished job writes "i status" to a FIFO,
# so no completion can be missed. After a failure no step starts.
dfc_run_parallel() {
	local i s d st ran t0 t1 why running=0 head=0 failed=''
	local -a queue=() pending=() succ=()
	DFC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dfc.XXXXXX") ||
		dfc_die 1 '' "cannot create a temporary folder"
	mkfifo "$DFC_TMP/done" || dfc_die 1 '' "cannot create a FIFO in $DFC_TMP"
	exec {DFC_FIFO_FD}<>"$DFC_TMP/done"
	# Read and opened once here, not in each job.
	if ((!DFC_STAMPS_LOADED)); then
		dfc_stamps_load
	fi
	dfc_journal_open
	for i in "${!DFC_SELECTED[@]}"; do
		pending[i]=0
		for d in ${DFC_STEP_DEPS[i]}; do
			if [[ -n ${DFC_SELECTED[d]:-} ]]; then
				pending[i]=$((pending[i] + 1))
				succ[d]+=" $i"
			fi
		done
		if ((pending[i] == 0)); then
			queue+=("$i")
		fi
	done
	while :; do
		while [[ -z $failed || $DFC_KEEP_GOING == 1 ]] && ((running < DFC_JOBS && head < ${#queue[@]})); do
			i=${queue[head]}
			head=$((head + 1))
			if [[ -n ${DFC_BLOCKED[$i]:-} ]]; then
				continue
			fi
			# Each job in its own process group (set -m), so that an
			# interruption can stop it with everything it started.
			set -m
			(
				trap - INT QUIT TERM
				dfc_run_step "$i" 1 {DFC_FIFO_FD}>&-
				printf '%s %s %s %s %s %s\n' "$i" "$?" "$DFC_RAN" "${DFC_STEP_T0[i]:-0}" \
					"${DFC_STEP_T1[i]:-0}" "${DFC_STEP_WHY[i]:-}" >&"$DFC_FIFO_FD"
			) &
			DFC_JOB_PID[$i]=$!
			set +m
			running=$((running + 1))
		done
		if ((running == 0)); then
			break
		fi
		read -r -u "$DFC_FIFO_FD" i st ran t0 t1 why
		DFC_STEP_T0[i]=$t0
		DFC_STEP_T1[i]=$t1
		DFC_STEP_WHY[i]=$why
		wait "${DFC_JOB_PID[$i]}" 2>/dev/null
		unset 'DFC_JOB_PID[$i]'
		running=$((running - 1))
		dfc_ended "$i" "$st" "$ran"
		if ((st != 0)); then
			if [[ -z $failed ]]; then
				failed=${DFC_STEP_ID[i]}
				if ((running > 0 && !DFC_KEEP_GOING)); then
					dfc_log "waiting for $running running step(s) to finish; no new step starts"
				fi
			fi
			continue
		fi
		for s in ${succ[i]}; do
			pending[s]=$((pending[s] - 1))
			if ((pending[s] == 0)); then
				queue+=("$s")
			fi
		done
	done
}

# The end of a run: stamps, the summary line, and exit 4 naming every
# failed step and what did not run because of it.
dfc_finish() {
	local start=$1 end took i list='' blocked=''
	dfc_flush_stamps
	dfc_stamps_end
	if ((${#DFC_FAILED[@]} == 0 && DFC_NR_RAN + DFC_NR_SKIPPED == ${#DFC_SELECTED[@]})); then
		dfc_uptodate_save
	fi
	local outcome='done'
	if ((${#DFC_FAILED[@]})); then
		outcome=failed
	fi
	dfc_record_end "$outcome" "$DFC_NR_RAN" "${#DFC_FAILED[@]}" \
		"$((${#DFC_SELECTED[@]} - DFC_NR_RAN - DFC_NR_SKIPPED - ${#DFC_FAILED[@]}))"
	dfc_cache_save
	dfc_cleanup
	dfc_now end
	dfc_duration took "$start" "$end"
	for i in "${!DFC_SELECTED[@]}"; do
		if [[ -n ${DFC_BLOCKED[$i]:-} ]]; then
			blocked+="${blocked:+, }${DFC_STEP_ID[i]} (after ${DFC_BLOCKED[$i]})"
		fi
	done
	dfc_say "summary: $DFC_NR_RAN run, $DFC_NR_SKIPPED up to date, ${#DFC_FAILED[@]} failed," \
		"$((${#DFC_SELECTED[@]} - DFC_NR_RAN - DFC_NR_SKIPPED - ${#DFC_FAILED[@]})) not run, in $took"
	if ((${#DFC_FAILED[@]} == 0)); then
		dfc_report "done"
		return 0
	fi
	for i in "${!DFC_SELECTED[@]}"; do
		if [[ -n ${DFC_FAILED[$i]:-} ]]; then
			dfc_report "failed ${DFC_STEP_ID[i]}"
			list+="${list:+, }step '${DFC_STEP_ID[i]}' failed (exit status ${DFC_FAILED[$i]})"
		fi
	done
	if ((!DFC_KEEP_GOING)); then
		dfc_die 4 '' "$list; the pipeline stopped there"
	fi
	dfc_die 4 '' "$list${blocked:+; not run because of that: $blocked}"
}

dfc_interrupted() {
	local pid
	trap - INT TERM
	for pid in "${DFC_JOB_PID[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null
	done
	dfc_launcher_stop
	wait
	dfc_flush_stamps
	dfc_record_end interrupted "$DFC_NR_RAN" "${#DFC_FAILED[@]}" \
		"$((${#DFC_SELECTED[@]} - DFC_NR_RAN - DFC_NR_SKIPPED - ${#DFC_FAILED[@]}))"
	dfc_cache_save
	dfc_report "interrupted"
	dfc_die 130 '' "interrupted"
}

dfc_main() {
	local start
	# Temporary files go whatever way the script ends.
	trap dfc_cleanup EXIT
	dfc_pipeline
	dfc_parse_options "$@"
	dfc_select
	dfc_enter_workdir
	dfc_check_interpreters
	dfc_uptodate_check
	if ((!DFC_ALL_UP_TO_DATE)); then
		dfc_stat_run
		dfc_check_scripts
	fi
	trap dfc_interrupted INT TERM
	if ((!DFC_ALL_UP_TO_DATE)); then
		dfc_prepare_datasets
	fi
	if ((DFC_DRY_RUN)); then
		dfc_plan
		return 0
	fi
	dfc_make_state_dirs stamps logs runs
	if ((!DFC_ALL_UP_TO_DATE)); then
		dfc_write_scripts
	fi
	dfc_record_begin bash
	dfc_log "running ${DFC_NAME:-the pipeline} in $PWD (${#DFC_SELECTED[@]} of $DFC_NR_STEPS steps, $DFC_JOBS at once)"
	dfc_now start
	if ((DFC_ALL_UP_TO_DATE)); then
		dfc_skip_all
	elif ((DFC_JOBS > 1)); then
		dfc_run_parallel
	else
		dfc_run_sequential
	fi
	dfc_finish "$start"
}
