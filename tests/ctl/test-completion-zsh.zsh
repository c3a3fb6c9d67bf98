#!/usr/bin/env zsh
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-completion-zsh.zsh CONMANCTL _conmanctl — the zsh completion function outside a completion widget:
# compadd, _files and _command_names are stubs that print what they were given, words/CURRENT/PREFIX are set
# as zsh would, so the candidates for verbs, sub-verbs, flags and flag values can be checked without a
# terminal (names from the daemon need conmand: tests/integration/86-cli.bats covers bash's).
emulate -L zsh
conmanctl() { command $CTL "$@" }
CTL=$1
compadd() { if [[ $1 == -a ]]; then print -rl -- ${(P)2}; else print -rl -- "$@"; fi }
_files() { print FILES }
_command_names() { print COMMANDS }
eval "$(sed '$d' $2)"   # the function, without its last line (the call)
integer failed=0 n=0

# expect_has "LINE" WORD...: completing the last word of "conmanctl LINE" offers each WORD.
expect_has() {
        local line=$1 got w; shift
        local -a words
        words=(conmanctl ${(z)line})
        [[ $line == *' ' ]] && words+=('')
        CURRENT=${#words} PREFIX=${words[-1]}
        got=$(_conmanctl)
        n+=1
        for w in "$@"; do
                if ! print -r -- $got | grep -qxF -- $w; then
                        print "not ok $n '$line': no '$w'"; failed+=1; return
                fi
        done
        print "ok $n '$line' offers $*"
}

expect_has "st" start stop stats run network
expect_has "network " create ls inspect rm
expect_has "volume " create ls inspect rm prune
expect_has "pod t" top
expect_has "run --" --rm --name --network --publish --restart
expect_has "stop -" -t --time
expect_has "run --restart " always on-failure unless-stopped no
expect_has "run --network " bridge none host
expect_has "run --rootfs " FILES
expect_has "exec -it web " COMMANDS
expect_has "image import " FILES
print "completion (zsh): $n checks, $failed failed"
(( failed == 0 ))
