# shellcheck shell=bash
#
# runtime_files.sh - the part of every generated script (SPEC §6, §13) that
# puts in the run folder what the steps need before any of them starts: the
# embedded scripts, checked against their git blob ids, and the input
# datasets, from the run folder, the copy embedded in the script or their
# URL. It follows runtime.sh, whose functions and variables it uses, and
# comes before runtime_state.sh, whose stat cache tells it what is there
# already.

# --- Embedded files -----------------------------------------------------------

# The git blob id of what dfc_file_BLOB prints, cut to SIZE bytes, or of
# FILE when one is given: sha1 of "blob SIZE\0content".
dfc_blob_id() {
	local blob=$1 size=$2 file=${3:-} out
	if [[ -n $file ]]; then
		size=$(wc -c <"$file") || return 1
		out=$({ printf 'blob %d\0' "$size"; cat -- "$file"; } | sha1sum) || return 1
	else
		out=$({
			printf 'blob %d\0' "$size"
			{ "dfc_file_$blob" 2>/dev/null || true; } | head -c "$size"
		} | sha1sum) || return 1
	fi
	printf '%s\n' "${out%% *}"
}

# Write the embedded file BLOB (SIZE bytes) to PATH, checked.
dfc_extract() {
	local blob=$1 size=$2 path=$3 got
	dfc_mkparent "$path"
	{ "dfc_file_$blob" 2>/dev/null || true; } | head -c "$size" >"$path.dfc-tmp" ||
		return 1
	got=$(dfc_blob_id "$blob" "$size" "$path.dfc-tmp") || return 1
	if [[ $got != "$blob" ]]; then
		rm -f -- "$path.dfc-tmp"
		return 6
	fi
	mv -f -- "$path.dfc-tmp" "$path"
}

# The cache learns the sha256 of embedded file BLOB's content from PATH,
# which holds it (written from it, or checked against its blob id).
dfc_remember_blob() {
	dfc_hash "$2"
	DFC_C_BLOB[$1]=${DFC_SHA[$2]}
	DFC_CACHE_DIRTY=1
}

# Every selected step's embedded script must have the blob id it was
# generated with: an edited script is refused before anything runs. Once a
# script of a given content (sha256) passed, the cache remembers it, so a
# rerun of the same script checks nothing.
dfc_check_scripts() {
	local i blob got self=''
	local -A seen=()
	if [[ -n $DFC_SELF ]]; then
		dfc_hash "$DFC_SELF"
		self=${DFC_SHA[$DFC_SELF]}
		if [[ $self != - && -n ${DFC_C_CHECKED[$self]:-} ]]; then
			return 0
		fi
	fi
	for i in "${!DFC_SELECTED[@]}"; do
		blob=${DFC_STEP_BLOB[i]}
		if [[ -n ${seen[$blob]+set} ]]; then
			continue
		fi
		seen[$blob]=1
		got=$(dfc_blob_id "$blob" "${DFC_STEP_SIZE[i]}")
		if [[ $got != "$blob" ]]; then
			dfc_die 6 "tampered ${DFC_STEP_ID[i]}" \
				"the embedded script of step '${DFC_STEP_ID[i]}' was changed" \
				"(git blob id $got, expected $blob); regenerate this script"
		fi
	done
	if [[ -n $self && $self != - ]] && ((${#DFC_SELECTED[@]} == DFC_NR_STEPS)); then
		DFC_C_CHECKED[$self]=1
		DFC_CACHE_DIRTY=1
	fi
}

# dfc_script_files I...: the script file in the run folder of each step I,
# into DFC_PATHS.
dfc_script_files() {
	local i
	DFC_PATHS=()
	for i in "$@"; do
		DFC_PATHS+=("${DFC_STEP_FILE[i]}")
	done
}

# Write each selected step's script into the run folder, unless it is
# there already with the content of its blob (the cache knows that
# content's sha256 once the blob was written). Each content is taken out
# of this script and checked once; the other steps with the same script
# get a copy written by bash itself, and the folders, modes and
# signatures of all of them take one process each.
dfc_write_scripts() {
	local LC_ALL=C i path blob content now
	local -a todo=() dirs=() firsts=() copies=() executables=()
	local -A planned=() first=() text=()
	dfc_script_files "${!DFC_SELECTED[@]}"
	dfc_hash "${DFC_PATHS[@]}"
	for i in "${!DFC_SELECTED[@]}"; do
		path=${DFC_STEP_FILE[i]}
		blob=${DFC_STEP_BLOB[i]}
		if [[ -n ${planned[$path]:-} ]] ||
			{ [[ -n ${DFC_C_BLOB[$blob]:-} && ${DFC_SHA[$path]} == "${DFC_C_BLOB[$blob]}" ]] &&
				[[ -n ${DFC_STEP_INTERP[i]} || -x $path ]]; }; then
			continue
		fi
		planned[$path]=1
		todo+=("$i")
		if [[ $path == */* && ! -d ${path%/*} ]]; then
			dirs+=("${path%/*}")
		fi
		if [[ -z ${DFC_STEP_INTERP[i]} ]]; then
			executables+=("$path")
		fi
	done
	if ((${#todo[@]} == 0)); then
		return 0
	fi
	if ((${#dirs[@]})) && ! mkdir -p -- "${dirs[@]}"; then
		dfc_die 1 '' "cannot create the folders of the scripts in $PWD"
	fi
	now=${EPOCHREALTIME%[.,]*}
	for i in "${todo[@]}"; do
		path=${DFC_STEP_FILE[i]}
		blob=${DFC_STEP_BLOB[i]}
		if [[ -z ${first[$blob]:-} ]]; then
			if ! dfc_extract "$blob" "${DFC_STEP_SIZE[i]}" "$path"; then
				dfc_die 6 "tampered ${DFC_STEP_ID[i]}" \
					"cannot write the script of step '${DFC_STEP_ID[i]}' to $path"
			fi
			first[$blob]=$path
			firsts+=("$path")
			content=''
			IFS= read -r -d '' content <"$path" || true
			if ((${#content} == DFC_STEP_SIZE[i])); then
				text[$blob]=$content # no NUL byte: bash can write it
			fi
		elif [[ -n ${text[$blob]+set} ]]; then
			printf '%s' "${text[$blob]}" >"$path" ||
				dfc_die 1 '' "cannot write the script of step '${DFC_STEP_ID[i]}' to $path"
			copies+=("$i")
		else
			cp -- "${first[$blob]}" "$path" ||
				dfc_die 1 '' "cannot write the script of step '${DFC_STEP_ID[i]}' to $path"
			copies+=("$i")
		fi
		dfc_touched "$path"
	done
	if ((${#executables[@]})); then
		chmod +x -- "${executables[@]}"
	fi
	dfc_hash "${firsts[@]}" # one process for all; dfc_remember_blob finds them hashed
	for blob in "${!first[@]}"; do
		dfc_remember_blob "$blob" "${first[$blob]}"
	done
	# A copy holds its blob's content: the cache takes its signature.
	dfc_script_files "${copies[@]}"
	dfc_stat "${DFC_PATHS[@]}"
	for i in "${copies[@]}"; do
		path=${DFC_STEP_FILE[i]}
		DFC_C_SIG[$path]=${DFC_SIG[$path]}
		DFC_C_SHA[$path]=${DFC_C_BLOB[${DFC_STEP_BLOB[i]}]}
		DFC_C_AT[$path]=${now:-0}
	done
	DFC_CACHE_DIRTY=1
}

# --- Datasets -----------------------------------------------------------------

# dfc_sha256 VAR PATH: the sha256 of PATH ('-' when missing) into VAR,
# through the stat cache.
dfc_sha256() {
	dfc_hash "$2"
	printf -v "$1" '%s' "${DFC_SHA[$2]}"
}

# Download dataset k from its URL into its path, checking its sha256.
dfc_download() {
	local k=$1 path=${DFC_DS_PATH[$1]} url=${DFC_DS_URL[$1]} got
	if ! command -v curl >/dev/null 2>&1; then
		dfc_die 5 "missing curl" "curl is needed to download dataset '${DFC_DS_ID[k]}' from $url"
	fi
	dfc_log "${DFC_DS_ID[k]}: downloading $url"
	dfc_mkparent "$path"
	if ! curl --fail --silent --show-error --location --proto '=http,https' \
		--retry 2 --output "$path.dfc-tmp" --url "$url"; then
		rm -f -- "$path.dfc-tmp"
		dfc_die 5 "missing ${DFC_DS_ID[k]}" "cannot download dataset '${DFC_DS_ID[k]}' from $url"
	fi
	if [[ -n ${DFC_DS_SHA[k]} ]]; then
		dfc_sha256 got "$path.dfc-tmp"
		if [[ $got != "${DFC_DS_SHA[k]}" ]]; then
			rm -f -- "$path.dfc-tmp"
			dfc_die 5 "missing ${DFC_DS_ID[k]}" \
				"dataset '${DFC_DS_ID[k]}' from $url has sha256 $got, expected ${DFC_DS_SHA[k]}"
		fi
	else
		dfc_warn "dataset '${DFC_DS_ID[k]}' has no recorded sha256: $url was not checked"
	fi
	mv -f -- "$path.dfc-tmp" "$path"
	dfc_touched "$path"
}

# A dataset no selected step writes must be there before the run starts:
# from the work folder, the embedded copy or its URL.
dfc_prepare_dataset() {
	local k=$1 path=${DFC_DS_PATH[$1]} id=${DFC_DS_ID[$1]} p got
	for p in ${DFC_DS_PRODUCERS[k]}; do
		if [[ -n ${DFC_SELECTED[p]:-} ]]; then
			return 0
		fi
	done
	if [[ -n ${DFC_DS_BLOB[k]} ]]; then
		if [[ -f $path ]]; then
			dfc_sha256 got "$path"
			if [[ $got != "${DFC_C_BLOB[${DFC_DS_BLOB[k]}]:-}" ]]; then
				got=$(dfc_blob_id "${DFC_DS_BLOB[k]}" "${DFC_DS_SIZE[k]}" "$path")
				if [[ $got != "${DFC_DS_BLOB[k]}" ]]; then
					dfc_die 5 "missing $id" "dataset '$id' at $path differs from the copy" \
						"embedded in this script; move it away or use another --workdir"
				fi
				dfc_remember_blob "${DFC_DS_BLOB[k]}" "$path"
			fi
		elif ((DFC_DRY_RUN)); then
			dfc_plan_note "would write dataset $id to $path"
		else
			dfc_extract "${DFC_DS_BLOB[k]}" "${DFC_DS_SIZE[k]}" "$path" ||
				dfc_die 6 "tampered $id" "the embedded copy of dataset '$id' was changed"
			dfc_touched "$path"
			dfc_remember_blob "${DFC_DS_BLOB[k]}" "$path"
		fi
		return 0
	fi
	if [[ -n ${DFC_DS_URL[k]} ]]; then
		if [[ -f $path ]]; then
			dfc_sha256 got "$path"
			if [[ -z ${DFC_DS_SHA[k]} || $got == "${DFC_DS_SHA[k]}" ]]; then
				return 0
			fi
		fi
		if ((DFC_DRY_RUN)); then
			dfc_plan_note "would download dataset $id from ${DFC_DS_URL[k]} to $path"
		else
			dfc_download "$k"
		fi
		return 0
	fi
	if [[ ! -e $path ]]; then
		if [[ -n ${DFC_DS_PRODUCERS[k]// /} ]]; then
			dfc_die 5 "missing $id" "dataset '$id' ($path) is missing: it is written" \
				"by a step this run leaves out"
		fi
		dfc_die 5 "missing $id" "dataset '$id' not found at $path (in $PWD)"
	fi
	if [[ -n ${DFC_DS_SHA[k]} ]]; then
		dfc_sha256 got "$path"
		if [[ $got != "${DFC_DS_SHA[k]}" ]]; then
			dfc_warn "dataset '$id' ($path) has sha256 $got, not the recorded ${DFC_DS_SHA[k]}"
		fi
	fi
}

dfc_prepare_datasets() {
	local i k
	local -A seen=()
	for i in "${!DFC_SELECTED[@]}"; do
		for k in ${DFC_STEP_INPUTS[i]}; do
			if [[ -z ${seen[$k]+set} ]]; then
				seen[$k]=1
				dfc_prepare_dataset "$k"
			fi
		done
	done
}

# A line of a dry run's plan about a dataset, as a shell comment (not in
# the JSON plan, which lists steps only).
dfc_plan_note() {
	if ((!DFC_JSON)); then
		printf '# %s\n' "$*"
	fi
}
