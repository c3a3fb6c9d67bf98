#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-completion.sh CONMANCTL COMPLETION.bash — drives the bash completion function as bash would
# (COMP_WORDS, COMP_CWORD, then _conmanctl) for what needs no daemon: verbs, sub-verbs, each verb's flags,
# flag values and the container's command after run's image. Names from the daemon are tested by
# tests/integration/86-cli.bats.
set -u
_conmanctl_bin=$1
. "$2"
failed=0 n=0

# complete_line LINE: COMPREPLY for "conmanctl LINE", the last word (empty after a space) being completed.
complete_line() {
        local words
        read -ra words <<<"$1"
        [[ $1 == *" " ]] && words+=("")
        COMP_WORDS=(conmanctl "${words[@]}")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _conmanctl
        printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect_has LINE WORD...: each WORD is among the completions of LINE; expect_is LINE WORDS: exactly these.
expect_has() {
        local line=$1 got; shift
        n=$((n + 1))
        got=$(complete_line "$line")
        for w in "$@"; do
                grep -qxF -- "$w" <<<"$got" && continue
                echo "not ok $n '$line': no '$w' in: $(echo $got)"; failed=$((failed + 1)); return
        done
        echo "ok $n '$line' offers $*"
}

expect_is() {
        local line=$1 want=$2 got
        n=$((n + 1))
        got=$(complete_line "$line" | tr '\n' ' ' | sed 's/ $//')
        [ "$got" = "$want" ] && { echo "ok $n '$line' = $want"; return; }
        echo "not ok $n '$line': '$got', expected '$want'"; failed=$((failed + 1))
}

expect_is "st" "start stats stop"
expect_is "net" "network"
expect_is "network " "create inspect ls prune rm"
expect_is "pod to" "top"
expect_is "help netw" "network"
expect_is "container ls --al" "--all"
expect_has "run --" --rm --name --network --publish --detach --restart --help
expect_has "stop -" -t --time
expect_has "network create --" --subnet --gateway
expect_is "run --restart " "always no on-failure unless-stopped"
expect_is "run --rm --network n" "none"
expect_is "run -d --pull n" "never"
expect_is "kill -s K" "KILL"
expect_has "exec -it box l" ls
expect_has "run --rm --name x --rootfs /tmp l" ls
expect_is "ps " ""

echo "completion: $n checks, $failed failed"
[ $failed -eq 0 ]
