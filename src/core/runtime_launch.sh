# runtime_launch.sh - the part of a generated script (target bash, SPEC §6)
# that runs the steps one at a time when their output is not streamed to a
# terminal: through the launcher, one step ahead. It follows runtime.sh,
# runtime_files.sh, runtime_state.sh and runtime_record.sh, and comes
# before runtime_local.sh, which calls it.
#
# The launcher is a small bash beside this script (a coprocess, named
# dfc-launcher in ps), started with the first step. *Why:* forking a
# process costs in proportion to the memory it has written since its last
# fork, and this script's is large (each step's command, hashes and
# stamp): a step started from here cost a few hundred page faults more
# than under make. It also frees this script: while a step runs, it writes
# the stamps of those before it and decides the next one, on the other
# core.
#
# This script writes a step's words, NUL-separated, into one of two request
# files (bash reads a pipe a byte at a time, a file in blocks), then a
# line to the launcher: the number of words, the slot (0 or 1: the request
# file and the output file), and whether the step waits for the previous
# one to succeed. The launcher answers each line with one of its own: the
# exit status and when the step started and ended, or `-` for a step it
# did not start. The request files are written over, never truncated:
# freeing a file's blocks costs more than the rest.

DFC_LAUNCHER_PID=''
DFC_SLOT=0
DFC_QUEUED_SLOT=''

dfc_launcher_start() {
	# shellcheck disable=SC2016 # the launcher's own code, in single quotes
	coproc DFC_LAUNCHER {
		exec -a dfc-launcher "$BASH" --norc --noprofile -c 'last=0
while IFS=" " read -r n slot after; do
	mapfile -d "" -t -n "$n" argv <"$1.$slot"
	if [ "$after" = 1 ] && [ "$last" != 0 ] || [ "${#argv[@]}" = 0 ]; then
		printf -- "- 0 0\n"
		continue
	fi
	t0=${EPOCHREALTIME:-}
	"${argv[@]}" </dev/null >"$2.$slot" 2>&1
	last=$? t1=${EPOCHREALTIME:-}
	printf "%d %s %s\n" "$last" "${t0//[!0-9]/}" "${t1//[!0-9]/}"
done' dfc-launcher "$DFC_REQUEST" "$DFC_OUTPUT"
	}
}

# dfc_send I AFTER: give step i's command to the launcher, to start once
# the step before it ended (if AFTER is 1: and succeeded); its slot into
# DFC_SENT_SLOT. 1 when there is no launcher.
dfc_send() {
	local -n argv=DFC_ARGV_$1
	if [[ -z $DFC_LAUNCHER_PID ]]; then
		dfc_launcher_start
	fi
	DFC_SENT_SLOT=$DFC_SLOT
	DFC_SLOT=$((1 - DFC_SLOT))
	[[ $DFC_LAUNCHER_PID != - ]] && printf '%s\0' "${argv[@]}" 1<>"$DFC_REQUEST.$DFC_SENT_SLOT" || return 1
	# A launcher gone makes the write fail, not kill this script (a signal
	# caught, unlike one ignored, is not passed on to the steps).
	trap : PIPE
	{ printf '%d %d %d\n' "${#argv[@]}" "$DFC_SENT_SLOT" "$2" >&"${DFC_LAUNCHER[1]}"; } 2>/dev/null
	local sent=$?
	trap - PIPE
	return "$sent"
}

# The launcher's answer for the step sent first and not answered yet: its
# status into DFC_STATUS ('-': not started) and when it started and ended
# into DFC_LAUNCH_T0 and DFC_LAUNCH_T1. 1 when the launcher is gone.
dfc_answer() {
	DFC_STATUS='' DFC_LAUNCH_T0='' DFC_LAUNCH_T1=''
	IFS=' ' read -r DFC_STATUS DFC_LAUNCH_T0 DFC_LAUNCH_T1 <&"${DFC_LAUNCHER[0]}" &&
		[[ $DFC_STATUS == +([0-9]) || $DFC_STATUS == - ]]
}

# Let the launcher end once its step has: it reads the end of its input.
# A step it was given and has not started yet is taken back first.
dfc_launcher_stop() {
	local fd=${DFC_LAUNCHER[1]:-}
	if [[ -n $DFC_QUEUED_SLOT ]]; then
		: >"$DFC_REQUEST.$DFC_QUEUED_SLOT"
	fi
	if [[ -n $fd && $DFC_LAUNCHER_PID != - ]]; then
		exec {fd}>&-
	fi
	DFC_LAUNCHER_PID=-
}

# Whether step j may be sent while the step before it runs: not blocked,
# and its reason known without reading a file that step may be writing
# (no stamp, forced, a failed or unfinished run). Sets DFC_REASON.
dfc_may_send_ahead() {
	[[ -z ${DFC_BLOCKED[$1]:-} ]] && dfc_why_early "$1"
}

# Steps one at a time through the launcher, one step ahead: while step
# `cur` runs, the next one is sent when its reason is known already; the
# launcher starts it once `cur` succeeded (or, with --keep-going, at once
# when it does not depend on `cur`). Otherwise the next step is decided
# (hashing what it needs) once `cur` has ended. A slot of '' is a step not
# sent yet.
dfc_run_launched() {
	local pos=0 n i cur='' cur_slot='' ahead='' ahead_slot='' after d status
	local -a order=("${!DFC_SELECTED[@]}")
	n=${#order[@]}
	while :; do
		while [[ -z $cur ]] && ((pos < n)); do
			i=${order[pos]}
			pos=$((pos + 1))
			if [[ -z ${DFC_BLOCKED[$i]:-} ]] && dfc_step_begin "$i"; then
				cur=$i cur_slot=''
			elif [[ -z ${DFC_BLOCKED[$i]:-} ]]; then
				dfc_ended "$i" 0 0
			fi
		done
		if [[ -z $cur ]]; then
			break
		fi
		dfc_log "${DFC_STEP_ID[cur]}: start (${DFC_STEP_WHY[cur]})"
		if [[ -z $cur_slot ]] && dfc_send "$cur" 0; then
			cur_slot=$DFC_SENT_SLOT
		fi
		if [[ -n $cur_slot && -z $ahead ]] && ((pos < n)) && dfc_may_send_ahead "${order[pos]}"; then
			ahead=${order[pos]}
			pos=$((pos + 1))
			dfc_step_prepare "$ahead"
			after=1
			if ((DFC_KEEP_GOING)); then
				after=0
				for d in ${DFC_STEP_DEPS[ahead]}; do
					if [[ $d == "$cur" ]]; then
						after=1
					fi
				done
			fi
			if dfc_send "$ahead" "$after"; then
				ahead_slot=$DFC_SENT_SLOT
				DFC_QUEUED_SLOT=$ahead_slot
			fi
		fi
		if [[ -z $cur_slot ]]; then
			dfc_run_here "$cur"
		else
			dfc_flush_due
			if ! dfc_answer; then
				dfc_warn "the process that starts the steps is gone; they start from this script now"
				dfc_launcher_stop
				DFC_STATUS=127
			elif [[ $DFC_STATUS == - ]]; then
				DFC_STATUS=127 # its request could not be read
			fi
			DFC_QUEUED_SLOT=''
			dfc_step_end "$cur" "$DFC_STATUS" "$DFC_OUTPUT.$cur_slot"
		fi
		status=$?
		dfc_ended "$cur" "$status" 1
		cur=$ahead
		cur_slot=$ahead_slot
		ahead='' ahead_slot=''
		if [[ -n $cur && $DFC_LAUNCHER_PID == - ]]; then
			cur_slot='' # its answer will not come: it runs from here
		elif [[ -n $cur ]] && { [[ -n ${DFC_BLOCKED[$cur]:-} ]] || ((status != 0 && !DFC_KEEP_GOING)); }; then
			dfc_answer # `-`: the launcher did not start it
			cur='' cur_slot=''
		fi
		if ((status != 0 && !DFC_KEEP_GOING)); then
			break
		fi
	done
	dfc_launcher_stop
}

# Run step i, begun, from this script itself (the launcher is gone); its
# status.
dfc_run_here() {
	local -n argv=DFC_ARGV_$1
	dfc_now DFC_LAUNCH_T0
	"${argv[@]}" </dev/null >"$DFC_OUTPUT.0" 2>&1
	DFC_STATUS=$?
	dfc_now DFC_LAUNCH_T1
	dfc_step_end "$1" "$DFC_STATUS" "$DFC_OUTPUT.0"
}
