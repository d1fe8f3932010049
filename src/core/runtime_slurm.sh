# runtime_slurm.sh - the part of a generated script (target slurm, SPEC §13)
# that hands the steps to a Slurm cluster: one job per step, each waiting
# with --dependency=afterok for the jobs of the steps it depends on. It
# follows runtime.sh, whose functions and variables it uses.
#
# Submitting writes into the run folder, which the compute nodes must
# share: the steps' scripts; .dfc/slurm/pipeline-<hash>.sh, a copy of this
# script from which each job runs its step (--dfc-step); .dfc/slurm/job.sh,
# the batch script every job starts with; .dfc/logs/<step>.log, each job's
# output; .dfc/slurm/status/<job id>, the exit status each job leaves.
# Nothing is evaluated by a shell on the way: the step's command line stays
# in this script's arrays, and sbatch only ever sees the step's id.

DFC_VALUE_OPTIONS='--workdir --only --from --sbatch-arg --status-file --dfc-step --dfc-run'
DFC_WAIT=0
DFC_JOB_STEP=''
# The run whose record a job appends its step to (--dfc-run).
DFC_JOB_RUN=''
DFC_JOB_PREFIX=dfc
DFC_COPY=''
DFC_SUBMITTING=0
# Options this script gives every job itself; --sbatch-arg may not set them.
DFC_SBATCH_OWN='--job-name -J --dependency -d --output -o --error -e --chdir -D
	--parsable --wrap --array -a --kill-on-invalid-dep'
declare -a DFC_SBATCH_ARGS=() DFC_WORDS=()
# Per step i: its resource options (a slice of DFC_RES), its job id once
# submitted.
declare -a DFC_RES=() DFC_RES_START=() DFC_RES_LEN=() DFC_STEP_JOB=()

# --- Declarations used by dfc_pipeline --------------------------------------

# dfc_slurm PREFIX [SBATCH_ARG...]: jobs are named PREFIX-<step>; the
# options given to `generate --sbatch-arg` go to every job.
dfc_slurm() {
	local arg
	DFC_JOB_PREFIX=$1
	shift
	for arg in "$@"; do
		dfc_add_sbatch_arg "$arg"
	done
}

# dfc_resources OPTION...: the current step's sbatch options, from its
# "resources".
dfc_resources() {
	local i=$((DFC_NR_STEPS - 1))
	DFC_RES_START[i]=${#DFC_RES[@]}
	DFC_RES_LEN[i]=$#
	DFC_RES+=("$@")
}

# --- Options ------------------------------------------------------------------

dfc_usage() {
	cat <<EOF
usage: ${0##*/} [--dry-run] [--workdir DIR] [--only NODE | --from NODE]
       [--wait] [--sbatch-arg ARG]... [--force] [--quiet]

Submits pipeline ${DFC_NAME:-"(unnamed)"} to Slurm, one job per step: $DFC_ORIGIN.
Regenerate it with: $DFC_REGENERATE

options:
  --dry-run         print the sbatch commands; submit nothing, write nothing
  --workdir DIR     the run folder (default: the current folder), created if
                    needed; it must be on a filesystem the compute nodes share
  --only NODE       submit step NODE alone
  --from NODE       submit NODE and every step downstream of it
  --wait            wait for every job, reporting each step as it starts and
                    ends; exit 0 when all succeeded, 4 when one failed
  --sbatch-arg ARG  give option ARG (such as --account=NAME) to every job
  --force           rerun steps that are up to date
  --quiet           print only failures, the job ids and the end
  --status-file F   append the outcome (failed STEP, missing TOOL) to F
  -h, --help        show this help

Jobs are named $DFC_JOB_PREFIX-<step>; each writes its output to
.dfc/logs/<step>.log in the run folder. A step that is up to date (stamps
in .dfc/) and waits for no submitted step is not submitted. A job whose
dependency fails is cancelled (--kill-on-invalid-dep=yes).

exit status: 0 submitted (with --wait: every step succeeded), 2 usage, 4 a
step failed or was refused by sbatch, 5 sbatch, an interpreter or an input
is missing, 6 an embedded script does not match its id.
EOF
}

# An option for every job, from --sbatch-arg here or given to generate:
# an sbatch option, and not one this script sets itself.
dfc_add_sbatch_arg() {
	local key
	if [[ $1 != -?* ]]; then
		dfc_usage_error "--sbatch-arg takes an sbatch option such as --account=NAME, not '$1'"
	fi
	if [[ $1 == --* ]]; then
		key=${1%%=*}
	else
		key=${1:0:2}
	fi
	if [[ " ${DFC_SBATCH_OWN//[$'\t\n']/ } " == *" $key "* ]]; then
		dfc_usage_error "--sbatch-arg '$1': $key is one the generated script sets for each job"
	fi
	DFC_SBATCH_ARGS+=("$1")
}

dfc_target_option() {
	case $1 in
	--wait) DFC_WAIT=1 ;;
	--dfc-step) DFC_JOB_STEP=$2 ;;
	--dfc-run) DFC_JOB_RUN=$2 ;;
	--sbatch-arg) dfc_add_sbatch_arg "$2" ;;
	*) return 1 ;;
	esac
}

# --- Submitting ---------------------------------------------------------------

dfc_need_tool() {
	if ! command -v -- "$1" >/dev/null 2>&1; then
		printf "dfc: error: '%s' is not installed here (not found in PATH)\n" "$1" >&2
		printf 'hint: submit from a machine of the Slurm cluster, or run the pipeline on this machine with the bash target\n' >&2
		dfc_report "missing $1"
		exit 5
	fi
}

# Where the jobs find this script: a copy named by its content, so that a
# later submission to the same run folder never changes what a queued job
# runs.
dfc_copy_name() {
	if [[ -z $DFC_SELF ]]; then
		dfc_usage_error "save this script to a file and run it from there: each Slurm job runs its step from a copy of it"
	fi
	dfc_hash "$DFC_SELF"
	if [[ ${DFC_SHA[$DFC_SELF]} == - ]]; then
		dfc_die 1 '' "cannot read $DFC_SELF"
	fi
	DFC_COPY=$DFC_STATE/slurm/pipeline-${DFC_SHA[$DFC_SELF]:0:16}.sh
}

dfc_write_slurm_files() {
	mkdir -p -- "$DFC_STATE/stamps" "$DFC_STATE/logs" "$DFC_STATE/runs" "$DFC_STATE/slurm/status" ||
		dfc_die 1 '' "cannot create $PWD/$DFC_STATE"
	if [[ ! -f $DFC_COPY ]]; then
		if ! { cp -- "$DFC_SELF" "$DFC_COPY.tmp" && mv -f -- "$DFC_COPY.tmp" "$DFC_COPY"; }; then
			dfc_die 1 '' "cannot copy this script to $PWD/$DFC_COPY"
		fi
	fi
	if ! {
		cat >"$DFC_STATE/slurm/job.sh.tmp" <<'EOF'
#!/usr/bin/env bash
# The batch script of every job of a pipeline submitted by data-factory-cli:
# run step $2 from the copy $1 of the submit script, in this run folder.
exec bash "$1" --dfc-step "$2" "${@:3}"
EOF
		mv -f -- "$DFC_STATE/slurm/job.sh.tmp" "$DFC_STATE/slurm/job.sh"
	}; then
		dfc_die 1 '' "cannot write $PWD/$DFC_STATE/slurm/job.sh"
	fi
}

# The sbatch command of step i into DFC_WORDS. It waits for the jobs of the
# submitted steps i depends on.
dfc_sbatch_words() {
	local i=$1 id=${DFC_STEP_ID[$1]} d deps='' log
	log=$DFC_RUN_DIR/$DFC_STATE/logs/$id.log
	# sbatch reads % in --output as a pattern; %% is a plain %.
	DFC_WORDS=(sbatch --parsable "--job-name=$DFC_JOB_PREFIX-$id" "--chdir=$DFC_RUN_DIR"
		"--output=${log//%/%%}")
	for d in ${DFC_STEP_DEPS[i]}; do
		if [[ -n ${DFC_STEP_JOB[d]:-} ]]; then
			deps+=":${DFC_STEP_JOB[d]}"
		fi
	done
	if [[ -n $deps ]]; then
		DFC_WORDS+=("--dependency=afterok$deps" --kill-on-invalid-dep=yes)
	fi
	DFC_WORDS+=("${DFC_RES[@]:${DFC_RES_START[i]:-0}:${DFC_RES_LEN[i]:-0}}")
	DFC_WORDS+=("${DFC_SBATCH_ARGS[@]}" "$DFC_STATE/slurm/job.sh" "$DFC_COPY" "$id")
	if [[ -n $DFC_RUN_ID ]]; then
		DFC_WORDS+=(--dfc-run "$DFC_RUN_ID")
	fi
	if ((DFC_FORCE)); then
		DFC_WORDS+=(--force)
	fi
}

dfc_print_sbatch() {
	local word line=''
	for word in "${DFC_WORDS[@]}"; do
		if [[ $word == --dependency=* ]]; then
			line+=" $word" # step ids and {}: nothing to quote
		else
			printf -v word ' %q' "$word"
			line+=$word
		fi
	done
	printf '%s\n' "${line# }"
}

dfc_submitted_jobs() {
	local IFS=,
	printf '%s' "${DFC_STEP_JOB[*]}"
}

dfc_cancel_submitted() {
	if ((${#DFC_STEP_JOB[@]})); then
		scancel -- "${DFC_STEP_JOB[@]}" 2>/dev/null
	fi
}

# Submit the selected steps in dependency order. A step that is up to date
# and waits for no submitted step is left out; one that waits for a
# submitted step is submitted, and its job skips it if it is up to date by
# the time it runs.
dfc_submit() {
	local i d id waits out job
	if ((DFC_DRY_RUN)); then
		printf '# one sbatch command per step, in order; {STEP} is the job id of STEP\n'
	fi
	DFC_SUBMITTING=1
	for i in "${!DFC_SELECTED[@]}"; do
		id=${DFC_STEP_ID[i]}
		waits=0
		for d in ${DFC_STEP_DEPS[i]}; do
			if [[ -n ${DFC_STEP_JOB[d]:-} ]]; then
				waits=1
			fi
		done
		if ((!waits)); then
			dfc_why "$i"
			if [[ -z $DFC_REASON ]]; then
				dfc_log "$id: not submitted (up to date: script, arguments, inputs and outputs unchanged)"
				DFC_SKIPPED+=("$i")
				continue
			fi
		fi
		dfc_sbatch_words "$i"
		if ((DFC_DRY_RUN)); then
			dfc_print_sbatch
			DFC_STEP_JOB[i]="{$id}"
			continue
		fi
		if ! out=$("${DFC_WORDS[@]}" </dev/null); then
			dfc_cancel_submitted
			dfc_report "failed $id"
			dfc_die 4 '' "sbatch refused step '$id'; the jobs submitted before it were cancelled"
		fi
		job=${out%%;*}
		if [[ $job != +([0-9]) ]]; then
			dfc_cancel_submitted
			dfc_die 1 '' "sbatch answered '$out' for step '$id', not a job id"
		fi
		DFC_STEP_JOB[i]=$job
		printf '%s\t%s\n' "$id" "$job"
		dfc_log "$id: submitted as job $job"
	done
	DFC_SUBMITTING=0
}

# --- Waiting --------------------------------------------------------------------

# "JOB STATE" lines of the given jobs into DFC_SQUEUE, finished ones
# included while the controller remembers them. Fails, after saying so once,
# when the controller cannot be asked: the caller asks again later instead
# of taking the jobs for gone.
DFC_SQUEUE=''
DFC_SQUEUE_WARNED=0
dfc_job_states() {
	local IFS=, err
	if ! err=$(squeue -h --states=all -o '%i %T' -j "$*" 2>&1 >"$DFC_TMP/squeue"); then
		# Jobs the controller has forgotten are no error: their status
		# files tell how they ended.
		if [[ $err != *"Invalid job id"* ]]; then
			if ((!DFC_SQUEUE_WARNED)); then
				dfc_warn "cannot ask Slurm about the jobs (${err//$'\n'/ }); trying again"
				DFC_SQUEUE_WARNED=1
			fi
			return 1
		fi
	fi
	DFC_SQUEUE=$(<"$DFC_TMP/squeue")
}

# Whether a step that step i depends on has a job not yet seen to end
# (in the open steps of dfc_wait, its caller).
dfc_waits_on_open() {
	local d
	for d in ${DFC_STEP_DEPS[$1]}; do
		if [[ -n ${open[d]:-} ]]; then
			return 0
		fi
	done
	return 1
}

# Poll the jobs until every one has ended, saying when each step starts and
# ends. When a step fails, the jobs that depend on it can never run: they
# are cancelled at once (Slurm would too, --kill-on-invalid-dep).
#
# One poll may bring a failure together with the cancellations it caused,
# so steps are looked at in dependency order (open is indexed by step), and
# a cancelled job is only taken for a failure of its own once every step it
# depends on is known to have ended.
dfc_wait() {
	local i d s j st code id host failed='' failed_why='' polls=0 cancelled=0
	local -a open=() succ=() jobs=() to_cancel=()
	local -A started=() doomed=() unseen=() state=()
	for i in "${!DFC_STEP_JOB[@]}"; do
		open[i]=1
		for d in ${DFC_STEP_DEPS[i]}; do
			if [[ -n ${DFC_STEP_JOB[d]:-} ]]; then
				succ[d]+=" $i"
			fi
		done
	done
	dfc_log "waiting for ${#open[@]} job(s): $(dfc_submitted_jobs)"
	DFC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dfc.XXXXXX") ||
		dfc_die 1 '' "cannot create a temporary folder"
	while ((${#open[@]})); do
		# Every second at first, then every 5 s, to spare the controller.
		polls=$((polls + 1))
		sleep $((polls < 60 ? 1 : 5))
		jobs=()
		for i in "${!open[@]}"; do
			jobs+=("${DFC_STEP_JOB[i]}")
		done
		state=()
		if ! dfc_job_states "${jobs[@]}"; then
			continue
		fi
		while read -r j st; do
			state[$j]=$st
		done <<<"$DFC_SQUEUE"
		to_cancel=()
		for i in "${!open[@]}"; do
			id=${DFC_STEP_ID[i]}
			j=${DFC_STEP_JOB[i]}
			st=${state[$j]:-}
			code=''
			if [[ -f $DFC_STATE/slurm/status/$j ]]; then
				read -r code <"$DFC_STATE/slurm/status/$j"
			fi
			if [[ -z ${started[$i]:-} && -f $DFC_STATE/slurm/status/$j.started ]]; then
				started[$i]=1
				read -r _ host <"$DFC_STATE/slurm/status/$j.started"
				dfc_log "$id: started (job $j on $host)"
			fi
			case $st in
			PENDING | CONFIGURING | REQUEUED | REQUEUE_HOLD | REQUEUE_FED | RESIZING | SUSPENDED)
				continue
				;;
			RUNNING | COMPLETING | STAGE_OUT | SIGNALING)
				if [[ -z $code ]]; then
					continue
				fi
				;;
			COMPLETED) code=${code:-0} ;;
			CANCELLED)
				if [[ -z $code && -z ${doomed[$i]:-} ]] && dfc_waits_on_open "$i"; then
					continue
				fi
				code=${code:-$st}
				;;
			'')
				# Not known to the controller (any more): trust the
				# status file, else give it a few polls to appear.
				if [[ -z $code ]]; then
					unseen[$i]=$((${unseen[$i]:-0} + 1))
					if ((unseen[$i] < 5)); then
						continue
					fi
					code="left the queue without an exit status"
				fi
				;;
			*) code=${code:-$st} ;;
			esac
			unset 'open[i]'
			if [[ $code == 0 ]]; then
				dfc_log "$id: done (job $j)"
				continue
			fi
			if [[ -n ${doomed[$i]:-} && $st == CANCELLED && ! -f $DFC_STATE/slurm/status/$j ]]; then
				dfc_log "$id: cancelled (job $j): a step it depends on failed"
				cancelled=$((cancelled + 1))
				continue
			fi
			if [[ $code == +([0-9]) ]]; then
				code="exit status $code"
			fi
			dfc_log "$id: FAILED (job $j, $code); its output: $DFC_STATE/logs/$id.log"
			if [[ -z $failed ]]; then
				failed=$id
				failed_why=$code
			fi
			# Everything downstream of it can no longer run.
			local -a queue=("$i")
			while ((${#queue[@]})); do
				for s in ${succ[queue[0]]}; do
					if [[ -z ${doomed[$s]:-} ]]; then
						doomed[$s]=1
						queue+=("$s")
						if [[ -n ${open[s]:-} ]]; then
							to_cancel+=("${DFC_STEP_JOB[s]}")
						fi
					fi
				done
				queue=("${queue[@]:1}")
			done
		done
		if ((${#to_cancel[@]})); then
			scancel -- "${to_cancel[@]}" 2>/dev/null
		fi
	done
	dfc_cleanup
	if [[ -n $failed ]]; then
		dfc_record_end failed $((${#DFC_STEP_JOB[@]} - cancelled - 1)) 1 "$cancelled"
	else
		dfc_record_end 'done' "${#DFC_STEP_JOB[@]}" 0 0
	fi
	if [[ -n $failed ]]; then
		dfc_report "failed $failed"
		dfc_die 4 '' "step '$failed' failed ($failed_why); $cancelled job(s) that depended on it were cancelled"
	fi
	dfc_log "all ${#DFC_STEP_JOB[@]} job(s) done"
}

# --- One step, inside its job -------------------------------------------------

# Tell the submitting script, through the run folder, that the step
# started (started HOST) or ended (its exit status).
dfc_job_status() {
	local file=$DFC_STATE/slurm/status/${SLURM_JOB_ID:-}
	if [[ -z ${SLURM_JOB_ID:-} ]]; then
		return 0
	fi
	if [[ $1 == started ]]; then
		file+=.started
	fi
	printf '%s\n' "$*" >"$file.tmp" && mv -f -- "$file.tmp" "$file"
}

dfc_run_job() {
	local id=$DFC_JOB_STEP i interp status host
	if [[ -z ${DFC_STEP_INDEX[$id]+set} ]]; then
		dfc_usage_error "--dfc-step: '$id' is not a script node of this pipeline"
	fi
	i=${DFC_STEP_INDEX[$id]}
	interp=${DFC_STEP_INTERP[i]}
	host=${SLURMD_NODENAME:-${HOSTNAME:-this machine}}
	dfc_log "$id: job ${SLURM_JOB_ID:-(none)} on $host in $PWD"
	dfc_job_status started "$host"
	if [[ -n $interp ]] && ! command -v -- "$interp" >/dev/null 2>&1; then
		dfc_error "interpreter '$interp' of step '$id' is not installed on this node"
		status=5
	elif [[ $(dfc_blob_id '' '' "${DFC_STEP_FILE[i]}") != "${DFC_STEP_BLOB[i]}" ]]; then
		dfc_error "the script of step '$id' (${DFC_STEP_FILE[i]}) changed since it was submitted"
		status=6
	else
		dfc_cache_load
		if [[ -n $DFC_JOB_RUN && $DFC_JOB_RUN == +([0-9TZ-]|[a-f]) ]]; then
			dfc_record_open "$DFC_JOB_RUN"
		fi
		# The job's output is the step's log already (sbatch --output).
		dfc_run_step "$i" 0 1
		status=$?
		if ((status == 0 && DFC_RAN)); then
			DFC_TO_STAMP+=("$i")
			dfc_flush_stamps
		elif ((status == 0)); then
			DFC_SKIPPED=("$i")
			dfc_record_skipped
		else
			dfc_record_failed "$i" "$status"
		fi
		dfc_journal_close
		dfc_record_close
	fi
	dfc_job_status "$status"
	exit "$status"
}

# --- Main -----------------------------------------------------------------------

dfc_interrupted() {
	trap - INT TERM
	if ((DFC_SUBMITTING)); then
		dfc_cancel_submitted
		dfc_report "interrupted"
		dfc_die 130 '' "interrupted: the jobs submitted so far were cancelled"
	fi
	dfc_report "interrupted"
	dfc_die 130 '' "stopped waiting; the jobs go on (squeue -j $(dfc_submitted_jobs); scancel to stop them)"
}

dfc_main() {
	# Temporary files go whatever way the script ends.
	trap dfc_cleanup EXIT
	dfc_pipeline
	dfc_parse_options "$@"
	if ((DFC_JSON)); then
		dfc_usage_error "--json is for the plan of a run on this machine; --dry-run here prints the sbatch commands"
	fi
	if [[ -n $DFC_JOB_STEP ]]; then
		dfc_run_job
	fi
	dfc_select
	dfc_enter_workdir
	dfc_stat_run
	if ((!DFC_DRY_RUN)); then
		dfc_need_tool sbatch
		dfc_need_tool scancel
		if ((DFC_WAIT)); then
			dfc_need_tool squeue
		fi
	fi
	dfc_check_scripts
	trap dfc_interrupted INT TERM
	dfc_prepare_datasets
	dfc_copy_name
	if ((!DFC_DRY_RUN)); then
		dfc_write_slurm_files
		dfc_write_scripts
		dfc_record_begin slurm
		dfc_cache_save # with what the record hashed: the jobs start from it
		dfc_log "submitting ${DFC_NAME:-the pipeline} from $PWD (${#DFC_SELECTED[@]} of $DFC_NR_STEPS steps)"
	fi
	dfc_submit
	if ((DFC_DRY_RUN)); then
		return 0
	fi
	if ((${#DFC_STEP_JOB[@]} == 0)); then
		dfc_record_end 'done' 0 0 0
		dfc_log "nothing to submit: every step is up to date"
	elif ((DFC_WAIT)); then
		dfc_wait
	else
		# The jobs append their steps; no one is left to write the end.
		dfc_record_skipped
		dfc_record_close
		dfc_log "submitted ${#DFC_STEP_JOB[@]} job(s); follow them with: squeue -j $(dfc_submitted_jobs)"
	fi
	dfc_report "done"
}
