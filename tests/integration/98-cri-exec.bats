#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conman-cri's ExecSync, UpdateContainerResources, ReopenContainerLog (cri/container-exec.c) and the stats
# methods (cri/stats.c) with the real crictl: exec -s output and exit codes (both streams, large output), a
# timed-out exec is killed inside the container, update sets the unit's limits, stats/statsp report the memory
# of a running container and its pod, and a log moved away by a rotation is reopened (ReopenContainerLog has
# no crictl verb: it is called as gRPC over HTTP/2 with curl).

load helpers
load cri-tools

W=/var/tmp/cri-exec
IMAGE=localhost/cri-exec:1

# A busybox image in the store under $IMAGE (built by umoci from the test rootfs).
import_image() {
        conmanctl image inspect "$IMAGE" >/dev/null 2>&1 && return 0
        make_rootfs "$W/busybox"
        rm -rf "$W/oci" "$W/b"
        umoci init --layout "$W/oci"
        umoci new --image "$W/oci:1"
        umoci unpack --image "$W/oci:1" "$W/b" >/dev/null
        cp -a "$W/busybox/." "$W/b/rootfs/"
        umoci repack --image "$W/oci:1" "$W/b" >/dev/null
        conmanctl image import "$W/oci" "$IMAGE" >/dev/null
}

write_configs() {
        cat >"$W/pod.json" <<EOF
{"metadata": {"name": "exec-pod", "namespace": "default", "uid": "exec-pod-uid", "attempt": 0},
 "log_directory": "/var/log/pods/exec-pod", "labels": {"app": "exec"}, "linux": {}}
EOF
        cat >"$W/ctr.json" <<EOF
{"metadata": {"name": "ticker"}, "image": {"image": "$IMAGE"},
 "command": ["/bin/sh", "-c", "while :; do echo tick; sleep 0.2; done"],
 "log_path": "ticker.log", "labels": {"role": "ticker"}, "linux": {}}
EOF
        sed -e 's/"ticker"/"quitter"/' -e 's/ticker.log/quitter.log/' \
                -e 's|"command": \[.*\]|"command": ["/bin/true"]|' "$W/ctr.json" >"$W/quitter.json"
}

setup_file() {
        cri_tools_setup
        systemctl start conman-cri.socket
        mkdir -p "$W" /var/log/pods/exec-pod
        import_image
        write_configs
        POD=$(cri runp "$W/pod.json")
        CTR=$(cri create "$POD" "$W/ctr.json" "$W/pod.json")
        cri start "$CTR"
        echo "$POD" >"$W/pod.id"
        echo "$CTR" >"$W/ctr.id"
}

teardown_file() {
        [ -f "$W/pod.id" ] && cri rmp -f "$(cat "$W/pod.id")" >/dev/null 2>&1
        rm -f "$W/pod.id" "$W/ctr.id"
}

setup() {
        cri_tools_setup
        POD=$(cat "$W/pod.id")
        CTR=$(cat "$W/ctr.id")
}

unit_of() {
        conmanctl inspect "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Unit"])'
}

# grpc_reopen ID: calls ReopenContainerLog over the socket and prints the grpc-status.
grpc_reopen() {
        python3 -c '
import struct, sys
i = sys.argv[1].encode()
m = b"\x0a" + bytes([len(i)]) + i
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(m)) + m)' "$1" >"$W/reopen.bin"
        curl -s --http2-prior-knowledge --unix-socket "$CRI_SOCKET" -H 'content-type: application/grpc' \
                -H 'te: trailers' --data-binary @"$W/reopen.bin" -D - -o /dev/null \
                http://localhost/runtime.v1.RuntimeService/ReopenContainerLog | tr -d '\r' |
                sed -n 's/^grpc-status: //p'
}

# crictl 1.26 prints stdout and stderr (both to its stdout) only for exit code 0; for another code it fails
# with kubelet's message "command '...' exited with N: STDERR" (as with containerd).
@test "crictl exec -s: stdout, stderr and the exit code" {
        run cri exec -s "$CTR" /bin/sh -c 'echo to-out; echo to-err >&2'
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"to-out"* ]]
        [[ "$output" == *"to-err"* ]]
        run cri exec -s "$CTR" /bin/sh -c 'echo to-out; echo to-err >&2; exit 3'
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"exited with 3: to-err"* ]]
        # the shell kills itself (its child sends the signal to $PPID): 128 + 9
        run cri exec -s "$CTR" /bin/sh -c 'sh -c "kill -9 \$PPID"; sleep 5'
        echo "$output"
        [[ "$output" == *"exited with 137"* ]]
}

@test "crictl exec -s: a megabyte on each stream at once is read whole (no deadlock)" {
        run cri exec -s "$CTR" /bin/sh -c \
                'i=0; while [ $i -lt 16 ]; do head -c 65536 /dev/zero | tr "\0" o; head -c 65536 /dev/zero | tr "\0" e >&2; i=$((i+1)); done'
        [ "$status" -eq 0 ]
        [ "$(printf %s "$output" | tr -cd o | wc -c)" -eq 1048576 ]
        [ "$(printf %s "$output" | tr -cd e | wc -c)" -eq 1048576 ]
}

@test "crictl exec -s --timeout 1: DeadlineExceeded, and the process inside is gone" {
        start=$SECONDS
        run cri exec -s --timeout 1 "$CTR" /bin/sleep 100
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"DeadlineExceeded"* ]]
        [[ "$output" == *"timed out"* ]]
        [ $((SECONDS - start)) -lt 15 ]
        run cri exec -s "$CTR" /bin/ps
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *"sleep 100"* ]]
        refute pgrep -f "^/bin/sleep 100"
        wait_until 10 sh -c "! systemctl list-units --no-legend --state=active,activating 'conman-k8s-ticker-*-exec-*' | grep -q ."
}

@test "crictl exec -s in a container that does not exist: NotFound" {
        run cri exec -s 0123456789abcdef /bin/true
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"NotFound"* ]]
}

@test "crictl update: memory, CPU quota and shares land on the running unit" {
        unit=$(unit_of "$CTR")
        run cri update --memory 67108864 --cpu-period 100000 --cpu-quota 50000 --cpu-share 512 "$CTR"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(systemctl show -P MemoryMax "$unit")" = 67108864 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec "$unit")" = 500ms ]
        [ "$(systemctl show -P CPUWeight "$unit")" = 20 ]
        run cri update --memory 100663296 "$CTR"
        [ "$status" -eq 0 ]
        [ "$(systemctl show -P MemoryMax "$unit")" = 100663296 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec "$unit")" = 500ms ]
}

@test "crictl stats: the running container's memory, CPU and writes, found by id, pod and label" {
        cri exec -s "$CTR" /bin/sh -c 'head -c 1048576 /dev/urandom >/written'
        for args in "$CTR" "--pod $POD" "--label role=ticker"; do
                run cri stats -o json $args
                echo "$output"
                [ "$status" -eq 0 ]
                echo "$output" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["stats"] if x["attributes"]["id"] == sys.argv[1]]
assert len(s) == 1, s
s = s[0]
assert s["attributes"]["metadata"]["name"] == "ticker", s
assert int(s["memory"]["workingSetBytes"]["value"]) > 0, s
assert int(s["memory"]["usageBytes"]["value"]) > 0, s
assert int(s["cpu"]["usageCoreNanoSeconds"]["value"]) > 0, s
assert int(s["cpu"]["timestamp"]) > 10**18, s
assert s["writableLayer"]["fsId"]["mountpoint"], s
assert int(s["writableLayer"]["usedBytes"]["value"]) >= 1048576, s
assert int(s["writableLayer"]["inodesUsed"]["value"]) >= 2, s
' "$CTR"
        done
        run cri stats -o json --label role=nobody
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c 'import json, sys; assert not json.load(sys.stdin).get("stats"), "not empty"'
}

@test "crictl statsp: the pod's memory from its slice, with its container" {
        run cri statsp -o json --id "$POD"
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
assert len(s) == 1, s
s = s[0]
assert s["attributes"]["id"] == sys.argv[1], s
assert s["attributes"]["metadata"]["name"] == "exec-pod", s
l = s["linux"]
assert int(l["memory"]["workingSetBytes"]["value"]) > 0, l
assert int(l["process"]["processCount"]["value"]) > 0, l
assert int(l["cpu"]["usageCoreNanoSeconds"]["value"]) > 0, l
assert [c["attributes"]["id"] for c in l["containers"]] == [sys.argv[2]], l
' "$POD" "$CTR"
        run cri statsp -o json --label app=nobody
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c 'import json, sys; assert not json.load(sys.stdin).get("stats"), "not empty"'
}

@test "ReopenContainerLog: a log moved away is written again; crictl logs reads the new file" {
        log=/var/log/pods/exec-pod/ticker.log
        wait_until 10 grep -q " stdout F tick" "$log"
        mv "$log" "$log.1"
        [ "$(grpc_reopen "$CTR")" = 0 ]
        wait_until 10 grep -q " stdout F tick" "$log"
        run cri logs --tail 2 "$CTR"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *tick* ]]
        [ "$(grpc_reopen 0123456789abcdef)" = 5 ] # NotFound
}

@test "ReopenContainerLog of a container that is not running: FailedPrecondition" {
        id=$(cri create "$POD" "$W/quitter.json" "$W/pod.json")
        [ "$(grpc_reopen "$id")" = 9 ]
        cri start "$id"
        wait_until 10 sh -c "crictl --runtime-endpoint $CRI_ENDPOINT inspect -o json $id | grep -q CONTAINER_EXITED"
        [ "$(grpc_reopen "$id")" = 9 ]
        cri rm "$id"
}
