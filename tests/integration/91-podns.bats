#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conman-podns (network/pod-namespaces.h): a pod's namespaces pinned by a oneshot unit that leaves no
# process, as conman-pod@NAME.service does — on conman0 with a published port (the same netns, attachment
# and iptables rules a container gets, 70-network.bats), its ipc/uts files, the member lines of its
# /etc/hosts, and nothing left after ExecStop= unpins. conmand is not involved.

load helpers

PODNS=/usr/libexec/conman/conman-podns
ID=$(printf 'conman-test-pod:pw' | sha256sum | cut -c1-64)

setup() {
        mkdir -p /var/tmp/pods
}

teardown() {
        systemctl stop conman-pod@pw.service podns-httpd.service >/dev/null 2>&1 || true
        systemctl reset-failed conman-pod@pw.service >/dev/null 2>&1 || true
        "$PODNS" unpin "$ID" >/dev/null 2>&1 || true
}

# The spec conman-generator would write (pod.json); $1: extra JSON members.
write_spec() {
        cat >/var/tmp/pods/pw.json <<EOF
{"id":"$ID","name":"pw","hostname":"pwhost","network":"bridge","share":"net,ipc,uts"$1}
EOF
}

# The pin unit's shape (unit_pod_pin_properties_build): pin in ExecStart=, unpin in ExecStop=.
start_pin_unit() {
        systemd-run --unit=conman-pod@pw.service --quiet -p Type=oneshot -p RemainAfterExit=yes \
                -p ExecStop="$PODNS unpin $ID" "$PODNS" pin --spec /var/tmp/pods/pw.json "$ID"
}

pod_leftovers() {
        ls /run/netns 2>/dev/null | grep "^conman-${ID:0:12}" || true
        ls -d "/run/conman/networks/$ID" "/run/conman/pods/$ID" 2>/dev/null || true
        grep -E "/run/conman/pods/$ID|conman-${ID:0:12}" /proc/self/mountinfo || true
        leftover_veths
        iptables-save 2>/dev/null | grep -E '^-A' | grep -E 'CNI-DN-|dport 8091' || true
        nft list table inet conman 2>/dev/null | grep 'comment "conman:' || true   # the native driver's rules
}

@test "a bridge pod: pin makes the netns, the attachment, ipc/uts and the published port; stop unpins all" {
        write_spec ',"ports":["8091:80/tcp"]'
        start_pin_unit
        [ "$(systemctl show -P ActiveState conman-pod@pw.service)" = active ]
        [ "$(systemctl show -P MainPID conman-pod@pw.service)" = 0 ] # no process stays
        [ "$(systemctl show -P ControlPID conman-pod@pw.service)" = 0 ]
        [ -f "/var/lib/conman/pods/$ID/pod.json" ]
        [ -e "/run/netns/conman-${ID:0:12}" ]
        [ -f "/run/conman/networks/$ID/attachment.json" ]
        [ "$(stat -f -c %T "/run/conman/pods/$ID/ipc")" = nsfs ]
        [ "$(stat -f -c %T "/run/conman/pods/$ID/uts")" = nsfs ]
        [ "$(nsenter --uts="/run/conman/pods/$ID/uts" hostname)" = pwhost ]
        ip=$(nsenter --net="/run/netns/conman-${ID:0:12}" ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
        [[ "$ip" =~ ^10\.77\.[0-9]+\.[0-9]+$ ]]
        hosts_lists "$(cat "/run/conman/networks/$ID/hosts")" pwhost "$ip"
        [ "$(cat "/run/conman/networks/$ID/hostname")" = pwhost ]
        # the port's rules: nftables for the native driver of conman0 (iptables for a CNI network)
        { iptables-save | grep -E '^-A' || true; nft list table inet conman 2>/dev/null || true; } | grep -q 'dport 8091'

        # something listening in the pod's netns answers on the published port
        mkdir -p /var/tmp/www && echo "pod published" >/var/tmp/www/index.html
        systemd-run --unit=podns-httpd --quiet nsenter --net="/run/netns/conman-${ID:0:12}" \
                busybox httpd -f -p 80 -h /var/tmp/www
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:8091/
        [ "$(curl -sf --max-time 5 http://127.0.0.1:8091/)" = "pod published" ]
        systemctl stop podns-httpd

        systemctl stop conman-pod@pw.service
        run pod_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
        [ -f "/var/lib/conman/pods/$ID/pod.json" ] # the spec stays: unpin is not remove
}

@test "join adds a member to the pod's /etc/hosts in place, once; pin and unpin twice are fine" {
        write_spec ''
        start_pin_unit
        hosts=/run/conman/networks/$ID/hosts
        ino=$(stat -c %i "$hosts")
        ip=$(nsenter --net="/run/netns/conman-${ID:0:12}" ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
        "$PODNS" join --name db "$ID"
        "$PODNS" join --name db "$ID"
        [ "$(stat -c %i "$hosts")" = "$ino" ]
        hosts_lists "$(cat "$hosts")" db "$ip"
        [ "$(grep -c "[[:space:]]db[[:space:]]" "$hosts")" = 1 ]
        "$PODNS" pin "$ID"
        [ "$(stat -c %i "$hosts")" = "$ino" ]
        "$PODNS" unpin "$ID"
        "$PODNS" unpin "$ID"
        run pod_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
        run "$PODNS" join --name db "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not pinned"* ]]
}

@test "a pod with network none: netns with lo up, /etc files in <run>/pods/<id>/etc" {
        write_spec ''
        sed -i 's/"bridge"/"none"/' /var/tmp/pods/pw.json
        start_pin_unit
        run nsenter --net="/run/netns/conman-${ID:0:12}" ip -o link show
        [[ "$output" == *"lo:"*"UP"* ]]
        [ "$(echo "$output" | wc -l)" = 1 ]
        hosts_lists "$(cat "/run/conman/pods/$ID/etc/hosts")" pw 127.0.0.1
        "$PODNS" join --name db "$ID"
        hosts_lists "$(cat "/run/conman/pods/$ID/etc/hosts")" db 127.0.0.1
        [ ! -e "/run/conman/networks/$ID" ]
        systemctl stop conman-pod@pw.service
        run pod_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
}

# A member as conman-prepare/oci-config.c build it: namespaces joined by path, no hostname of its own.
member_bundle() {
        local b=/var/tmp/podns-bundle
        rm -rf "$b" && mkdir -p "$b" && runc spec -b "$b"
        python3 - "$b/config.json" "$ID" "$@" <<'PY'
import json, sys
path, pod, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(path))
c["root"] = {"path": "/var/tmp/rootfs", "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = args
c.pop("hostname", None)
joined = {"network": "/run/netns/conman-" + pod[:12], "ipc": "/run/conman/pods/%s/ipc" % pod,
          "uts": "/run/conman/pods/%s/uts" % pod}
ns = [n for n in c["linux"]["namespaces"] if n["type"] not in joined]
c["linux"]["namespaces"] = ns + [{"type": t, "path": p} for t, p in joined.items()]
json.dump(c, open(path, "w"))
PY
}

@test "a runc container joins the pinned namespaces by path: the pod's host name, IPC and address" {
        make_rootfs /var/tmp/rootfs
        write_spec ''
        start_pin_unit
        ip=$(nsenter --net="/run/netns/conman-${ID:0:12}" ip -o -4 addr show eth0 | awk '{print $4}' | cut -d/ -f1)
        nsenter --ipc="/run/conman/pods/$ID/ipc" ipcmk -Q >/dev/null
        member_bundle /bin/sh -c 'hostname; cat /proc/sysvipc/msg | wc -l; ip -o -4 addr show eth0'
        run runc run --bundle /var/tmp/podns-bundle "podns-member-$$"
        [ "$status" -eq 0 ] || { echo "$output"; return 1; }
        [ "${lines[0]}" = pwhost ]
        [ "${lines[1]}" = 2 ] # the header and the pod's queue
        [[ "${lines[2]}" == *"$ip/"* ]]
        [ "$(wc -l </proc/sysvipc/msg)" = 1 ] # not the harness's
        systemctl stop conman-pod@pw.service
        run pod_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
}

@test "a pin that fails (no such network) says why and leaves nothing behind" {
        write_spec ',"networkName":"nosuchnet"'
        run start_pin_unit
        [ "$status" -ne 0 ]
        # by unit or by identifier: journald cannot name the unit of a process that exited before it read
        # the entry (docs/design.md, output and the journal)
        wait_until 10 sh -c "{ journalctl -u conman-pod@pw.service -o cat --no-pager;
                journalctl -t conman-podns -o cat --no-pager; } | grep -q \"'nosuchnet' does not exist\""
        run pod_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
}

@test "bad arguments are refused with a message" {
        run "$PODNS" --help
        [ "$status" -eq 0 ]
        [[ "$output" == *"pin [--spec FILE] POD_ID"* ]]
        run "$PODNS" pin ../etc
        [ "$status" -ne 0 ]
        [[ "$output" == *"not a pod id"* ]]
        run "$PODNS" frob "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"unknown verb"* ]]
        run "$PODNS" join "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"--name"* ]]
        run "$PODNS" join --name 'a/b' "$ID"
        [ "$status" -ne 0 ]
        run "$PODNS" unpin --spec /x "$ID"
        [ "$status" -ne 0 ]
        run "$PODNS" --run-dir relative unpin "$ID"
        [ "$status" -ne 0 ]
        other=$(printf other | sha256sum | cut -c1-64)
        write_spec ''
        run "$PODNS" pin --spec /var/tmp/pods/pw.json "$other"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not of"* ]]
        echo '{"id":"'"$ID"'","name":"bad name"}' >/var/tmp/pods/bad.json
        run "$PODNS" pin --spec /var/tmp/pods/bad.json "$ID"
        [ "$status" -ne 0 ]
        [[ "$output" == *"not a valid pod spec"* ]]
        run "$PODNS" pin "$other"
        [ "$status" -ne 0 ]
        [[ "$output" == *"no pod"* ]]
        [ ! -e "/run/conman/pods/$other" ]
}
