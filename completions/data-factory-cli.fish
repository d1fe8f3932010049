# fish completion for data-factory-cli: commands, options, pipeline ids and
# versions, all asked of the tool itself (the tables that parse them).

function __dfc_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --home --catalog --color
                set skip 1
            case '-*' pipeline
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end

function __dfc_options
    set -l cmd (__dfc_command)
    data-factory-cli $cmd --list-options 2>/dev/null | string replace -r '=$' ''
end

function __dfc_versions
    set -l words (commandline -opc)
    set -l n (count $words)
    for i in (seq $n)
        if contains -- $words[$i] -i --id; and test $i -lt $n
            data-factory-cli --list-versions $words[(math $i + 1)] 2>/dev/null
            return
        end
    end
end

complete -c data-factory-cli -f
complete -c data-factory-cli -n 'not __dfc_command' -a '(data-factory-cli --list-commands 2>/dev/null)'
complete -c data-factory-cli -n 'string match -q -- "-*" (commandline -ct)' -a '(__dfc_options)'
complete -c data-factory-cli -s i -l id -x -a '(data-factory-cli --list-ids 2>/dev/null)'
complete -c data-factory-cli -s v -l version -x -a '(__dfc_versions)'
complete -c data-factory-cli -l color -x -a 'auto always never'
complete -c data-factory-cli -l target -x -a 'bash slurm'
complete -c data-factory-cli -l on -x -a 'slurm'
complete -c data-factory-cli -l template -x -a '(data-factory-cli init --list-templates 2>/dev/null | string split -f1 \t)'
complete -c data-factory-cli -l home -x -a '(__fish_complete_directories)'
complete -c data-factory-cli -n '__fish_seen_subcommand_from diff' -l format -x -a 'text json patch mermaid'
complete -c data-factory-cli -n '__fish_seen_subcommand_from graph' -l format -x -a 'mermaid dot ascii'
# The first word after list, config, hooks and runs says what to do.
complete -c data-factory-cli -n 'test (__dfc_command) = list; and not __fish_seen_subcommand_from pipelines scripts datasets' -a 'pipelines scripts datasets'
complete -c data-factory-cli -n 'test (__dfc_command) = config; and not __fish_seen_subcommand_from get set unset list' -a 'get set unset list'
complete -c data-factory-cli -n 'test (__dfc_command) = hooks; and not __fish_seen_subcommand_from install uninstall record' -a 'install uninstall record'
complete -c data-factory-cli -n 'test (__dfc_command) = runs; and not __fish_seen_subcommand_from show import' -a 'show import'
complete -c data-factory-cli -n '__dfc_command' -F
