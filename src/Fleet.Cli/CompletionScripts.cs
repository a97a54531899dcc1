namespace Fleet.Cli;

/// <summary>
/// The shell scripts `fleet completion SHELL` prints. Each is thin: verbs, options and their
/// values (the goals of --goal and of apply's positional word) come from fleet itself through
/// System.CommandLine's `[suggest:POSITION] "LINE"` directive, so they never fall behind the
/// command line; the node names and @tags of `--on` come from `fleet nodes --complete` for the
/// fleet the line names (-f, --nixpkgs), completed after the comma-separated terms already typed.
/// When fleet suggests nothing (a file argument), the shell completes file names.
/// </summary>
internal static class CompletionScripts
{
    public const string Bash = """
        # bash completion for fleet (printed by `fleet completion bash`).
        # Load it with: source <(fleet completion bash)
        # or keep it:   fleet completion bash > ~/.local/share/bash-completion/completions/fleet
        _fleet() {
            local cur=${COMP_WORDS[COMP_CWORD]} prev= fleet=${COMP_WORDS[0]} word i
            (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
            COMPREPLY=()
            if [[ $prev == --on ]]; then
                local -a source=()
                for (( i = 1; i < COMP_CWORD - 1; i++ )); do
                    case ${COMP_WORDS[i]} in
                        -f|--file|--nixpkgs) source+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
                    esac
                done
                local head=
                [[ $cur == *,* ]] && head=${cur%,*},
                while IFS= read -r word; do
                    [[ -n $word && $word == "${cur##*,}"* ]] && COMPREPLY+=("$head$word")
                done < <("$fleet" nodes --complete "${source[@]}" 2>/dev/null)
                compopt -o nospace 2>/dev/null
                return 0
            fi
            local line="${COMP_WORDS[*]:1:COMP_CWORD}"
            while IFS= read -r word; do
                [[ -n $word && $word == "$cur"* ]] && COMPREPLY+=("$word")
            done < <("$fleet" "[suggest:${#line}]" "$line" 2>/dev/null)
            return 0
        }
        complete -o default -F _fleet fleet

        """;

    public const string Zsh = """
        #compdef fleet
        # zsh completion for fleet (printed by `fleet completion zsh`).
        # Load it with: source <(fleet completion zsh)   (after compinit)
        # or keep it:   fleet completion zsh > "${fpath[1]}/_fleet"
        _fleet() {
            local fleet=${words[1]} prev=${words[CURRENT-1]} i
            local -a candidates source
            if [[ $prev == --on ]]; then
                for (( i = 2; i < CURRENT - 1; i++ )); do
                    case ${words[i]} in
                        -f|--file|--nixpkgs) source+=(${words[i]} ${words[i+1]}) ;;
                    esac
                done
                candidates=(${(f)"$($fleet nodes --complete $source 2>/dev/null)"})
                compset -P '*,'
                compadd -S '' -- $candidates
                return
            fi
            local line=${(j: :)words[2,CURRENT]}
            candidates=(${(f)"$($fleet "[suggest:${#line}]" "$line" 2>/dev/null)"})
            candidates=(${(M)candidates:#${(b)words[CURRENT]}*})
            if (( $#candidates )); then
                compadd -- $candidates
            else
                _files
            fi
        }
        if [[ $funcstack[1] == _fleet ]]; then
            _fleet "$@"
        else
            compdef _fleet fleet
        fi

        """;

    public const string Fish = """
        # fish completion for fleet (printed by `fleet completion fish`).
        # Load it with: fleet completion fish | source
        # or keep it:   fleet completion fish > ~/.config/fish/completions/fleet.fish
        function __fleet_complete
            set -l words (commandline -opc)
            set -l cur (commandline -ct)
            if test (count $words) -gt 1; and test "$words[-1]" = --on
                set -l source
                for i in (seq 2 (math (count $words) - 1))
                    if contains -- $words[$i] -f --file --nixpkgs
                        set -a source $words[$i] $words[(math $i + 1)]
                    end
                end
                set -l head (string replace -r -- '[^,]*$' '' "$cur")
                for word in ($words[1] nodes --complete $source 2>/dev/null)
                    echo $head$word
                end
                return
            end
            set -l line (string join ' ' -- $words[2..] $cur)
            set -l n (string length -- "$cur")
            set -l matching
            for word in ($words[1] "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null)
                if test (string sub -l $n -- $word) = "$cur"
                    set -a matching $word
                end
            end
            if test (count $matching) -gt 0
                printf '%s\n' $matching
            else
                __fish_complete_path $cur
            end
        end
        complete -c fleet -f -a '(__fleet_complete)'

        """;
}
