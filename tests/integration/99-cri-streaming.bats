#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conman-cri's streaming server with the real crictl (client-go's SPDY/3.1 and remote-command v4):
# exec with output, exit code, stdin (-i) and a terminal (-it, its size), attach to a running container,
# port-forward to a busybox httpd inside a pod's network namespace, and what is refused (an exited
# container, an unknown sandbox). The containers and pods are made with conmanctl: the streaming RPCs
# only need conmand's view of them (a CRI sandbox is a conman pod).

load helpers
load cri-tools

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        cri_tools_setup
        conman_setup
        systemctl start conman-cri.socket
}

teardown() {
        [ -n "${PF_PID:-}" ] && kill "$PF_PID" 2>/dev/null || true
        for p in $(cri pods -q 2>/dev/null); do cri rmp -f "$p" >/dev/null 2>&1 || true; done
        remove_all_containers
        for p in $(conmanctl pod ps -q 2>/dev/null); do conmanctl pod rm -f "$p" >/dev/null 2>&1 || true; done
}

PTY="$BATS_TEST_DIRNAME/interactive/ptydrive.py"

# Drives "$@" on a pseudo-terminal with the steps in $STEPS (20-interactive.bats); sets $status like `run`.
drive() {
        run bash -c 'printf "%s\n" "$1" | "$0" "${@:2}"' "$PTY" "$STEPS" "$@"
}

# run_sleeper NAME [OPTIONS...]: a running container that waits for SIGTERM; prints its full id.
run_sleeper() {
        local name=$1; shift
        conmanctl run -d --name "$name" --rootfs "$R" --network none "$@" \
                /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done' >/dev/null
        conmanctl inspect -f '{{.Id}}' "$name"
}

@test "crictl exec: stdout and stderr, the exit code" {
        id=$(run_sleeper ex)
        run cri exec "$id" /bin/sh -c 'echo to-out; echo to-err >&2'
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *to-out* ]]
        [[ "$output" == *to-err* ]]
        # crictl exits 1 and says the code (it came in the v4 error stream's Status). The sleep: a process
        # failing within milliseconds fails its exec unit's start job, and conmand answers RuntimeFailed.
        run cri exec "$id" /bin/sh -c 'sleep 0.3; exit 3'
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"exit code 3"* ]]
        run cri exec "$id" /bin/no-such-program
        echo "$output"
        [ "$status" -ne 0 ]
}

@test "crictl exec -i: stdin reaches the process, its EOF ends it" {
        id=$(run_sleeper exi)
        run bash -c "printf 'line1\nline2\n' | crictl --runtime-endpoint $CRI_ENDPOINT exec -i $id /bin/sh -c 'cat; echo done'"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *line1*line2*done* ]]
        # much more than a pipe holds, both ways
        run bash -c "head -c 3000000 /dev/zero | crictl --runtime-endpoint $CRI_ENDPOINT exec -i $id /bin/sh -c 'cat' | wc -c"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[-1]}" -eq 3000000 ]
}

@test "crictl exec -it: a terminal, typed input, its size follows the client's" {
        id=$(run_sleeper exit)
        STEPS='expect # 
send echo $((6*7))\r
expect \r\n42\r\n
send stty size </dev/tty\r
expect 33 101
resize 40 100
sleep 0.5
send stty size </dev/tty\r
expect 40 100
send exit 7\r
eof'
        drive --rows 33 --cols 101 -- crictl --runtime-endpoint "$CRI_ENDPOINT" exec -it "$id" /bin/sh
        echo "$output"
        [ "$status" -ne 200 ] # every expect was met
        [[ "$output" == *"exit code 7"* ]]
}

@test "crictl exec -s (ExecSync) answers, when it is implemented" {
        id=$(run_sleeper exs)
        run cri exec -s "$id" /bin/echo synced
        echo "$output"
        [[ "$output" == *Unimplemented* ]] && skip "ExecSync is not in this build"
        [ "$status" -eq 0 ]
        [[ "$output" == *synced* ]]
}

@test "crictl attach: the output of a running container, input to an interactive one" {
        conmanctl run -d --name ticker --rootfs "$R" --network none /bin/sh -c 'while :; do echo tick; sleep 0.2; done' >/dev/null
        id=$(conmanctl inspect -f '{{.Id}}' ticker)
        run timeout 3 crictl --runtime-endpoint "$CRI_ENDPOINT" attach "$id"
        echo "$output"
        [[ "$output" == *tick* ]]
        conmanctl run -d -i --name reader --rootfs "$R" --network none /bin/sh -c 'while read l; do echo "got $l"; done' >/dev/null
        id=$(conmanctl inspect -f '{{.Id}}' reader)
        run bash -c "(echo hello; sleep 2) | timeout 4 crictl --runtime-endpoint $CRI_ENDPOINT attach -i $id"
        echo "$output"
        [[ "$output" == *"got hello"* ]]
}

@test "crictl attach -it to a terminal container, and the container's exit ends it" {
        conmanctl run -d -i -t --name term --rootfs "$R" --network none /bin/sh >/dev/null
        id=$(conmanctl inspect -f '{{.Id}}' term)
        STEPS='send \r
expect # 
send echo in-$((1+2))\r
expect in-3
send exit 0\r
eof'
        drive -- crictl --runtime-endpoint "$CRI_ENDPOINT" attach -it "$id"
        echo "$output"
        [ "$status" -eq 0 ]
        wait_until 10 bash -c "conmanctl inspect -f '{{.State.Status}}' term | grep -q exited"
}

@test "crictl port-forward: a busybox httpd inside a pod's network namespace" {
        pod=$(conmanctl pod create --network none --name webpod)
        pod=$(conmanctl pod inspect -f '{{.Id}}' "$pod" 2>/dev/null || echo "$pod")
        mkdir -p /var/tmp/www && echo "hello from the pod" >/var/tmp/www/index.html
        conmanctl run -d --pod webpod --name httpd --rootfs "$R" -v /var/tmp/www:/www:ro /bin/httpd -f -p 8080 -h /www >/dev/null
        # the port is inside the pod only
        refute curl -s --max-time 2 http://127.0.0.1:8080/
        crictl --runtime-endpoint "$CRI_ENDPOINT" port-forward "$pod" 18080:8080 >/var/tmp/pf.log 2>&1 &
        PF_PID=$!
        wait_until 20 curl -s --max-time 2 -o /dev/null http://127.0.0.1:18080/
        run curl -s --max-time 5 http://127.0.0.1:18080/index.html
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "hello from the pod" ]
        # several connections in one session
        for i in 1 2 3; do [ "$(curl -s --max-time 5 http://127.0.0.1:18080/)" = "hello from the pod" ]; done
        # a port nobody listens on: the forward fails, crictl says why
        crictl --runtime-endpoint "$CRI_ENDPOINT" port-forward "$pod" 18081:9999 >/var/tmp/pf2.log 2>&1 &
        pid2=$!
        wait_until 20 grep -q Forwarding /var/tmp/pf2.log
        refute curl -s --max-time 3 http://127.0.0.1:18081/
        kill $pid2 || true
        cat /var/tmp/pf2.log
        grep -q "error forwarding port 9999" /var/tmp/pf2.log
}

@test "refused: exec in an exited container, port-forward to an unknown sandbox" {
        conmanctl run --name done --rootfs "$R" --network none /bin/true
        id=$(conmanctl inspect -f '{{.Id}}' done)
        run cri exec "$id" /bin/true
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not running"* ]]
        run cri exec 0000000000000000000000000000000000000000000000000000000000000000 /bin/true
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *NotFound* ]]
        run cri port-forward 0000000000000000000000000000000000000000000000000000000000000000 18082:80
        echo "$output"
        [ "$status" -ne 0 ]
}

# CRI sandboxes and containers (cri/sandbox.c, cri/container.c): the same streaming over objects made
# with crictl runp/create/start, as kubelet and critest make them. Skipped where RunPodSandbox is not
# in the build.
CRI_IMG=localhost/cri-stream-box:1
CW=/var/tmp/cri-stream

cri_image() {
        [ -d "$CW/oci" ] || {
                make_rootfs "$CW/busybox"
                umoci init --layout "$CW/oci"
                umoci new --image "$CW/oci:1"
                umoci unpack --image "$CW/oci:1" "$CW/b" >/dev/null
                cp -a "$CW/busybox/." "$CW/b/rootfs/"
                umoci repack --image "$CW/oci:1" "$CW/b" >/dev/null
                umoci config --image "$CW/oci:1" --config.cmd /bin/sh
        }
        conmanctl image inspect "$CRI_IMG" >/dev/null 2>&1 || conmanctl image import "$CW/oci" "$CRI_IMG" >/dev/null
}

require_cri_sandboxes() {
        run cri pods
        [[ "$output" == *Unimplemented* ]] && skip "the CRI sandbox methods are not in this build"
        cri_image
}

# cri_pod NAME [NETWORK_MODE]: a READY sandbox (a PID namespace per container: streaming does not care;
# network 2: the host's); prints its id.
cri_pod() {
        mkdir -p "$CW/cfg"
        cat >"$CW/cfg/pod-$1.json" <<EOF2
{ "metadata": { "name": "$1", "namespace": "stream-test", "uid": "uid-$1", "attempt": 0 },
  "log_directory": "/var/log/pods/stream-test-$1",
  "linux": { "security_context": { "namespace_options": { "pid": 1, "network": ${2:-0} } } } }
EOF2
        cri runp "$CW/cfg/pod-$1.json"
}

# cri_ctr POD_ID POD_NAME NAME COMMAND [EXTRA JSON]: a started container; prints its id.
cri_ctr() {
        cat >"$CW/cfg/ctr-$3.json" <<EOF2
{ "metadata": { "name": "$3" }, "image": { "image": "$CRI_IMG" },
  "command": [ "/bin/sh", "-c", "$4" ], "log_path": "$3/0.log"${5:+, $5} }
EOF2
        local id
        id=$(cri create --no-pull "$1" "$CW/cfg/ctr-$3.json" "$CW/cfg/pod-$2.json") || return 1
        cri start "$id" >/dev/null || return 1
        echo "$id"
}

@test "CRI objects: exec, exec -i, exec -it and attach in a container of a sandbox" {
        require_cri_sandboxes
        pod=$(cri_pod sp1)
        id=$(cri_ctr "$pod" sp1 worker 'while :; do echo tick; sleep 0.2; done')
        run cri exec "$id" /bin/sh -c 'echo in-cri; hostname'
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *in-cri* ]]
        run bash -c "echo piped | crictl --runtime-endpoint $CRI_ENDPOINT exec -i $id /bin/cat"
        [ "$output" = piped ]
        STEPS='expect # 
send echo $((6*7))\r
expect \r\n42\r\n
send exit\r
eof'
        drive -- crictl --runtime-endpoint "$CRI_ENDPOINT" exec -it "$id" /bin/sh
        echo "$output"
        [ "$status" -eq 0 ]
        run timeout 3 crictl --runtime-endpoint "$CRI_ENDPOINT" attach "$id"
        echo "$output"
        [[ "$output" == *tick* ]]
        cri stopp "$pod" >/dev/null
        cri rmp "$pod" >/dev/null
}

@test "CRI objects: port-forward to a busybox httpd in a sandbox" {
        require_cri_sandboxes
        pod=$(cri_pod sp2)
        cri_ctr "$pod" sp2 web 'mkdir -p /www && echo hello-sandbox >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
        crictl --runtime-endpoint "$CRI_ENDPOINT" port-forward "$pod" 18090:8080 >/var/tmp/pf3.log 2>&1 &
        PF_PID=$!
        wait_until 20 curl -s --max-time 2 -o /dev/null http://127.0.0.1:18090/
        run curl -s --max-time 5 http://127.0.0.1:18090/
        echo "$output"
        [ "$output" = hello-sandbox ]
        kill $PF_PID
        PF_PID=
        cri stopp "$pod" >/dev/null
        cri rmp "$pod" >/dev/null
}

@test "CRI objects: port-forward to a sandbox on the host's network" {
        require_cri_sandboxes
        pod=$(cri_pod sp3 2)
        cri_ctr "$pod" sp3 web 'mkdir -p /www && echo hello-host-net >/www/index.html && exec httpd -f -p 18093 -h /www' >/dev/null
        wait_until 20 curl -s --max-time 2 -o /dev/null http://127.0.0.1:18093/
        crictl --runtime-endpoint "$CRI_ENDPOINT" port-forward "$pod" 18094:18093 >/var/tmp/pf4.log 2>&1 &
        PF_PID=$!
        wait_until 20 curl -s --max-time 2 -o /dev/null http://127.0.0.1:18094/
        run curl -s --max-time 5 http://127.0.0.1:18094/
        echo "$output"
        [ "$output" = hello-host-net ]
        kill $PF_PID
        PF_PID=
        cri stopp "$pod" >/dev/null
        cri rmp "$pod" >/dev/null
}
