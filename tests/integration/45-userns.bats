#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# User namespaces (--userns=auto): each container gets its own range of the subordinate IDs of the
# user "conman" (/etc/subuid, /etc/subgid), root inside is a high uid outside, the image's and the
# --rootfs directory's files appear owned by root inside (idmapped mounts), ranges are freed on rm
# and survive a restart of conmand. Runs with runc and crun.

load helpers
load images/lib

REG=127.0.0.1:5062
BASE=1000000          # the conman range written by setup_file: 16 ranges of 65536
COUNT=1048576

setup_file() {
        local w=/var/tmp/userns-img
        make_rootfs /var/tmp/rootfs
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a "$w/busybox/." "$w/b/rootfs/"
        echo from-the-image >"$w/b/rootfs/etc/marker"
        chown 1000:1000 "$w/b/rootfs/etc/marker"
        umoci repack --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh
        IMG_WORK=$w start_registry 5062
        skopeo copy --dest-tls-verify=false "oci:$w/oci:1" "docker://$REG/ubox:1" >/dev/null
        sed -i '/^conman:/d' /etc/subuid /etc/subgid 2>/dev/null || true
        echo "conman:$BASE:$COUNT" >>/etc/subuid
        echo "conman:$BASE:$COUNT" >>/etc/subgid
}

teardown_file() {
        systemctl stop test-registry-5062.service 2>/dev/null || true
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

# The host uid that container uid 0 of a running container maps to, read from the host side.
host_uid_of() {
        local pid
        pid=$(systemctl show -P MainPID "conman-$1.service")
        [ "$pid" -gt 0 ] || return 1
        awk '$1 == 0 { print $2 }' "/proc/$pid/uid_map"
}

mapped_uid() {
        conmanctl inspect "$1" | jq -r '.[0].HostConfig.IDMappings.UidMap[0]' | cut -d: -f2
}

@test "without the conman entry in /etc/subuid, --userns=auto names the file to edit" {
        cp /etc/subuid /run/subuid.saved
        sed -i '/^conman:/d' /etc/subuid
        run conmanctl create --userns=auto --rootfs "$R" --network none sh
        cp /run/subuid.saved /etc/subuid
        [ "$status" -ne 0 ]
        [[ "$output" == *"/etc/subuid"* && "$output" == *"conman"* ]]
        run conmanctl create --userns=bogus --rootfs "$R" --network none sh
        [ "$status" -ne 0 ]
        [[ "$output" == *"auto or host"* ]]
}

@test "root inside is uid 0 in a user namespace mapped to the conman range (runc and crun)" {
        for rt in runc crun; do
                run conmanctl run --rm --userns=auto --runtime $rt --network none --rootfs "$R" \
                        sh -c 'id -u; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /'
                echo "$rt: $output"
                [ "$status" -eq 0 ]
                [ "${lines[0]}" = 0 ]
                read -r inside outside size <<<"${lines[1]}"
                [ "$inside" = 0 ] && [ "$size" = 65536 ]
                [ "$outside" -ge $BASE ] && [ "$outside" -lt $((BASE + COUNT)) ]
                read -r inside goutside size <<<"${lines[2]}"
                [ "$goutside" = "$outside" ]
                # the rootfs' files (owned by host root) appear owned by root inside
                [ "${lines[3]}" = 0:0 ] && [ "${lines[4]}" = 0:0 ]
        done
        # and the --rootfs directory itself is not chowned on the host
        [ "$(stat -c %u:%g "$R/bin/busybox")" = 0:0 ]
}

@test "two running containers get disjoint host ID ranges (read from /proc/MainPID/uid_map)" {
        conmanctl run -d --name ua --userns=auto --runtime runc --network none --rootfs "$R" sleep 1000
        conmanctl run -d --name ub --userns=auto --runtime crun --network none --rootfs "$R" sleep 1000
        a=$(host_uid_of ua)
        b=$(host_uid_of ub)
        echo "ua=$a ub=$b"
        [ -n "$a" ] && [ -n "$b" ]
        [ $((a - b)) -ge 65536 ] || [ $((b - a)) -ge 65536 ]
        [ "$(mapped_uid ua)" = "$a" ] && [ "$(mapped_uid ub)" = "$b" ]
        # a container without --userns still shares the host's IDs
        conmanctl run -d --name uh --network none --rootfs "$R" sleep 1000
        pid=$(systemctl show -P MainPID conman-uh.service)
        [ "$(awk '{ print $1, $2 }' /proc/$pid/uid_map)" = "0 0" ]
        [ "$(conmanctl inspect -f '{{.HostConfig.UsernsMode}}' uh)" = "" ]
}

@test "root inside writes to a volume; the host sees the file owned by the range's first uid" {
        mkdir -p /var/tmp/uvol && rm -f /var/tmp/uvol/*
        chmod 0777 /var/tmp/uvol
        for rt in runc crun; do
                conmanctl run -d --name uv-$rt --userns=auto --runtime $rt --network none -v /var/tmp/uvol:/data \
                        --rootfs "$R" sh -c "echo hi >/data/$rt; sleep 1000"
                start=$(host_uid_of uv-$rt)
                wait_until 5 test -s /var/tmp/uvol/$rt
                [ "$(stat -c %u:%g /var/tmp/uvol/$rt)" = "$start:$start" ]
                [ "$start" -ge $BASE ]
        done
}

@test "an image from a registry works in a user namespace: its files are root's (and uid 1000's) inside" {
        conmanctl pull --tls-verify=false $REG/ubox:1
        for rt in runc crun; do
                run conmanctl run --rm --userns=auto --runtime $rt --network none --tls-verify=false $REG/ubox:1 \
                        sh -c 'id -u; stat -c %u:%g / /bin/busybox /etc/marker; cat /etc/marker; echo new >/etc/new && cat /etc/new; echo more >>/etc/marker && tail -1 /etc/marker'
                echo "$rt: $output"
                [ "$status" -eq 0 ]
                [ "${lines[0]}" = 0 ]
                [ "${lines[1]}" = 0:0 ] && [ "${lines[2]}" = 0:0 ] && [ "${lines[3]}" = 1000:1000 ]
                [ "${lines[4]}" = from-the-image ] && [ "${lines[5]}" = new ] && [ "${lines[6]}" = more ]
        done
        # the image's layers are untouched on the host: a container without a user namespace sees the same
        run conmanctl run --rm --network none --tls-verify=false $REG/ubox:1 sh -c 'stat -c %u /bin/busybox; cat /etc/marker'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ] && [ "${lines[1]}" = from-the-image ]
}

@test "images and --rootfs containers without --userns are unchanged" {
        run conmanctl run --rm --network none --rootfs "$R" sh -c 'id -u; cat /proc/self/uid_map'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]
        [[ "${lines[1]}" =~ ^\ *0\ +0\ +4294967295$ ]]
        run conmanctl run --rm --network none --tls-verify=false $REG/ubox:1 stat -c %u /etc/marker
        [ "$status" -eq 0 ]
        [ "$output" = 1000 ]
}

@test "a range freed by rm is handed out again" {
        conmanctl create --name r1 --userns=auto --network none --rootfs "$R" true
        conmanctl create --name r2 --userns=auto --network none --rootfs "$R" true
        one=$(mapped_uid r1)
        two=$(mapped_uid r2)
        [ "$one" != "$two" ]
        conmanctl rm r1
        conmanctl create --name r3 --userns=auto --network none --rootfs "$R" true
        [ "$(mapped_uid r3)" = "$one" ]
        grep -q "\"uid\": *$one" /var/lib/conman/containers/$(conmanctl inspect -f '{{.Id}}' r3)/container.json
}

@test "after systemctl restart conmand, a new container does not get a range in use" {
        conmanctl run -d --name k1 --userns=auto --network none --rootfs "$R" sleep 1000
        conmanctl create --name k2 --userns=auto --network none --rootfs "$R" true
        one=$(host_uid_of k1)
        two=$(mapped_uid k2)
        systemctl restart conmand
        conmanctl run -d --name k3 --userns=auto --network none --rootfs "$R" sleep 1000
        three=$(host_uid_of k3)
        echo "k1=$one k2=$two k3=$three"
        [ "$three" != "$one" ] && [ "$three" != "$two" ]
        [ "$(host_uid_of k1)" = "$one" ]
        # and after rm k1 its range is free again
        conmanctl rm -f k1
        conmanctl create --name k4 --userns=auto --network none --rootfs "$R" true
        [ "$(mapped_uid k4)" = "$one" ]
}

@test "--userns=auto with --network host (sysfs bound, not mounted) and with a bridge network" {
        run conmanctl run --rm --userns=auto --network host --rootfs "$R" sh -c 'id -u; ls /sys/class/net | grep -c .'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]
        run conmanctl run --rm --userns=auto --rootfs "$R" sh -c 'id -u; ip -o addr show eth0 | grep -c inet'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]
}

@test "UserNS=auto in a .container file: its own range, kept across restarts of the unit, disjoint from conmand's" {
        mkdir -p /etc/conman/containers
        conmanctl run -d --name g0 --userns=auto --network none --rootfs "$R" sleep 1000
        g0=$(host_uid_of g0)
        cat >/etc/conman/containers/gu.container <<EOT
[Container]
Rootfs=$R
Exec=/bin/sh -c 'id -u >/data/id; stat -c %u /bin/busybox >>/data/id; exec sleep 1000'
Volume=/var/tmp/guvol:/data
UserNS=auto
Network=none
EOT
        mkdir -p /var/tmp/guvol && chmod 0777 /var/tmp/guvol && rm -f /var/tmp/guvol/id
        systemctl daemon-reload
        systemctl start conman-gu.service
        gu=$(host_uid_of gu)
        echo "g0=$g0 gu=$gu"
        [ "$gu" -ge $BASE ] && [ "$gu" != "$g0" ]
        wait_until 5 test -s /var/tmp/guvol/id
        [ "$(cat /var/tmp/guvol/id)" = "$(printf '0\n0')" ]
        [ "$(stat -c %u /var/tmp/guvol/id)" = "$gu" ]
        # conmand knows it, so its next container gets yet another range
        wait_until 5 conmanctl inspect gu >/dev/null
        conmanctl run -d --name g1 --userns=auto --network none --rootfs "$R" sleep 1000
        g1=$(host_uid_of g1)
        [ "$g1" != "$gu" ] && [ "$g1" != "$g0" ]
        systemctl restart conman-gu.service
        [ "$(host_uid_of gu)" = "$gu" ]
        id=$(conmanctl inspect -f '{{.Id}}' gu)
        grep -q "$id/rootfs " /proc/self/mountinfo
        systemctl stop conman-gu.service
        # the idmapped bind is gone with the unit
        ! grep -q "$id/rootfs " /proc/self/mountinfo
        rm -f /etc/conman/containers/gu.container
        systemctl daemon-reload
}
