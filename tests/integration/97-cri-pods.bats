#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# CRI sandboxes and containers with the real crictl (cri/sandbox.c, cri/container.c): the runp / create /
# start / ps / inspect / stop / rm / stopp / rmp round trip from JSON configs, label and state filters, the
# kubelet log file, DNS and host name from the sandbox config, idempotent stops and removes; kill -9 of
# conman-cri and of conmand between the steps and in the middle of runp/create leaves crictl pods/ps exact
# and nothing leaked; conmanctl pod ps / ps show the same objects. crictl ps/pods also ask the ImageService
# (ImageFsInfo, cri/image.c) before they list: this file needs it in the build.

load helpers
load cri-tools

IMG=localhost/cri-box:1
W=/var/tmp/cri-pods

setup_file() {
        local w=$W
        [ -d "$w/oci" ] && return 0
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a "$w/busybox/." "$w/b/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh
}

setup() {
        cri_tools_setup
        conmanctl version >/dev/null
        conmanctl image inspect "$IMG" >/dev/null 2>&1 || conmanctl image import "$W/oci" "$IMG" >/dev/null
        systemctl start conman-cri.socket
        mkdir -p "$W/cfg"
        UNITS_BEFORE=$(conman_units)
}

teardown() {
        for p in $(cri pods -q 2>/dev/null); do cri rmp -f "$p" >/dev/null 2>&1 || true; done
        for p in $(busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListPods 2>/dev/null |
                grep -oE '"[0-9a-f]{64}"' | tr -d '"'); do
                busctl --system call io.conman1 /io/conman1 io.conman1.Manager RemovePod sb "$p" true \
                        >/dev/null 2>&1 || true
        done
        remove_all_containers
        rm -rf "$W/cfg" /var/log/pods/cri-test-*
}

# Every conman unit but conman-cri's own (it may start and stop between calls) and the parent slices.
conman_units() {
        systemctl list-units --all --plain --no-legend 'conman*' 2>/dev/null | grep -v not-found |
                awk '{print $1}' | grep -vE '^conman-cri\.(service|socket)$|^conman(-pod)?\.slice$' | sort
}

units_back_to_before() {
        [ "$(conman_units)" = "$UNITS_BEFORE" ]
}

no_leftovers() {
        wait_until 20 units_back_to_before || {
                echo "left over: $(diff <(echo "$UNITS_BEFORE") <(conman_units))"
                return 1
        }
        [ -z "$(conmanctl ps -a -q)" ]
        [ -z "$(ls /run/netns 2>/dev/null | grep '^conman-')" ]
}

# sandbox_json NAME [EXTRA JSON MEMBERS]: a PodSandboxConfig file; prints its path.
sandbox_json() {
        local name=$1 extra=${2:-}
        local f=$W/cfg/pod-$name.json
        cat >"$f" <<EOF
{
  "metadata": { "name": "$name", "namespace": "cri-test", "uid": "uid-$name", "attempt": 0 },
  "hostname": "$name-host",
  "log_directory": "/var/log/pods/cri-test-$name",
  "labels": { "app": "$name", "tier": "front" },
  "annotations": { "note": "hello $name" }${extra:+,
  $extra}
}
EOF
        echo "$f"
}

# container_json NAME COMMAND [EXTRA JSON MEMBERS]: a ContainerConfig file; prints its path.
container_json() {
        local name=$1 cmd=$2 extra=${3:-}
        local f=$W/cfg/ctr-$name.json
        cat >"$f" <<EOF
{
  "metadata": { "name": "$name" },
  "image": { "image": "$IMG" },
  "command": [ "/bin/sh", "-c", "$cmd" ],
  "log_path": "$name/0.log",
  "labels": { "role": "$name" },
  "annotations": { "ctr-note": "about $name" }${extra:+,
  $extra}
}
EOF
        echo "$f"
}

# runp NAME: a READY sandbox from sandbox_json NAME; prints its id.
runp() {
        cri runp "$(sandbox_json "$1" "${2:-}")"
}

# create POD NAME COMMAND: a container of the sandbox; prints its id.
create() {
        cri create --no-pull "$1" "$(container_json "$2" "$3" "${4:-}")" "$W/cfg/pod-$(pod_name_of "$1").json"
}

pod_name_of() {
        cri inspectp "$1" | jq -r .status.metadata.name
}

pod_state() {
        cri inspectp "$1" | jq -r .status.state
}

ctr_state() {
        cri inspect "$1" | jq -r .status.state
}

exited() {
        [ "$(ctr_state "$1")" = CONTAINER_EXITED ]
}

crash_conmand() {
        local pid
        pid=$(systemctl show -P MainPID conmand)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
}

crash_cri() {
        local pid
        pid=$(systemctl show -P MainPID conman-cri.service)
        [ "$pid" -gt 0 ] || return 0 # not running: nothing to kill
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
        # this file kills it more often than systemd's start limit allows (5 in 10 s): not a crash loop
        systemctl reset-failed conman-cri.service conman-cri.socket 2>/dev/null || true
        systemctl start conman-cri.socket
}

@test "crictl round trip: runp, pods, inspectp, create, start, ps, inspect, logs, stop, rm, stopp, rmp" {
        pod=$(runp web)
        [[ "$pod" =~ ^[0-9a-f]{64}$ ]]
        run cri pods -q
        [ "$output" = "$pod" ]
        run cri inspectp "$pod"
        echo "$output"
        [ "$(jq -r .status.state <<<"$output")" = SANDBOX_READY ]
        [ "$(jq -r .status.metadata.name <<<"$output")" = web ]
        [ "$(jq -r .status.metadata.namespace <<<"$output")" = cri-test ]
        [ "$(jq -r .status.metadata.uid <<<"$output")" = uid-web ]
        [ "$(jq -r .status.labels.app <<<"$output")" = web ]
        [ "$(jq -r .status.annotations.note <<<"$output")" = "hello web" ]
        [ "$(jq -r .status.linux.namespaces.options.network <<<"$output")" = POD ]
        [[ "$(jq -r .status.network.ip <<<"$output")" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]
        [[ "$(jq -r .status.createdAt <<<"$output")" == "$(date -u +%Y-%m-%d)T"* ]] # crictl prints it as a date

        ctr=$(create "$pod" box 'echo hello-from-box; sleep 1000')
        [[ "$ctr" =~ ^[0-9a-f]{64}$ ]]
        [ "$(ctr_state "$ctr")" = CONTAINER_CREATED ]
        cri start "$ctr"
        [ "$(ctr_state "$ctr")" = CONTAINER_RUNNING ]
        run cri ps -q
        [ "$output" = "$ctr" ]
        run cri inspect "$ctr"
        echo "$output"
        [ "$(jq -r .status.metadata.name <<<"$output")" = box ]
        [ "$(jq -r .status.image.image <<<"$output")" = "$IMG" ]
        [[ "$(jq -r .status.imageRef <<<"$output")" =~ ^sha256:[0-9a-f]{64}$ ]]
        [ "$(jq -r .status.labels.role <<<"$output")" = box ]
        [ "$(jq -r '.status.annotations["ctr-note"]' <<<"$output")" = "about box" ]
        [ "$(jq -r .status.logPath <<<"$output")" = /var/log/pods/cri-test-web/box/0.log ]
        [ "$(jq -r .info.sandboxID <<<"$output")" = "$pod" ]
        [ "$(jq -r .info.pid <<<"$output")" -gt 1 ]
        # the kubelet log file (conmand's LogPath), in CRI's format
        wait_until 10 grep -qE '^[0-9T:.-]+Z stdout F hello-from-box$' /var/log/pods/cri-test-web/box/0.log
        # conman sees the same objects
        run conmanctl pod ps
        [[ "$output" == *"k8s-web-cri-test-"* ]]
        [ "$(conmanctl pod ps -q --no-trunc)" = "$pod" ]
        [ "$(conmanctl ps -q)" = "${ctr:0:12}" ]
        [ "$(conmanctl inspect "$ctr" | jq -r '.[0].Pod')" = "$pod" ]
        [ "$(conmanctl inspect "$ctr" | jq -r '.[0].Config.Labels.role')" = box ]

        cri stop --timeout 2 "$ctr"
        [ "$(ctr_state "$ctr")" = CONTAINER_EXITED ]
        run cri inspect "$ctr"
        [ "$(jq -r .status.reason <<<"$output")" = Error ] # killed: SIGTERM 143, or SIGKILL after 2 s
        [[ "$(jq -r .status.exitCode <<<"$output")" =~ ^(143|137)$ ]]
        [[ "$(jq -r .status.finishedAt <<<"$output")" > "$(jq -r .status.startedAt <<<"$output")" ]]
        cri rm "$ctr"
        [ -z "$(cri ps -a -q)" ]
        run cri inspect "$ctr"
        [ "$status" -ne 0 ]

        cri stopp "$pod"
        [ "$(pod_state "$pod")" = SANDBOX_NOTREADY ]
        [ "$(systemctl show -P ActiveState "$(conmanctl pod inspect "$pod" | jq -r '.[0].Unit')")" != active ]
        cri stopp "$pod" # again: fine
        cri rmp "$pod"
        [ -z "$(cri pods -q)" ]
        no_leftovers
}

@test "a container that exits: Completed with exit code 0; one that fails: Error with its code" {
        pod=$(runp job)
        ok=$(create "$pod" ok 'exit 0')
        bad=$(create "$pod" bad 'exit 3')
        cri start "$ok"
        cri start "$bad"
        wait_until 20 exited "$ok"
        wait_until 20 exited "$bad"
        [ "$(cri inspect "$ok" | jq -r .status.reason)" = Completed ]
        [ "$(cri inspect "$ok" | jq -r .status.exitCode)" = 0 ]
        [ "$(cri inspect "$bad" | jq -r .status.reason)" = Error ]
        [ "$(cri inspect "$bad" | jq -r .status.exitCode)" = 3 ]
        [ "$(cri ps -q)" = "" ]                       # none running
        [ "$(cri ps -a -q --state exited | wc -l)" = 2 ]
        # kubelet gives the image as the id ImageStatus answered ("sha256:..."): the same image
        id=$(cri inspecti -o json "$IMG" | jq -r .status.id)
        [[ "$id" =~ ^sha256:[0-9a-f]{64}$ ]]
        sed "s|\"image\": \"$IMG\"|\"image\": \"$id\"|" "$(container_json byid 'exit 0')" >$W/cfg/ctr-byid2.json
        byid=$(cri create --no-pull "$pod" $W/cfg/ctr-byid2.json $W/cfg/pod-job.json)
        [ "$(cri inspect "$byid" | jq -r .status.image.image)" = "$id" ]
        [ "$(cri inspect "$byid" | jq -r .status.imageRef)" = "$id" ]
        [ "$(cri inspect "$ok" | jq -r .status.imageRef)" = "$id" ]
}

@test "filters: pods and containers by label, state, id prefix and sandbox" {
        a=$(runp alpha)
        b=$(runp beta)
        ca=$(create "$a" one 'sleep 1000')
        cb=$(create "$b" two 'sleep 1000')
        cri start "$ca"
        [ "$(cri pods -q --label app=alpha)" = "$a" ]
        [ "$(cri pods -q --label app=beta --label tier=front)" = "$b" ]
        [ -z "$(cri pods -q --label app=alpha --label tier=back)" ]
        [ "$(cri pods -q | wc -l)" = 2 ]
        [ "$(cri pods -q --id "${a:0:12}")" = "$a" ]
        [ "$(cri pods -q --name alpha)" = "$a" ]
        [ "$(cri pods -q --namespace cri-test | wc -l)" = 2 ]
        cri stopp "$b"
        [ "$(cri pods -q --state ready)" = "$a" ]
        [ "$(cri pods -q --state notready)" = "$b" ]

        [ "$(cri ps -a -q --label role=two)" = "$cb" ]
        [ "$(cri ps -a -q --pod "$a")" = "$ca" ]
        [ "$(cri ps -q --state running)" = "$ca" ]
        [ "$(cri ps -a -q --state created)" = "$cb" ] || [ "$(cri ps -a -q --state exited)" = "$cb" ]
        [ "$(cri ps -a -q --id "${ca:0:8}")" = "$ca" ]
        # a container conman-cri did not make is not a CRI container
        conmanctl create --name outsider --network none --rootfs /var/tmp/cri-pods/busybox /bin/true >/dev/null
        [ "$(cri ps -a -q | wc -l)" = 2 ]
}

@test "the sandbox config drives the pod: host name, DNS, sysctls, labels in conman, published ports, host network" {
        pod=$(runp dns '"linux": { "sysctls": { "kernel.shm_rmid_forced": "1" } },
  "dns_config": { "servers": ["10.0.0.53"], "searches": ["svc.example"], "options": ["ndots:5"] },
  "port_mappings": [ { "protocol": 0, "container_port": 80, "host_port": 18080 }, { "container_port": 81 } ]')
        ctr=$(create "$pod" show 'hostname; echo shm=$(cat /proc/sys/kernel/shm_rmid_forced); cat /etc/resolv.conf; sleep 1000')
        cri start "$ctr"
        log=/var/log/pods/cri-test-dns/show/0.log
        wait_until 10 grep -q 'stdout F options ndots:5' "$log"
        grep -q 'stdout F dns-host$' "$log"
        grep -q 'stdout F shm=1$' "$log" # the sandbox's sysctls
        grep -q 'stdout F nameserver 10.0.0.53$' "$log"
        grep -q 'stdout F search svc.example$' "$log"
        run conmanctl pod inspect "$pod"
        echo "$output"
        [[ "$output" == *'"app": "dns"'* ]] || [[ "$output" == *'"app":"dns"'* ]]
        [[ "$output" == *18080* ]]
        [[ "$output" != *'"81/tcp"'* ]] # host_port 0: not published

        host=$(runp hostnet '"linux": { "security_context": { "namespace_options": { "network": 2 } } }')
        [ "$(cri inspectp "$host" | jq -r .status.linux.namespaces.options.network)" = NODE ]
        [ "$(cri inspectp "$host" | jq -r .status.network.ip)" = "" ]
}

# (crictl rmp and rm ask for the status first, so an unknown id fails in crictl itself: not tested here)
@test "stopp is idempotent; unknown ids: stopp fine, inspectp/inspect/start not found; rmp removes all" {
        cri stopp 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        run cri inspectp 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        [ "$status" -ne 0 ]
        [[ "$output" == *"NotFound"* ]] || [[ "$output" == *"not found"* ]]
        run cri start 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        [ "$status" -ne 0 ]
        pod=$(runp twice)
        ctr=$(create "$pod" c 'sleep 1000')
        cri start "$ctr"
        cri stopp "$pod"
        [ "$(ctr_state "$ctr")" = CONTAINER_EXITED ]
        cri stopp "$pod"
        # the same sandbox metadata again is refused while it exists
        run cri runp "$W/cfg/pod-twice.json"
        [ "$status" -ne 0 ]
        cri rmp "$pod"
        [ -z "$(cri pods -q)" ]
        [ -z "$(cri ps -a -q)" ]
        no_leftovers
}

@test "kill -9 of conman-cri and of conmand between the steps: crictl pods/ps stay exact, nothing leaked" {
        pod=$(runp crash)
        crash_cri
        ctr=$(create "$pod" c 'sleep 1000')
        crash_conmand
        wait_until 20 conmanctl info >/dev/null
        [ "$(cri pods -q)" = "$pod" ]
        [ "$(pod_state "$pod")" = SANDBOX_READY ]
        [ "$(ctr_state "$ctr")" = CONTAINER_CREATED ]
        cri start "$ctr"
        crash_cri
        crash_conmand
        wait_until 20 conmanctl info >/dev/null
        [ "$(cri ps -q)" = "$ctr" ]
        [ "$(cri inspect "$ctr" | jq -r .status.labels.role)" = c ]
        [ "$(cri inspectp "$pod" | jq -r .status.labels.app)" = crash ]
        cri stop --timeout 1 "$ctr"
        crash_conmand
        wait_until 20 conmanctl info >/dev/null
        [ "$(ctr_state "$ctr")" = CONTAINER_EXITED ]
        cri stopp "$pod"
        crash_cri
        [ "$(pod_state "$pod")" = SANDBOX_NOTREADY ]
        cri rmp "$pod"
        [ -z "$(cri pods -q)" ]
        no_leftovers
}

@test "kill -9 of conman-cri or conmand in the middle of runp and create: exact afterwards, nothing leaked" {
        for victim in cri conmand; do
                for delay in 0.05 0.3; do
                        cri runp "$(sandbox_json "mid-$victim")" >/dev/null 2>&1 &
                        sleep "$delay"
                        if [ $victim = cri ]; then crash_cri; else crash_conmand; fi
                        wait || true
                        wait_until 20 conmanctl info >/dev/null
                        # what crictl lists is exactly what conmand has
                        [ "$(cri pods -q | sort)" = "$(conmanctl pod ps -q --no-trunc | sort)" ]
                        pod=$(cri pods -q --name "mid-$victim")
                        if [ -z "$pod" ]; then
                                pod=$(runp "mid-$victim")
                        fi
                        create "$pod" c 'sleep 1000' >/dev/null 2>&1 &
                        sleep "$delay"
                        if [ $victim = cri ]; then crash_cri; else crash_conmand; fi
                        wait || true
                        wait_until 20 conmanctl info >/dev/null
                        [ "$(cri ps -a -q | wc -l)" -le 1 ]
                        [ "$(cri ps -a -q | cut -c1-12 | sort)" = "$(conmanctl ps -a -q | sort)" ]
                        cri rmp -f "$pod"
                        [ -z "$(cri pods -q)" ]
                        no_leftovers
                done
        done
}

# log_of POD_NAME CTR_NAME: the container's kubelet log file.
log_of() {
        echo "/var/log/pods/cri-test-$1/$2/0.log"
}

@test "the container config: command/args, env, working dir, mounts, user and groups, read-only root, caps" {
        mkdir -p $W/vol && echo from-the-host >$W/vol/f
        ln -sfn $W/vol $W/vol-link # a host path that is a symlink mounts its target
        pod=$(runp sec)
        cat >$W/cfg/ctr-u.json <<EOF
{
  "metadata": { "name": "u" }, "image": { "image": "$IMG" }, "log_path": "u/0.log",
  "command": [ "/bin/sh" ],
  "args": [ "-c", "id; echo \"greeting=\$GREETING\"; pwd; cat /data/f; touch /data/x || echo ro-data; touch /x || echo ro-root; sleep 1000" ],
  "envs": [ { "key": "GREETING", "value": "hi there" } ],
  "working_dir": "/tmp",
  "mounts": [ { "container_path": "/data", "host_path": "$W/vol-link", "readonly": true } ],
  "linux": {
    "resources": { "memory_limit_in_bytes": 67108864, "cpu_quota": 50000, "cpu_period": 100000,
                   "cpuset_cpus": "0" },
    "security_context": { "run_as_user": { "value": 1000 }, "run_as_group": { "value": 1001 },
                          "supplemental_groups": [ 2000 ], "readonly_rootfs": true }
  }
}
EOF
        ctr=$(cri create --no-pull "$pod" $W/cfg/ctr-u.json "$W/cfg/pod-sec.json")
        cri start "$ctr"
        log=$(log_of sec u)
        wait_until 10 grep -q 'ro-root$' "$log"
        cat "$log"
        grep -qE 'stdout F uid=1000 gid=1001 groups=.*2000' "$log"
        grep -q 'stdout F greeting=hi there$' "$log"
        grep -q 'stdout F /tmp$' "$log"
        grep -q 'stdout F from-the-host$' "$log"
        grep -q 'stdout F ro-data$' "$log"
        run cri inspect "$ctr"
        [ "$(jq -r '.status.mounts[0].containerPath' <<<"$output")" = /data ]
        [ "$(jq -r '.status.mounts[0].readonly' <<<"$output")" = true ]
        unit=$(jq -r .info.unit <<<"$output")
        [ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec "$unit")" = 500ms ]
        [ "$(systemctl show -P AllowedCPUs "$unit")" = 0 ]

        caps=$(create "$pod" caps 'grep -e CapEff -e Seccomp_filters /proc/self/status; sleep 1000' \
                '"linux": { "security_context": { "capabilities": { "drop_capabilities": ["ALL"], "add_capabilities": ["NET_RAW"] }, "no_new_privs": true } }')
        cri start "$caps"
        wait_until 10 grep -q 'CapEff' "$(log_of sec caps)"
        cat "$(log_of sec caps)"
        grep -qE 'stdout F CapEff:\s+0000000000002000$' "$(log_of sec caps)"
        # seccomp: none given is unconfined (CRI), RuntimeDefault is conman's default profile: one filter more
        sc=$(create "$pod" sc 'grep Seccomp_filters /proc/self/status; sleep 1000' \
                '"linux": { "security_context": { "seccomp": { "profile_type": 0 } } }')
        cri start "$sc"
        wait_until 10 grep -q 'Seccomp_filters' "$(log_of sec sc)"
        unconfined=$(grep -oE 'Seccomp_filters:\s+[0-9]+' "$(log_of sec caps)" | grep -oE '[0-9]+$')
        confined=$(grep -oE 'Seccomp_filters:\s+[0-9]+' "$(log_of sec sc)" | grep -oE '[0-9]+$')
        [ "$confined" -gt "$unconfined" ]
        # No security context at all is CRI's defaults too: no seccomp profile.
        bare=$(create "$pod" bare 'grep Seccomp_filters /proc/self/status; sleep 1000')
        cri start "$bare"
        wait_until 10 grep -q 'Seccomp_filters' "$(log_of sec bare)"
        [ "$(grep -oE 'Seccomp_filters:\s+[0-9]+' "$(log_of sec bare)" | grep -oE '[0-9]+$')" -eq "$unconfined" ]
        [ "$(jq -r '.linux.seccomp // "none"' /var/lib/conman/containers/"$bare"*/config.json)" = none ]
}

@test "namespaces: a pod-shared PID namespace by default, a private one on request; CgroupParent" {
        pod=$(runp pidns '"linux": { "cgroup_parent": "kubepods-besteffort-podcri.slice" }')
        a=$(create "$pod" a 'sleep 1001')
        b=$(create "$pod" b 'sleep 1; ps; sleep 1000')
        cri start "$a"
        cri start "$b"
        wait_until 10 grep -q 'sleep 1001' "$(log_of pidns b)"
        [[ "$(systemctl show -P ControlGroup "$(cri inspect "$a" | jq -r .info.unit)")" == */kubepods-besteffort-podcri.slice/* ]]
        [ "$(cri inspectp "$pod" | jq -r .status.linux.namespaces.options.pid)" = POD ]

        own=$(runp ownpid '"linux": { "security_context": { "namespace_options": { "pid": 1 } } }')
        c=$(create "$own" c 'sleep 1002')
        d=$(create "$own" d 'sleep 1; ps; sleep 1000')
        cri start "$c"
        cri start "$d"
        wait_until 10 grep -q 'stdout F PID' "$(log_of ownpid d)"
        ! grep -q 'sleep 1002' "$(log_of ownpid d)"
        [ "$(cri inspectp "$own" | jq -r .status.linux.namespaces.options.pid)" = CONTAINER ]
        cri rmp -f "$pod"
        cri rmp -f "$own"
        no_leftovers
}

@test "--cni-conf-dir: pods join the node's CNI network (the first conflist of the directory); rmp leaves no lease" {
        mkdir -p /run/conman-cri-test/net.d /run/systemd/system/conman-cri.service.d
        cat >/run/conman-cri-test/net.d/10-nodenet.conflist <<'JSON'
{ "cniVersion": "1.0.0", "name": "nodenet",
  "plugins": [
    { "type": "bridge", "bridge": "cmnode0", "isGateway": true, "ipMasq": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.99.9.0/24", "gateway": "10.99.9.1" }]],
                "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "/run/conman/ipam" } },
    { "type": "portmap", "capabilities": { "portMappings": true } } ] }
JSON
        echo '{ "cniVersion": "1.0.0", "name": "later", "type": "bridge" }' >/run/conman-cri-test/net.d/20-later.conf
        printf '[Service]\nEnvironment=CONMAN_CRI_CNI_CONF_DIR=/run/conman-cri-test/net.d\n' \
                >/run/systemd/system/conman-cri.service.d/cni.conf
        systemctl daemon-reload
        systemctl stop conman-cri.service || true
        pod=$(runp cninode)
        ip=$(cri inspectp "$pod" | jq -r .status.network.ip)
        [[ "$ip" == 10.99.9.* ]]
        # conmand took the node's list as a CNI network (not the native driver), once, for every pod
        run conmanctl network inspect nodenet
        [[ "$output" == *'"Backend": "cni"'* ]]
        pod2=$(runp cninode2)
        [[ "$(cri inspectp "$pod2" | jq -r .status.network.ip)" == 10.99.9.* ]]
        ctr=$(create "$pod" web 'sleep 1000')
        cri start "$ctr"
        [ "$(cri exec "$ctr" sh -c 'ip -4 -o addr show eth0' | awk '{print $4}')" = "$ip/24" ]
        cri rmp -f "$pod" "$pod2"
        [ -z "$(ls /run/conman/ipam/nodenet 2>/dev/null | grep -E '^10\.')" ]
        # a different list under the same name is refused, with the reason, and makes no pod
        sed -i 's/10.99.9/10.99.10/g' /run/conman-cri-test/net.d/10-nodenet.conflist
        run cri runp "$(sandbox_json cninode3)"
        [ "$status" -ne 0 ]
        [[ "$output" == *"nodenet"* ]]
        [ -z "$(cri pods -q)" ]
        rm -rf /run/conman-cri-test /run/systemd/system/conman-cri.service.d
        systemctl daemon-reload
        systemctl stop conman-cri.service || true
        conmanctl network rm nodenet
        no_leftovers
}
