#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Crash injection: a seeded workload of create/run/start/stop/restart/kill/rm (and exec when it
# exists) with kill -9 of conmand at random points and daemon-reexec/daemon-reload of PID 1 in
# the middle, then a full consistency check (crash/crash-driver.py check): every container
# matches its unit, nothing is orphaned (unit, runtime state, pid file, bundle, .new-*, temp
# file, stored fd, mount), every state file parses.
#
# Reproduce a run: CONMAN_CRASH_SEED=N (default: a fixed seed; the seed is printed).
# Scale: CONMAN_CRASH_OPS (default 360), CONMAN_CRASH_KILLS (default 70).

load helpers

DRIVER="$BATS_TEST_DIRNAME/crash/crash-driver.py"

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
        conmanctl version >/dev/null
}

# id, state, exit code and pid of every container, sorted
ps_states() {
        conmanctl ps -a --format json |
                python3 -c 'import json,sys; [print(e["Id"], e["State"], e["ExitCode"], e["Pid"]) for e in json.load(sys.stdin)]' |
                sort
}

restarts() {
        systemctl show -P NRestarts conmand
}

@test "a clean machine passes the consistency check (the checker itself)" {
        conmanctl run -d --name a --rootfs "$R" /bin/sleep 1000
        conmanctl create --name b --rootfs "$R" /bin/true
        run "$DRIVER" check
        echo "$output"
        [ "$status" -eq 0 ]
        # and it sees a planted orphan
        mkdir /var/lib/conman/containers/.new-1111111111111111111111111111111111111111111111111111111111111111
        run "$DRIVER" check --settle 1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"half-created"* ]]
        rmdir /var/lib/conman/containers/.new-1111111111111111111111111111111111111111111111111111111111111111
        conmanctl rm -f a b
}

# The states of containers named PREFIX*, one "name state" line each.
states_of() {
        conmanctl ps -a --format '{{.Names}} {{.State}}' | grep "^$1" | sort
}

@test "containers that end while PID 1 re-executes itself are seen ended, with no restart of conmand" {
        for i in 1 2 3 4 5 6 7 8; do
                conmanctl run -d --name "rx$i" --rootfs "$R" /bin/sh -c "sleep 0.$((i + 1))"
        done
        systemctl daemon-reexec
        systemctl daemon-reexec
        systemctl daemon-reload
        systemctl daemon-reexec
        for i in 1 2 3 4 5 6 7 8; do wait_until 20 sh -c "[ \"\$(conmanctl inspect --format '{{.State.Status}}' rx$i)\" = exited ]"; done
        run states_of rx
        echo "$output"
        [ "$(echo "$output" | grep -c ' exited$')" -eq 8 ]
        conmanctl rm rx1 rx2 rx3 rx4 rx5 rx6 rx7 rx8
}

@test "crash injection: ${CONMAN_CRASH_OPS:-360} operations, ${CONMAN_CRASH_KILLS:-70} kill -9 of conmand, reexec and reload of PID 1" {
        seed=${CONMAN_CRASH_SEED:-20240909}
        echo "# seed $seed" >&3
        before=$(restarts)
        run timeout 420 "$DRIVER" workload --seed "$seed" --ops "${CONMAN_CRASH_OPS:-360}" \
                --kills "${CONMAN_CRASH_KILLS:-70}" --rootfs "$R"
        echo "$output"
        echo "# $(echo "$output" | grep '^workload:')" >&3
        [ "$status" -eq 0 ]
        [[ "$output" =~ \"kills\":\ ([0-9]+) ]]
        [ "${BASH_REMATCH[1]}" -ge "$(( ${CONMAN_CRASH_KILLS:-70} * 8 / 10 ))" ]
        # every kill was a restart by systemd (Restart=on-failure), none was a failure to start
        wait_until 30 conmanctl info
        [ "$(restarts)" -ge "$before" ]
        [ "$(systemctl show -P ActiveState conmand)" = active ]

        run "$DRIVER" check
        echo "$output"
        echo "# $(echo "$output" | grep '^check:')" >&3
        [ "$status" -eq 0 ]
}

# True when no container is between states (a stop's ExecStopPost= may still run after the workload).
settled() {
        ! ps_states | grep -qE ' (starting|stopping|restarting) '
}

# What a container still between states is doing: its unit's status and the journal of the run.
show_unsettled() {
        local id state
        ps_states | while read -r id state _; do
                case $state in starting | stopping | restarting) ;; *) continue ;; esac
                name=$(conmanctl inspect --format '{{.Name}}' "$id" 2>/dev/null)
                echo "# $id is $state: unit conman-${name#/}.service" >&3
                systemctl status --no-pager -n 0 "conman-${name#/}.service" 2>&1 | sed 's/^/#   /' >&3
                journalctl --no-pager -o short-monotonic -n 40 -u "conman-${name#/}.service" 2>&1 |
                        sed 's/^/#   /' >&3
                journalctl --no-pager -o short-monotonic -u conmand 2>/dev/null | grep -F "${name#/}" |
                        tail -n 30 | sed 's/^/#   /' >&3
        done
}

@test "after the crashes, a clean restart of conmand sees the same containers in the same states" {
        wait_until 60 settled || show_unsettled
        ps_states >/tmp/before
        systemctl restart conmand
        wait_until 20 conmanctl info
        ps_states >/tmp/after
        diff /tmp/before /tmp/after
        run "$DRIVER" check
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "after the crashes, removing everything leaves nothing behind" {
        for c in $(conmanctl ps -a -q); do conmanctl rm -f "$c"; done
        [ -z "$(conmanctl ps -a -q)" ]
        [ -z "$(ls -A /var/lib/conman/containers)" ]
        [ -z "$(systemctl list-units --all --plain --no-legend 'conman-*.service' | grep -v ' not-found ')" ]
        [ -z "$(ls -A /run/conman/runc 2>/dev/null)" ]
        [ -z "$(ls /run/conman/*.pid 2>/dev/null)" ]
        wait_until 10 sh -c '[ "$(systemctl show -P NFileDescriptorStore conmand)" -eq 0 ]'
        run "$DRIVER" check
        [ "$status" -eq 0 ]
}
