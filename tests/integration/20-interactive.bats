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

@test "kill -9 of conmand: attach to a TTY container started before works, no output line lost" {
        conmanctl run -d -t -i --name k --rootfs "$R" /bin/sh
        # A counter writes to the terminal while conmand is down.
        STEPS='send (i=0; while [ $i -lt 60 ]; do echo tick$i; i=$((i+1)); sleep 0.05; done) &\r
expect tick3\r
send \x10\x11
eof'
        drive -- conmanctl attach k
        echo "$output"
        [ "$status" -eq 0 ]
        pid=$(systemctl show -P MainPID conmand.service)
        kill -9 "$pid"
        wait_until 20 sh -c "p=\$(systemctl show -P MainPID conmand.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ]"
        wait_until 20 conmand_ready
        journalctl -u conmand.service -o cat | grep -q "Took back t" || journalctl -u conmand.service -o cat | tail -20
        STEPS='send echo after-$((40+2))\r
expect after-42
send \x10\x11
eof'
        drive -- conmanctl attach k
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' k)" = running ]
        wait_until 10 sh -c 'conmanctl logs k | grep -qx after-42'
        wait_until 10 sh -c 'conmanctl logs k | grep -qx tick59'
        conmanctl logs k >/tmp/k.log
        # a line may start with the shell's prompt ("/ # \e[6ntick0"), so match the end of the line
        for i in $(seq 0 59); do grep -qE "tick$i\$" /tmp/k.log || { echo "tick$i lost"; cat -A /tmp/k.log; false; }; done
}

@test "run -i: stdin is piped into the container and EOF reaches it (runc and crun)" {
        for rt in runc crun; do
                run bash -c "echo data | conmanctl run -i --rm --runtime $rt --rootfs $R cat"
                echo "$rt: $output"
                [ "$status" -eq 0 ]
                [ "$output" = data ]
        done
        run bash -c "printf 'a\nb\nc\n' | conmanctl run -i --rm --rootfs $R /bin/sh -c 'wc -l; exit 4'"
        [ "$status" -eq 4 ]
        [ "$(echo $output)" = 3 ]
}

@test "attach -i container: several clients at once see the output, input goes in" {
        conmanctl run -d -i --name multi --rootfs "$R" /bin/sh -c 'while read l; do echo "got:$l"; done'
        conmanctl attach --no-stdin multi >/tmp/a1.out 2>&1 &
        a1=$!
        conmanctl attach --no-stdin multi >/tmp/a2.out 2>&1 &
        a2=$!
        sleep 0.5
        echo hello | conmanctl attach multi >/tmp/a3.out 2>&1 &
        wait_until 10 grep -qx got:hello /tmp/a1.out
        wait_until 10 grep -qx got:hello /tmp/a2.out
        conmanctl stop -t 1 multi
        wait $a1 || true
        wait $a2 || true
}

@test "no process per container: a TTY container's unit holds only the container's own processes" {
        conmanctl run -d -t -i --name pc --rootfs "$R" /bin/sleep 1000
        conmanctl run -d -i --name pc2 --runtime crun --rootfs "$R" /bin/sleep 1000
        for u in pc pc2; do
                cg=$(systemctl show -P ControlGroup conman-$u.service)
                procs=$(cat $(find /sys/fs/cgroup/systemd"$cg" /sys/fs/cgroup"$cg" -name cgroup.procs 2>/dev/null) | sort -u)
                echo "$u: $procs"
                [ "$(echo "$procs" | wc -l)" -eq 1 ]
                [ "$(cat /proc/$procs/comm)" = sleep ]
                [ "$procs" = "$(systemctl show -P MainPID conman-$u.service)" ]
        done
        # Outside the units: no runtime, no shim; conmand is the only conman process.
        refute pgrep -x runc
        refute pgrep -x crun
        [ "$(pgrep -c conman)" -eq 1 ]
        pgrep -x conmand
}

exec_checks() {
        local rt=$1
        conmanctl run -d --runtime "$rt" --name ex --rootfs "$R" /bin/sleep 1000
        run conmanctl exec ex /bin/sh -c 'echo out-$((2+3)); echo err >&2; exit 6'
        echo "$output"
        [ "$status" -eq 6 ]
        [[ "$output" == *"out-5"* ]]
        [[ "$output" == *"err"* ]]
        run bash -c "echo data | conmanctl exec -i ex cat"
        [ "$status" -eq 0 ]
        [ "$output" = data ]
        # Commands that end at once still report their exit codes, every time.
        for i in 1 2 3 4 5 6 7 8; do
                run conmanctl exec ex /bin/sh -c "exit $i"
                [ "$status" -eq "$i" ]
        done
        run conmanctl exec -e FOO=bar -w /tmp -u nobody ex /bin/sh -c 'echo $FOO $(pwd) $(id -u)'
        echo "$output"
        [ "$output" = "bar /tmp 65534" ]
        # The exec'd process runs in the container (its pid namespace) and its unit is gone after.
        run conmanctl exec ex /bin/sh -c 'echo $$; cat /proc/1/comm'
        [[ "$output" == *"sleep"* ]]
        STEPS='expect # 
send tty; echo $((6*7)); stty size\r
expect /dev/pts/
expect 42\r\n
expect 30 90
send exit 5\r
eof'
        drive --rows 30 --cols 90 -- conmanctl exec -it ex /bin/sh
        echo "$output"
        [ "$status" -eq 5 ]
        [ -z "$(systemctl list-units --all --plain --no-legend 'conman-ex-exec-*')" ]
        # A TTY exec whose command ends at once shows its output and exit code, every time: conman-exec-wait
        # reaps it (under Type=forking it could end before systemd read its pid file, and the exec failed).
        for i in 1 2 3 4 5 6 7 8; do
                STEPS="expect tty-$((i * 11))
eof"
                drive -- conmanctl exec -t ex /bin/sh -c "echo tty-\$(($i * 11)); exit $i"
                echo "$output"
                [ "$status" -eq "$i" ]
        done
        run conmanctl exec -t ex /does/not/exist
        [ "$status" -eq 126 ]
        run conmanctl exec ex /does/not/exist
        [ "$status" -ne 0 ]
        conmanctl stop -t 1 ex
        run conmanctl exec ex /bin/true
        echo "$output"
        [ "$status" -eq 125 ]
        [[ "$output" == *"not running"* ]]
}

@test "exec (runc): exit codes, output, stdin, env/workdir/user, -it on a terminal; stopped container is an error" {
        exec_checks runc
}

@test "exec (crun): exit codes, output, stdin, env/workdir/user, -it on a terminal; stopped container is an error" {
        exec_checks crun
}
