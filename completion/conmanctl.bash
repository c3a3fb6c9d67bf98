# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for conmanctl(1): verbs and sub-verbs (`conmanctl __verbs`), each verb's flags (read
# from its own --help, so they never go stale), and the names of containers, images, networks, volumes and
# pods from conmand (`ps -a --format`, `images --format`, `network ls -q`, `volume ls -q`,
# `pod ps --format`). The name lookups need the daemon; without one they complete nothing.

_conmanctl_cmd() {
        "${_conmanctl_bin:-conmanctl}" "$@" 2>/dev/null
}

# _conmanctl_flags VERB [SUB]: every flag the verb's --help names.
_conmanctl_flags() {
        _conmanctl_cmd "$@" --help | grep -oE '(^|[][ ,|(])--?[A-Za-z][A-Za-z0-9-]*' |
                grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*' | sort -u
}

# _conmanctl_value_flags VERB [SUB]: the flags that take a value ("-e, --env KEY=VALUE"), one a line.
_conmanctl_value_flags() {
        _conmanctl_cmd "$@" --help | grep -oE '^ +(-[A-Za-z], )?--[A-Za-z0-9-]+ [A-Z[]' |
                grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*'
}

_conmanctl_containers() { _conmanctl_cmd ps -a --format '{{.Names}}'; }
_conmanctl_images() { _conmanctl_cmd images --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>'; }
_conmanctl_networks() { _conmanctl_cmd network ls -q; }
_conmanctl_volumes() { _conmanctl_cmd volume ls -q; }
_conmanctl_pods() { _conmanctl_cmd pod ps --format '{{.Name}}'; }

# _conmanctl_operand PATH: what the verb's operands name (containers, images, networks, pods, files).
_conmanctl_operand() {
        case $1 in
        run | create | pull | rmi | "image inspect" | "image rm" | "image pull") echo images ;;
        "network inspect" | "network rm") echo networks ;;
        "volume inspect" | "volume rm") echo volumes ;;
        "pod "[a-z]*) [ "$1" = "pod create" ] && echo none || echo pods ;;
        "generate unit") echo containers-and-pods ;;
        "image import") echo files ;;
        ps | images | events | info | version | "image ls" | "image prune" | "network ls" | "network create" | \
                "volume ls" | "volume create" | "volume prune")
                echo none ;;
        *) echo containers ;;
        esac
}

# _conmanctl_value FLAG: candidates for a flag's value.
_conmanctl_value() {
        case $1 in
        --network | --net) printf '%s\n' bridge none host; _conmanctl_networks ;;
        --pod) _conmanctl_pods ;;
        --restart) printf '%s\n' no on-failure always unless-stopped ;;
        --pull) printf '%s\n' always missing never ;;
        --runtime) printf '%s\n' runc crun ;;
        --userns) printf '%s\n' auto host ;;
        --format | -f) printf '%s\n' json table ;;
        -s | --signal | --stop-signal) printf '%s\n' TERM KILL HUP INT QUIT USR1 USR2 ;;
        *) return 1 ;;
        esac
        return 0
}

_conmanctl_names() {
        case $1 in
        containers) _conmanctl_containers ;;
        images) _conmanctl_images ;;
        networks) _conmanctl_networks ;;
        volumes) _conmanctl_volumes ;;
        pods) _conmanctl_pods ;;
        containers-and-pods) _conmanctl_containers; _conmanctl_pods ;;
        esac
}

_conmanctl() {
        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
        local verb= sub= path= operands=0 i w takes_value= rootfs=

        for ((i = 1; i < COMP_CWORD; i++)); do
                w=${COMP_WORDS[i]}
                if [ -n "$takes_value" ]; then takes_value=; continue; fi
                if [[ $w == -* ]]; then
                        [[ $w == --rootfs* ]] && rootfs=1
                        [ -n "$path" ] && [[ $w != *=* ]] &&
                                grep -qxF -- "$w" <<<"$(_conmanctl_value_flags $path)" && takes_value=1
                        continue
                fi
                if [ -z "$verb" ]; then
                        [ "$w" = container ] && continue
                        verb=$w path=$w
                        [ "$verb" = ls ] && verb=ps path=ps
                elif [ -z "$sub" ] && [ $operands -eq 0 ] &&
                        grep -qxF "$verb $w" <<<"$(_conmanctl_cmd __verbs)"; then
                        sub=$w path="$verb $w"
                else
                        operands=$((operands + 1))
                fi
        done

        if [ -z "$verb" ]; then
                local top
                top="$(_conmanctl_cmd __verbs | grep -v ' ') container help --help --version"
                COMPREPLY=($(compgen -W "$top" -- "$cur"))
                return 0
        fi
        if [ "$verb" = help ]; then
                COMPREPLY=($(compgen -W "$(_conmanctl_cmd __verbs | grep -v ' ')" -- "$cur"))
                return 0
        fi
        if [ -z "$sub" ] && [ $operands -eq 0 ] && [[ $cur != -* ]] &&
                _conmanctl_cmd __verbs | grep -q "^$verb "; then
                COMPREPLY=($(compgen -W "$(_conmanctl_cmd __verbs | sed -n "s/^$verb //p")" -- "$cur"))
                return 0
        fi
        if [ -n "$takes_value" ]; then
                local values
                if values=$(_conmanctl_value "$prev"); then
                        COMPREPLY=($(compgen -W "$values" -- "$cur"))
                else
                        COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return 0
        fi
        if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$(_conmanctl_flags $path)" -- "$cur"))
                return 0
        fi
        # run, create and exec: after the image (or the container), the rest is the container's command
        case $path in run | create | exec)
                if [ $operands -ge 1 ] || [ -n "$rootfs" ]; then
                        COMPREPLY=($(compgen -c -- "$cur"))
                        return 0
                fi ;;
        esac
        local what
        what=$(_conmanctl_operand "$path")
        case $what in
        none) COMPREPLY=() ;;
        files) COMPREPLY=($(compgen -f -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "$(_conmanctl_names "$what")" -- "$cur")) ;;
        esac
        return 0
}

complete -F _conmanctl conmanctl
