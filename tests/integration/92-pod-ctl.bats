#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmanctl's pod verbs against the real conmand: pod create/ps/inspect/stop/start/kill/top/rm,
# run --pod, ps --pod, generate unit POD, and bad input refused with a message a person can act on.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

remove_all_pods() {
        for p in $(conmanctl pod ps -q 2>/dev/null); do conmanctl pod rm -f "$p" >/dev/null 2>&1 || true; done
}

teardown() {
        if [ -n "$(ls /etc/conman/containers 2>/dev/null)" ]; then # the round trip's boot-time pod
                systemctl stop 'conman-pod@*.service' 'conman-pod-*.slice' >/dev/null 2>&1 || true
                rm -rf /etc/conman/containers/*
                systemctl daemon-reload
                systemctl reset-failed 'conman-*' >/dev/null 2>&1 || true
        fi
        remove_all_containers
        remove_all_pods
        rm -rf /var/tmp/pod-files
}

# expect_failure MESSAGE-PART COMMAND...: the command exits 125 (conmanctl's own error, as docker) and says MESSAGE-PART.
expect_failure() {
        local msg=$1 want=125; shift
        run "$@"
        echo "$output"
        [ "$status" -eq $want ]
        [[ "$output" == *"$msg"* ]]
}

# A member that runs until stopped, on network none so that the tests need no bridge.
run_member() {
        local pod=$1 name=$2
        conmanctl run -d --pod "$pod" --name "$name" --rootfs "$R" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
}

pod_status() {
        conmanctl pod ps --format '{{.Status}}' | head -1
}

@test "pod create prints the id; pod ps lists it; pod inspect shows what was asked" {
        id=$(conmanctl pod create --network none --hostname webhost -l app=shop -l tier=front -m 128m \
                --cpus 0.5 --pids-limit 99 web)
        [[ "$id" =~ ^[0-9a-f]{64}$ ]]
        run conmanctl pod ps
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "POD ID"*"NAME"*"STATUS"*"CREATED"*"# OF CONTAINERS" ]]
        [[ "${lines[1]}" == "${id:0:12}  web "* ]]
        [[ "${lines[1]}" == *" 0" ]]
        [ "$(conmanctl pod ps -q)" = "${id:0:12}" ]
        [ "$(conmanctl pod ps -q --no-trunc)" = "$id" ]
        [ "$(conmanctl pod ps --format '{{.Name}} {{.NumberOfContainers}} {{.Id}}')" = "web 0 $id" ]
        conmanctl pod ps --format json | jq -e --arg id "$id" '.[0].Id == $id and .[0].Name == "web"'
        conmanctl pod ps --format 'table {{.ID}}\t{{.Name}}' | head -1 | grep -q '^POD ID *NAME$'

        run conmanctl pod inspect web
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | jq -e --arg id "$id" '.[0] | .Id == $id and .Name == "web" and .Hostname == "webhost"
                and .Labels.app == "shop" and .Labels.tier == "front" and .NumContainers == 0
                and .Slice == "conman-pod-web.slice" and .Unit == "conman-pod@web.service"'
        [ "$(conmanctl pod inspect -f '{{.Name}} {{.Hostname}}' ${id:0:12})" = "web webhost" ]
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" = active ]
        [ "$(systemctl show -P MemoryMax conman-pod-web.slice)" = 134217728 ]
        [ "$(systemctl show -P TasksMax conman-pod-web.slice)" = 99 ]
}

@test "pod create --name and the default network (bridge); a name given twice differently is refused" {
        id=$(conmanctl pod create --name bridged)
        [[ "$id" =~ ^[0-9a-f]{64}$ ]]
        conmanctl pod inspect bridged | jq -e '.[0].Name == "bridged"'
        expect_failure "give the name once" conmanctl pod create --name a b
        expect_failure "at most one NAME" conmanctl pod create a b
}

@test "run --pod: the container joins the pod; ps --pod shows POD ID and PODNAME; pod ps counts it" {
        id=$(conmanctl pod create --network none --hostname inpod web)
        run_member web web-a
        conmanctl run -d --name loner --rootfs "$R" --network none /bin/sleep 1000
        [ "$(conmanctl exec web-a hostname)" = inpod ]
        [ "$(conmanctl inspect -f '{{.Pod}} {{.PodName}}' web-a)" = "$id web" ]
        [ "$(systemctl show -P Slice conman-web-a.service)" = conman-pod-web.slice ]

        run conmanctl ps --pod
        echo "$output"
        [[ "${lines[0]}" == *"NAMES"*"POD ID"*"PODNAME" ]]
        echo "$output" | grep -E "web-a +${id:0:12} +web$"
        echo "$output" | grep -E ' loner *$'
        [ "$(conmanctl ps --format '{{.Names}}:{{.PodName}}:{{.Pod}}' | sort)" = "$(printf 'loner::\nweb-a:web:%s' "$id")" ]
        conmanctl ps --format json | jq -e '.[] | select(.Names == "web-a") | .PodName == "web"'
        [ "$(conmanctl pod ps --format '{{.NumberOfContainers}} {{.Status}}')" = "1 Running" ]
        conmanctl pod inspect web | jq -e '.[0].Containers[0].Name == "web-a" and .[0].NumContainers == 1'
}

@test "pod stop, start, restart and kill act on the members; pod top lists their processes" {
        conmanctl pod create --network none web
        run_member web web-a
        run_member web web-b
        [ "$(pod_status)" = Running ]

        run conmanctl pod top web
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "CONTAINER/UNIT"*"PID"*"COMMAND" ]]
        echo "$output" | grep -E '^web-a +[0-9]+ +/bin/sh -c'
        echo "$output" | grep -E '^web-b +[0-9]+ +/bin/sh -c'
        pid=$(conmanctl inspect -f '{{.State.Pid}}' web-a)
        echo "$output" | grep -E "^web-a +$pid "

        [ "$(conmanctl pod stop -t 5 web)" = web ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web-a)" = exited ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web-b)" = exited ]
        [ "$(pod_status)" = Exited ]
        [ "$(conmanctl pod top web | wc -l)" = 1 ]

        [ "$(conmanctl pod start web)" = web ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web-a)" = running ]
        [ "$(pod_status)" = Running ]
        old=$(conmanctl inspect -f '{{.State.Pid}}' web-b)
        [ "$(conmanctl pod restart web)" = web ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web-b)" = running ]
        [ "$(conmanctl inspect -f '{{.State.Pid}}' web-b)" != "$old" ]

        [ "$(conmanctl pod kill -s KILL web)" = web ]
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" web-a)" = exited ]'
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" web-b)" = exited ]'
}

@test "pod rm refuses a pod with running containers; rm -f removes the pod, its members, slice and pin" {
        conmanctl pod create --network none web
        run_member web web-a
        expect_failure "running containers" conmanctl pod rm web
        [ "$(conmanctl pod ps -q | wc -l)" = 1 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' web-a)" = running ]

        [ "$(conmanctl pod rm -f web)" = web ]
        [ -z "$(conmanctl pod ps -q)" ]
        [ -z "$(conmanctl ps -a -q)" ]
        [ "$(systemctl show -P ActiveState conman-pod@web.service)" != active ]
        [ "$(systemctl show -P ActiveState conman-pod-web.slice)" != active ]

        conmanctl pod create --network none empty
        [ "$(conmanctl pod rm empty)" = empty ]
        [ -z "$(conmanctl pod ps -q)" ]
}

@test "generate unit POD prints the .pod file and each member's .container; --files writes them" {
        conmanctl pod create --network none --hostname genhost web
        run_member web web-b
        run_member web web-a
        run conmanctl generate unit web
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "# web.pod" ]
        echo "$output" | grep -qx 'HostName=genhost'
        # the members in name order, each after its comment line, each naming the pod
        [ "$(echo "$output" | grep -E '^# [^ ]+\.(pod|container)$')" = "$(printf '# web.pod\n# web-a.container\n# web-b.container')" ]
        [ "$(echo "$output" | grep -c '^Pod=web.pod$')" = 2 ]
        echo "$output" | grep -qx 'ContainerName=web-a'

        run conmanctl generate unit --files /var/tmp/pod-files web
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf '/var/tmp/pod-files/web.pod\n/var/tmp/pod-files/web-a.container\n/var/tmp/pod-files/web-b.container')" ]
        grep -qx 'HostName=genhost' /var/tmp/pod-files/web.pod
        grep -qx 'Pod=web.pod' /var/tmp/pod-files/web-b.container
        # a container's name still gives its .container file alone, with no comment line
        conmanctl generate unit web-a | refute grep -qx '# web-a.container'
        [ "$(conmanctl generate unit --files /var/tmp/pod-files web-a)" = /var/tmp/pod-files/web-a.container ]
}

@test "generate unit --files POD into /etc/conman/containers: after pod rm -f, the pin unit brings it back" {
        conmanctl pod create --network none --hostname rt-host web
        run_member web web-a
        run_member web web-b
        mkdir -p /etc/conman/containers
        conmanctl generate unit --files /etc/conman/containers web
        conmanctl pod rm -f web
        systemctl daemon-reload
        [ "$(systemctl show -P LoadState conman-pod@web.service)" = loaded ]
        systemctl start conman-pod@web.service
        # one at a time: `is-active` of several units is true when any one of them is
        wait_until 20 systemctl is-active -q conman-web-a.service
        wait_until 20 systemctl is-active -q conman-web-b.service
        [ "$(systemctl show -P Slice conman-web-a.service)" = conman-pod-web.slice ]
        a=$(systemctl show -P MainPID conman-web-a.service)
        b=$(systemctl show -P MainPID conman-web-b.service)
        [ "$(stat -L -c %i /proc/$a/ns/uts)" = "$(stat -L -c %i /proc/$b/ns/uts)" ]
        [ "$(nsenter -t "$a" -u hostname)" = rt-host ]
        # conmand knows the boot-time pod and its members as ever
        wait_until 20 sh -c 'conmanctl pod ps --format "{{.Name}} {{.Status}} {{.NumberOfContainers}}" | grep -qx "web Running 2"'
        conmanctl ps --pod | grep -E ' web-a +[0-9a-f]{12} +web$'
}

@test "bad input: unknown pod, invalid name, taken name, network/ports/host name with --pod, --share pid" {
        expect_failure "No such pod 'nope'" conmanctl pod inspect nope
        expect_failure "No such pod 'nope'" conmanctl pod start nope
        expect_failure "No such pod 'nope'" conmanctl pod rm nope
        expect_failure "No such pod 'nope'" conmanctl pod top nope
        expect_failure "nope" conmanctl run -d --pod nope --rootfs "$R" /bin/true
        [ -z "$(conmanctl ps -a -q)" ]
        for n in -web 'we b' 'a/b' 'wéb'; do
                expect_failure "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}" conmanctl pod create --network none --name "$n"
        done
        [ -z "$(conmanctl pod ps -q)" ]

        conmanctl pod create --network none web
        expect_failure "web" conmanctl pod create --network none web
        [ "$(conmanctl pod ps -q | wc -l)" = 1 ]
        expect_failure "conmanctl pod create" conmanctl run -d --pod web --network host --rootfs "$R" /bin/true
        expect_failure "conmanctl pod create" conmanctl create --pod web --network none --rootfs "$R" /bin/true
        expect_failure "conmanctl pod create" conmanctl run -d --pod web -p 8080:80 --rootfs "$R" /bin/true
        expect_failure "conmanctl pod create" conmanctl run -d --pod web --hostname x --rootfs "$R" /bin/true
        [ -z "$(conmanctl ps -a -q)" ]
        expect_failure "holder process" conmanctl pod create --network none --share net,pid other
        expect_failure "invalid value 'lots' for --memory" conmanctl pod create -m lots other
        expect_failure "invalid signal" conmanctl pod kill -s NOPE web
        expect_failure "unknown option -f" conmanctl pod stop -f web
        expect_failure "name at least one pod" conmanctl pod rm
        expect_failure "unknown verb 'frob'" conmanctl pod frob
        [ "$(conmanctl pod ps -q | wc -l)" = 1 ]
}

@test "an unprivileged user may list and inspect pods but not create or remove them" {
        conmanctl pod create --network none web
        as_user conmanctl pod ps | grep -q ' web '
        as_user conmanctl pod inspect web | jq -e '.[0].Name == "web"'
        run as_user conmanctl pod create --network none mine
        [ "$status" -eq 125 ]
        run as_user conmanctl pod rm -f web
        [ "$status" -eq 125 ]
        [ "$(conmanctl pod ps -q | wc -l)" = 1 ]
}

@test "every pod verb has --help" {
        conmanctl --help | grep -q '^  pod '
        conmanctl pod --help | grep -q 'create'
        for v in create start stop restart kill rm ps inspect top; do
                run conmanctl pod $v --help
                [ "$status" -eq 0 ]
                [[ "$output" == "Usage: conmanctl pod $v"* ]]
                run conmanctl pod $v -h
                [ "$status" -eq 0 ]
        done
        conmanctl run --help | grep -q -- '--pod POD'
        conmanctl ps --help | grep -q -- '--pod'
        conmanctl generate unit --help | grep -q -- '--files DIR'
}
