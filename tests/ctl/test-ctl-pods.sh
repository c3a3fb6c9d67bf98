#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-ctl-pods.sh CONMANCTL FAKE-CONMAND — conmanctl's pod verbs against fake-conmand on a private
# bus (dbus-run-session): what each verb sends (the options dictionary, only what was given), what
# it prints for the replies, and its exit status. No root, no systemd; the real daemon is
# exercised by tests/integration/92-pod-ctl.bats.
set -u
if [ "${1:-}" != --inner ]; then
        command -v dbus-run-session >/dev/null || { echo "SKIP: no dbus-run-session"; exit 77; }
        exec dbus-run-session -- "$0" --inner "$@"
fi
CTL=$2 FAKE=$3
T=$(mktemp -d)
trap 'kill $FAKE_PID 2>/dev/null; rm -rf "$T"' EXIT
export CONMAN_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS

"$FAKE" "$DBUS_SESSION_BUS_ADDRESS" >"$T/calls" 2>&1 &
FAKE_PID=$!
for _ in $(seq 100); do grep -q READY "$T/calls" && break; sleep 0.05; done
grep -q READY "$T/calls" || { echo "fake-conmand did not start:"; cat "$T/calls"; exit 1; }

failed=0 n=0
A=$(printf 'a%.0s' {1..64}) C=$(printf 'c%.0s' {1..64}) ONE=$(printf '1%.0s' {1..64})

# check NAME EXPECTED-STATUS COMMAND...: runs COMMAND; its stdout+stderr go to $T/out.
check() {
        local name=$1 want=$2; shift 2
        n=$((n + 1))
        "$@" >"$T/out" 2>&1
        local got=$?
        if [ "$got" != "$want" ]; then
                echo "not ok $n $name: exit $got, expected $want"; sed 's/^/# /' "$T/out"; failed=$((failed + 1))
                return 1
        fi
        echo "ok $n $name"
}

# expect NAME: the last check's output equals stdin.
expect() {
        if ! diff -u - "$T/out" >"$T/diff"; then
                echo "not ok $n $1: output differs"; sed 's/^/# /' "$T/diff"; failed=$((failed + 1))
        fi
}

# last_call NAME: the fake's last recorded call equals stdin.
last_call() {
        if ! diff -u - <(tail -1 "$T/calls") >"$T/diff"; then
                echo "not ok $n $1: call differs"; sed 's/^/# /' "$T/diff"; failed=$((failed + 1))
        fi
}

check "pod create sends only what was given" 0 "$CTL" pod create web2
expect create-id <<<"$C"
last_call create <<<"CreatePod web2"
check "pod create without a name makes one up" 0 "$CTL" pod create
tail -1 "$T/calls" | grep -qE '^CreatePod pod-[0-9a-f]{8}$' || { echo "not ok $n generated name"; failed=$((failed + 1)); }

check "pod create: every option" 0 "$CTL" pod create --name web3 -p 8080:80 -p 9090:90/udp --network none \
        --hostname h -l a=1 -l b= -m 64m --cpus 1.5 --pids-limit 50 --share net,ipc
last_call create-all <<<"CreatePod web3 Hostname=h Network=none Share=net,ipc Memory=67108864 CPUQuota=1500000 PidsLimit=50 Publish=8080:80,9090:90/udp Labels=a:1,b:"
check "pod create: a taken name is the daemon's error" 125 "$CTL" pod create web
expect taken <<<"conmanctl: cannot create pod: The name 'web' is in use."
check "pod create: a bad number is refused before any call" 125 "$CTL" pod create --pids-limit many x
expect bad-number <<<"conmanctl pod create: invalid value 'many' for --pids-limit."

check "pod stop -t, kill -s, rm -f, start, restart print the names" 0 "$CTL" pod stop -t 5 web empty
expect stop <<<"$(printf 'web\nempty')"
last_call stop <<<"StopPod empty 5000000 - -"
check "pod kill" 0 "$CTL" pod kill -s HUP web
last_call kill <<<"KillPod web 0 HUP -"
check "pod start" 0 "$CTL" pod start "${A:0:5}"
last_call start <<<"StartPod web 0 - -"
check "pod rm of a running pod without -f" 125 "$CTL" pod rm web
expect busy <<<"conmanctl: cannot remove pod web: Pod web has running containers: stop it first or use rm -f."
check "pod rm -f" 0 "$CTL" pod rm -f web
last_call rm <<<"RemovePod web 0 - force"
check "an unknown pod: the others still done, exit 125" 125 "$CTL" pod stop nope web
expect unknown <<<"$(printf "conmanctl: cannot stop pod nope: No such pod 'nope'.\nweb")"

check "pod ps" 0 "$CTL" pod ps
[ "$(sed -n 1p "$T/out")" = "POD ID        NAME                 STATUS     CREATED          # OF CONTAINERS" ] ||
        { echo "not ok $n pod ps header"; cat "$T/out"; failed=$((failed + 1)); }
grep -qE "^${A:0:12}  web +Running +[0-9]+ days ago +2$" "$T/out" || { echo "not ok $n pod ps row"; cat "$T/out"; failed=$((failed + 1)); }
check "pod ps -q --no-trunc" 0 "$CTL" pod ps -q --no-trunc
expect ps-q <<<"$(printf '%s\n%s' "$A" "$(printf 'b%.0s' {1..64})")"
check "pod ps --format" 0 "$CTL" pod ps --format '{{.ID}} {{.Name}} {{.Status}} {{.NumberOfContainers}} {{.CreatedAt}}'
expect ps-format <<<"$(printf '%s web Running 2 2023-11-14T22:13:20.000000Z\n%s empty Created 0 2023-11-14T22:13:20.000000Z' "${A:0:12}" bbbbbbbbbbbb)"
check "pod ps --format table" 0 "$CTL" pod ps --format 'table {{.Name}}\t{{.NumberOfContainers}}'
expect ps-table <<<"$(printf 'NAME      # OF CONTAINERS\nweb       2\nempty     0')"
check "pod ps --format json" 0 "$CTL" pod ps --format json
[ "$(jq -r '.[0].Id + " " + .[0].Name + " " + .[0].Status + " " + (.[0].NumberOfContainers|tostring)' "$T/out")" = "$A web Running 2" ] ||
        { echo "not ok $n pod ps json"; failed=$((failed + 1)); }
check "pod ps: a bad template fails before calling" 125 "$CTL" pod ps --format '{{.Name'

check "pod inspect" 0 "$CTL" pod inspect web empty
[ "$(jq -r '.[].Name' "$T/out" | tr '\n' ' ')" = "web empty " ] || { echo "not ok $n inspect"; failed=$((failed + 1)); }
check "pod inspect -f" 0 "$CTL" pod inspect -f '{{.Name}}:{{.State}}' web
expect inspect-f <<<"web:running"
check "pod inspect of an unknown pod" 125 "$CTL" pod inspect web nope
grep -q "No such pod 'nope'" "$T/out" || { echo "not ok $n inspect unknown"; failed=$((failed + 1)); }

check "ps --pod" 0 "$CTL" ps --pod
grep -qE "^CONTAINER ID .* NAMES +POD ID +PODNAME$" "$T/out" || { echo "not ok $n ps --pod header"; cat "$T/out"; failed=$((failed + 1)); }
grep -qE " web-a +${A:0:12} +web$" "$T/out" || { echo "not ok $n ps --pod row"; cat "$T/out"; failed=$((failed + 1)); }
grep -qE " loner *$" "$T/out" || { echo "not ok $n ps --pod loner"; cat "$T/out"; failed=$((failed + 1)); }
check "ps --format .Pod .PodName" 0 "$CTL" ps --format '{{.Names}}:{{.PodName}}:{{.Pod}}'
expect ps-format-pod <<<"$(printf 'web-a:web:%s\nweb-b:web:%s\nloner::' "$A" "$A")"
check "ps without --pod keeps its columns" 0 "$CTL" ps
grep -q "PODNAME" "$T/out" && { echo "not ok $n ps shows PODNAME"; failed=$((failed + 1)); }

check "run --pod sends Pod and no Network" 0 "$CTL" create --pod web --name m --rootfs / /bin/true
last_call run-pod <<<"CreateContainer m Rootfs=/ Pod=web"
check "run --pod --network: the daemon's message" 125 "$CTL" create --pod web --network host --rootfs / /bin/true
expect run-pod-network <<<"conmanctl: cannot create container: Network belongs to the pod 'web': set it with conmanctl pod create."
check "run --pod --hostname" 125 "$CTL" create --pod web --hostname x --rootfs / /bin/true
check "run --pod -p" 125 "$CTL" create --pod web -p 80:80 --rootfs / /bin/true

check "generate unit POD" 0 "$CTL" generate unit web
expect generate <<<"# web.pod
[Pod]
PodName=web

# web-a.container
[Container]
ContainerName=web-a
Pod=web.pod

# web-b.container
[Container]
ContainerName=web-b
Pod=web.pod"
check "generate unit CONTAINER stays one file" 0 "$CTL" generate unit loner
expect generate-container <<<"[Container]
ContainerName=loner"
check "generate unit --files" 0 "$CTL" generate unit --files "$T/units" web
expect generate-files <<<"$T/units/web.pod
$T/units/web-a.container
$T/units/web-b.container"
grep -qx 'Pod=web.pod' "$T/units/web-b.container" || { echo "not ok $n files content"; failed=$((failed + 1)); }
check "generate unit --files CONTAINER" 0 "$CTL" generate unit --files "$T/units" "${ONE:0:6}"
expect generate-files-container <<<"$T/units/web-a.container"
check "generate unit of nothing" 125 "$CTL" generate unit nope
expect generate-none <<<"conmanctl: cannot generate the .container file of nope: No such container 'nope'."

for v in create start stop restart kill rm ps inspect top; do
        check "pod $v --help" 0 "$CTL" pod $v --help
        head -1 "$T/out" | grep -q "^Usage: conmanctl pod $v" || { echo "not ok $n $v usage"; failed=$((failed + 1)); }
done
check "pod with no verb" 125 "$CTL" pod
check "pod frob" 125 "$CTL" pod frob
check "pod stop -f is not an option of stop" 125 "$CTL" pod stop -f web
check "pod top with no pod" 125 "$CTL" pod top

echo "1..$n"
[ $failed -eq 0 ]
