#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmand's extensions for the CRI server (helpers/CRI-CONTRACT.md, docs/cri.md), each through busctl:
# Annotations of pods and containers (kept across kill -9 of conmand, in config.json), LogPath in kubelet's
# format with P/F entries and ReopenContainerLog after a rename, KillExec ending the exec'd process inside the
# container, and the pod options kubelet needs.

load helpers

setup_file() {
        make_rootfs /var/tmp/rootfs
}

# An image whose Entrypoint is /bin/sh -c and Cmd 'echo image-cmd', imported as localhost/ep:1.
import_ep_image() {
        local w=/var/tmp/cri-ep
        conmanctl images | grep -q localhost/ep && return 0
        rm -rf "$w"
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a "$w/busybox/." "$w/b/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --image "$w/oci:1" --config.entrypoint /bin/sh --config.entrypoint -c \
                --config.cmd 'echo image-cmd'
        conmanctl image import "$w/oci" localhost/ep:1 >/dev/null
}

setup() {
        R=/var/tmp/rootfs
        conmanctl version >/dev/null
}

teardown() {
        for p in $(busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListPods 2>/dev/null |
                grep -oE '"[0-9a-f]{64}"' | tr -d '"'); do
                call RemovePod sb "$p" true >/dev/null 2>&1 || true
        done
        remove_all_containers
        rm -rf /var/log/cri-test
}

# "--": a command's "-c" is an argument, not busctl's option.
call() {
        local method=$1; shift
        busctl --system -- call io.conman1 /io/conman1 io.conman1.Manager "$method" "$@"
}

# The JSON document of InspectContainer / InspectPod.
inspect() {
        busctl --system --json=short call io.conman1 /io/conman1 io.conman1.Manager InspectContainer s "$1" |
                jq -r '.data[0]'
}

inspect_pod() {
        busctl --system --json=short call io.conman1 /io/conman1 io.conman1.Manager InspectPod s "$1" |
                jq -r '.data[0]'
}

prop() { # prop Container|Pod NAME PROPERTY
        local path
        path=$(call "Get$1" s "$2" | cut -d'"' -f2)
        busctl --system get-property io.conman1 "$path" "io.conman1.$1" "$3"
}

crash_conmand() {
        local pid
        pid=$(systemctl show -P MainPID conmand)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
        wait_until 20 conmanctl info >/dev/null
}

@test "Annotations of a pod and a container: inspect, the property, config.json, and after kill -9 of conmand" {
        call CreatePod 'sa{sv}' an 2 Network s none \
                Annotations 'a{ss}' 2 io.conman.cri.sandbox '{"name":"x","attempt":1}' k8s/uid 'u 1'
        call CreateContainer 'sasa{sv}' anc 1 /bin/true 2 Rootfs s "$R" \
                Annotations 'a{ss}' 1 io.conman.cri.container '{"n":"a=b"}'
        id=$(inspect anc | jq -r .Id)
        for round in before after; do
                inspect_pod an | jq -e '.Annotations["io.conman.cri.sandbox"] == "{\"name\":\"x\",\"attempt\":1}"'
                inspect_pod an | jq -e '.Annotations["k8s/uid"] == "u 1"'
                inspect anc | jq -e '.Config.Annotations["io.conman.cri.container"] == "{\"n\":\"a=b\"}"'
                inspect anc | jq -e '.Annotations == .Config.Annotations'
                [ "$(prop Pod an Annotations)" = 'a{ss} 2 "io.conman.cri.sandbox" "{\"name\":\"x\",\"attempt\":1}" "k8s/uid" "u 1"' ]
                [ "$(prop Container anc Annotations)" = 'a{ss} 1 "io.conman.cri.container" "{\"n\":\"a=b\"}"' ]
                jq -e '.annotations["io.conman.cri.container"] == "{\"n\":\"a=b\"}"' \
                        "/var/lib/conman/containers/$id/config.json"
                if [ "$round" = before ]; then crash_conmand; fi
        done
}

@test "bad Annotations are refused with InvalidArgument" {
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 2 Rootfs s "$R" Annotations 'a{ss}' 1 'a key' v
        [ "$status" -ne 0 ]
        [[ "$output" == *"printable"* ]]
        run call CreatePod 'sa{sv}' badpod 1 Annotations 'a{ss}' 1 '' v
        [ "$status" -ne 0 ]
        [[ "$output" == *"printable"* ]]
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 2 Rootfs s "$R" LogPath s relative.log
        [ "$status" -ne 0 ]
        [[ "$output" == *"absolute path"* ]]
}

# The entries of a CRI log file without their times: "stream tag text".
log_entries() {
        sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z //' "$1"
}

@test "LogPath: every line in kubelet's format, P for a piece of a long line and for the end without newline" {
        mkdir -p /var/log/cri-test
        call CreateContainer 'sasa{sv}' logs 3 /bin/sh -c \
                'echo out; echo err >&2; printf ab; sleep 0.3; echo cd; head -c 20000 /dev/zero | tr "\0" x; echo; printf tail' \
                3 Rootfs s "$R" Network s none LogPath s /var/log/cri-test/0.log
        call StartContainer s logs
        call WaitContainer s logs
        wait_until 5 grep -q 'P tail$' /var/log/cri-test/0.log
        # every entry has the format; the timestamp is UTC with nine digits
        run grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z (stdout|stderr) [PF] ' \
                /var/log/cri-test/0.log
        [ "$output" = 0 ]
        log_entries /var/log/cri-test/0.log | grep -qx 'stdout F out'
        log_entries /var/log/cri-test/0.log | grep -qx 'stderr F err'
        log_entries /var/log/cri-test/0.log | grep -qx 'stdout F abcd'
        [ "$(log_entries /var/log/cri-test/0.log | grep -E '^stdout P x+$' | awk '{ print length($3) }')" = 16384 ]
        [ "$(log_entries /var/log/cri-test/0.log | grep -E '^stdout F x+$' | awk '{ print length($3) }')" = 3616 ]
        [ "$(log_entries /var/log/cri-test/0.log | tail -1)" = 'stdout P tail' ]
        [ "$(stat -c %a /var/log/cri-test/0.log)" = 640 ]
        inspect logs | jq -e '.LogPath == "/var/log/cri-test/0.log"'
        # the journal has the lines too
        journalctl -u conman-logs.service -o cat | grep -qx out
}

@test "LogPath of a TTY container is stdout; a symlink at the path is refused" {
        mkdir -p /var/log/cri-test
        call CreateContainer 'sasa{sv}' ttylog 3 /bin/sh -c 'echo tty-line; echo tty-err >&2' \
                4 Rootfs s "$R" Network s none Tty b true LogPath s /var/log/cri-test/tty.log
        call StartContainer s ttylog
        call WaitContainer s ttylog
        wait_until 5 grep -q 'tty-err' /var/log/cri-test/tty.log
        log_entries /var/log/cri-test/tty.log | grep -qx 'stdout F tty-line'
        log_entries /var/log/cri-test/tty.log | grep -qx 'stdout F tty-err'
        ln -s /var/log/cri-test/target /var/log/cri-test/link.log
        call CreateContainer 'sasa{sv}' linklog 1 /bin/echo 3 Rootfs s "$R" Network s none \
                LogPath s /var/log/cri-test/link.log
        call StartContainer s linklog
        call WaitContainer s linklog
        [ ! -e /var/log/cri-test/target ]
}

@test "ReopenContainerLog after a rename writes into a new file; the log survives a restart of conmand" {
        mkdir -p /var/log/cri-test
        call CreateContainer 'sasa{sv}' rot 3 /bin/sh -c 'i=0; while :; do echo line-$i; i=$((i+1)); sleep 0.1; done' \
                3 Rootfs s "$R" Network s none LogPath s /var/log/cri-test/rot.log
        call StartContainer s rot
        wait_until 5 grep -q 'line-2$' /var/log/cri-test/rot.log
        mv /var/log/cri-test/rot.log /var/log/cri-test/rot.log.1
        call ReopenContainerLog s rot
        wait_until 5 test -s /var/log/cri-test/rot.log
        first_new=$(log_entries /var/log/cri-test/rot.log | head -1 | sed 's/^stdout F line-//')
        last_old=$(log_entries /var/log/cri-test/rot.log.1 | tail -1 | sed 's/^stdout F line-//')
        [ "$first_new" -eq $((last_old + 1)) ]
        # conmand killed and restarted: the lines go on into the same file
        crash_conmand
        n=$(wc -l </var/log/cri-test/rot.log)
        wait_until 5 sh -c "[ \$(wc -l </var/log/cri-test/rot.log) -gt $((n + 2)) ]"
        systemctl restart conmand
        wait_until 20 conmanctl info >/dev/null
        n=$(wc -l </var/log/cri-test/rot.log)
        wait_until 5 sh -c "[ \$(wc -l </var/log/cri-test/rot.log) -gt $((n + 2)) ]"
        # no line lost or doubled across the restarts
        log_entries /var/log/cri-test/rot.log | sed 's/^stdout F line-//' |
                awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }'
        run call ReopenContainerLog s nosuch
        [ "$status" -ne 0 ]
        call CreateContainer 'sasa{sv}' nolog 1 /bin/true 2 Rootfs s "$R" Network s none
        run call ReopenContainerLog s nolog
        [[ "$output" == *"InvalidArgument"* || "$output" == *"no log file"* ]]
}

# exec_bg CONTAINER CMD...: ExecContainer with /dev/null as the process's stdio; prints the exec id. (busctl
# cannot pass fds: python's dbus.)
exec_bg() {
        python3 - "$@" <<'PY'
import os, sys
import dbus
m = dbus.Interface(dbus.SystemBus().get_object("io.conman1", "/io/conman1"), "io.conman1.Manager")
null = dbus.types.UnixFd(os.open("/dev/null", os.O_RDWR))
eid, _ = m.ExecContainer(sys.argv[1], dbus.Array(sys.argv[2:], signature="s"), dbus.Dictionary({}, signature="sv"),
                         null, null, null)
print(eid)
PY
}

@test "KillExec signals the exec'd process inside the container, not just the runtime" {
        call CreateContainer 'sasa{sv}' ex 2 /bin/sleep 1000 2 Rootfs s "$R" Network s none
        call StartContainer s ex
        eid=$(exec_bg ex /bin/sleep 4242 </dev/null)
        [[ "$eid" =~ ^[0-9a-f]{16}$ ]]
        # ^: the runtime's own command line has the words too
        wait_until 5 pgrep -f '^/bin/sleep 4242'
        # the process is in the container's cgroup, not the exec unit's
        pid=$(pgrep -f '^/bin/sleep 4242')
        grep -q '/conman-ex.service/' "/proc/$pid/cgroup"
        call KillExec si "$eid" 9
        wait_until 5 sh -c '! pgrep -f "^/bin/sleep 4242"'
        run call WaitExec s "$eid"
        [ "$status" -eq 0 ]
        [ "$output" = "i 137" ]
        # finished and unknown execs are InvalidArgument
        run call KillExec si "$eid" 9
        [ "$status" -ne 0 ]
        run call KillExec si 0123456789abcdef 15
        [ "$status" -ne 0 ]
        [[ "$output" == *"No running exec"* ]]
        # a TERM that the process handles is delivered to it as well
        eid=$(exec_bg ex /bin/sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done')
        wait_until 5 sh -c "[ -s /run/conman/exec-$eid.pid ]"
        call KillExec si "$eid" 15
        run call WaitExec s "$eid"
        [ "$output" = "i 7" ]
        [ ! -e "/run/conman/exec-$eid.pid" ]
}

# ran_output NAME: starts the container, waits for its end and prints what it wrote.
ran_output() {
        # a command that ends at once may beat systemd to its PID file (result 'protocol'): its output counts
        call StartContainer s "$1" >/dev/null 2>&1 || true
        call WaitContainer s "$1" >/dev/null
        # the container's lines only (journalctl -u has systemd's about the unit too)
        wait_until 5 sh -c "journalctl CONTAINER_NAME=$1 CONTAINER_STREAM=stdout -o cat | grep -q ."
        journalctl CONTAINER_NAME="$1" CONTAINER_STREAM=stdout -o cat
}

@test "Entrypoint replaces the image's, and its Cmd unless a command is given (docker's and kubelet's rule)" {
        import_ep_image
        call CreateContainer 'sasa{sv}' ep0 0 2 Image s localhost/ep:1 Network s none
        [ "$(ran_output ep0)" = image-cmd ]
        call CreateContainer 'sasa{sv}' ep1 1 'echo user-cmd' 2 Image s localhost/ep:1 Network s none
        [ "$(ran_output ep1)" = user-cmd ]
        call CreateContainer 'sasa{sv}' ep2 0 3 Image s localhost/ep:1 Network s none \
                Entrypoint as 2 /bin/echo only-entrypoint
        [ "$(ran_output ep2)" = only-entrypoint ]
        call CreateContainer 'sasa{sv}' ep3 2 a b 3 Image s localhost/ep:1 Network s none \
                Entrypoint as 1 /bin/echo
        [ "$(ran_output ep3)" = "a b" ]
        inspect ep3 | jq -e '.Config.Cmd == ["/bin/echo", "a", "b"]'
        # a root filesystem: Entrypoint goes before the command
        call CreateContainer 'sasa{sv}' ep4 1 rootfs-arg 3 Rootfs s "$R" Network s none Entrypoint as 1 /bin/echo
        [ "$(ran_output ep4)" = rootfs-arg ]
}

# member NAME POD CMD...: a container of the pod (created, not started).
member() {
        local name=$1 pod=$2; shift 2
        call CreateContainer 'sasa{sv}' "$name" $# "$@" 2 Rootfs s "$R" Pod s "$pod"
}

# run_member NAME POD CMD...: a member that runs CMD to its end; prints its output.
run_member() {
        member "$@" >/dev/null
        ran_output "$1"
}

@test "CgroupParent: the pod's slice is the one given, conmand makes it and removes it, a foreign one stays" {
        call CreatePod 'sa{sv}' cg 2 Network s none CgroupParent s test-kube-pod1.slice
        [ "$(prop Pod cg Slice)" = 's "test-kube-pod1.slice"' ]
        inspect_pod cg | jq -e '.CgroupParent == "test-kube-pod1.slice"'
        member m cg /bin/sleep 1000
        call StartContainer s m
        [ "$(systemctl show -P Slice conman-m.service)" = test-kube-pod1.slice ]
        [ "$(systemctl show -P ControlGroup conman-m.service)" = \
                /test.slice/test-kube.slice/test-kube-pod1.slice/conman-m.service ]
        pid=$(systemctl show -P MainPID conman-m.service)
        grep -q ':/test.slice/test-kube.slice/test-kube-pod1.slice/conman-m.service/container$' "/proc/$pid/cgroup"
        id=$(inspect m | jq -r .Id)
        jq -e '.linux.cgroupsPath == "/test.slice/test-kube.slice/test-kube-pod1.slice/conman-m.service/container"' \
                "/var/lib/conman/containers/$id/config.json"
        # the record survives kill -9 of conmand; RemovePod stops the slice conmand made
        crash_conmand
        call RemovePod sb cg true
        wait_until 10 sh -c '[ "$(systemctl show -P ActiveState test-kube-pod1.slice)" != active ]'

        # a slice somebody else has (kubelet's) is used and left alone
        systemd-run --unit=foreign-holder --slice=test-foreign.slice /bin/sleep 1000
        call CreatePod 'sa{sv}' cg2 2 Network s none CgroupParent s /test.slice/test-foreign.slice
        [ "$(prop Pod cg2 Slice)" = 's "test-foreign.slice"' ]
        call RemovePod sb cg2 true
        sleep 1
        [ "$(systemctl show -P ActiveState test-foreign.slice)" = active ]
        systemctl stop foreign-holder.service
        run call CreatePod 'sa{sv}' cg3 1 CgroupParent s 'bad name.slice'
        [ "$status" -ne 0 ]
        [[ "$output" == *"CgroupParent"* ]]
}

@test "DnsServers, DnsSearches, DnsOptions make the pod's resolv.conf, on network none and on a bridge" {
        call CreatePod 'sa{sv}' dns 4 Network s none DnsServers as 2 10.0.0.10 fd00::53 \
                DnsSearches as 2 ns.svc.cluster.local svc.cluster.local DnsOptions as 2 ndots:5 timeout:2
        out=$(run_member d1 dns /bin/cat /etc/resolv.conf)
        echo "$out"
        grep -qx 'nameserver 10.0.0.10' <<<"$out"
        grep -qx 'nameserver fd00::53' <<<"$out"
        grep -qx 'search ns.svc.cluster.local svc.cluster.local' <<<"$out"
        grep -qx 'options ndots:5 timeout:2' <<<"$out"
        inspect_pod dns | jq -e '.DNS.Servers == ["10.0.0.10", "fd00::53"]'
        call CreatePod 'sa{sv}' dnsb 1 DnsServers as 1 10.96.0.10
        out=$(run_member d2 dnsb /bin/cat /etc/resolv.conf)
        echo "$out"
        grep -qx 'nameserver 10.96.0.10' <<<"$out"
        [ "$(grep -c '^nameserver' <<<"$out")" = 1 ]
        run call CreatePod 'sa{sv}' dnsbad 1 DnsServers as 1 'not-an-ip'
        [ "$status" -ne 0 ]
        [[ "$output" == *"not an IPv4 or IPv6 address"* ]]
        run call CreatePod 'sa{sv}' dnsbad 1 DnsSearches as 1 'a b'
        [ "$status" -ne 0 ]
}

@test "Pid pod: a pause process is PID 1 of the pod's PID namespace, members see each other; other pods have none" {
        call CreatePod 'sa{sv}' pp 2 Network s none Pid s pod
        call CreatePod 'sa{sv}' plain 1 Network s none
        pause=$(systemctl show -P MainPID conman-pod@pp.service)
        [ "$pause" -gt 0 ]
        [ "$(cat "/proc/$pause/comm")" = conman-pause ]
        [ "$(systemctl show -P MainPID conman-pod@plain.service)" = 0 ]
        [ -z "$(systemd-cgls --no-pager -u conman-pod@plain.service 2>/dev/null | grep -E '[0-9]+ ')" ]
        inspect_pod pp | jq -e '.Pid == "pod"'
        member sleeper pp /bin/sleep 1000
        call StartContainer s sleeper
        [ "$(run_member looker pp /bin/cat /proc/1/comm)" = conman-pause ]
        out=$(run_member lister pp /bin/ps -o pid,args)
        echo "$out"
        grep -q 'sleep 1000' <<<"$out"
        # the pod's PID namespace is the pause's; a private member has its own
        sleeper_pid=$(systemctl show -P MainPID conman-sleeper.service)
        [ "$(readlink "/proc/$sleeper_pid/ns/pid")" = "$(readlink "/proc/$pause/ns/pid")" ]
        call CreateContainer 'sasa{sv}' own 2 /bin/sleep 1000 3 Rootfs s "$R" Pod s pp PidMode s private
        call StartContainer s own
        own_pid=$(systemctl show -P MainPID conman-own.service)
        [ "$(readlink "/proc/$own_pid/ns/pid")" != "$(readlink "/proc/$pause/ns/pid")" ]
        run call CreateContainer 'sasa{sv}' nopid 1 /bin/true 3 Rootfs s "$R" Pod s plain PidMode s pod
        [ "$status" -ne 0 ]
        [[ "$output" == *"has no PID namespace"* ]]
        # removing the pod ends the pause
        call RemovePod sb pp true
        wait_until 10 sh -c "! kill -0 $pause 2>/dev/null"
}

@test "Ipc host and PidMode host put members in the host's namespaces" {
        call CreatePod 'sa{sv}' ih 2 Network s none Ipc s host
        member ipc1 ih /bin/sleep 1000
        call StartContainer s ipc1
        pid=$(systemctl show -P MainPID conman-ipc1.service)
        [ "$(readlink "/proc/$pid/ns/ipc")" = "$(readlink /proc/self/ns/ipc)" ]
        [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
        call CreateContainer 'sasa{sv}' hostpid 2 /bin/sleep 1000 3 Rootfs s "$R" Network s none PidMode s host
        call StartContainer s hostpid
        pid=$(systemctl show -P MainPID conman-hostpid.service)
        [ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink /proc/self/ns/pid)" ]
}

@test "UpdateContainer sets the limits on the running unit and keeps them in container.json" {
        call CreateContainer 'sasa{sv}' up 2 /bin/sleep 1000 2 Rootfs s "$R" Network s none
        call StartContainer s up
        call UpdateContainer 'sa{sv}' up 5 Memory t 67108864 CPUQuota t 500000 CPUWeight t 50 PidsLimit t 77 \
                CpusetCpus s 0
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 67108864 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec conman-up.service)" = 500ms ]
        [ "$(systemctl show -P CPUWeight conman-up.service)" = 50 ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 77 ]
        [ "$(systemctl show -P AllowedCPUs conman-up.service)" = 0 ]
        id=$(inspect up | jq -r .Id)
        jq -e '.spec.memoryMax == 67108864 and .spec.pidsLimit == 77 and .spec.cpusetCpus == "0"' \
                "/var/lib/conman/containers/$id/container.json"
        # only what is given changes; 0 lifts a limit
        crash_conmand
        call UpdateContainer 'sa{sv}' up 1 Memory t 0
        [ "$(systemctl show -P MemoryMax conman-up.service)" = infinity ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 77 ]
        jq -e '.spec.memoryMax == 0 and .spec.pidsLimit == 77' "/var/lib/conman/containers/$id/container.json"
        # the next start has the stored limits
        call StopContainer st up 0
        call StartContainer s up
        [ "$(systemctl show -P TasksMax conman-up.service)" = 77 ]
        [ "$(systemctl show -P AllowedCPUs conman-up.service)" = 0 ]
        call UpdateContainer 'sa{sv}' up 1 CpusetCpus s ''
        jq -e '.spec.cpusetCpus == null' "/var/lib/conman/containers/$id/container.json"
        run call UpdateContainer 'sa{sv}' up 1 Image s x
        [ "$status" -ne 0 ]
        [[ "$output" == *"UpdateContainer takes"* ]]
        run call UpdateContainer 'sa{sv}' up 1 CpusetCpus s 3-1
        [ "$status" -ne 0 ]
        [[ "$output" == *"cpuset"* ]]
}

@test "MaskedPaths and ReadonlyPaths replace the defaults; OomScoreAdj reaches the process (a refused negative one is 0)" {
        call CreateContainer 'sasa{sv}' mp 2 /bin/cat /proc/self/oom_score_adj 5 Rootfs s "$R" Network s none \
                MaskedPaths as 0 ReadonlyPaths as 1 /proc/sys OomScoreAdj i 300
        id=$(inspect mp | jq -r .Id)
        jq -e '.linux.maskedPaths == [] and .linux.readonlyPaths == ["/proc/sys"] and .process.oomScoreAdj == 300' \
                "/var/lib/conman/containers/$id/config.json"
        [ "$(ran_output mp)" = 300 ]
        call CreateContainer 'sasa{sv}' neg 2 /bin/cat /proc/self/oom_score_adj 3 Rootfs s "$R" Network s none \
                OomScoreAdj i -500
        id=$(inspect neg | jq -r .Id)
        want=$(jq -r .process.oomScoreAdj "/var/lib/conman/containers/$id/config.json")
        [ "$want" = -500 ] || [ "$want" = 0 ]
        [ "$(ran_output neg)" = "$want" ]
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 3 Rootfs s "$R" Network s none OomScoreAdj i 5000
        [ "$status" -ne 0 ]
}

@test "a container and a pod of the same name, and a container named pod-NAME, have units of their own" {
        call CreatePod 'sa{sv}' same 1 Network s none
        call CreateContainer 'sasa{sv}' same 2 /bin/sleep 1000 2 Rootfs s "$R" Network s none
        call CreateContainer 'sasa{sv}' pod-same 2 /bin/sleep 1000 2 Rootfs s "$R" Network s none
        member inpod same /bin/sleep 1000
        for c in same pod-same inpod; do call StartContainer s "$c"; done
        [ "$(systemctl show -P ActiveState conman-same.service)" = active ]
        [ "$(systemctl show -P ActiveState conman-pod-same.service)" = active ]
        [ "$(systemctl show -P ActiveState conman-pod@same.service)" = active ]
        [ "$(systemctl show -P Slice conman-inpod.service)" = conman-pod-same.slice ]
        [ "$(systemctl show -P Slice conman-same.service)" = conman.slice ]
        call RemovePod sb same true
        [ "$(systemctl show -P ActiveState conman-same.service)" = active ]
        [ "$(systemctl show -P ActiveState conman-pod-same.service)" = active ]
}
