#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# --format Go templates (ctl/template.c) on ps and inspect against real containers: fields, docker's
# table with aligned columns, json, index, range, and a parse error that names its position.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

@test "ps --format: fields per container, a table with a header and aligned columns, 'json' unchanged" {
        conmanctl run -d --name fmt-up --rootfs "$R" /bin/sleep 1000
        conmanctl run --name fmt-exited-long-name --rootfs "$R" /bin/sh -c 'exit 3' || true
        run conmanctl ps -a --format '{{.Names}} {{.State}}'
        [ "$status" -eq 0 ]
        [[ "$output" == *"fmt-up running"* ]]
        [[ "$output" == *"fmt-exited-long-name exited"* ]]
        run conmanctl ps --format '{{.Names}} {{.State}}'
        [ "$output" = "fmt-up running" ]

        run conmanctl ps -a --format 'table {{.Names}}\t{{.Status}}'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "NAMES                  STATUS" ]
        # the name column is as wide as the longest name (20) plus 3
        [[ "$output" == *$'\n'"fmt-up                 Up "* ]]
        [[ "$output" == *$'\n'"fmt-exited-long-name   Exited (3) "* ]]

        run conmanctl ps --format '{{.ID}} {{len .ID}} {{upper .Names}} {{if eq .State "running"}}yes{{end}}'
        id=$(conmanctl inspect -f '{{.Id}}' fmt-up)
        [ "$output" = "${id:0:12} 12 FMT-UP yes" ]

        run conmanctl ps --format json
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Names"])')" = fmt-up ]
}

@test "inspect -f: nested fields, json, index and range over the inspect document" {
        conmanctl run --name fmt-code --label tier=front --rootfs "$R" /bin/sh -c 'exit 7' || true
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' fmt-code)" = 7 ]
        [ "$(conmanctl inspect --format '{{.State.Status}}/{{.State.ExitCode}}' fmt-code)" = exited/7 ]
        run conmanctl inspect -f '{{json .Config}}' fmt-code
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["Cmd"][2], c["Labels"]["tier"])')" = "exit 7 front" ]
        [ "$(conmanctl inspect -f '{{index .Config.Labels "tier"}}' fmt-code)" = front ]
        [ "$(conmanctl inspect -f '{{range .Config.Cmd}}[{{.}}]{{end}}' fmt-code)" = "[/bin/sh][-c][exit 7]" ]
        [ "$(conmanctl inspect -f '{{.NoSuchField}}' fmt-code)" = "<no value>" ]
}

@test "a template that does not parse fails with its position, before asking the daemon" {
        run conmanctl inspect -f '{{.State.ExitCode' nosuch
        [ "$status" -ne 0 ]
        [[ "$output" == *"template parsing error: position 1: unclosed action"* ]]
        run conmanctl ps --format '{{range .Names}}'
        [ "$status" -ne 0 ]
        [[ "$output" == *"position 1: unexpected EOF: {{range}} without {{end}}"* ]]
}

@test "ps --filter, -n, -l, --no-trunc and the PORTS column, as docker's" {
        conmanctl run -d --name flt-web -l app=web -p 18080:80 --rootfs "$R" /bin/sleep 1000
        conmanctl run --name flt-job --rootfs "$R" /bin/sh -c 'exit 3' || true
        conmanctl create --name flt-new --rootfs "$R" /bin/true
        # the default table has docker's PORTS column
        run conmanctl ps
        [[ "${lines[0]}" == *"STATUS"*"PORTS"*"NAMES"* ]]
        [[ "$output" == *"0.0.0.0:18080->80/tcp"*"flt-web"* ]]
        run conmanctl ps --format '{{.Names}} {{.Ports}} {{.Labels}} {{.Networks}}'
        [ "$output" = "flt-web 0.0.0.0:18080->80/tcp app=web conman0" ]
        # filters: values of one key are alternatives, keys all apply; status= and exited= imply -a
        [ "$(conmanctl ps --filter name=flt-web --format '{{.Names}}')" = flt-web ]
        [ "$(conmanctl ps --filter status=exited --format '{{.Names}}')" = flt-job ]
        [ "$(conmanctl ps -f exited=3 --format '{{.Names}}')" = flt-job ]
        [ "$(conmanctl ps -a -f label=app=web --format '{{.Names}}')" = flt-web ]
        [ "$(conmanctl ps -a -f publish=80 --format '{{.Names}}')" = flt-web ]
        [ "$(conmanctl ps -a -f network=conman0 -f name=^flt-w --format '{{.Names}}')" = flt-web ]
        run conmanctl ps -a -f status=created -f status=exited --format '{{.Names}}'
        [ "$output" = $'flt-new\nflt-job' ] # newest first
        [ "$(conmanctl ps -a -f since=flt-job --format '{{.Names}}')" = flt-new ]
        [ "$(conmanctl ps -a -f before=flt-job --format '{{.Names}}')" = flt-web ]
        [ -z "$(conmanctl ps -a -f status=running -f name=flt-job -q)" ]
        # -n N and -l: the newest, in every state
        [ "$(conmanctl ps -l --format '{{.Names}}')" = flt-new ]
        run conmanctl ps -n 2 --format '{{.Names}}'
        [ "$output" = $'flt-new\nflt-job' ]
        # --no-trunc: whole ids
        id=$(conmanctl inspect -f '{{.Id}}' flt-web)
        [ "$(conmanctl ps --no-trunc -q -f name=flt-web)" = "$id" ]
        [ "$(conmanctl ps -q -f name=flt-web)" = "${id:0:12}" ]
        # bad filters: a clear error, exit 125
        run conmanctl ps -f color=red
        [ "$status" -eq 125 ]
        [[ "$output" == *"unknown filter key"* ]]
        run conmanctl ps -f status=sleepy
        [ "$status" -eq 125 ]
        run conmanctl ps -n many
        [ "$status" -eq 125 ]
}

@test "stats, info and network ls take --format json|TEMPLATE (docker's fields), table headers" {
        conmanctl run -d --name fmt-st --memory 32m --rootfs "$R" /bin/sleep 1000
        run conmanctl stats --no-stream --format '{{.Name}} {{.ID}} {{.MemUsage}} {{.PIDs}}' fmt-st
        [ "$status" -eq 0 ]
        id=$(conmanctl inspect -f '{{.Id}}' fmt-st)
        [[ "$output" == "fmt-st ${id:0:12} "*" / 32.00MiB 1" ]]
        run conmanctl stats --no-stream --format 'table {{.Name}}\t{{.CPUPerc}}\t{{.NetIO}}\t{{.BlockIO}}'
        echo "$output"
        [[ "${lines[0]}" =~ ^NAME\ +CPU\ %\ +NET\ I/O\ +BLOCK\ I/O$ ]]
        [[ "${lines[1]}" == "fmt-st "*"%"* ]]
        run conmanctl stats --no-stream --format json
        [ "$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["Name"], d[0]["MemPerc"][-1])')" = "fmt-st %" ]
        # the default table has docker's columns
        run conmanctl stats --no-stream
        [[ "${lines[0]}" == "CONTAINER ID"*"MEM USAGE / LIMIT"*"NET I/O"*"BLOCK I/O"*"PIDS" ]]

        [ "$(conmanctl info --format '{{.ContainersRunning}}/{{.Containers}} {{.Driver}} {{.CgroupDriver}}')" = "1/1 overlay systemd" ]
        [[ "$(conmanctl info -f '{{.CgroupVersion}}')" =~ ^[12]$ ]]
        [ "$(conmanctl info -f '{{.ServerVersion}}')" = "$(conmanctl info -f '{{.ClientVersion}}')" ]
        run conmanctl info --format '{{json .}}'
        [ "$(echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ContainersStopped"], d["DefaultRuntime"] != "")')" = "0 True" ]
        run conmanctl info --format json
        [ "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Containers"])')" = 1 ]
        run conmanctl info
        [[ "$output" == *"Containers       : 1 (running 1, paused 0, stopped 0)"* ]]

        conmanctl network create --subnet 10.89.7.0/24 fmtnet
        run conmanctl network ls --format '{{.Name}} {{.Driver}} {{.Subnet}}'
        [[ "$output" == *"conman0 bridge "* ]]
        [[ "$output" == *"fmtnet bridge 10.89.7.0/24"* ]]
        [ "$(conmanctl network ls -f name=fmtn -q)" = fmtnet ]
        [ "$(conmanctl network ls --filter name=^conman0$ --format '{{.ID}}')" = conman0 ]
        [ -z "$(conmanctl network ls -f label=x -q)" ]
        [ "$(conmanctl network ls -f driver=bridge -f name=fmt --format '{{.Gateway}}')" = 10.89.7.1 ]
        run conmanctl network ls --format 'table {{.Name}}\t{{.Subnet}}' -f name=fmtnet
        [ "$output" = $'NAME      SUBNET\nfmtnet    10.89.7.0/24' ]
        run conmanctl network ls --format json -f name=fmtnet
        [ "$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Subnet"])')" = 10.89.7.0/24 ]
        run conmanctl network ls -f colour=red
        [ "$status" -eq 125 ]
        conmanctl network rm fmtnet
}

@test "volume ls --filter dangling=, label=, name=, driver= and -q" {
        conmanctl volume create --label tier=db fmt-data
        conmanctl volume create fmt-cache
        conmanctl run -d --name fmt-vol -v fmt-data:/data --rootfs "$R" /bin/sleep 1000
        [ "$(conmanctl volume ls -q -f name=^fmt- -f dangling=true)" = fmt-cache ]
        [ "$(conmanctl volume ls -q -f name=^fmt- --filter dangling=false)" = fmt-data ]
        [ "$(conmanctl volume ls -q -f label=tier)" = fmt-data ]
        [ "$(conmanctl volume ls -q -f label=tier=db -f driver=local)" = fmt-data ]
        [ -z "$(conmanctl volume ls -q -f label=tier=web)" ]
        [ -z "$(conmanctl volume ls -q -f driver=nfs)" ]
        [ "$(conmanctl volume ls -f name=cache --format '{{.Name}} {{.Links}}')" = "fmt-cache 0" ]
        run conmanctl volume ls -f name=fmt-cache
        [ "$output" = $'DRIVER     VOLUME NAME\nlocal      fmt-cache' ]
        run conmanctl volume ls -f dangling=maybe
        [ "$status" -eq 125 ]
        [[ "$output" == *"dangling is true or false"* ]]
        conmanctl rm -f fmt-vol
        conmanctl volume rm fmt-data fmt-cache
}

size_of() {
        conmanctl ps -s -f "name=^$1\$" --format '{{.Size}}'
}

size_starts() {
        [[ "$(size_of "$1")" == "$2"* ]]
}

@test "ps -s/--size: what the container wrote and, as virtual, that plus its image; {{.Size}}" {
        tar -C "$R" -cf /var/tmp/fmt-size.tar .
        conmanctl import /var/tmp/fmt-size.tar localhost/fmt-size:1
        conmanctl run -d --name fmt-size --network none localhost/fmt-size:1 \
                /bin/sh -c 'head -c 20000 /dev/zero >/big; exec sleep 1000'
        conmanctl run -d --name fmt-size-root --network none --rootfs "$R" /bin/sleep 1000
        wait_until 10 size_starts fmt-size "20kB (virtual "
        image=$(busctl --system --json=short call io.conman1 /io/conman1 io.conman1.Manager ListImages |
                python3 -c 'import json,sys; print([i[3] for i in json.load(sys.stdin)["data"][0] if "localhost/fmt-size:1" in str(i[1])][0])')
        virtual=$(python3 -c "
v, u = float($image + 20000), 0
units = ['B', 'kB', 'MB', 'GB', 'TB']
while v >= 1000 and u + 1 < len(units): v /= 1000; u += 1
print(('%.0f' if u == 0 else '%.3g') % v + units[u])")
        [ "$(size_of fmt-size)" = "20kB (virtual $virtual)" ]
        # a --rootfs container has no writable layer of its own, nor an image
        [ "$(size_of fmt-size-root)" = "0B (virtual 0B)" ]
        # the table gets docker's SIZE column, last
        run conmanctl ps -s -f name=^fmt-size$
        [[ "${lines[0]}" == *"NAMES  SIZE" ]]
        [[ "${lines[1]}" == *"fmt-size  20kB (virtual $virtual)" ]]
        run conmanctl ps --format 'table {{.Names}}\t{{.Size}}' -f name=^fmt-size$
        [ "${lines[0]}" = "NAMES      SIZE" ]
        # without -s or .Size nothing is sized
        [ "$(conmanctl ps --format json -f name=^fmt-size$ | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)[0]["Size"]))')" = "''" ]
        # reading the writable layers is root's
        run as_user conmanctl ps -s
        [ "$status" -ne 0 ]
        [[ "$output" == *"root only"* ]]
        conmanctl rm -f fmt-size fmt-size-root
        conmanctl rmi localhost/fmt-size:1
}
