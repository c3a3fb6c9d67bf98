#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Interactive containers: run -it on a real pseudo-terminal, detach keys, attach, resize, stdin (-i),
# attach after kill -9 of conmand (fds from the fd store), exec; with runc and crun.

load helpers

PTY="$BATS_TEST_DIRNAME/interactive/ptydrive.py"

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
}

teardown() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
}

# Drives "$@" on a pseudo-terminal with the steps in $STEPS; sets $status like `run`.
drive() {
        run bash -c 'printf "%s\n" "$1" | "$0" "${@:2}"' "$PTY" "$STEPS" "$@"
}

conmand_ready() {
        busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListContainers b false >/dev/null 2>&1
}

interactive_session() {
        local runtime=$1
        STEPS='expect / # 
send echo $((6*7))\r
expect \r\n42\r\n
send stty size\r
expect 24 80
resize 40 100
sleep 0.3
send stty size\r
expect 40 100
send \x10\x11
eof'
        drive --rows 24 --cols 80 -- conmanctl run -it --runtime "$runtime" --name it --rootfs "$R" /bin/sh
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Detached from"* ]]
        [ "$(conmanctl inspect -f '{{.State.Status}}' it)" = running ]

        STEPS='send echo again-$((1+2))\r
expect again-3
send exit 3\r
eof'
        drive -- conmanctl attach it
        echo "$output"
        [ "$status" -eq 3 ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' it)" = 3 ]
        # What the terminal showed is in the journal, as lines.
        run conmanctl logs it
        [[ "$output" == *"again-3"* ]]
}

@test "run -it (runc): type, read 42, resize, detach with ctrl-p ctrl-q, attach again, exit 3" {
        interactive_session runc
}

@test "run -it (crun): type, read 42, resize, detach with ctrl-p ctrl-q, attach again, exit 3" {
        interactive_session crun
}
