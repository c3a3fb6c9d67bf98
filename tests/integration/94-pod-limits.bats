#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a pod costs and enforces (docs/pods.md): no process per pod — 20 pods of 2 sleeping containers
# add exactly their 40 container processes and nothing outside them; a pod's --memory is its slice's
# MemoryMax= and a member that allocates past it is OOM-killed; `systemctl stop` of the pod's slice
# stops its containers and conmand's state follows, with the namespaces still pinned.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        for p in $(conmanctl pod ps -q 2>/dev/null); do conmanctl pod rm -f "$p" >/dev/null 2>&1 || true; done
        remove_all_containers
}

# Processes of this machine outside any container (same PID namespace as PID 1), by command name, one
# per line — without this test's own shells and tools, which come and go.
outside_processes() {
        local me pid ns comm
        me=$(readlink /proc/1/ns/pid)
        for pid in /proc/[0-9]*; do
                ns=$(readlink "$pid/ns/pid" 2>/dev/null) || continue
                [ "$ns" = "$me" ] || continue
                comm=$(cat "$pid/comm" 2>/dev/null) || continue
                case $comm in bash | bats* | cat | readlink | sort | sleep | timeout | nsenter | busctl | conmanctl) continue ;; esac
                echo "$comm"
        done | sort
}

# Processes inside containers (any other PID namespace).
inside_count() {
        local me pid n=0
        me=$(readlink /proc/1/ns/pid)
        for pid in /proc/[0-9]*; do
                [ "$(readlink "$pid/ns/pid" 2>/dev/null)" = "$me" ] || n=$((n + 1))
        done
        echo $n
}

@test "no process per pod: 20 pods of 2 sleeping containers add their 40 processes and nothing else" {
        local before after i
        # a first pod wakes what containers wake once (systemd-machined registers them), then goes
        conmanctl pod create --network none --name warm >/dev/null
        conmanctl run -d --pod warm --name warm-a --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl pod rm -f warm >/dev/null
        sleep 1
        before=$(outside_processes)
        [ "$(inside_count)" -eq 0 ]
        for i in $(seq 20); do
                conmanctl pod create --network none --name p$i >/dev/null
                conmanctl run -d --pod p$i --name p$i-a --rootfs "$R" /bin/sleep 1000 >/dev/null
                conmanctl run -d --pod p$i --name p$i-b --rootfs "$R" /bin/sleep 1000 >/dev/null
        done
        [ "$(conmanctl pod ps -q | wc -l)" -eq 20 ]
        [ "$(conmanctl ps -q | wc -l)" -eq 40 ]
        sleep 1 # let the runtimes and the start jobs' processes finish
        after=$(outside_processes)
        # no process outside the containers is new (one that went away is fine)
        comm -13 <(echo "$before") <(echo "$after") >/tmp/new-processes
        cat /tmp/new-processes >&2
        [ ! -s /tmp/new-processes ]
        [ "$(inside_count)" -eq 40 ]
        # each pin unit is active and left no process; each slice holds exactly its two containers
        for i in 1 10 20; do
                [ "$(systemctl is-active conman-pod@p$i.service)" = active ]
                [ "$(systemctl show -P MainPID conman-pod@p$i.service)" = 0 ]
                [ "$(systemd-cgls --no-pager -u "conman-pod-p$i.slice" 2>/dev/null | grep -c 'sleep 1000')" -eq 2 ] ||
                        [ "$(systemctl show -P TasksCurrent "conman-pod-p$i.slice")" -eq 2 ]
                [ "$(conmanctl pod inspect p$i | grep -o '"State": *"[a-z]*"' | head -1 | grep -o '[a-z]*"$')" = 'running"' ]
        done
}

@test "a pod's --memory is its slice's MemoryMax, and a member that allocates past it is OOM-killed" {
        local slice=conman-pod-small.slice code
        conmanctl pod create --network none --memory 64m --name small >/dev/null
        [ "$(systemctl show -P MemoryMax $slice)" = 67108864 ]
        conmanctl run -d --pod small --name idle --rootfs "$R" /bin/sleep 1000 >/dev/null
        if [ -f /sys/fs/cgroup/memory/conman.slice/conman-pod.slice/$slice/memory.limit_in_bytes ]; then
                [ "$(cat /sys/fs/cgroup/memory/conman.slice/conman-pod.slice/$slice/memory.limit_in_bytes)" = 67108864 ]
        elif [ -f /sys/fs/cgroup/conman.slice/conman-pod.slice/$slice/memory.max ]; then
                [ "$(cat /sys/fs/cgroup/conman.slice/conman-pod.slice/$slice/memory.max)" = 67108864 ]
        else
                skip "no memory controller here"
        fi
        # 100 MiB in one buffer: more than the whole pod may have, though the container has no limit of its own
        run conmanctl run --pod small --name hog --rootfs "$R" /bin/dd if=/dev/zero of=/dev/null bs=100M count=1
        echo "$output" >&2
        [ "$status" -eq 137 ]
        code=$(conmanctl inspect -f '{{.State.ExitCode}}' hog)
        [ "$code" = 137 ]
        # the pod's other member is untouched
        [ "$(conmanctl inspect -f '{{.State.Status}}' idle)" = running ]
}

@test "systemctl stop of the pod's slice stops its containers, conmand follows, the namespaces stay" {
        local ns
        conmanctl pod create --network none --name sl >/dev/null
        conmanctl run -d --pod sl --name sl-a --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl run -d --pod sl --name sl-b --rootfs "$R" /bin/sleep 1000 >/dev/null
        ns=$(ls /run/conman/pods/)
        [ -n "$ns" ]
        systemctl stop conman-pod-sl.slice
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sl-a)" = exited ]'
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sl-b)" = exited ]'
        wait_until 10 sh -c 'conmanctl pod ps | grep -w sl | grep -qi exited'
        [ "$(systemctl is-active conman-pod@sl.service)" = active ]
        [ -e "/run/conman/pods/$ns/ipc" ]
        # and back: pod start recreates the slice (its limits) and starts the members
        conmanctl pod start sl
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sl-a)" = running ]'
        [ "$(conmanctl inspect -f '{{.State.Status}}' sl-b)" = running ]
        [ "$(systemctl is-active conman-pod-sl.slice)" = active ]
}
