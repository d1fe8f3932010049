# fish completion for data-factory-cli: commands, options, pipeline ids and
# versions, node ids and config keys, all asked of the tool itself (the
# tables that parse them). One function decides what the word under the
# cursor is, as the bash and zsh completions do: `--opt=VALUE` and
# `-i=ID` complete the value, and file names are offered only where the
# word is one.

# The options whose value is the next word.
function __dfc_takes_value -a opt
    contains -- $opt -i --id -v --version -f --file -o --output -m --message \
        --home --catalog --color --token --format --target --on --template \
        --node --from --only --jobs --workdir --repo --name --search --since \
        --source-commit --sbatch-arg
end

# The words before the cursor, the tool's name left out.
function __dfc_words
    set -l w (commandline -opc)
    set -e w[1]
    printf '%s\n' $w
end

# The command, then the words after it that are neither options nor their
# values, one a line; nothing before the command is given.
function __dfc_line
    set -l skip 0
    set -l seen 0
    for w in (__dfc_words)
        if test $skip -eq 1
            set skip 0
        else if string match -q -- '-*=*' $w
        else if string match -q -- '-*' $w
            # Before the command, only global options take a value.
            if test $seen -eq 1; or contains -- $w --home --catalog --color
                __dfc_takes_value $w; and set skip 1
            end
        else if test $seen -eq 0 -a "$w" = pipeline
        else
            set seen 1
            echo $w
        end
    end
end

# The value of option $long (or $short) given before the cursor.
function __dfc_value_of -a long short
    set -l w (__dfc_words)
    set -l n (count $w)
    for i in (seq $n)
        switch $w[$i]
            case $long $short
                if test $i -lt $n
                    echo $w[(math $i + 1)]
                    return 0
                end
            case "$long=*" "$short=*"
                string replace -r '^[^=]*=' '' -- $w[$i]
                return 0
        end
    end
    return 1
end

# The tool's answer from the store of the --home on the line, if any.
function __dfc_store
    set -l home (__dfc_value_of --home --home)
    if test -n "$home"
        env DATA_FACTORY_HOME=(string replace -r '^~' -- $HOME $home) data-factory-cli $argv 2>/dev/null
    else
        data-factory-cli $argv 2>/dev/null
    end
end

# The values of option $opt that begin like $cur, for command $cmd.
function __dfc_values -a opt cur cmd
    switch $opt
        case -i --id
            __dfc_store --list-ids
        case -v --version
            set -l id (__dfc_value_of --id -i)
            test -n "$id"; and __dfc_store --list-versions $id
        case --node --from --only
            # The pipeline file of -f, else the version -i (and -v) name.
            set -l src
            set -l file (__dfc_value_of --file -f)
            set -l id (__dfc_value_of --id -i)
            if test -n "$file"
                set src -f (string replace -r '^~' -- $HOME $file)
            else if test -n "$id"
                set src -i $id
                set -l v (__dfc_value_of --version -v)
                test -n "$v"; and set src $src -v $v
            else
                return
            end
            # --node runs one step: a script node (so does the script's --only).
            test $opt = --from; or set src --scripts $src
            __dfc_store --list-nodes $src
        case --color
            printf '%s\n' auto always never
        case --target
            printf '%s\n' bash slurm
        case --on
            echo slurm
        case --template
            data-factory-cli init --list-templates 2>/dev/null
        case --format
            switch $cmd
                case diff
                    printf '%s\n' text json patch mermaid
                case graph
                    printf '%s\n' mermaid dot ascii
                case lineage
                    printf '%s\n' text json mermaid dot
                case report
                    printf '%s\n' html mermaid
            end
        case --home --repo --workdir
            __fish_complete_directories $cur ''
        case -f --file -o --output --name
            __fish_complete_path $cur
    end
end

function __dfc_complete
    set -l cur (commandline -ct)
    set -l prev (commandline -opc)[-1]
    set -l line (__dfc_line)
    set -l cmd $line[1]
    set -e line[1]
    if string match -qr -- '^-[^=]*=' $cur
        # --opt=VALUE and -i=ID: the values, after the option as typed.
        set -l opt (string replace -r '=.*' '' -- $cur)
        set -l value (string replace -r '^[^=]*=' '' -- $cur)
        for v in (__dfc_values $opt $value "$cmd")
            echo "$opt=$v"
        end
        return
    end
    if string match -q -- '-*' $prev; and not string match -q -- '-*=*' $prev
        and __dfc_takes_value $prev
        and begin
            test -n "$cmd"; or contains -- $prev --home --catalog --color
        end
        __dfc_values $prev $cur "$cmd"
        return
    end
    if string match -q -- '-*' $cur
        data-factory-cli "$cmd" --list-options 2>/dev/null
    else if test -z "$cmd"
        data-factory-cli --list-commands 2>/dev/null
    else
        # The first word after list, config, hooks and runs says what to
        # do (after runs, a pipeline file is one too); after `config
        # get|set|unset`, a key; then nothing.
        set -l first
        switch $cmd
            case list
                set first pipelines scripts datasets
            case config
                set first get set unset list
            case hooks
                set first install uninstall record
            case runs
                set first show import
        end
        if test (count $line) -eq 0 -a (count $first) -gt 0
            printf '%s\n' $first
            test $cmd = runs; and __fish_complete_path $cur
        else if test $cmd = config
            if test (count $line) -eq 1; and contains -- $line[1] get set unset
                data-factory-cli --list-config-keys 2>/dev/null
            end
        else
            __fish_complete_path $cur
        end
    end
end

complete -c data-factory-cli -f -a '(__dfc_complete)'
