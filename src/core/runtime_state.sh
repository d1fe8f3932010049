# shellcheck shell=bash
#
# runtime_state.sh - what a generated script remembers in the work folder
# between runs (SPEC §6): the stat-signature cache of the files it hashes,
# the stamp of each step that last succeeded, and the record of a whole run
# up to date. It follows runtime.sh and runtime_files.sh in every generated
# script, before the target's part.
#
# A run must cost what its steps cost. So deciding that a step is up to
# date forks nothing: files are stat'ed in batches (one `stat` for many),
# a file's sha256 is taken again only when its signature (size, mtime and
# ctime in nanoseconds, inode) changed since it was hashed, and everything
# else is bash builtins (printf -v, mapfile, read, [[ ]]).
#
# The cache, .dfc/cache, holds NUL-separated records of five fields:
#   f PATH SIGNATURE SHA256 HASHED_AT   a file's signature when it was hashed
#   b BLOB - SHA256 0                   the sha256 of an embedded file's content
#   v SHA256 - - 0                      a generated script of that sha256 whose
#                                       embedded files were checked
# HASHED_AT is the second the hash was started. An entry is trusted only when
# the file's mtime and ctime are at least a second older than that, so a
# file written in the same clock tick as its hash (or a later one that
# the file system dated back to it) is hashed again: git's "racy" rule.

DFC_CACHE=$DFC_STATE/cache
DFC_CACHE_DIRTY=0
declare -A DFC_C_SIG=() DFC_C_SHA=() DFC_C_AT=() DFC_C_BLOB=() DFC_C_CHECKED=()
# What this run knows: each file's signature ('' when it is missing), which
# of them may have changed since (written by a step of this run), and sha256s.
declare -A DFC_SIG=() DFC_STALE=() DFC_SHA=()

# Load .dfc/cache; a damaged or partial one counts for what it holds whole.
dfc_cache_load() {
	local -a rec=()
	local n k
	if [[ ! -f $DFC_CACHE ]]; then
		return 0
	fi
	mapfile -d '' rec <"$DFC_CACHE" || return 0
	n=${#rec[@]}
	for ((k = 0; k + 4 < n; k += 5)); do
		case ${rec[k]} in
		f)
			# Only sha256sum ever wrote a sha256 here: its length is check enough.
			if ((${#rec[k + 3]} == 64)) && [[ ${rec[k + 4]} == +([0-9]) ]]; then
				DFC_C_SIG[${rec[k + 1]}]=${rec[k + 2]}
				DFC_C_SHA[${rec[k + 1]}]=${rec[k + 3]}
				DFC_C_AT[${rec[k + 1]}]=${rec[k + 4]}
			fi
			;;
		b) DFC_C_BLOB[${rec[k + 1]}]=${rec[k + 3]} ;;
		v) DFC_C_CHECKED[${rec[k + 1]}]=1 ;;
		*) return 0 ;; # out of step: trust nothing after it
		esac
	done
}

# Write .dfc/cache when this run learned something (never in a dry run).
dfc_cache_save() {
	local p tmp=$DFC_CACHE.$$.tmp
	if ((!DFC_CACHE_DIRTY || DFC_DRY_RUN)) || [[ ! -d $DFC_STATE ]]; then
		return 0
	fi
	{
		for p in "${!DFC_C_SHA[@]}"; do
			# Files outside the run folder (a temporary script of `run`)
			# are kept while runs see them.
			if [[ $p == /* && -z ${DFC_SIG[$p]+set} ]]; then
				continue
			fi
			printf 'f\0%s\0%s\0%s\0%s\0' "$p" "${DFC_C_SIG[$p]}" "${DFC_C_SHA[$p]}" "${DFC_C_AT[$p]}"
		done
		for p in "${!DFC_C_BLOB[@]}"; do
			printf 'b\0%s\0-\0%s\0%s\0' "$p" "${DFC_C_BLOB[$p]}" 0
		done
		for p in "${!DFC_C_CHECKED[@]}"; do
			printf 'v\0%s\0-\0-\0%s\0' "$p" 0
		done
	} >"$tmp" && mv -f -- "$tmp" "$DFC_CACHE"
	DFC_CACHE_DIRTY=0
}

# dfc_collect WORD...: the NUL-terminated records that the command WORD...
# prints, into DFC_RECORDS (its errors and status are dropped: callers
# count what came back). Through a scratch file when there is a folder for
# it, as bash reads a pipe one byte per system call and a file in blocks
# (a step's hash and signatures were 250 one-byte reads): the run's
# temporary folder (parallel jobs), else .dfc/. The file is made once per
# process and truncated after. dfc_cleanup removes it.
declare -a DFC_RECORDS=()
dfc_collect() {
	local scratch=${DFC_TMP:-$DFC_STATE}/scratch.$BASHPID
	if [[ -d ${scratch%/*} ]] && : 2>/dev/null >"$scratch"; then
		"$@" >"$scratch" 2>/dev/null
		mapfile -d '' DFC_RECORDS <"$scratch"
	else
		mapfile -d '' DFC_RECORDS < <("$@" 2>/dev/null)
	fi
}

# dfc_stat PATH...: the signature of each file into DFC_SIG, '' for one
# that is missing or not a regular file. One `stat` per 1000 files. A
# symbolic link has its target's signature, as sha256sum reads the target.
dfc_stat() {
	local -a files=() sigs=()
	local -A seen=()
	local f i k want
	for f in "$@"; do
		if [[ -n ${seen[$f]:-} ]]; then
			continue # a step's output is the next one's input
		fi
		seen[$f]=1
		if [[ -f $f ]]; then
			files+=("$f")
		else
			DFC_SIG[$f]=''
		fi
		unset 'DFC_STALE[$f]'
	done
	for ((i = 0; i < ${#files[@]}; i += 1000)); do
		want=$((${#files[@]} - i < 1000 ? ${#files[@]} - i : 1000))
		dfc_collect stat -L --printf='%s %.9Y %.9Z %i\0' -- "${files[@]:i:1000}"
		sigs=("${DFC_RECORDS[@]}")
		if ((${#sigs[@]} != want)); then
			# A file went away meanwhile: ask for each on its own.
			for ((k = i; k < i + 1000 && k < ${#files[@]}; k++)); do
				dfc_collect stat -L --printf='%s %.9Y %.9Z %i\0' -- "${files[k]}"
				sigs=("${DFC_RECORDS[@]}")
				DFC_SIG[${files[k]}]=${sigs[0]:-}
			done
			continue
		fi
		for ((k = 0; k < ${#sigs[@]}; k++)); do
			DFC_SIG[${files[i + k]}]=${sigs[k]}
		done
	done
}

# dfc_settled SIGNATURE SECOND: whether the file's last change (its mtime
# or ctime in "SIZE MTIME.NS CTIME.NS INODE") came at least a whole second
# before SECOND, when it was hashed or checked (the racy rule).
dfc_settled() {
	local rest=${1#* } mtime ctime
	mtime=${rest%%.*}
	rest=${rest#* }
	ctime=${rest%%.*}
	if ((mtime < ctime)); then
		mtime=$ctime
	fi
	((mtime + 1 < $2))
}

# dfc_hash PATH...: the sha256 of each file into DFC_SHA ('-' when it is
# missing), from the cache where it holds, else with one `sha256sum` for
# all the others. Files written by this run are stat'ed again first.
dfc_hash() {
	local -a need=() todo=() stale=() out=()
	local -A seen=()
	local p k now sig
	for p in "$@"; do
		if [[ -n ${seen[$p]:-} ]]; then
			continue
		fi
		seen[$p]=1
		if [[ -z ${DFC_SIG[$p]+set} || -n ${DFC_STALE[$p]:-} ]]; then
			stale+=("$p")
		elif [[ -n ${DFC_SHA[$p]:-} ]]; then
			continue # known in this run, and not written since
		fi
		need+=("$p")
	done
	if ((${#need[@]} == 0)); then
		return 0
	fi
	if ((${#stale[@]})); then
		dfc_stat "${stale[@]}"
	fi
	for p in "${need[@]}"; do
		sig=${DFC_SIG[$p]}
		if [[ -z $sig ]]; then
			DFC_SHA[$p]=-
			continue
		fi
		# The cache holds when the signature is the same and the file
		# was settled when it was hashed.
		if [[ ${DFC_C_SIG[$p]:-} == "$sig" ]] && dfc_settled "$sig" "${DFC_C_AT[$p]}"; then
			DFC_SHA[$p]=${DFC_C_SHA[$p]}
			continue
		fi
		if [[ -z ${DFC_SHA[$p]:-} ]]; then
			todo+=("$p")
		fi
	done
	if ((${#todo[@]} == 0)); then
		return 0
	fi
	now=${EPOCHREALTIME%[.,]*}
	now=${now:-$(printf '%(%s)T' -1)}
	for ((k = 0; k < ${#todo[@]}; k += 1000)); do
		dfc_collect sha256sum -z -- "${todo[@]:k:1000}"
		out=("${DFC_RECORDS[@]}")
		for p in "${out[@]}"; do
			# "HASH  PATH": -z keeps the path as it is.
			DFC_SHA[${p:66}]=${p:0:64}
		done
	done
	for p in "${todo[@]}"; do
		if [[ -z ${DFC_SHA[$p]:-} ]]; then
			DFC_SHA[$p]=- # unreadable, or gone meanwhile
			continue
		fi
		DFC_C_SIG[$p]=${DFC_SIG[$p]}
		DFC_C_SHA[$p]=${DFC_SHA[$p]}
		DFC_C_AT[$p]=$now
		DFC_CACHE_DIRTY=1
	done
}

# Mark files a step of this run may have written: their signature is stale.
dfc_touched() {
	local p
	for p in "$@"; do
		DFC_STALE[$p]=1
		unset 'DFC_SHA[$p]'
	done
}

# --- Stamps: what a step saw when it last succeeded ------------------------
#
# A step's stamp holds, one per line: a token that changes each time it is
# written, the script's blob id, its interpreter's words, its file and its
# arguments (as bash quotes them), the sha256 of each input, the token of
# each script it follows, the sha256 of each output. A step that started
# and did not finish has the stamp `token -`; one that failed, `token failed`.
#
# Stamps are appended to journals, .dfc/stamps/@<microseconds>.<pid>: one
# per run that writes a stamp (and per Slurm job), each record the step's
# id, a newline, its stamp and a NUL. A later journal (by name), and a later
# record in one, wins. *Why not a file per step:* creating a file can cost
# more than a trivial step (ext4 allocating inodes after a deletion), and a
# first run would create one per step. A record cut short by a kill can only
# fail to match, never match wrongly: the whole stamp is compared, and it
# always starts with its token. Stamps of older scripts, .dfc/stamps/<step>,
# are read (and carried into the journal) when no journal has the step.

declare -A DFC_STAMP_OF=()
DFC_STAMPS_LOADED=0
DFC_JOURNAL=''
DFC_JOURNAL_FD=''
DFC_JOURNAL_RECORDS=0
# The journals read; past DFC_JOURNALS_MAX a run that wrote stamps merges
# them into one.
declare -a DFC_JOURNALS=()
DFC_JOURNALS_MAX=8

# The journals in .dfc/stamps, oldest first, into DFC_JOURNAL_LIST.
dfc_journal_list() {
	local LC_ALL=C
	DFC_JOURNAL_LIST=("$DFC_STATE"/stamps/@*)
	if [[ ! -e ${DFC_JOURNAL_LIST[0]} ]]; then
		DFC_JOURNAL_LIST=()
	fi
}

dfc_stamps_load() {
	local f rec
	local -a recs=()
	DFC_STAMPS_LOADED=1
	dfc_journal_list
	DFC_JOURNALS=("${DFC_JOURNAL_LIST[@]}")
	for f in "${DFC_JOURNALS[@]}"; do
		mapfile -d '' recs <"$f" || continue
		for rec in "${recs[@]}"; do
			if [[ $rec == *$'\n'* ]]; then
				DFC_STAMP_OF[${rec%%$'\n'*}]=${rec#*$'\n'}
			fi
		done
	done
}

# Step i's stamp into DFC_STAMP_READ ('' when it has none).
dfc_stamp_read() {
	local id=${DFC_STEP_ID[$1]}
	if ((!DFC_STAMPS_LOADED)); then
		dfc_stamps_load
	fi
	if [[ -n ${DFC_STAMP_OF[$id]+set} ]]; then
		DFC_STAMP_READ=${DFC_STAMP_OF[$id]}
		return 0
	fi
	DFC_STAMP_READ=''
	if [[ -f $DFC_STATE/stamps/$id ]]; then
		IFS= read -r -d '' DFC_STAMP_READ <"$DFC_STATE/stamps/$id" || true
		if [[ -n $DFC_STAMP_READ ]] && ((!DFC_DRY_RUN)); then
			dfc_stamp_write "$1" "$DFC_STAMP_READ"
		fi
	fi
}

# Open this process's journal, unless it is open: a file named by the time
# (in microseconds) and the process.
dfc_journal_open() {
	local us
	if [[ -n $DFC_JOURNAL_FD ]]; then
		return 0
	fi
	dfc_now us
	if ((${#us} < 16)); then
		printf -v us '%(%s)T000000' -1 # no EPOCHREALTIME: bash < 5
	fi
	DFC_JOURNAL=$DFC_STATE/stamps/@$us.$$
	if ! exec {DFC_JOURNAL_FD}>>"$DFC_JOURNAL"; then
		DFC_JOURNAL_FD=''
		return 1
	fi
}

# dfc_stamp_write I TEXT: TEXT is step I's stamp from now on.
dfc_stamp_write() {
	DFC_STAMP_OF[${DFC_STEP_ID[$1]}]=$2
	dfc_journal_open || return 1
	DFC_JOURNAL_RECORDS=$((DFC_JOURNAL_RECORDS + 1))
	printf '%s\n%s\0' "${DFC_STEP_ID[$1]}" "$2" >&"$DFC_JOURNAL_FD"
}

# Close this process's journal (a Slurm job's, at its end).
dfc_journal_close() {
	if [[ -n $DFC_JOURNAL_FD ]]; then
		exec {DFC_JOURNAL_FD}>&-
		DFC_JOURNAL_FD=''
	fi
}

# At the end of a local run: close the journal, remove it if nothing was
# written to it, and merge the journals into one when there are too many
# (a crash between the write and the removal leaves both, which agree). A
# Slurm job never merges: others may be writing theirs.
dfc_stamps_end() {
	local id tmp
	local -a recs=()
	if [[ -z $DFC_JOURNAL_FD ]]; then
		return 0
	fi
	dfc_journal_close
	if ((${#DFC_JOURNALS[@]} + 1 <= DFC_JOURNALS_MAX)); then
		# (the jobs of a parallel run write to it too, when they start or fail)
		if ((DFC_JOURNAL_RECORDS == 0 && DFC_NR_RAN == 0 && ${#DFC_FAILED[@]} == 0)); then
			rm -f -- "$DFC_JOURNAL"
		fi
		return 0
	fi
	for id in "${!DFC_STAMP_OF[@]}"; do
		recs+=("$id"$'\n'"${DFC_STAMP_OF[$id]}")
	done
	dfc_now tmp
	tmp=$DFC_STATE/stamps/@$tmp.$$.all
	if printf '%s\0' "${recs[@]}" >"$tmp"; then
		rm -f -- "${DFC_JOURNALS[@]}" "$DFC_JOURNAL"
	fi
}

# dfc_step_paths i: the paths of step i's inputs then outputs into DFC_PATHS.
dfc_step_paths() {
	local k
	DFC_PATHS=()
	for k in ${DFC_STEP_INPUTS[$1]} ${DFC_STEP_OUTPUTS[$1]}; do
		DFC_PATHS+=("${DFC_DS_PATH[k]}")
	done
}

# The token of step d's stamp into DFC_TOKEN ('' when it has none).
dfc_token() {
	dfc_stamp_read "$1"
	DFC_TOKEN=${DFC_STAMP_READ%%$'\n'*}
	DFC_TOKEN=${DFC_TOKEN#token }
}

# Step i's stamp as it would be written now, into DFC_STAMP (lines after
# the token): what its run depends on, then its outputs. The files must
# have been hashed (dfc_hash).
dfc_stamp_text() {
	local i=$1 k d
	dfc_step_cmd "$i"
	DFC_STAMP="script ${DFC_STEP_BLOB[i]}"$'\n'"${DFC_STEP_CMD[i]}"$'\n'
	for k in ${DFC_STEP_INPUTS[i]}; do
		DFC_STAMP+="input ${DFC_DS_ID[k]} ${DFC_SHA[${DFC_DS_PATH[k]}]}"$'\n'
	done
	for d in ${DFC_STEP_AFTER[i]}; do
		dfc_token "$d"
		DFC_STAMP+="after ${DFC_STEP_ID[d]} $DFC_TOKEN"$'\n'
	done
	for k in ${DFC_STEP_OUTPUTS[i]}; do
		DFC_STAMP+="output ${DFC_DS_ID[k]} ${DFC_SHA[${DFC_DS_PATH[k]}]}"$'\n'
	done
}

# Whether step i's reason is known without reading its files: forced, no
# stamp, a failed or unfinished run, a stamp of an older format. Sets
# DFC_REASON; DFC_STAMP_READ holds the stamp, unless forced.
dfc_why_early() {
	if ((DFC_FORCE)); then
		DFC_REASON=forced
		return 0
	fi
	dfc_stamp_read "$1"
	case $DFC_STAMP_READ in
	'') DFC_REASON="never run" ;;
	"token failed"$'\n'*) DFC_REASON="last run failed" ;;
	"token -"$'\n'*) DFC_REASON="last run did not finish" ;;
	token\ *) return 1 ;;
	*) DFC_REASON="stamp of an older script" ;;
	esac
}

# Why step i must run, into DFC_REASON ('' when it is up to date). Its
# files are hashed here when a reason needs them, not otherwise.
dfc_why() {
	local i=$1 j content
	local -a old=() new=() words=()
	DFC_REASON=''
	if ((DFC_ALL_UP_TO_DATE && !DFC_FORCE)) || dfc_why_early "$i"; then
		return
	fi
	content=$DFC_STAMP_READ
	dfc_step_paths "$i"
	dfc_hash "${DFC_PATHS[@]}"
	dfc_stamp_text "$i"
	# The usual case, up to date, in one comparison of the whole stamp.
	content=${content#*$'\n'}
	if [[ $content == "$DFC_STAMP" ]]; then
		return
	fi
	# Else the first line that differs says why.
	mapfile -t old <<<"${content%$'\n'}"
	mapfile -t new <<<"${DFC_STAMP%$'\n'}"
	for j in "${!new[@]}"; do
		if [[ ${new[j]} == "${old[j]:-}" ]]; then
			continue
		fi
		read -r -a words <<<"${new[j]}"
		case ${words[0]} in
		script) DFC_REASON="script changed" ;;
		interpreter) DFC_REASON="interpreter changed" ;;
		file) DFC_REASON="script changed" ;;
		arguments) DFC_REASON="arguments changed" ;;
		input) DFC_REASON="input ${words[1]} changed" ;;
		after) DFC_REASON="upstream ${words[1]} changed" ;;
		output)
			if [[ ${old[j]:-} != "output ${words[1]} "* ]]; then
				DFC_REASON="outputs changed"
			elif [[ ${words[2]} == - ]]; then
				DFC_REASON="output ${words[1]} missing"
			else
				DFC_REASON="output ${words[1]} changed"
			fi
			;;
		esac
		return
	done
	DFC_REASON="outputs changed" # the stamp has more lines
}

# The stamps of the steps that succeeded (their positions in DFC_TO_STAMP,
# in the order they ran) are written in two halves. Once a second, the
# files of all of them are hashed together: one stat and one sha256sum
# (dfc_hash_pending). Their stamps and record lines are then written a few
# at a time while the next steps run (dfc_write_stamps), in the order the
# steps ran, so that a step's stamp is written after those of the steps it
# follows (it holds their tokens). The cache is saved at the end of the run
# (dfc_cache_save): losing it costs hashing again, never a wrong skip.
declare -a DFC_TO_STAMP=() DFC_HASHED=()
DFC_HASHED_AT=0

dfc_hash_pending() {
	local i
	local -a paths=()
	if ((${#DFC_TO_STAMP[@]} == 0)); then
		return 0
	fi
	for i in "${DFC_TO_STAMP[@]}"; do
		dfc_step_paths "$i"
		paths+=("${DFC_PATHS[@]}")
	done
	dfc_hash "${paths[@]}"
	DFC_HASHED+=("${DFC_TO_STAMP[@]}")
	DFC_TO_STAMP=()
}

# dfc_write_stamps [N]: write the stamps of N hashed steps (all by default).
dfc_write_stamps() {
	local n=${1:-${#DFC_HASHED[@]}} i k token
	while ((n-- > 0 && DFC_HASHED_AT < ${#DFC_HASHED[@]})); do
		i=${DFC_HASHED[DFC_HASHED_AT]}
		DFC_HASHED_AT=$((DFC_HASHED_AT + 1))
		for k in ${DFC_STEP_OUTPUTS[i]}; do
			if [[ ${DFC_SHA[${DFC_DS_PATH[k]}]} == - ]]; then
				dfc_warn "step '${DFC_STEP_ID[i]}' did not write ${DFC_DS_ID[k]} (${DFC_DS_PATH[k]})"
			fi
		done
		dfc_stamp_text "$i"
		token=${EPOCHREALTIME:-$SECONDS}.$$.$i
		dfc_stamp_write "$i" "token $token"$'\n'"$DFC_STAMP" ||
			dfc_warn "cannot write a stamp in $PWD/$DFC_STATE/stamps: step '${DFC_STEP_ID[i]}' will run again"
		dfc_record_step "$i" ran 0
	done
	if ((DFC_HASHED_AT == ${#DFC_HASHED[@]})); then
		DFC_HASHED=()
		DFC_HASHED_AT=0
	fi
}

# Every stamp still to write, now: at the end of a run, when it is
# interrupted, at the end of a Slurm job.
dfc_flush_stamps() {
	dfc_hash_pending
	dfc_write_stamps
}

# While a step runs: hash once a second, or once 64 steps are waiting (so
# that little is left for the end of the run, when no step hides the
# work), and write two stamps (one step ends per step run: two catch up).
DFC_LAST_FLUSH=0
dfc_flush_due() {
	local now=${EPOCHREALTIME%[.,]*}
	if ((${#DFC_TO_STAMP[@]} >= 64)) ||
		{ ((${#DFC_TO_STAMP[@]})) && [[ -z $now || $now != "$DFC_LAST_FLUSH" ]]; }; then
		dfc_hash_pending
		DFC_LAST_FLUSH=$now
	fi
	if ((${#DFC_HASHED[@]})); then
		dfc_write_stamps 2
	fi
}

# --- The whole run at once ---------------------------------------------------
#
# .dfc/uptodate records, after a run that left every selected step up to
# date, the signature of each file that decided it: this script, each
# step's script, inputs and outputs, and the stamps' journals (after a
# version line, the selected steps and this script's sha256, for the run
# record). A later run whose files all
# still have those signatures is up to date as a whole: one `stat`, and no
# stamp read or file hashed. Any change to any of them (size, mtime, ctime
# or inode) breaks the record, so it never has to be removed. It is written
# only when each file was last changed at least a second before it was
# checked (the racy rule, as for the cache); else the next run checks each
# step and writes it.

DFC_UPTODATE=$DFC_STATE/uptodate
DFC_ALL_UP_TO_DATE=0

# The files of the record, in its order, into DFC_RUN_FILES; the stamps'
# journals also into DFC_RUN_STAMPS. With every step selected, every
# dataset (one that no step uses only makes the record break more often).
dfc_run_files() {
	local i k
	DFC_RUN_FILES=("$DFC_SELF")
	if ((${#DFC_SELECTED[@]} == DFC_NR_STEPS)); then
		DFC_RUN_FILES+=("${DFC_STEP_FILE[@]}" "${DFC_DS_PATH[@]}")
	else
		for i in "${!DFC_SELECTED[@]}"; do
			DFC_RUN_FILES+=("${DFC_STEP_FILE[i]}")
			for k in ${DFC_STEP_INPUTS[i]} ${DFC_STEP_OUTPUTS[i]}; do
				DFC_RUN_FILES+=("${DFC_DS_PATH[k]}")
			done
		done
	fi
	dfc_journal_list
	DFC_RUN_STAMPS=("${DFC_JOURNAL_LIST[@]}")
	DFC_RUN_FILES+=("${DFC_RUN_STAMPS[@]}")
}

# Whether the record holds for this run: sets DFC_ALL_UP_TO_DATE.
dfc_uptodate_check() {
	local -a rec=() now=()
	local k selected was is
	if ((DFC_FORCE)) || [[ -z $DFC_SELF || ! -s $DFC_UPTODATE ]]; then
		return 0
	fi
	mapfile -d '' rec <"$DFC_UPTODATE" || return 0
	printf -v selected '%s ' "${!DFC_SELECTED[@]}"
	if [[ ${rec[0]:-} != "dfc-uptodate 3" || ${rec[1]:-} != "$selected" ]]; then
		return 0
	fi
	dfc_run_files
	if ((${#rec[@]} != ${#DFC_RUN_FILES[@]} + 3)); then
		return 0
	fi
	for ((k = 0; k < ${#DFC_RUN_FILES[@]}; k += 1000)); do
		dfc_collect stat -L --printf='%s %.9Y %.9Z %i\0' -- "${DFC_RUN_FILES[@]:k:1000}"
		now+=("${DFC_RECORDS[@]}")
	done
	printf -v was '%s\n' "${rec[@]:3}"
	printf -v is '%s\n' "${now[@]}"
	if [[ $is == "$was" ]]; then
		DFC_ALL_UP_TO_DATE=1
		DFC_SHA[$DFC_SELF]=${rec[2]} # for the run record
	fi
}

# After a run that left every selected step up to date (stamps flushed),
# write the record, if each file is settled.
dfc_uptodate_save() {
	local -a sigs=() fresh=()
	local -A is_fresh=()
	local p sig at now selected
	if ((DFC_DRY_RUN || DFC_ALL_UP_TO_DATE)) || [[ -z $DFC_SELF ]]; then
		return 0
	fi
	dfc_run_files
	# Stat'ed now: the stamps, and any dataset that no step uses (no
	# decision depended on their content).
	fresh=("${DFC_RUN_STAMPS[@]}")
	if ((${#DFC_SELECTED[@]} == DFC_NR_STEPS)); then
		for p in "${DFC_DS_PATH[@]}"; do
			if [[ -z ${DFC_SIG[$p]+set} ]]; then
				fresh+=("$p")
			fi
		done
	fi
	dfc_stat "${fresh[@]}"
	for p in "${fresh[@]}"; do
		is_fresh[$p]=1
	done
	now=${EPOCHREALTIME%[.,]*}
	for p in "${DFC_RUN_FILES[@]}"; do
		sig=${DFC_SIG[$p]:-}
		if [[ -n ${is_fresh[$p]:-} ]]; then
			at=$now
		elif [[ -n $sig && ${DFC_C_SIG[$p]:-} == "$sig" ]]; then
			at=${DFC_C_AT[$p]}
		else
			sig='' # not a regular file, or not hashed as it is now
		fi
		if [[ -z $sig ]]; then
			if [[ -s $DFC_UPTODATE ]]; then
				: >"$DFC_UPTODATE"
			fi
			return 0
		fi
		if ! dfc_settled "$sig" "$at"; then
			return 0 # changed in the second it was checked: next time
		fi
		sigs+=("$sig")
	done
	printf -v selected '%s ' "${!DFC_SELECTED[@]}"
	printf '%s\0' "dfc-uptodate 3" "$selected" "${DFC_SHA[$DFC_SELF]:--}" "${sigs[@]}" >"$DFC_UPTODATE" ||
		dfc_warn "cannot write $PWD/$DFC_UPTODATE"
}
