# runtime_local.sh - the part of a generated script (target bash, SPEC §6)
# that runs the steps on this machine, one at a time or up to --jobs N at
# once. It follows runtime.sh, whose functions and variables it uses.

DFC_VALUE_OPTIONS='--workdir --only --from --jobs --status-file'
DFC_JOBS=1
declare -A DFC_JOB_PID=()

dfc_usage() {
	cat <<EOF
usage: ${0##*/} [--dry-run] [--workdir DIR] [--only NODE | --from NODE]
       [--jobs N] [--force]

Runs pipeline ${DFC_NAME:-"(unnamed)"}: $DFC_ORIGIN.
Regenerate it with: $DFC_REGENERATE

options:
  --dry-run        print each command; run nothing, write nothing
  --workdir DIR    run in DIR (default: the current folder); created if needed
  --only NODE      run step NODE alone
  --from NODE      run NODE and every step downstream of it
  --jobs N         run up to N independent steps at once (default 1)
  --force          rerun steps that are up to date
  --status-file F  append the outcome (failed STEP, missing TOOL) to F
  -h, --help       show this help

Stamps of successful steps are kept in .dfc/ inside the work folder; a
step whose script, arguments and inputs are unchanged and whose outputs
are still as it left them is skipped.

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
	*) return 1 ;;
	esac
}

dfc_print_commands() {
	local i
	for i in "${!DFC_SELECTED[@]}"; do
		printf '%s:' "${DFC_STEP_ID[i]}"
		printf ' %q' "${DFC_ARGV[@]:${DFC_ARGV_START[i]}:${DFC_ARGV_LEN[i]}}"
		printf '\n'
	done
}

dfc_fail() {
	dfc_report "failed $1"
	dfc_die 4 '' "step '$1' failed (exit status $2); the pipeline stopped there"
}

dfc_run_sequential() {
	local i status
	for i in "${!DFC_SELECTED[@]}"; do
		dfc_run_step "$i" 0
		status=$?
		if ((status != 0)); then
			dfc_fail "${DFC_STEP_ID[i]}" "$status"
		fi
	done
}

# Up to DFC_JOBS steps at once. Each step starts once every selected step
# it depends on has finished; a finished job writes "i status" to a FIFO,
# so no completion can be missed. After a failure no step starts.
dfc_run_parallel() {
	local i s d st running=0 head=0 failed='' failed_status=0
	local -a queue=() pending=() succ=()
	DFC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dfc.XXXXXX") ||
		dfc_die 1 '' "cannot create a temporary folder"
	mkfifo "$DFC_TMP/done" || dfc_die 1 '' "cannot create a FIFO in $DFC_TMP"
	exec {DFC_FIFO_FD}<>"$DFC_TMP/done"
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
		while [[ -z $failed ]] && ((running < DFC_JOBS && head < ${#queue[@]})); do
			i=${queue[head]}
			head=$((head + 1))
			# Each job in its own process group (set -m), so that an
			# interruption can stop it with everything it started.
			set -m
			(
				trap - INT QUIT TERM
				dfc_run_step "$i" 1 {DFC_FIFO_FD}>&-
				printf '%s %s\n' "$i" "$?" >&"$DFC_FIFO_FD"
			) &
			DFC_JOB_PID[$i]=$!
			set +m
			running=$((running + 1))
		done
		if ((running == 0)); then
			break
		fi
		read -r -u "$DFC_FIFO_FD" i st
		wait "${DFC_JOB_PID[$i]}" 2>/dev/null
		unset 'DFC_JOB_PID[$i]'
		running=$((running - 1))
		if ((st != 0)); then
			if [[ -z $failed ]]; then
				failed=${DFC_STEP_ID[i]}
				failed_status=$st
				if ((running > 0)); then
					dfc_log "waiting for $running running step(s) to finish; no new step starts"
				fi
			else
				dfc_warn "step '${DFC_STEP_ID[i]}' failed too (exit status $st)"
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
	if [[ -n $failed ]]; then
		dfc_fail "$failed" "$failed_status"
	fi
}

dfc_interrupted() {
	local pid
	trap - INT TERM
	for pid in "${DFC_JOB_PID[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null
	done
	wait
	dfc_report "interrupted"
	dfc_die 130 '' "interrupted"
}

dfc_main() {
	local start end took
	dfc_pipeline
	dfc_parse_options "$@"
	dfc_select
	dfc_enter_workdir
	dfc_check_interpreters
	dfc_check_scripts
	trap dfc_interrupted INT TERM
	dfc_prepare_datasets
	if ((DFC_DRY_RUN)); then
		dfc_print_commands
		return 0
	fi
	mkdir -p -- "$DFC_STATE/stamps" || dfc_die 1 '' "cannot create $PWD/$DFC_STATE"
	dfc_write_scripts
	dfc_log "running ${DFC_NAME:-the pipeline} in $PWD (${#DFC_SELECTED[@]} of $DFC_NR_STEPS steps, $DFC_JOBS at once)"
	dfc_now start
	if ((DFC_JOBS > 1)); then
		dfc_run_parallel
	else
		dfc_run_sequential
	fi
	dfc_cleanup
	dfc_now end
	dfc_duration took "$start" "$end"
	dfc_log "all ${#DFC_SELECTED[@]} steps done in $took"
	dfc_report "done"
}
