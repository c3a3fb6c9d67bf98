#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conman-cri's transport with the real crictl (a grpc-go client): socket activation by conman-cri.socket,
# Version and Status over HTTP/2 + gRPC, an RPC nobody implements answers Unimplemented and the server stays
# up, 50 concurrent calls, kill -9 of conman-cri (the socket starts it again), and conmand that cannot start
# (Status says not ready, conman-cri does not crash).

load helpers
load cri-tools

setup() {
        cri_tools_setup
        systemctl start conman-cri.socket
}

main_pid() {
        systemctl show -P MainPID conman-cri.service
}

@test "conman-cri: --help and --version" {
        run conman-cri --help
        [ "$status" -eq 0 ]
        [[ "$output" == *"--listen=PATH"* ]]
        run conman-cri --version
        [ "$status" -eq 0 ]
        [[ "$output" == "conman-cri "* ]]
        run conman-cri --bogus
        [ "$status" -ne 0 ]
}

@test "conman-cri.socket: the first call starts conman-cri; the socket is 0660" {
        systemctl stop conman-cri.service
        ! systemctl -q is-active conman-cri.service
        [ "$(stat -c %a "$CRI_SOCKET")" = 660 ]
        run cri version
        echo "$output"
        [ "$status" -eq 0 ]
        systemctl -q is-active conman-cri.service
}

@test "crictl version: runtime conman, conmand's version, API v1" {
        want=$(busctl --system get-property io.conman1 /io/conman1 io.conman1.Manager Version | cut -d'"' -f2)
        run cri version
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"RuntimeName:  conman"* ]]
        [[ "$output" == *"RuntimeVersion:  $want"* ]]
        [[ "$output" == *"RuntimeApiVersion:  v1"* ]]
        [[ "$output" == *"Version:  0.1.0"* ]]
}

@test "crictl info: RuntimeReady and NetworkReady with conmand up, the config as JSON" {
        run cri info
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
conds = {c["type"]: c["status"] for c in d["status"]["conditions"]}
assert conds == {"RuntimeReady": True, "NetworkReady": True}, conds
assert d["config"]["runtimeName"] == "conman", d
'
}

@test "an RPC that is not implemented answers Unimplemented, and the server stays up" {
        pid=$(main_pid)
        [ "$pid" -gt 0 ] || { cri version; pid=$(main_pid); }
        run cri checkpoint --export=/var/tmp/cp.tar 0123456789ab
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"code = Unimplemented"* ]]
        [[ "$output" == *"CheckpointContainer"* ]]
        cri version
        [ "$(main_pid)" = "$pid" ]
}

@test "50 concurrent crictl version calls all answer" {
        cri version >/dev/null
        pid=$(main_pid)
        dir=$(mktemp -d)
        for i in $(seq 50); do
                (cri version >"$dir/$i.out" 2>&1; echo $? >"$dir/$i.rc") &
        done
        wait
        for i in $(seq 50); do
                [ "$(cat "$dir/$i.rc")" = 0 ] || { cat "$dir/$i.out"; false; }
                grep -q "RuntimeName:  conman" "$dir/$i.out"
        done
        [ "$(main_pid)" = "$pid" ]
        rm -rf "$dir"
}

@test "kill -9 of conman-cri: the next call is answered by a new one" {
        cri version >/dev/null
        pid=$(main_pid)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "[ \"\$(systemctl show -P MainPID conman-cri.service)\" != $pid ]"
        run cri version
        echo "$output"
        [ "$status" -eq 0 ]
        new=$(main_pid)
        [ "$new" -gt 0 ] && [ "$new" != "$pid" ]
}

@test "conmand not started yet: Status starts it and says ready; conmand that cannot start: not ready" {
        cri version >/dev/null
        pid=$(main_pid)
        systemctl stop conmand.service
        run cri info
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert all(c["status"] is True for c in d["status"]["conditions"]), d
'
        systemctl -q is-active conmand.service # a status probe on a fresh node activates it, as any call would
        systemctl stop conmand.service
        systemctl mask --runtime conmand.service
        run cri info
        echo "$output"
        systemctl unmask --runtime conmand.service
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d["status"]["conditions"]:
    assert c["status"] is False and c["reason"] == "ConmandNotRunning" and "conmand" in c["message"], c
'
        [ "$(main_pid)" = "$pid" ]
        cri version
}

@test "systemctl stop conman-cri: a clean exit, and the socket starts it again" {
        cri version >/dev/null
        systemctl stop conman-cri.service
        [ "$(systemctl show -P Result conman-cri.service)" = success ]
        [ "$(systemctl show -P ExecMainStatus conman-cri.service)" = 0 ]
        systemctl -q is-active conman-cri.socket
        cri version >/dev/null
        systemctl -q is-active conman-cri.service
}
