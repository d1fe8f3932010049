# bash completion for data-factory-cli
# Commands, options, ids, node ids and config keys come from the tool
# itself (the same tables that parse them), so this file never falls out
# of step with it.
#
# No global `-o filenames`: it would give `list sc<TAB>` a folder's
# trailing `/` and `--jobs=` an escaped `\=`. It is turned on with compopt
# only where file names are completed (docs/DECISIONS.md).
# shellcheck shell=bash

# Offer each line of standard input that starts with $cur. Read, never
# expanded: compgen -W would expand `$(...)` in a node id of someone
# else's file.
_dfc_offer() {
	local line typed
	_dfc_unquote "$cur" typed
	while IFS= read -r line; do
		[[ $line == "$typed"* ]] && COMPREPLY+=("$line")
	done
}

# The word $1 as the command will get it, into variable $2: quotes and
# backslashes as the user typed them taken off (a name with a space),
# never evaluated.
_dfc_unquote() {
	local in=$1 out='' q='' c i
	for ((i = 0; i < ${#in}; i++)); do
		c=${in:i:1}
		if [[ -z $q && ( $c == "'" || $c == '"' ) ]]; then
			q=$c
		elif [[ -n $q && $c == "$q" ]]; then
			q=''
		elif [[ $c == "\\" && $q != "'" ]]; then
			((i++))
			out+=${in:i:1}
		else
			out+=$c
		fi
	done
	printf -v "$2" %s "$out"
}

# True when option $1 takes the next word for its value.
_dfc_takes_value() {
	case $1 in
	-i | --id | -v | --version | -f | --file | -o | --output | -m | --message | --home | \
		--catalog | --color | --token | --format | --target | --on | --template | --node | \
		--from | --only | --jobs | --workdir | --repo | --name | --search | --since | \
		--source-commit | --sbatch-arg) return 0 ;;
	esac
	return 1
}

# Offer file names (folders only with -d), bash quoting them.
_dfc_files() {
	files=1
	compopt -o filenames 2>/dev/null
	mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen "${1:--f}" -- "$cur")
}

# The value of option $1 (or its short form $2) among the words before
# the current one, into $value; false when none is given.
_dfc_value_of() {
	local j
	value=
	for ((j = 1; j < cword; j++)); do
		case ${w[j]} in
		"$1" | "${2:-$1}") ((j + 1 < cword)) && value=${w[j + 1]} ;;
		"$1"=* | "${2:-$1}"=*) value=${w[j]#*=} ;;
		*) continue ;;
		esac
		[[ -n $value ]] && _dfc_unquote "$value" value && return 0
	done
	return 1
}

# The tool's answer from the store of the --home on the line, if any.
_dfc_store() {
	local value
	if _dfc_value_of --home; then
		DATA_FACTORY_HOME=${value/#\~/$HOME} "$tool" "$@" 2>/dev/null
	else
		"$tool" "$@" 2>/dev/null
	fi
}

# Offer the values of option $opt, as the current word ($cur) begins.
_dfc_values() {
	local value src=()
	case $opt in
	-i | --id) _dfc_offer < <(_dfc_store --list-ids) ;;
	-v | --version)
		_dfc_value_of --id -i && _dfc_offer < <(_dfc_store --list-versions "$value") ;;
	--node | --from | --only)
		# The pipeline file of -f, else the version -i (and -v) name.
		if _dfc_value_of --file -f; then
			src=(-f "${value/#\~/$HOME}")
		elif _dfc_value_of --id -i; then
			src=(-i "$value")
			_dfc_value_of --version -v && src+=(-v "$value")
		else
			return
		fi
		# --node runs one step: a script node (so does the script's --only).
		[[ $opt == --from ]] || src=(--scripts "${src[@]}")
		_dfc_offer < <(_dfc_store --list-nodes "${src[@]}") ;;
	--color) _dfc_offer < <(printf '%s\n' auto always never) ;;
	--target) _dfc_offer < <(printf '%s\n' bash slurm) ;;
	--on) _dfc_offer < <(printf '%s\n' slurm) ;;
	--template) _dfc_offer < <("$tool" init --list-templates 2>/dev/null | cut -f1) ;;
	--format)
		case $cmd in
		diff) _dfc_offer < <(printf '%s\n' text json patch mermaid) ;;
		graph) _dfc_offer < <(printf '%s\n' mermaid dot ascii) ;;
		lineage) _dfc_offer < <(printf '%s\n' text json mermaid dot) ;;
		report) _dfc_offer < <(printf '%s\n' html mermaid) ;;
		esac ;;
	--home | --repo | --workdir) _dfc_files -d ;;
	-f | --file | -o | --output | --name) _dfc_files ;;
	esac
}

_data_factory_cli() {
	local tool=${COMP_WORDS[0]} cur cmd='' at=0 i j cword opt='' pos=0 rest gap files=''
	local -a w=() words=() args=()
	# bash splits `--format=json` at `=` (and `a:b` at `:`, COMP_WORDBREAKS)
	# into words of their own: glue back what the line has no space
	# between, so that w holds the words as typed.
	for ((i = 0; i <= COMP_CWORD; i++)); do
		rest=${COMP_LINE:pos}
		gap=${rest%%[![:space:]]*}
		if ((i > 0)) && [[ -n ${COMP_LINE+set} && -z $gap ]]; then
			w[${#w[@]} - 1]+=${COMP_WORDS[i]}
		else
			w+=("${COMP_WORDS[i]}")
		fi
		((pos += ${#gap} + ${#COMP_WORDS[i]}))
	done
	cword=$((${#w[@]} - 1))
	cur=${w[cword]}
	COMPREPLY=()

	for ((i = 1; i < cword; i++)); do
		case ${w[i]} in
		--home | --catalog | --color) ((i++)) ;;
		-* | pipeline) ;;
		*) cmd=${w[i]}; at=$i; break ;;
		esac
	done

	if [[ $cur == -*=* ]]; then
		# --opt=VALUE: its values, offered whole and cut below as bash split.
		opt=${cur%%=*}
		j=${#COMPREPLY[@]}
		cur=${cur#*=}
		_dfc_values
		for ((; j < ${#COMPREPLY[@]}; j++)); do
			COMPREPLY[j]=$opt=${COMPREPLY[j]}
		done
		cur=${w[cword]}
	elif ((cword > 1)) && _dfc_takes_value "${w[cword - 1]}" &&
		[[ -n $cmd || ${w[cword - 1]} == @(--home|--catalog|--color) ]]; then
		# Before the command, only global options take a value.
		opt=${w[cword - 1]}
		_dfc_values
	fi
	if [[ -z $opt ]]; then
		if [[ $cur == -* ]]; then
			_dfc_offer < <("$tool" "${cmd:-}" --list-options 2>/dev/null)
		elif [[ -z $cmd ]]; then
			_dfc_offer < <("$tool" --list-commands 2>/dev/null)
		else
			# The first word after list, config, hooks and runs says what
			# to do (after runs, a pipeline file is one too); after
			# `config get|set|unset`, a key; then nothing.
			case $cmd in
			list) words=(pipelines scripts datasets) ;;
			config) words=(get set unset list) ;;
			hooks) words=(install uninstall record) ;;
			runs) words=(show import) ;;
			esac
			args=()
			for ((i = at + 1; i < cword; i++)); do
				if [[ ${w[i]} != -* ]]; then
					args+=("${w[i]}")
				elif _dfc_takes_value "${w[i]}"; then
					((i++))
				fi
			done
			if ((${#args[@]} == 0 && ${#words[@]})); then
				_dfc_offer < <(printf '%s\n' "${words[@]}")
				[[ $cmd == runs ]] && _dfc_files
			elif [[ $cmd == config ]]; then
				[[ ${#args[@]} -eq 1 && ${args[0]} == @(get|set|unset) ]] &&
					_dfc_offer < <("$tool" --list-config-keys 2>/dev/null)
			else
				_dfc_files
			fi
		fi
	fi

	# bash replaces only the text after the last word break (`=`, `:`)
	# before the cursor: cut what lies before it from every word offered.
	# Without -o filenames bash quotes nothing: a word that needs it (a
	# node id with a space) is quoted here.
	j=${COMP_WORDS[COMP_CWORD]}
	[[ -n ${COMP_WORDBREAKS-} && -z ${j//[$COMP_WORDBREAKS]/} ]] && j=
	j=$((${#cur} - ${#j}))
	for ((i = 0; i < ${#COMPREPLY[@]}; i++)); do
		((j > 0)) && COMPREPLY[i]=${COMPREPLY[i]:j}
		[[ -n $files ]] || printf -v 'COMPREPLY[i]' %q "${COMPREPLY[i]}"
	done
	# An option that takes a value is completed with its `=`: no space.
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
	return 0
}

complete -F _data_factory_cli data-factory-cli
