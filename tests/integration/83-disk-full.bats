#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Faults below conmand: a full state directory (a small tmpfs mounted over /var/lib/conman before
# conmand starts), a missing runtime binary, a runtime that fails, a root filesystem that
# vanishes. Clear errors in the API and in inspect; nothing stored is damaged; nothing leaks;
# everything works again once the fault is gone.

load helpers

DRIVER="$BATS_TEST_DIRNAME/crash/crash-driver.py"

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
}

teardown() {
        umount /usr/sbin/runc 2>/dev/null || true
        rm -f /var/lib/conman/filler 2>/dev/null || true
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
        if mountpoint -q /var/lib/conman; then
                systemctl stop conmand
                umount /var/lib/conman
                systemctl start conmand
        fi
}

# A SIZE tmpfs over the state directory, with conmand stopped while it is mounted.
small_state_dir() {
        systemctl stop conmand
        mkdir -p /var/lib/conman
        mount -t tmpfs -o size="$1",mode=0700 tmpfs /var/lib/conman
        systemctl start conmand
        conmanctl version >/dev/null
}

fill_up() {
        dd if=/dev/zero of=/var/lib/conman/filler bs=4k 2>/dev/null || true
        # the last blocks: tmpfs may take a few more small writes
        for i in $(seq 1 50); do head -c 512 /dev/zero >>/var/lib/conman/filler 2>/dev/null || break; done
}

json_ok() {
        for f in "$@"; do python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" || return 1; done
}

nothing_leaked() {
        [ -z "$(ls -A /var/lib/conman/containers | grep -v -E '^[0-9a-f]{64}$')" ]
        [ -z "$(find /var/lib/conman/containers -name '.#*')" ]
        "$DRIVER" check --settle 10
}

@test "disk full: create fails with NoSpace, nothing half-written, existing containers intact, all fine after space returns" {
        small_state_dir 2M
        id1=$(conmanctl create --name keep --label k=v --rootfs "$R" /bin/sleep 1000)
        cp /var/lib/conman/containers/$id1/container.json /tmp/keep.json
        fill_up
        run busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                new 1 /bin/true 1 Rootfs s "$R"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"No space left"* ]]
        [[ "$output" == *"free some and retry"* ]]
        run conmanctl inspect new
        [ "$status" -ne 0 ]
        [ -z "$(ls -A /var/lib/conman/containers | grep -v "^$id1\$")" ]
        cmp /tmp/keep.json /var/lib/conman/containers/$id1/container.json
        # a start needs to record its start time: it fails clearly, and leaves the container as it was
        run conmanctl start keep
        echo "$output"
        if [ "$status" -ne 0 ]; then
                [[ "$output" == *"No space left"* ]] || [[ "$output" == *"space"* ]]
                [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = created ]
                [ "$(systemctl show -P ActiveState conman-keep.service)" != active ]
        else
                [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = running ]
        fi
        json_ok /var/lib/conman/containers/$id1/*.json
        # conmand restarts with the disk still full and still knows the container
        systemctl restart conmand
        [ "$(conmanctl inspect -f '{{.Config.Labels.k}}' keep)" = v ]
        rm -f /var/lib/conman/filler
        conmanctl create --name new --rootfs "$R" /bin/true >/dev/null
        conmanctl start keep 2>/dev/null || true
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = running ]
        conmanctl stop -t 0 keep
        json_ok /var/lib/conman/containers/*/*.json
        nothing_leaked
}

@test "disk full while containers run and exit: exit records and stops fail softly, conmand stays up" {
        small_state_dir 2M
        conmanctl run -d --name a --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl run -d --name b --rootfs "$R" /bin/sh -c 'sleep 1; exit 4' >/dev/null
        pid=$(systemctl show -P MainPID conmand)
        fill_up
        run conmanctl stop -t 1 a
        echo "stop: $status $output"
        wait_until 20 sh -c 'case "$(systemctl show -P ActiveState conman-b.service)" in inactive|failed) exit 0;; esac; exit 1'
        [ "$(systemctl show -P MainPID conmand)" = "$pid" ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' a)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' b)" = exited ]
        json_ok /var/lib/conman/containers/*/*.json
        rm -f /var/lib/conman/filler
        conmanctl start a
        [ "$(conmanctl inspect -f '{{.State.Status}}' a)" = running ]
        nothing_leaked
}

@test "runtime binary missing: a clear error in the API and in inspect, nothing leaked" {
        conmanctl create --name r --rootfs "$R" /bin/true
        mount --bind /dev/null /usr/sbin/runc
        run conmanctl start r
        umount /usr/sbin/runc
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"runc"* ]] || [[ "$output" == *"runtime"* ]] || [[ "$output" == *"journalctl -u conman-r.service"* ]]
        run conmanctl inspect -f '{{.State.Status}}' r
        [[ "$output" == created || "$output" == exited ]]
        if [ "$output" = exited ]; then
                res=$(conmanctl inspect -f '{{.State.Result}}' r)
                echo "result: $res"
                [ -n "$res" ] && [ "$res" != success ]
        fi
        nothing_leaked
        wait_until 10 sh -c '[ "$(systemctl show -P NFileDescriptorStore conmand)" -eq 0 ]'
}

@test "runtime exits non-zero (a failing runtime, a command missing in the rootfs): clear error, nothing leaked" {
        printf '#!/bin/sh\necho "fake runtime: refusing $*" >&2\nexit 42\n' >/var/tmp/fake-runc
        chmod +x /var/tmp/fake-runc
        conmanctl create --name f --rootfs "$R" /bin/true
        mount --bind /var/tmp/fake-runc /usr/sbin/runc
        run conmanctl start f
        umount /usr/sbin/runc
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"journalctl"* ]] || [[ "$output" == *"failed"* ]]
        [ "$(systemctl show -P ActiveState conman-f.service)" != active ]
        st=$(conmanctl inspect -f '{{.State.Status}}' f)
        res=$(conmanctl inspect -f '{{.State.Result}}' f)
        echo "status $st result $res"
        [ "$st" = exited ] || [ "$st" = created ]
        [ "$res" != success ]
        run conmanctl run -d --name nocmd --rootfs "$R" /does/not/exist
        echo "$output"
        [ "$status" -ne 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' nocmd)" != running ]
        nothing_leaked
        # the same containers start once the runtime is back
        conmanctl start f
        [ "$(conmanctl wait f)" = 0 ]
}

@test "rootfs vanishes: before start a clear error; while running the container carries on and stops cleanly" {
        mkdir -p /var/tmp/gone
        cp -a "$R"/. /var/tmp/gone/
        conmanctl create --name g --rootfs /var/tmp/gone /bin/sleep 1000
        rm -rf /var/tmp/gone
        run conmanctl start g
        echo "$output"
        [ "$status" -ne 0 ]
        [ "$(systemctl show -P ActiveState conman-g.service)" != active ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' g)" != running ]
        nothing_leaked
        conmanctl rm -f g
        mkdir -p /var/tmp/gone2
        cp -a "$R"/. /var/tmp/gone2/
        conmanctl run -d --name h --rootfs /var/tmp/gone2 /bin/sleep 1000
        rm -rf /var/tmp/gone2
        [ "$(conmanctl inspect -f '{{.State.Status}}' h)" = running ]
        conmanctl stop -t 1 h
        [ "$(conmanctl inspect -f '{{.State.Status}}' h)" = exited ]
        conmanctl rm h
        nothing_leaked
}
