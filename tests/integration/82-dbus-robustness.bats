#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# D-Bus robustness: every method of io.conman1.Manager and io.conman1.Container (found by
# introspection, so methods added later are covered too) called with missing, extra and
# wrongly typed arguments, huge strings and arrays; calls on invalid object paths; writes to
# read-only properties — as root and as a user without privileges. Every call gets an error
# reply, conmand never dies, nothing changes.

load helpers

ABUSE="$BATS_TEST_DIRNAME/crash/dbus-abuse.py"

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

# Everything a call could change: containers and their states, units, files in the state directory.
snapshot() {
        conmanctl ps -a --format json | python3 -c 'import json,sys; [print(e["Id"], e["Names"], e["State"], e["Pid"]) for e in json.load(sys.stdin)]'
        systemctl list-units --all --plain --no-legend 'conman-*.service' | awk '{print $1, $3, $4}'
        conmanctl images -q 2>/dev/null
        find /var/lib/conman -path '*/rootfs' -prune -o -print | grep -v '/\.#' | sort
}

abuse_as() { # USER|"" EXPECTED-ERROR-TEXT...
        local user=$1
        conmanctl create --name keep --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl run -d --name live --rootfs "$R" /bin/sleep 1000 >/dev/null
        path=$(busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetContainer s keep | awk '{print $2}' | tr -d '"')
        pid=$(systemctl show -P MainPID conmand)
        snapshot >/tmp/before
        run timeout 600 "$ABUSE" --container-path "$path" ${user:+--user "$user"}
        echo "$output" | tail -40
        echo "# $(echo "$output" | grep '^abuse:')" >&3
        [ "$status" -eq 0 ]
        [[ "$output" =~ abuse:\ ([0-9]+)\ calls ]]
        [ "${BASH_REMATCH[1]}" -ge 100 ]
        [ "$(systemctl show -P MainPID conmand)" = "$pid" ]
        snapshot >/tmp/after
        diff /tmp/before /tmp/after
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = created ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' live)" = running ]
}

@test "every method with bad arguments, as root: error replies only, conmand alive, nothing changed" {
        abuse_as ""
}

@test "every method with bad arguments, as a user without privileges: error replies only, nothing changed" {
        ensure_unprivileged_user
        abuse_as conmantest
}

@test "a non-root user cannot call any mutating method even with well-formed arguments" {
        conmanctl create --name keep --rootfs "$R" /bin/sleep 1000 >/dev/null
        path=$(busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetContainer s keep | awk '{print $2}' | tr -d '"')
        for call in "$path io.conman1.Container Start" "$path io.conman1.Container Remove b true" \
                "$path io.conman1.Container Kill s KILL" "$path io.conman1.Container Stop t 0" \
                "$path io.conman1.Container Restart t 0" \
                "/io/conman1 io.conman1.Manager PullImage sa{sv} localhost:1/x 0" \
                "/io/conman1 io.conman1.Manager ImportImage ss /etc/passwd x" \
                "/io/conman1 io.conman1.Manager PruneImages" \
                "/io/conman1 io.conman1.Manager RemoveImage sb x true"; do
                run as_user busctl --system call io.conman1 $call
                echo "$call: $output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"ccess denied"* ]] || [[ "$output" == *"AccessDenied"* ]] || [[ "$output" == *"Only root"* ]]
        done
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = created ]
}

@test "a flood of 2000 bad calls from many clients at once: conmand stays up and answers" {
        pid=$(systemctl show -P MainPID conmand)
        for k in $(seq 1 20); do
                (for i in $(seq 1 100); do
                        busctl --system --timeout=20 call io.conman1 /io/conman1 io.conman1.Manager StartContainer s "nope$k-$i" 2>/dev/null
                done; true) &
        done
        wait
        [ "$(systemctl show -P MainPID conmand)" = "$pid" ]
        conmanctl ps -a >/dev/null
}
