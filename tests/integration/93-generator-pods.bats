#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boot-time pods: NAME.pod + member .container files in /etc/conman/containers → conman-generator →
# conman-pod-NAME.slice, conman-pod@NAME.service (conman-podns pin) and the members' units, which systemd
# runs without conmand: the members share the pod's namespaces and port, live in its slice and its limits.

load helpers

D=/etc/conman/containers
G=/run/systemd/generator

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        mkdir -p $D /var/tmp/www
        echo "from-a-pod" >/var/tmp/www/index.html
}

teardown() {
        systemctl stop 'conman-pod@*.service' 'conman-pod-*.slice' >/dev/null 2>&1 || true
        rm -rf $D/*
        systemctl daemon-reload
        systemctl reset-failed 'conman-*' >/dev/null 2>&1 || true
}

pod_id() {
        printf 'conman-generator-pod:%s' "$1" | sha256sum | cut -c1-64
}

# shop: a pod on conman0 with a published port and limits; web serves, db sleeps.
write_shop() {
        cat >$D/shop.pod <<EOT
[Unit]
Description=The shop

[Pod]
PublishPort=127.0.0.1:8093:80
HostName=shop-host
Memory=256m
CPUs=1.5
PidsLimit=300

[Install]
WantedBy=multi-user.target
EOT
        cat >$D/shop-web.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/httpd -f -p 80 -h /www
Volume=/var/tmp/www:/www:ro
Pod=shop.pod
EOT
        cat >$D/shop-db.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
Pod=shop.pod
EOT
}

ns() { # ns PID TYPE: the namespace's inode
        stat -L -c %i "/proc/$1/ns/$2"
}

@test "daemon-reload generates the pod's slice with its limits, its pin unit, the members in its slice; verify passes" {
        write_shop
        systemctl daemon-reload
        [ "$(systemctl show -P LoadState conman-pod-shop.slice)" = loaded ]
        [ "$(systemctl show -P MemoryMax conman-pod-shop.slice)" = 268435456 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec conman-pod-shop.slice)" = 1.500000s ]
        [ "$(systemctl show -P TasksMax conman-pod-shop.slice)" = 300 ]
        [ "$(systemctl show -P SourcePath conman-pod-shop.slice)" = $D/shop.pod ]
        [ "$(systemctl show -P Slice conman-pod@shop.service)" = conman.slice ]
        [ "$(systemctl show -P Description conman-pod@shop.service)" = "The shop" ]
        [[ "$(systemctl show -P Wants conman-pod@shop.service)" == *conman-shop-db.service* ]]
        [[ "$(systemctl show -P Wants conman-pod@shop.service)" == *conman-shop-web.service* ]]
        [ "$(systemctl show -P Slice conman-shop-web.service)" = conman-pod-shop.slice ]
        [[ "$(systemctl show -P BindsTo conman-shop-web.service)" == *conman-pod@shop.service* ]]
        [ -L $G/multi-user.target.wants/conman-pod@shop.service ]
        [ -f $G/conman/pods/shop.json ]
        for u in conman-pod-shop.slice conman-pod@shop.service conman-shop-web.service; do
                run systemd-analyze verify $G/$u
                echo "$u: $output"
                [ "$status" -eq 0 ]
        done
}

@test "starting the pin unit starts the members: shared net/ipc/uts, the pod's host name and port, its cgroup" {
        systemctl stop conmand.service || true
        write_shop
        systemctl daemon-reload
        systemctl start conman-pod@shop.service
        id=$(pod_id shop)
        [ -f "/var/lib/conman/pods/$id/pod.json" ]
        # one at a time: `is-active` of several units is true when any one of them is
        wait_until 20 systemctl is-active -q conman-shop-web.service
        wait_until 20 systemctl is-active -q conman-shop-db.service
        web=$(systemctl show -P MainPID conman-shop-web.service)
        db=$(systemctl show -P MainPID conman-shop-db.service)
        for t in net ipc uts; do
                [ "$(ns "$web" $t)" = "$(ns "$db" $t)" ]
                [ "$(ns "$web" $t)" != "$(ns 1 $t)" ]
        done
        [ "$(ns "$web" net)" = "$(stat -L -c %i "/run/netns/conman-${id:0:12}")" ]
        [ "$(nsenter -t "$web" -u hostname)" = shop-host ]
        grep -q shop-db "/proc/$web/root/etc/hosts" # joined: the pod's /etc/hosts names it
        grep -q "/conman.slice/conman-pod.slice/conman-pod-shop.slice/conman-shop-web.service/" "/proc/$web/cgroup"
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:8093/
        [ "$(curl -sf --max-time 5 http://127.0.0.1:8093/)" = from-a-pod ]
        # from db, web is localhost
        [ "$(nsenter -t "$db" -n busybox wget -qO- http://127.0.0.1:80/)" = from-a-pod ]
        refute systemctl is-active -q conmand.service
}

@test "stopping the slice stops the members and leaves the pod pinned; stopping the pin unit unpins" {
        write_shop
        systemctl daemon-reload
        systemctl start conman-pod@shop.service
        id=$(pod_id shop)
        wait_until 20 systemctl is-active -q conman-shop-web.service
        systemctl stop conman-pod-shop.slice
        refute systemctl is-active -q conman-shop-web.service
        [ "$(systemctl show -P ActiveState conman-pod@shop.service)" = active ]
        [ -e "/run/netns/conman-${id:0:12}" ]
        systemctl start conman-shop-web.service
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:8093/
        systemctl stop conman-pod@shop.service
        refute systemctl is-active -q conman-shop-web.service # BindsTo=
        [ ! -e "/run/netns/conman-${id:0:12}" ]
        [ ! -e "/run/conman/pods/$id" ]
}

@test "a pod whose name has a dash, on no network, sharing net and ipc: the escaped slice, lo only, own UTS" {
        cat >$D/be.pod <<EOT
[Pod]
PodName=back-end
Network=none
Share=net,ipc
EOT
        cat >$D/worker.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done'
Pod=be.pod
EOT
        systemctl daemon-reload
        [ "$(systemctl show -P Slice conman-worker.service)" = 'conman-pod-back\x2dend.slice' ]
        systemctl start 'conman-pod@back-end.service'
        wait_until 20 systemctl is-active -q conman-worker.service
        pid=$(systemctl show -P MainPID conman-worker.service)
        grep -q '/conman.slice/conman-pod.slice/conman-pod-back\\x2dend.slice/conman-worker.service/' /proc/$pid/cgroup
        run nsenter -t "$pid" -n ip -o link show
        [[ "$output" == *"lo:"* ]]
        [ "$(echo "$output" | wc -l)" = 1 ]
        [ "$(ns "$pid" uts)" != "$(ns 1 uts)" ] # its own, not the pod's (Share= has no uts)
        [ ! -e "/run/conman/pods/$(pod_id back-end)/uts" ]
        systemctl stop 'conman-pod@back-end.service'
}

@test "errors: a member with Network=, a Pod= naming no file and a bad .pod are reported; the rest runs" {
        write_shop
        cat >$D/bad.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/true
Pod=shop.pod
Network=host
EOT
        cat >$D/lost.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/true
Pod=nowhere.pod
EOT
        printf '[Pod]\nSize=3\n' >$D/broken.pod
        systemctl daemon-reload
        wait_until 10 sh -c "journalctl -b -t conman-generator -o cat --no-pager | grep -q 'broken.pod:2: Size=: unknown key in \[Pod\]'"
        journalctl -b -t conman-generator -o cat --no-pager | grep -q "bad.container: \[Container\] Network=, PublishPort= and HostName= belong to the pod"
        journalctl -b -t conman-generator -o cat --no-pager | grep -q "lost.container: Pod=nowhere.pod: there is no such file"
        [ "$(systemctl show -P LoadState conman-bad.service)" = not-found ]
        [ "$(systemctl show -P LoadState conman-lost.service)" = not-found ]
        [ "$(systemctl show -P LoadState conman-pod@broken.service)" = not-found ]
        systemctl start conman-pod@shop.service
        wait_until 20 systemctl is-active -q conman-shop-web.service
}
