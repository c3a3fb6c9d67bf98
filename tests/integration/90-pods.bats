#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Pods over D-Bus (docs/pods.md): CreatePod pins the namespaces with conman-pod@NAME.service and sets the
# limits on conman-pod-NAME.slice; members share localhost, the host name and SysV IPC, a container outside
# sees none of it; the pod's state follows its members; kill -9 of conmand between the steps and during
# RemovePod(force) leaves exact state and nothing pinned, mounted or left as a unit; bad input is refused
# with a message a person can act on. Everything through busctl (conmanctl's pod verbs: 92-pod-ctl.bats).

load helpers

setup_file() {
        make_rootfs /var/tmp/rootfs
        make_ipc_rootfs /var/tmp/rootfs-ipc
}

setup() {
        R=/var/tmp/rootfs
        RI=/var/tmp/rootfs-ipc
        conmanctl version >/dev/null
}

teardown() {
        for p in $(busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListPods 2>/dev/null |
                grep -oE '"[0-9a-f]{64}"' | tr -d '"'); do
                call RemovePod sb "$p" true >/dev/null 2>&1 || true
        done
        remove_all_containers
}

# The busybox root plus util-linux's ipcmk (busybox has no SysV IPC applets) and the libc it needs.
make_ipc_rootfs() {
        local dir=$1 lib
        [ -x "$dir/usr/bin/ipcmk" ] && return 0
        make_rootfs "$dir"
        mkdir -p "$dir/usr/bin"
        cp /usr/bin/ipcmk "$dir/usr/bin/ipcmk"
        for lib in $(ldd /usr/bin/ipcmk | grep -oE '/[^ ]+'); do
                mkdir -p "$dir$(dirname "$lib")"
                cp -L "$lib" "$dir$lib"
        done
}

# "--": a command's "-c" is an argument, not busctl's option.
call() {
        local method=$1; shift
        busctl --system -- call io.conman1 /io/conman1 io.conman1.Manager "$method" "$@"
}

# create_pod NAME N [KEY TYPE VALUE]...: CreatePod with N options.
create_pod() {
        call CreatePod 'sa{sv}' "$@"
}

# member NAME POD ROOTFS CMD...: a container of the pod (created, not started).
member() {
        local name=$1 pod=$2 root=$3; shift 3
        call CreateContainer 'sasa{sv}' "$name" $# "$@" 2 Rootfs s "$root" Pod s "$pod"
}

# loner NAME ROOTFS CMD...: a container outside any pod, without a network.
loner() {
        local name=$1 root=$2; shift 2
        call CreateContainer 'sasa{sv}' "$name" $# "$@" 2 Rootfs s "$root" Network s none
}

start() {
        call StartContainer s "$1"
}

# The exit code of a container, once it exited.
exit_code() {
        call WaitContainer s "$1" | awk '{print $2}'
}

pod_prop() {
        local path
        path=$(call GetPod s "$1" | cut -d'"' -f2)
        busctl --system get-property io.conman1 "$path" io.conman1.Pod "$2" | cut -d'"' -f2
}

pod_id() {
        pod_prop "$1" Id
}

pod_state_is() {
        [ "$(pod_prop "$1" State)" = "$2" ]
}

# Units of pods (conman-pod.slice, the parent of every pod's slice, stays like conman.slice).
pod_units() {
        systemctl list-units --all --plain --no-legend 'conman-pod*' 2>/dev/null |
                grep -vE '^conman-pod\.slice |not-found' || true
}

# What a pod may leave on the machine once it is gone: pinned files, mounts, netns, units, state.
pod_leftovers() {
        ls /run/conman/pods 2>/dev/null | grep -v '^\.' || true
        grep -E ' /run/conman/pods/[0-9a-f]' /proc/self/mountinfo || true
        ls /run/netns 2>/dev/null | grep '^conman-' || true
        ls /var/lib/conman/pods 2>/dev/null || true
        pod_units

}

leftovers_empty() {
        [ -z "$(pod_leftovers)" ]
}

# systemd collects a stopped transient unit shortly after: wait for that, bounded.
no_pod_leftovers() {
        wait_until 10 leftovers_empty || { echo "left over: $(pod_leftovers)"; return 1; }
}

crash_conmand() {
        local pid
        pid=$(systemctl show -P MainPID conmand)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
}

back_up() {
        wait_until 20 conmanctl info >/dev/null
}

@test "CreatePod pins the namespaces and sets the slice's limits; the Pod object is as the XML says" {
        run create_pod web 2 Memory t 67108864 PidsLimit t 100
        [ "$status" -eq 0 ]
        [[ "$output" =~ ^so\ \"[0-9a-f]{64}\"\ \"/io/conman1/pod/ ]]
        id=$(pod_id web)
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" = active ]
        [ "$(systemctl show -P MemoryMax conman-pod-web.slice)" = 67108864 ]
        [ "$(systemctl show -P TasksMax conman-pod-web.slice)" = 100 ]
        [ -e "/run/conman/pods/$id/ipc" ]
        [ -e "/run/conman/pods/$id/uts" ]
        [ -e "/run/netns/conman-${id:0:12}" ]
        [ -f "/var/lib/conman/pods/$id/pod.json" ]
        [ "$(pod_prop web State)" = created ]
        [ "$(pod_prop web Slice)" = conman-pod-web.slice ]
        [ "$(pod_prop web Unit)" = conman-pod@web.service ]
        path=$(call GetPod s web | cut -d'"' -f2)
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Pod.xml "$path"
        echo "$output"
        [ "$status" -eq 0 ]
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
        run call ListPods
        [[ "$output" == *"\"web\" \"created\""* ]]
        run call InspectPod s web
        [[ "${output// /}" == *'\"CgroupParent\":\"conman-pod-web.slice\"'* ]]
        [[ "${output// /}" == *'\"InfraContainerID\":\"\"'* ]]
        [[ "${output// /}" == *'\"NumContainers\":0'* ]]
        run call GeneratePodFile s web
        [[ "$output" == *'PodName=web\nNetwork=bridge\n'* ]]
        [[ "$output" == *'Memory='* ]]
}

@test "members share localhost, the host name and SysV IPC; a container outside sees none of it" {
        create_pod web 2 Network s none Hostname s webhost
        member srv web "$R" /bin/sh -c 'mkdir -p /tmp/www && echo hello >/tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'
        member ipc web "$RI" /bin/sh -c 'ipcmk -Q && exec sleep 1000'
        start srv
        start ipc
        [ "$(pod_prop web State)" = running ]
        member cli web "$R" /bin/sh -c 'wget -qO- http://127.0.0.1:8080/ | grep -qx hello'
        start cli
        [ "$(exit_code cli)" = 0 ]
        member hn web "$R" /bin/sh -c '[ "$(hostname)" = webhost ]'
        start hn
        [ "$(exit_code hn)" = 0 ]
        member sysv web "$R" /bin/sh -c '[ "$(wc -l </proc/sysvipc/msg)" -ge 2 ]'
        start sysv
        [ "$(exit_code sysv)" = 0 ]
        wait_until 10 pod_state_is web degraded # srv and ipc run, the three checks exited

        loner out "$R" /bin/sh -c 'wget -qO- -T 2 http://127.0.0.1:8080/ && exit 1; [ "$(hostname)" != webhost ] || exit 2; [ "$(wc -l </proc/sysvipc/msg)" -eq 1 ] || exit 3'
        start out
        [ "$(exit_code out)" = 0 ]

        run call InspectContainer s srv
        [[ "${output// /}" == *'\"PodName\":\"web\"'* ]]
        [ "$(busctl --system get-property io.conman1 "$(call GetContainer s srv | cut -d'"' -f2)" io.conman1.Container Pod | cut -d'"' -f2)" = "$(pod_id web)" ]
        call StopPod st web 0
        [ "$(pod_prop web State)" = exited ]
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" = active ] # the namespaces stay
        call StartPod s web
        wait_until 10 pod_state_is web degraded # the checks ran again and exited
        call RemovePod sb web true
        no_pod_leftovers
}

@test "kill -9 of conmand between the pod's creation and its first container start leaves it exact" {
        create_pod web 1 Network s none
        id=$(pod_id web)
        crash_conmand
        back_up
        [ "$(pod_prop web State)" = created ]
        [ "$(pod_id web)" = "$id" ]
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" = active ]
        member a web "$R" /bin/sleep 1000
        start a
        [ "$(pod_prop web State)" = running ]
        # the orphan sweep of a restarted conmand leaves a pinned pod's namespace alone
        systemctl restart conmand
        back_up
        [ -e "/run/netns/conman-${id:0:12}" ]
        [ "$(pod_prop web State)" = running ]
        call RemovePod sb web true
        no_pod_leftovers
}

@test "a member's start brings the stopped pin unit up first, with the slice's limits" {
        create_pod web 2 Network s none Memory t 134217728
        member a web "$R" /bin/sleep 1000
        systemctl stop conman-pod@web.service
        wait_until 10 sh -c '[ "$(systemctl show -P ActiveState conman-pod@web.service)" != active ]'
        [ "$(pod_prop web State)" = stopped ]
        id=$(pod_id web)
        [ ! -e "/run/conman/pods/$id" ]
        start a
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" = active ]
        [ "$(systemctl show -P MemoryMax conman-pod-web.slice)" = 134217728 ]
        [[ "$(systemctl show -P ControlGroup conman-a.service)" == */conman-pod-web.slice/* ]]
        [ "$(pod_prop web State)" = running ]
}

@test "kill -9 of conmand during RemovePod(force) leaves nothing pinned, mounted or left as a unit" {
        for delay in 0 0.05 0.2 0.5; do
                create_pod web 1 Network s none
                member a web "$R" /bin/sleep 1000
                member b web "$R" /bin/sleep 1000
                start a
                start b
                call RemovePod sb web true >/dev/null 2>&1 &
                sleep "$delay"
                crash_conmand
                wait || true
                back_up
                # either the removal had begun (the new conmand finishes it, and the pod may vanish between any
                # two looks here) or it had not (all is intact): read the state once, and only while it is there
                if ! grep -qs '"removing": *true' /var/lib/conman/pods/*/pod.json &&
                        state=$(pod_prop web State 2>/dev/null) && [ -n "$state" ]; then
                        [ "$state" = running ] || [ "$state" = degraded ]
                        call RemovePod sb web true
                fi
                wait_until 20 sh -c '! busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetPod s web >/dev/null 2>&1'
                wait_until 20 sh -c '[ -z "$(conmanctl ps -a -q)" ]'
                no_pod_leftovers
        done
}

@test "bad input: unknown pod, Network with Pod, an invalid pod name, rm without force of a running pod" {
        run call StartPod s nope
        [ "$status" -ne 0 ]
        [[ "$output" == *"No such pod 'nope'"* ]]
        run call CreateContainer 'sasa{sv}' x 1 /bin/true 2 Rootfs s "$R" Pod s nope
        [ "$status" -ne 0 ]
        [[ "$output" == *"No such pod 'nope'"* ]]
        run create_pod 'bad name!' 0
        [ "$status" -ne 0 ]
        [[ "$output" == *"[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}"* ]]
        run create_pod web 1 Share s net,pid
        [ "$status" -ne 0 ]
        [[ "$output" == *"holder process"* ]]
        [ -z "$(ls /var/lib/conman/pods)" ]

        create_pod web 1 Network s none
        run create_pod web 0
        [ "$status" -ne 0 ]
        [[ "$output" == *"already exists"* ]]
        for opt in "Network s bridge" "Publish as 1 8080:80" "Hostname s h"; do
                # shellcheck disable=SC2086
                run call CreateContainer 'sasa{sv}' x 1 /bin/true 3 Rootfs s "$R" Pod s web $opt
                [ "$status" -ne 0 ]
                [[ "$output" == *"belongs to the pod 'web': set it with conmanctl pod create"* ]]
        done
        [ -z "$(conmanctl ps -a -q)" ]
        member a web "$R" /bin/sleep 1000
        start a
        run call RemovePod sb web false
        [ "$status" -ne 0 ]
        [[ "$output" == *"Pod web has running containers: stop it first or use rm -f."* ]]
        [ "$(pod_prop web State)" = running ]
        call RemovePod sb web true
        no_pod_leftovers
}

@test "a pod on conman0 publishes its port; members report the pod's address; rm leaves no attachment" {
        create_pod shop 1 Publish as 1 18080:80
        id=$(pod_id shop)
        member web shop "$R" /bin/sh -c 'mkdir -p /tmp/www && echo shop >/tmp/www/index.html && exec httpd -f -p 80 -h /tmp/www'
        start web
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:18080/
        [ "$(curl -sf --max-time 5 http://127.0.0.1:18080/)" = shop ]
        ip=$(conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' web)
        [[ "$ip" =~ ^10\.77\.[0-9]+\.[0-9]+$ ]]
        run call InspectPod s shop
        [[ "${output// /}" == *"\\\"IPAddress\\\":\\\"$ip\\\""* ]]
        [[ "${output// /}" == *'\"80/tcp\"'* ]]
        [ -d "/run/conman/networks/$id" ]
        # the pod's name and host name are in its /etc/hosts, with the member that joined
        run nsenter -t "$(systemctl show -P MainPID conman-web.service)" -m cat /etc/hosts
        hosts_lists "$output" shop "$ip"
        hosts_lists "$output" web
        call RemovePod sb shop true
        refute curl -sf --max-time 2 http://127.0.0.1:18080/
        [ ! -e "/run/conman/networks/$id" ]
        refute sh -c "iptables-save | grep -q '${ip}/32'"
        refute sh -c "nft list table inet conman | grep -q 'conman:$id'"
        no_pod_leftovers
}

@test "a pod from a .pod file: conmand finds it when its pin unit starts, and leaves its removal to the file" {
        mkdir -p /etc/conman/containers
        printf '[Pod]\nNetwork=none\nHostName=gen-host\n' >/etc/conman/containers/gen.pod
        printf '[Container]\nRootfs=%s\nExec=/bin/sleep 1000\nPod=gen.pod\n' "$R" >/etc/conman/containers/gen-a.container
        systemctl daemon-reload
        systemctl start conman-pod@gen.service
        wait_until 10 sh -c 'busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetPod s gen >/dev/null 2>&1'
        [ "$(pod_id gen)" = "$(printf 'conman-generator-pod:gen' | sha256sum | cut -c1-64)" ]
        [ "$(pod_prop gen Hostname)" = gen-host ]
        systemctl start conman-gen-a.service
        wait_until 10 pod_state_is gen running
        run call RemovePod sb gen true
        [ "$status" -ne 0 ]
        [[ "$output" == *"gen.pod"* ]]
        systemctl stop conman-pod@gen.service # BindsTo=: the member stops too
        wait_until 10 pod_state_is gen stopped
        rm -f /etc/conman/containers/gen.pod /etc/conman/containers/gen-a.container
        systemctl daemon-reload
        call RemovePod sb gen true
        wait_until 10 sh -c '[ -z "$(conmanctl ps -a -q)" ]'
        systemctl reset-failed 'conman-*' >/dev/null 2>&1 || true
        no_pod_leftovers
}
