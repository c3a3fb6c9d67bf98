#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmand may die at any moment (kill -9) and come back: containers keep running, state is exact,
# exits that happened meanwhile are recorded, --rm containers that exited meanwhile are gone,
# nothing leaks.

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

crash_conmand() {
        local pid
        pid=$(systemctl show -P MainPID conmand)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
}

# Waits until systemd restarted conmand (Restart=on-failure) or starts it by D-Bus activation.
back_up() {
        wait_until 20 conmanctl info >/dev/null
}

# The unit finished stopping (inactive, failed, or already garbage-collected).
unit_down() {
        case "$(systemctl show -P ActiveState "$1")" in inactive|failed) return 0 ;; *) return 1 ;; esac
}

state_of() {
        conmanctl inspect -f '{{.State.Status}}' "$1"
}

@test "kill -9 of conmand leaves a running container running, and ps is right afterwards" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        pid=$(systemctl show -P MainPID conman-web.service)
        crash_conmand
        [ "$(systemctl show -P MainPID conman-web.service)" = "$pid" ]
        back_up
        [ "$(state_of web)" = running ]
        [ "$(conmanctl inspect -f '{{.State.Pid}}' web)" = "$pid" ]
        run conmanctl ps -q
        [ "${#lines[@]}" -eq 1 ]
        conmanctl stop -t 1 web
        [ "$(state_of web)" = exited ]
}

@test "a container that exits while conmand is down shows its true exit code and finish time" {
        conmanctl run -d --name short --rootfs "$R" /bin/sh -c 'sleep 2; exit 9'
        before=$(date +%s)
        crash_conmand
        wait_until 20 unit_down conman-short.service
        back_up
        [ "$(state_of short)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' short)" = 9 ]
        finished=$(date -d "$(conmanctl inspect -f '{{.State.FinishedAt}}' short)" +%s)
        [ "$finished" -ge "$before" ]
        run conmanctl ps -a
        [[ "$output" == *"Exited (9)"* ]]
}

@test "a --rm container that exits while conmand is down is gone after the restart" {
        id=$(conmanctl run -d --rm --name tmp --rootfs "$R" /bin/sh -c 'sleep 2; exit 0')
        crash_conmand
        wait_until 20 unit_down conman-tmp.service
        back_up
        run conmanctl inspect tmp
        [ "$status" -ne 0 ]
        [ ! -e /var/lib/conman/containers/$id ]
}

@test "kill -9 of conmand while a container is exiting: the exit is recorded once it is back" {
        conmanctl run -d --name slow --stop-timeout 5 --rootfs "$R" /bin/sh -c 'trap "sleep 1; exit 3" TERM; while :; do sleep 0.1; done'
        systemctl stop --no-block conman-slow.service
        crash_conmand
        wait_until 20 unit_down conman-slow.service
        back_up
        [ "$(state_of slow)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' slow)" = 3 ]
}

@test "output written while conmand is down reaches the journal when it is back" {
        conmanctl run -d --name talker --rootfs "$R" /bin/sh -c 'sleep 2; echo while-down; sleep 1000'
        crash_conmand
        sleep 3
        back_up
        wait_until 10 sh -c 'journalctl -u conman-talker.service -o cat | grep -qx while-down'
        run conmanctl logs talker
        [[ "$output" == *while-down* ]]
}

@test "conmand takes its output pipes back from the fd store after a crash" {
        conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'while :; do echo tick; sleep 0.2; done'
        crash_conmand
        back_up
        n1=$(journalctl -u conman-web.service -o cat | grep -c tick)
        sleep 1
        n2=$(journalctl -u conman-web.service -o cat | grep -c tick)
        [ "$n2" -gt "$n1" ]
        [ "$(systemctl show -P NFileDescriptorStore conmand)" -ge 2 ]
}

@test "no unit, runtime state, bundle or stored fd is leaked after crashes and removals" {
        for i in 1 2 3; do conmanctl run -d --name c$i --rootfs "$R" /bin/sleep 1000 >/dev/null; done
        crash_conmand
        back_up
        for i in 1 2 3; do conmanctl rm -f c$i; done
        [ -z "$(ls /var/lib/conman/containers)" ]
        [ -z "$(systemctl list-units --plain --no-legend 'conman-*.service')" ]
        [ -z "$(ls /run/conman/runc 2>/dev/null)" ]
        [ -z "$(ls /run/conman/*.pid 2>/dev/null)" ]
        wait_until 10 sh -c '[ "$(systemctl show -P NFileDescriptorStore conmand)" -eq 0 ]'
}

@test "a half-created container directory is cleaned up at start" {
        mkdir -p /var/lib/conman/containers/.new-0000000000000000000000000000000000000000000000000000000000000000
        systemctl restart conmand
        back_up
        [ ! -e /var/lib/conman/containers/.new-0000000000000000000000000000000000000000000000000000000000000000 ]
}

@test "concurrent creates of one name: exactly one wins, the others get NameInUse" {
        for i in $(seq 1 8); do
                busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                        same 1 /bin/true 1 Rootfs s "$R" >/tmp/create.$i 2>&1 &
        done
        wait
        [ "$(grep -l '^so ' /tmp/create.* | wc -l)" -eq 1 ]
        [ "$(grep -l 'already in use' /tmp/create.* | wc -l)" -eq 7 ]
        [ "$(ls /var/lib/conman/containers | wc -l)" -eq 1 ]
}

@test "systemctl restart conmand: the container keeps running and its output keeps flowing" {
        conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'while :; do echo tick; sleep 0.1; done'
        pid=$(systemctl show -P MainPID conman-web.service)
        systemctl restart conmand
        back_up
        sleep 1
        n1=$(journalctl -u conman-web.service -o cat | grep -c tick)
        sleep 1
        n2=$(journalctl -u conman-web.service -o cat | grep -c tick)
        [ "$n2" -gt "$n1" ]
        [ "$(systemctl show -P MainPID conman-web.service)" = "$pid" ]
        [ "$(state_of web)" = running ]
}

@test "systemctl stop conmand for a while: containers survive, output waits in the pipe" {
        conmanctl run -d --name web --rootfs "$R" /bin/sh -c 'i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.1; done'
        pid=$(systemctl show -P MainPID conman-web.service)
        systemctl stop conmand
        sleep 2
        kill -0 "$pid"
        back_up
        wait_until 10 sh -c 'journalctl -u conman-web.service -o cat | grep -qx line-30'
        [ "$(state_of web)" = running ]
}
