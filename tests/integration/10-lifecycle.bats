#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Container lifecycle on systemd units: run, ps, stop, rm, exit codes, journal, limits, restart policies.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        pkill -f "conmanctl events" || true
        remove_all_containers
}

@test "run -d: the container is a running unit whose MainPID is the container's init, with no runtime left" {
        run conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'echo hi; sleep 1000'
        [ "$status" -eq 0 ]
        [[ "$output" =~ ^[0-9a-f]{64}$ ]]
        run conmanctl ps
        [[ "$output" == *"web"* ]]
        [[ "$output" == *"Up "* ]]
        [ "$(systemctl show -P ActiveState conman-web.service)" = active ]
        [ "$(systemctl show -P Slice conman-web.service)" = conman.slice ]
        pid=$(systemctl show -P MainPID conman-web.service)
        [ "$pid" -gt 0 ]
        [ "$(cat /proc/$pid/comm)" = sleep ]
        [ "$(conmanctl inspect -f '{{.State.Pid}}' web)" = "$pid" ]
        refute pgrep -x runc
        refute pgrep -x crun
        run systemctl status conman-web.service
        [[ "$output" == *"conman container web (rootfs $R)"* ]]
        [[ "$output" == *"sleep 1000"* ]]
}

@test "the container's output is in journalctl -u with CONTAINER_NAME and CONTAINER_ID fields" {
        id=$(conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'echo hi; echo oops >&2; sleep 1000')
        wait_until 10 sh -c 'journalctl -u conman-web.service -o cat | grep -qx hi'
        run journalctl -u conman-web.service -o verbose --output-fields=CONTAINER_NAME,CONTAINER_ID,MESSAGE
        [[ "$output" == *"CONTAINER_NAME=web"* ]]
        [[ "$output" == *"CONTAINER_ID=${id:0:12}"* ]]
        run conmanctl logs web
        [[ "$output" == *"hi"* ]]
        [[ "$output" == *"oops"* ]]
}

@test "output lines: split ones are joined, long ones go out in 16 KiB pieces, a last line without newline is kept" {
        # "ab" and "cd" written apart still make one line; 20,000 x's are 16384 + 3616 characters
        conmanctl run --name lines --rootfs "$R" /bin/sh -c \
                'printf ab; sleep 0.3; printf "cd\n"; head -c 20000 /dev/zero | tr "\0" x; echo; printf tail-no-newline'
        run journalctl -u conman-lines.service -o cat
        [[ "$output" == *$'\n'abcd$'\n'* ]] || [[ "$output" == abcd$'\n'* ]]
        lens=$(journalctl -u conman-lines.service -o cat | grep '^xx' | awk '{ print length($0) }' | tr '\n' ' ')
        [ "$lens" = "16384 3616 " ]
        journalctl -u conman-lines.service -o cat | grep -qx tail-no-newline
}

@test "stop ends the container within its timeout; rm removes unit, bundle and state" {
        id=$(conmanctl run -d --name web --stop-timeout 3 --rootfs "$R" /bin/sh -c 'trap "" TERM; sleep 1000')
        SECONDS=0
        conmanctl stop web
        [ $SECONDS -le 8 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' web)" = 137 ]
        [ -d /var/lib/conman/containers/$id ]
        conmanctl rm web
        [ ! -e /var/lib/conman/containers/$id ]
        run systemctl show -P LoadState conman-web.service
        [ "$output" = not-found ]
        run conmanctl inspect web
        [ "$status" -ne 0 ]
        [[ "$output" == *"No such container"* ]]
        [ -z "$(ls /run/conman/runc 2>/dev/null)" ]
}

@test "stop sends the stop signal to the init: a TERM-handling container exits cleanly" {
        conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'trap "exit 0" TERM; echo trapped; while :; do sleep 0.1; done'
        # a stop before the shell set its trap would meet PID 1's default (SIGTERM ignored) and end in SIGKILL
        wait_until 10 sh -c 'conmanctl logs web | grep -qx trapped'
        conmanctl stop web
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' web)" = 0 ]
}

@test "run --rm exits with the container's exit code and leaves nothing" {
        run conmanctl run --rm --name gone --rootfs "$R" /bin/sh -c 'echo out; exit 7'
        [ "$status" -eq 7 ]
        [ "$output" = out ]
        run conmanctl ps -a -q
        [ -z "$output" ]
        [ -z "$(ls /var/lib/conman/containers)" ]
}

@test "a foreground container killed by SIGKILL reports 137" {
        conmanctl run --name k --rootfs "$R" /bin/sleep 1000 &
        client=$!
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" k 2>/dev/null)" = running ]'
        conmanctl kill k
        status=0
        wait $client || status=$?
        [ "$status" -eq 137 ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' k)" = 137 ]
}

@test "foreground run streams stdout and stderr separately" {
        run sh -c "conmanctl run --rm --rootfs $R /bin/sh -c 'echo to-out; echo to-err >&2' 2>/dev/null"
        [ "$output" = to-out ]
        run sh -c "conmanctl run --rm --rootfs $R /bin/sh -c 'echo to-out; echo to-err >&2' 2>&1 >/dev/null"
        [ "$output" = to-err ]
}

@test "create, start, wait, start again: exit codes and timestamps follow" {
        conmanctl create --name job --rootfs "$R" /bin/sh -c 'exit 3'
        [ "$(conmanctl inspect -f '{{.State.Status}}' job)" = created ]
        conmanctl start job
        run conmanctl wait job
        [ "$output" = 3 ]
        first=$(conmanctl inspect -f '{{.State.FinishedAt}}' job)
        conmanctl start job
        run conmanctl wait job
        [ "$output" = 3 ]
        [ "$(conmanctl inspect -f '{{.State.FinishedAt}}' job)" != "$first" ]
        run conmanctl ps -a
        [[ "$output" == *"Exited (3)"* ]]
}

@test "rm of a container whose init ended while its unit still tears down waits for it (docker's rm of an exited one)" {
        # the unit's ExecStopPost= (network teardown, unmounts) runs after the init exits: a window in which the
        # container is "stopping"; rm without -f waits for it instead of refusing, as docker's rm of an exited one
        for i in 1 2 3 4 5 6; do
                conmanctl create --name "quick$i" --rootfs "$R" /bin/true
                conmanctl start "quick$i"
                conmanctl rm "quick$i"
        done
        [ -z "$(conmanctl ps -a -q)" ]
        # a running container is still refused without -f; kill (SIGKILL) returns once it has exited, then rm works
        conmanctl run -d --name alive --rootfs "$R" /bin/sleep 1000
        run conmanctl rm alive
        [ "$status" -eq 125 ]
        [[ "$output" == *"stop it first"* ]]
        conmanctl kill alive
        conmanctl rm alive
}

@test "kill -s delivers a signal to the init" {
        conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done'
        conmanctl kill -s USR1 web
        run conmanctl wait web
        [ "$output" = 42 ]
}

@test "--memory becomes MemoryMax on the unit and in the cgroup; other limits become unit properties" {
        conmanctl run -d --name lim --memory 64m --cpus 0.5 --pids-limit 50 --cpu-shares 512 \
                --stop-signal INT --stop-timeout 7 --rootfs "$R" /bin/sleep 1000
        [ "$(systemctl show -P MemoryMax conman-lim.service)" = 67108864 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec conman-lim.service)" = 500ms ]
        [ "$(systemctl show -P TasksMax conman-lim.service)" = 50 ]
        [ "$(systemctl show -P CPUWeight conman-lim.service)" = 50 ]
        [ "$(systemctl show -P KillSignal conman-lim.service)" = 2 ]
        [ "$(systemctl show -P KillMode conman-lim.service)" = mixed ]
        [ "$(systemctl show -P TimeoutStopUSec conman-lim.service)" = 7s ]
        if [ -f /sys/fs/cgroup/memory/conman.slice/conman-lim.service/memory.limit_in_bytes ]; then
                [ "$(cat /sys/fs/cgroup/memory/conman.slice/conman-lim.service/memory.limit_in_bytes)" = 67108864 ]
        elif [ -f /sys/fs/cgroup/conman.slice/conman-lim.service/memory.max ]; then
                [ "$(cat /sys/fs/cgroup/conman.slice/conman-lim.service/memory.max)" = 67108864 ]
        fi
        pid=$(systemctl show -P MainPID conman-lim.service)
        grep -q conman-lim.service /proc/$pid/cgroup
}

@test "--restart on-failure:2 restarts exactly twice" {
        conmanctl run -d --name flaky --restart on-failure:2 --rootfs "$R" /bin/sh -c 'echo run; sleep 0.3; exit 1'
        starts() { journalctl -u conman-flaky.service -o cat | grep -c '^Starting conman-flaky.service'; }
        wait_until 30 sh -c "[ \$(journalctl -u conman-flaky.service -o cat | grep -c '^Failed to start conman-flaky') -ge 1 ]"
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" flaky)" = exited ]'
        sleep 2 # a fourth start would show by now
        [ "$(starts)" -eq 3 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' flaky)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' flaky)" = 1 ]
        conmanctl logs flaky | grep -qx run
}

@test "--restart always restarts a container that exits; RestartCount is visible" {
        conmanctl run -d --name again --restart always --rootfs "$R" /bin/sh -c 'sleep 0.2; exit 0'
        wait_until 20 sh -c '[ "$(systemctl show -P NRestarts conman-again.service)" -ge 2 ]'
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.RestartCount}}" again)" -ge 1 ]'
        conmanctl stop again
        [ "$(conmanctl inspect -f '{{.State.Status}}' again)" = exited ]
}

@test "restart runs the same container again" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        pid1=$(systemctl show -P MainPID conman-web.service)
        conmanctl restart -t 1 web
        pid2=$(systemctl show -P MainPID conman-web.service)
        [ "$pid2" -gt 0 ]
        [ "$pid1" != "$pid2" ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web)" = running ]
}

@test "names, full ids and unique id prefixes all address a container" {
        id=$(conmanctl create --name byname --rootfs "$R" /bin/true)
        [ "$(conmanctl inspect -f '{{.Name}}' "$id")" = byname ]
        [ "$(conmanctl inspect -f '{{.Name}}' "${id:0:10}")" = byname ]
        [ "$(conmanctl inspect -f '{{.Id}}' byname)" = "$id" ]
}

@test "crun works as the runtime too" {
        run conmanctl run --rm --runtime crun --rootfs "$R" /bin/sh -c 'echo crun-ok; exit 4'
        [ "$status" -eq 4 ]
        [ "$output" = crun-ok ]
        conmanctl run -d --name c1 --runtime crun --rootfs "$R" /bin/sleep 1000
        pid=$(systemctl show -P MainPID conman-c1.service)
        [ "$(cat /proc/$pid/comm)" = sleep ]
        refute pgrep -x crun
        conmanctl rm -f c1
}

@test "volumes, env, workdir, user, hostname and read-only root reach the container" {
        mkdir -p /var/tmp/vol && echo data >/var/tmp/vol/file
        run conmanctl run --rm -v /var/tmp/vol:/data:ro -e FOO=bar -w /data -u 65534 -h boxy --read-only \
                --rootfs "$R" /bin/sh -c 'cat file; echo $FOO; pwd; id -u; hostname; touch /x 2>/dev/null || echo ro; touch /data/y 2>/dev/null || echo vro'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = data ]
        [ "${lines[1]}" = bar ]
        [ "${lines[2]}" = /data ]
        [ "${lines[3]}" = 65534 ]
        [ "${lines[4]}" = boxy ]
        [ "${lines[5]}" = ro ]
        [ "${lines[6]}" = vro ]
}

@test "ps --format json, ps -q, labels in inspect, container ls alias" {
        conmanctl run -d --name web -l tier=front --rootfs "$R" /bin/sleep 1000
        run conmanctl ps --format json
        echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["Names"]=="web" and d[0]["State"]=="running"'
        [ "$(conmanctl inspect -f '{{.Config.Labels.tier}}' web)" = front ]
        run conmanctl container ls -q
        [ "${#lines[@]}" -eq 1 ]
        [ "${#output}" -eq 12 ]
}

@test "stats reads memory and tasks from the unit" {
        conmanctl run -d --name web --memory 32m --rootfs "$R" /bin/sleep 1000
        run conmanctl stats --no-stream web
        [ "$status" -eq 0 ]
        [[ "$output" == *"web"* ]]
        [[ "$output" == *"32.00MiB"* ]]
}

@test "events reports create, start, die and destroy" {
        conmanctl events >/tmp/events.log 2>&1 3>&- &
        ev=$!
        sleep 0.5
        conmanctl run --rm --name evt --rootfs "$R" /bin/sleep 0.5
        sleep 0.5
        kill $ev
        grep -q "create .* (name=evt" /tmp/events.log
        grep -q "start .* (name=evt" /tmp/events.log
        grep -q "die .* (name=evt, exitCode=0)" /tmp/events.log
        grep -q "destroy .* (name=evt" /tmp/events.log
}

@test "every container verb answers --help" {
        for v in run create start stop restart kill rm wait ps inspect logs stats events; do
                run conmanctl "$v" --help
                [ "$status" -eq 0 ]
                [[ "$output" == *"Usage: conmanctl $v"* ]]
        done
}

@test "a container object exports io.conman1.Container as dbus/io.conman1.Container.xml describes it" {
        conmanctl create --name obj --rootfs "$R" /bin/true
        path=$(busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetContainer s obj | cut -d'"' -f2)
        [[ "$path" == /io/conman1/container/* ]]
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Container.xml "$path"
        echo "$output"
        [ "$status" -eq 0 ]
        run busctl --system get-property io.conman1 "$path" io.conman1.Container State
        [ "$output" = 's "created"' ]
}

@test "logs -f follows until the container exits; --tail and -t work" {
        conmanctl run -d --name f --rootfs "$R" /bin/sh -c 'echo one; sleep 1; echo two; sleep 1; echo three'
        run timeout 20 conmanctl logs -f f
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = one ]
        [ "${lines[2]}" = three ]
        run conmanctl logs --tail 1 f
        [ "$output" = three ]
        run conmanctl logs -t --tail 1 f
        [[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T.*Z\ three$ ]]
}

@test "machinectl lists a running container and forgets it when it stops" {
        systemctl start systemd-machined 2>/dev/null || skip "systemd-machined is not available"
        conmanctl run -d --name mach_1 --rootfs "$R" /bin/sleep 1000
        wait_until 10 sh -c 'machinectl list --no-legend | grep -q "^mach-1 *container *conman"'
        [ "$(machinectl show -p Leader --value mach-1)" = "$(systemctl show -P MainPID conman-mach_1.service)" ]
        [ "$(machinectl show -p Unit --value mach-1)" = conman-mach_1.service ]
        conmanctl stop -t 1 mach_1
        wait_until 10 sh -c '! machinectl list --no-legend | grep -q "^mach-1 "'
}
