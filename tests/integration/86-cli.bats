#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line a docker user expects (ctl/help.c, completion/, man/): -h/--help on every verb, a bad
# flag's usage line and exit 125, --version without a daemon, docker's exit codes (125 ours, 126 not
# executable, 127 not found, else the command's) for run, start -a and exec, shell completion of verbs,
# flags and names from the daemon, and a man page per verb that matches its --help.

bats_require_minimum_version 1.5.0
load helpers

IMG=localhost/cli-box:1

setup_file() {
        local w=/var/tmp/cli-img
        make_rootfs /var/tmp/rootfs
        if ! conmanctl images -q 2>/dev/null | grep -q .; then
                rm -rf "$w" && mkdir -p "$w"
                umoci init --layout "$w/oci" && umoci new --image "$w/oci:1"
                umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
                cp -a /var/tmp/rootfs/. "$w/b/rootfs/"
                umoci repack --image "$w/oci:1" "$w/b" >/dev/null
                conmanctl image import "$w/oci" "$IMG" >/dev/null
        fi
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

@test "run: a command not found exits 127, one not executable 126, ours 125, else the command's" {
        run -127 conmanctl run --rm "$IMG" /nonexistent
        echo "$output"
        [[ "$output" == *"was not found"* ]]
        run -127 conmanctl run --rm "$IMG" nosuchcommand
        [ "$status" -eq 127 ]
        run conmanctl run --rm "$IMG" /etc/passwd
        echo "$output"
        [ "$status" -eq 126 ]
        run conmanctl run --rm "$IMG" sh -c 'exit 7'
        [ "$status" -eq 7 ]
        run -127 conmanctl run --rm --rootfs "$R" /nonexistent
        [ "$status" -eq 127 ]
        run conmanctl run --rm --rootfs "$R" /etc
        [ "$status" -eq 126 ]
        run conmanctl run --no-such-flag "$IMG" true
        [ "$status" -eq 125 ]
        [[ "$output" == *"Usage: conmanctl run"* ]]
        [[ "$output" == *"See 'conmanctl run --help'."* ]]
        run conmanctl run --rm localhost/no-such-image:1 true
        [ "$status" -eq 125 ]
        [ -z "$(conmanctl ps -a -q)" ]
}

@test "start -a and run -d: the same exit codes; a container that does not exist is 125" {
        conmanctl create --name cli-nf "$IMG" /nonexistent
        run -127 conmanctl start -a cli-nf
        run -126 conmanctl run -d --name cli-nx "$IMG" /etc/passwd
        [[ "$output" == *"not executable"* ]]
        run -125 conmanctl start -a no-such-container
        run -125 conmanctl stop no-such-container
        run -125 conmanctl nosuchverb
}

@test "exec: the command's exit code, 126 when it cannot be executed, 125 when the container is not running" {
        conmanctl run -d --name cli-ex "$IMG" sleep 1000
        run -7 conmanctl exec cli-ex sh -c 'exit 7'
        run -0 conmanctl exec cli-ex true
        run -126 conmanctl exec cli-ex /etc/passwd
        # docker answers 126 for an exec of a missing command too (21-exec.bats); conmand's exec.c decides
        run -126 conmanctl exec cli-ex /nonexistent
        run -125 conmanctl exec --no-such-flag cli-ex true
        [[ "$output" == *"Usage: conmanctl exec"* ]]
        run -125 conmanctl exec no-such-container true
}

@test "every verb and sub-verb: -h, --help and 'help VERB' print its help on stdout and exit 0" {
        local verbs
        verbs=$(conmanctl __verbs)
        [ "$(echo "$verbs" | wc -l)" -ge 40 ]
        while read -r v; do
                for h in -h --help; do
                        run --separate-stderr conmanctl $v $h
                        [ "$status" -eq 0 ] || { echo "$v $h: $status $stderr"; false; }
                        [[ "$output" == "Usage: conmanctl "* ]] || { echo "$v $h: $output"; false; }
                        [ -z "$stderr" ]
                done
                run --separate-stderr conmanctl help $v
                [ "$status" -eq 0 ]
                [[ "$output" == "Usage: conmanctl "* ]]
        done <<<"$verbs"
        # -h among other flags, and after operands
        run -0 conmanctl ps -a -h
        run -0 conmanctl stop -t 3 some-container -h
        [[ "$output" == "Usage: conmanctl stop"* ]]
        # run's -h is docker's --hostname: only a lone -h is help; after the image it is the command's
        run -0 conmanctl run -h
        [[ "$output" == "Usage: conmanctl run"* ]]
        run -0 conmanctl run --rm -h cli-host "$IMG" hostname
        [ "$output" = cli-host ]
        run -0 conmanctl run --rm "$IMG" sh -c 'echo "$0 $1"' --help -h
        [ "$output" = "--help -h" ]
        run -0 conmanctl --help
        run -0 conmanctl help
}

@test "a bad flag on any verb prints the verb's usage line and a hint on stderr and exits 125" {
        while read -r v; do
                run --separate-stderr conmanctl $v --no-such-flag
                [ "$status" -eq 125 ] || { echo "$v: $status"; false; }
                [ -z "$output" ]
                [[ "$stderr" == *"Usage: conmanctl "* ]] || { echo "$v: $stderr"; false; }
                [[ "$stderr" == *"See 'conmanctl $v --help'."* ]] || { echo "$v: $stderr"; false; }
        done < <(conmanctl __verbs | grep -v -x -e image -e network -e pod -e generate -e system -e volume -e healthcheck)
}

@test "--version and version: the client's version without a daemon (exit 0), the daemon's with one" {
        run -0 conmanctl version
        [[ "${lines[0]}" == "Client: conmanctl "* ]]
        [[ "${lines[1]}" == "Daemon: conmand "* ]]
        CONMAN_BUS_ADDRESS=unix:path=/nonexistent run -0 --separate-stderr conmanctl --version
        [[ "$output" == "Client: conmanctl "* ]]
        CONMAN_BUS_ADDRESS=unix:path=/nonexistent run -0 conmanctl -v
        CONMAN_BUS_ADDRESS=unix:path=/nonexistent run -125 conmanctl ps
}

# complete LINE: the bash completions of "conmanctl LINE" (the last word, empty after a space, completed).
complete_line() {
        local words
        read -ra words <<<"$1"
        [[ $1 == *" " ]] && words+=("")
        COMP_WORDS=(conmanctl "${words[@]}")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _conmanctl
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

@test "bash completion (installed): verbs, flags, and container, image, network and pod names from conmand" {
        . /usr/share/bash-completion/completions/conmanctl
        [ "$(type -t _conmanctl)" = function ]
        [ "$(complete -p conmanctl)" = "complete -F _conmanctl conmanctl" ]
        conmanctl run -d --name cli-web "$IMG" sleep 1000
        conmanctl create --name cli-idle "$IMG" true
        conmanctl network create cli-net
        conmanctl pod create cli-pod
        [ "$(complete_line st)" = "start stats stop" ]
        [ "$(complete_line "stop cli-")" = "cli-idle cli-web" ]
        [ "$(complete_line "logs -f cli-w")" = "cli-web" ]
        [ "$(complete_line "container inspect cli-i")" = "cli-idle" ]
        [ "$(complete_line "exec -it cli-w")" = "cli-web" ]
        [ "$(complete_line "run --rm localhost/cli")" = "$IMG" ]
        [ "$(complete_line "rmi localhost/cli-")" = "$IMG" ]
        [ "$(complete_line "network rm cli-")" = "cli-net" ]
        [ "$(complete_line "run --network cli-")" = "cli-net" ]
        [ "$(complete_line "pod stop cli-")" = "cli-pod" ]
        [ "$(complete_line "run --pod cli-")" = "cli-pod" ]
        [[ " $(complete_line "run --rm --re") " == *" --restart "* ]]
        conmanctl pod rm -f cli-pod
        conmanctl network rm cli-net
}

@test "zsh completion and man pages are installed; every verb's --help matches its man page" {
        [ -f /usr/share/zsh/site-functions/_conmanctl ]
        [ "$(head -1 /usr/share/zsh/site-functions/_conmanctl)" = "#compdef conmanctl" ]
        run -0 python3 "$SRC/tests/ctl/check-man-help.py" "$(command -v conmanctl)" /usr/share/man/man1
        echo "$output"
        [[ "$output" == *", 0 problems" ]]
        [ -f /usr/share/man/man1/conmanctl-run.1 ] && [ -f /usr/share/man/man1/conmanctl-network-create.1 ]
}
