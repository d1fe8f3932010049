# bash completion for data-factory-cli
# Commands and options come from the tool itself (the same tables that
# parse them), so this file never falls out of step with it.
# shellcheck shell=bash

_data_factory_cli() {
	local cur prev cmd at i words=
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--home | --catalog | --color) ((i++)) ;;
		-*) ;;
		pipeline) ;;
		*) cmd=${COMP_WORDS[i]}; at=$i; break ;;
		esac
	done

	case $prev in
	-i | --id)
		# Ids and pipeline names, one a line: a name may hold spaces.
		COMPREPLY=()
		while IFS= read -r i; do
			[[ $i == "$cur"* ]] && COMPREPLY+=("$i")
		done < <("${COMP_WORDS[0]}" --list-ids 2>/dev/null)
		return ;;
	-v | --version)
		for ((i = 1; i < COMP_CWORD; i++)); do
			if [[ ${COMP_WORDS[i]} == -i || ${COMP_WORDS[i]} == --id ]]; then
				mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --list-versions "${COMP_WORDS[i + 1]}" 2>/dev/null)" -- "$cur")
				return
			fi
		done
		return ;;
	--home) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	--color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur"); return ;;
	--target) mapfile -t COMPREPLY < <(compgen -W "bash slurm" -- "$cur"); return ;;
	--on) mapfile -t COMPREPLY < <(compgen -W "slurm" -- "$cur"); return ;;
	--format)
		case $cmd in
		diff) words="text json patch mermaid" ;;
		graph) words="mermaid dot ascii" ;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return ;;
	--template)
		mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" init --list-templates 2>/dev/null | cut -f1)" -- "$cur")
		return ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --list-options "" 2>/dev/null)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --list-commands 2>/dev/null)" -- "$cur")
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" "$cmd" --list-options 2>/dev/null)" -- "$cur")
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace
		return
	fi
	# The first word after list, config, hooks and runs says what to do
	# (after runs, a pipeline file is one too).
	case $cmd in
	list) words="pipelines scripts datasets" ;;
	config) words="get set unset list" ;;
	hooks) words="install uninstall record" ;;
	runs) words="show import" ;;
	esac
	for ((i = at + 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -* ]] || words=
	done
	if [[ -n $words ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		[[ $cmd == runs ]] && mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _data_factory_cli data-factory-cli
