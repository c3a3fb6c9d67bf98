#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's everyday verbs (issue 18, item 4): pause/unpause (FreezeUnit/ThawUnit), top, port, rename,
# update (SetUnitProperties, kept for the next start) and exec -d.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

COUNTER='i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done'

# The counter the container writes, read from the host (an exec into a frozen cgroup would hang).
counter() {
        cat "/proc/$(systemctl show -P MainPID "conman-$1.service")/root/tmp/c"
}

# systemd froze the unit (cgroup v2), or, on the hybrid harness machine where systemd 252 cannot, the
# container's cgroup in the v1 freezer hierarchy is frozen (as runc pause does).
frozen() {
        [ "$(systemctl show -P FreezerState "conman-$1.service")" = frozen ] ||
                grep -qx FROZEN "/sys/fs/cgroup/freezer/conman.slice/conman-$1.service/container/freezer.state"
}

counter_moves() {
        local a
        a=$(counter "$1")
        sleep 0.5
        [ "$(counter "$1")" != "$a" ]
}

@test "pause freezes the container (its counter stops), ps and inspect say paused, unpause resumes" {
        conmanctl run -d --name fr --rootfs "$R" /bin/sh -c "$COUNTER"
        wait_until 10 counter_moves fr
        run conmanctl pause fr
        [ "$status" -eq 0 ]
        [ "$output" = fr ]
        frozen fr
        a=$(counter fr)
        sleep 0.6
        [ "$(counter fr)" = "$a" ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' fr)" = paused ]
        [ "$(conmanctl inspect -f '{{.State.Paused}}' fr)" = true ]
        [ "$(conmanctl inspect -f '{{.State.Running}}' fr)" = true ]
        run conmanctl ps
        [[ "$output" == *"(Paused)"* ]]
        run timeout 10 conmanctl exec fr true
        [ "$status" -eq 125 ]
        [[ "$output" == *"paused"* ]]
        run conmanctl unpause fr
        [ "$status" -eq 0 ]
        refute frozen fr
        wait_until 5 counter_moves fr
        [ "$(conmanctl inspect -f '{{.State.Status}}' fr)" = running ]
}

@test "stop, kill and rm -f of a paused container work" {
        conmanctl run -d --name ps1 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl run -d --name ps2 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl run -d --name ps3 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl pause ps1 ps2 ps3
        run timeout 30 conmanctl stop -t 2 ps1
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' ps1)" = exited ]
        run conmanctl kill ps2
        [ "$status" -eq 0 ]
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" ps2)" = exited ]'
        run timeout 30 conmanctl rm -f ps3
        [ "$status" -eq 0 ]
        refute conmanctl inspect ps3
}

@test "a paused container is still paused after systemctl restart conmand" {
        conmanctl run -d --name keep --rootfs "$R" /bin/sh -c "$COUNTER"
        wait_until 10 counter_moves keep
        conmanctl pause keep
        systemctl restart conmand
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = paused ]
        refute counter_moves keep
        conmanctl unpause keep
        wait_until 5 counter_moves keep
}

@test "pause: bad input is a clear error with exit code 125" {
        run conmanctl pause nosuch
        [ "$status" -eq 125 ]
        [[ "$output" == *"nosuch"* ]]
        conmanctl create --name cr --rootfs "$R" /bin/true
        run conmanctl pause cr
        [ "$status" -eq 125 ]
        [[ "$output" == *"not running"* ]]
        run conmanctl unpause cr
        [ "$status" -eq 125 ]
        conmanctl run -d --name twice --rootfs "$R" /bin/sleep 1000
        conmanctl pause twice
        run conmanctl pause twice
        [ "$status" -eq 125 ]
        [[ "$output" == *"already paused"* ]]
}

@test "top lists the container's processes with docker's columns, and takes ps options" {
        conmanctl run -d --name tp --rootfs "$R" /bin/sh -c 'sleep 1001 & sleep 1002'
        wait_until 10 sh -c 'conmanctl top tp | grep -q "sleep 1002"'
        run conmanctl top tp
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
        [[ "$output" == *"sleep 1001"* ]]
        [[ "$output" == *"sleep 1002"* ]]
        [ "${#lines[@]}" -ge 3 ] # header, the two sleeps (sh may exec the last one)
        refute grep -q conmand <<<"$output"
        run conmanctl top tp -o pid,args
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" =~ PID\ +COMMAND ]]
        [[ "$output" == *"sleep 1001"* ]]
        run conmanctl top nosuch
        [ "$status" -eq 125 ]
        conmanctl create --name tpc --rootfs "$R" /bin/true
        run conmanctl top tpc
        [ "$status" -eq 125 ]
        [[ "$output" == *"not running"* ]]
}

@test "port prints the published ports as docker does" {
        conmanctl create --name pt -p 8080:80 -p 127.0.0.1:5353:53/udp --rootfs "$R" /bin/true
        run conmanctl port pt
        [ "$status" -eq 0 ]
        [[ "$output" == *"80/tcp -> 0.0.0.0:8080"* ]]
        [[ "$output" == *"53/udp -> 127.0.0.1:5353"* ]]
        run conmanctl port pt 80
        [ "$output" = "0.0.0.0:8080" ]
        run conmanctl port pt 53/udp
        [ "$output" = "127.0.0.1:5353" ]
        run conmanctl port pt 81
        [ "$status" -eq 125 ]
        [[ "$output" == *"81/tcp"* ]]
        run conmanctl port pt 80/bogus
        [ "$status" -eq 125 ]
        run conmanctl port nosuch
        [ "$status" -eq 125 ]
}

@test "rename of an exited container, then start: it runs under the new name and unit" {
        conmanctl run --name old --rootfs "$R" /bin/true
        run conmanctl rename old new
        [ "$status" -eq 0 ]
        run conmanctl inspect old
        [ "$status" -ne 0 ]
        [ "$(conmanctl inspect -f '{{.Name}}' new)" = new ] || [ "$(conmanctl inspect -f '{{.Name}}' new)" = /new ]
        run conmanctl start new
        [ "$status" -eq 0 ]
        conmanctl create --name r3 --rootfs "$R" /bin/sleep 1000
        conmanctl rename r3 r4
        conmanctl start r4
        [ "$(systemctl show -P ActiveState conman-r4.service)" = active ]
        run systemctl status conman-r4.service
        [ "$status" -eq 0 ]
        [[ "$(systemctl show -P ControlGroup conman-r4.service)" == *conman-r4.service ]]
        pid=$(systemctl show -P MainPID conman-r4.service)
        grep -q conman-r4.service "/proc/$pid/cgroup"
        # the new name and id survive a restart of conmand (container.json)
        systemctl restart conmand
        [ "$(conmanctl inspect -f '{{.State.Status}}' r4)" = running ]
}

@test "rename: bad input is a clear error with exit code 125" {
        conmanctl create --name a1 --rootfs "$R" /bin/true
        conmanctl create --name a2 --rootfs "$R" /bin/true
        run conmanctl rename a1 a2
        [ "$status" -eq 125 ]
        [[ "$output" == *"already in use"* ]]
        run conmanctl rename a1 'bad/name'
        [ "$status" -eq 125 ]
        [[ "$output" == *"Invalid container name"* ]]
        run conmanctl rename nosuch x
        [ "$status" -eq 125 ]
        conmanctl run -d --name busy --rootfs "$R" /bin/sleep 1000
        run conmanctl rename busy other
        [ "$status" -eq 125 ]
        [[ "$output" == *"stop it first"* ]]
}

@test "update --memory changes MemoryMax live and is kept across a restart of the container" {
        conmanctl run -d --name up -m 64m --rootfs "$R" /bin/sleep 1000
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 67108864 ]
        run conmanctl update --memory 128m --pids-limit 100 --cpus 0.5 --restart on-failure:3 up
        [ "$status" -eq 0 ]
        [ "$output" = up ]
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 134217728 ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 100 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec conman-up.service)" = 500ms ]
        conmanctl restart up
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 134217728 ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 100 ]
        [ "$(systemctl show -P Restart conman-up.service)" = on-failure ]
        [ "$(conmanctl inspect -f '{{.HostConfig.Memory}}' up)" = 134217728 ]
}

@test "update --memory-reservation, --blkio-weight and --cpuset-cpus reach the unit" {
        conmanctl run -d --name up2 --rootfs "$R" /bin/sleep 1000
        conmanctl update --memory 256m --memory-reservation 64m --blkio-weight 300 --cpuset-cpus 0 up2
        [ "$(systemctl show -P MemoryLow conman-up2.service)" = 67108864 ]
        [ "$(systemctl show -P IOWeight conman-up2.service)" = 300 ]
        [ "$(systemctl show -P AllowedCPUs conman-up2.service)" = 0 ]
}

@test "update: bad input is a clear error with exit code 125" {
        conmanctl run -d --name ub --rootfs "$R" /bin/sleep 1000
        run conmanctl update --memory lots ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"--memory"* ]]
        run conmanctl update --blkio-weight 5 ub
        [ "$status" -eq 125 ]
        run conmanctl update --memory 1k ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"Memory limit"* ]]
        run conmanctl update --bogus ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"Usage: conmanctl update"* ]]
        run conmanctl update ub
        [ "$status" -eq 125 ]
        run conmanctl update -m 64m nosuch
        [ "$status" -eq 125 ]
}

@test "exec -d returns at once and leaves its process running" {
        conmanctl run -d --name ex --rootfs "$R" /bin/sleep 1000
        run timeout 10 conmanctl exec -d ex /bin/sleep 777
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        wait_until 10 sh -c 'conmanctl top ex | grep -q "sleep 777"'
}

@test "the new verbs have --help and a man page entry" {
        for v in pause unpause top port rename update; do
                run conmanctl $v --help
                [ "$status" -eq 0 ]
                [[ "$output" == "Usage: conmanctl $v"* ]]
                conmanctl __verbs | grep -qx "$v"
        done
        run conmanctl exec --help
        [[ "$output" == *"--detach"* ]]
}
