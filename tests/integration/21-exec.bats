#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# exec's command line (daemon/exec.c, shared/oci-process.c): the command goes to the runtime in a process
# file, so systemd expands no `$` in it and `ps` shows no -e value; a command that exits at once reports its
# exit code every time; a missing command answers 126 with the runtime's message, as docker; no exec unit is
# left loaded or failed. With runc and crun.

load helpers

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
}

teardown() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
}

exec_words() {
        conmanctl run -d --runtime "$1" --name ew --rootfs "$R" /bin/sleep 1000
        run conmanctl exec ew echo '$$' '${HOME}' '$HOME' 'a$HOME' '%n' '\x41' ';' '"q"'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = '$$ ${HOME} $HOME a$HOME %n \x41 ; "q"' ]
        # The exec's environment is the container's with the exec's over it.
        run conmanctl exec -e 'PATH=/bin' -e 'V=$HOME x' ew /bin/sh -c 'echo "$V|$PATH"'
        [ "$output" = '$HOME x|/bin' ]
        [ -z "$(systemctl list-units --all --plain --no-legend 'conman-ew-exec-*')" ]
}

@test "exec (runc): arguments with \$, %, quotes reach the command as they are" {
        exec_words runc
}

@test "exec (crun): arguments with \$, %, quotes reach the command as they are" {
        exec_words crun
}

fast_exits() {
        conmanctl run -d --runtime "$1" --name fx --rootfs "$R" /bin/sleep 1000
        for i in $(seq 20); do
                run conmanctl exec fx sh -c 'exit 3'
                [ "$status" -eq 3 ] || { echo "run $i: $status $output"; false; }
        done
        run conmanctl exec fx /bin/true
        [ "$status" -eq 0 ]
        [ -z "$(systemctl list-units --failed --plain --no-legend 'conman-*-exec-*')" ]
        [ -z "$(systemctl list-units --all --plain --no-legend 'conman-fx-exec-*')" ]
}

@test "exec (runc): sh -c 'exit 3' exits 3, 20 times; no exec unit stays failed" {
        fast_exits runc
}

@test "exec (crun): sh -c 'exit 3' exits 3, 20 times; no exec unit stays failed" {
        fast_exits crun
}

missing_command() {
        conmanctl run -d --runtime "$1" --name mc --rootfs "$R" /bin/sleep 1000
        run conmanctl exec mc /does/not/exist
        echo "$output"
        [ "$status" -eq 126 ]
        [[ "$output" == *"/does/not/exist"* ]]
        run conmanctl exec mc nosuchcommand
        [ "$status" -eq 126 ]
        [ -z "$(systemctl list-units --all --plain --no-legend 'conman-mc-exec-*')" ]
}

@test "exec (runc): a command that does not exist exits 126 with the runtime's message, as docker" {
        missing_command runc
}

@test "exec (crun): a command that does not exist exits 126 with the runtime's message, as docker" {
        missing_command crun
}

@test "exec -e SECRET=...: the value is on no command line but the client's, the process file is root's" {
        conmanctl run -d --name sec --rootfs "$R" /bin/sleep 1000
        conmanctl exec -e SECRET=hunter2-value sec /bin/sleep 5 &
        local client=$!
        local i
        for i in $(seq 50); do
                [ -n "$(systemctl list-units --plain --no-legend 'conman-sec-exec-*')" ] && break
                sleep 0.1
        done
        sleep 0.5
        ps -eo pid,args | grep -v conmanctl | grep -v grep >/tmp/ps.txt
        ! grep hunter2 /tmp/ps.txt
        grep -q 'sleep 5' /tmp/ps.txt
        # The process file: 0600, root's.
        local f
        f=$(ls /run/conman/exec-*.json)
        [ "$(stat -c '%a %U' "$f")" = "600 root" ]
        grep -q hunter2-value "$f"
        # The unit's command line: ExecStartEx with no-env-expand, no word of the exec's.
        local unit
        unit=$(systemctl list-units --plain --no-legend 'conman-sec-exec-*' | awk '{print $1}')
        run systemctl show -p ExecStartEx "$unit"
        echo "$output"
        [[ "$output" == *"no-env-expand"* ]]
        [[ "$output" != *"sleep"* ]]
        wait "$client"
        [ ! -e "$f" ]
}
