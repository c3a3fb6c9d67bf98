#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The native bridge driver (docs/networking.md): conman0 and `network create` networks are set up
# in-process (veth "cm<id12>", a lease in /run/conman/ipam, rules in nft table inet conman), while a
# conflist a user drops in the networks directory still goes through the CNI plugins, side by side.
# No leftover rule, veth, lease or netns after many cycles on both paths with kill -9 of conmand,
# nor after a setup whose attachment state is gone (orphans cleaned at conmand start).

load helpers

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
        conmanctl version >/dev/null
}

teardown() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
        for n in $(conmanctl network ls -q 2>/dev/null); do
                [ "$n" = conman0 ] || conmanctl network rm "$n" >/dev/null 2>&1 || true
        done
        rm -f /var/lib/conman/networks/cninet.conflist
}

ip_of() {
        conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' "$1"
}

id_of() {
        conmanctl inspect -f '{{.Id}}' "$1"
}

native_rules() {
        nft list table inet conman 2>/dev/null | grep 'comment "conman:' || true
}

leftovers() {
        ls /run/netns 2>/dev/null | grep '^conman-' || true
        leftover_veths
        ls /run/conman/ipam/* 2>/dev/null | grep -vE '(^|/)(lock|last_reserved_ip\.0)$' | grep -E '[0-9]+\.[0-9]+' || true
        ls /run/conman/networks 2>/dev/null | grep -v '^\.' || true
        native_rules
        iptables-save 2>/dev/null | grep -E '^-A' | grep -E 'CNI-[0-9a-f]{8,}|CNI-DN-|10\.(7[78]|88)\.[0-9]+\.[0-9]+/32' || true
}

no_leftovers() {
        run leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
}

# A CNI network the way a user writes one: bridge + host-local + portmap, no "driver" key.
write_cni_network() {
        mkdir -p /var/lib/conman/networks
        cat >/var/lib/conman/networks/cninet.conflist <<'JSON'
{ "cniVersion": "1.0.0", "name": "cninet",
  "plugins": [
    { "type": "bridge", "bridge": "cnibr0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.88.7.0/24", "gateway": "10.88.7.1" }]],
                "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "/run/conman/ipam" } },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall" } ] }
JSON
}

@test "conman0 is native: veth cm<id12> on the bridge, a lease, nft rules tagged with the id, no CNI rules" {
        run conmanctl network inspect conman0
        [[ "$output" == *'"Backend": "native"'* ]]
        conmanctl run -d --name web -p 8080:80 --rootfs "$R" /bin/sleep 1000
        id=$(id_of web)
        ip=$(ip_of web)
        [[ "$ip" =~ ^10\.77\. ]]
        ip -o link show "cm${id:0:12}" | grep -q 'master conman0'
        grep -q "$id" "/run/conman/ipam/conman0/$ip"
        run nft list table inet conman
        [[ "$output" == *"dnat ip to $ip:80"*"conman:$id"* ]]
        [[ "$output" == *"masquerade"* ]]
        [ "$(jq -r .driver "/run/conman/networks/$id/attachment.json")" = native ]
        run sh -c "iptables-save 2>/dev/null | grep -c CNI- || true"
        [ "$output" = 0 ]
        # hairpin like the CNI config
        [ "$(cat /sys/class/net/cm${id:0:12}/brport/hairpin_mode)" = 1 ]
        busybox ping -c1 -W2 "$ip"
        conmanctl rm -f web
        no_leftovers
}

@test "a user network made by network create is native too, with its own bridge and subnet" {
        conmanctl network create --subnet 10.78.40.0/24 nat1 >/dev/null
        run conmanctl network inspect nat1
        [[ "$output" == *'"Backend": "native"'* ]]
        conmanctl run -d --name a --network nat1 --rootfs "$R" /bin/sleep 1000
        [[ "$(ip_of a)" =~ ^10\.78\.40\. ]]
        run conmanctl run --rm --network nat1 --cap-add NET_RAW --rootfs "$R" /bin/ping -c1 -W2 a
        [ "$status" -eq 0 ]
        # not reachable from conman0 by name
        run conmanctl run --rm --rootfs "$R" /bin/cat /etc/hosts
        refute hosts_lists "$output" a
        conmanctl rm -f a
        no_leftovers
}

@test "a CNI conflist dropped in the networks directory goes through CNI, side by side with native conman0" {
        write_cni_network
        run conmanctl network inspect cninet
        [[ "$output" == *'"Backend": "cni"'* ]]
        mkdir -p /var/tmp/www && echo "via-cni" >/var/tmp/www/index.html
        conmanctl run -d --name c1 --network cninet -p 8090:80 -v /var/tmp/www:/www:ro --rootfs "$R" \
                /bin/httpd -f -p 80 -h /www
        conmanctl run -d --name n1 --rootfs "$R" /bin/sleep 1000
        id=$(id_of c1)
        [[ "$(ip_of c1)" =~ ^10\.88\.7\. ]]
        [[ "$(ip_of n1)" =~ ^10\.77\. ]]
        [ "$(jq -r .driver "/run/conman/networks/$id/attachment.json")" = cni ]
        iptables-save | grep -q 'CNI-'
        run native_rules
        [[ "$output" != *"$id"* ]]
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:8090/
        [ "$(curl -sf --max-time 5 http://127.0.0.1:8090/)" = via-cni ]
        conmanctl rm -f c1 n1
        no_leftovers
}

network_rules() { # NETWORK: its own rules (forward, masquerade), once per network
        nft list table inet conman 2>/dev/null | grep -c "comment \"conman-network:$1\"" || true
}

@test "a network's own rules come with its first container, once; a container without -p adds none; network rm takes them" {
        conmanctl network create --subnet 10.78.41.0/24 nat2 >/dev/null
        [ "$(network_rules nat2)" = 0 ]
        conmanctl run -d --name a --network nat2 --rootfs "$R" /bin/sleep 1000
        conmanctl run -d --name b --network nat2 --rootfs "$R" /bin/sleep 1000
        [ "$(network_rules nat2)" = 3 ]
        nft list table inet conman | grep -q 'ip saddr 10.78.41.0/24 ip daddr != { 10.78.41.0/24, 224.0.0.0/4 } masquerade'
        [ -z "$(native_rules)" ]
        [ "$(jq -r .nftRules "/run/conman/networks/$(id_of a)/attachment.json")" = false ]
        # someone flushes the table: conmand's start notices, and the next container puts them back
        nft delete table inet conman
        systemctl restart conmand
        wait_until 20 conmanctl version >/dev/null
        [ ! -e /run/conman/ipam/nat2/nft-rules ]
        conmanctl run -d --name c --network nat2 --rootfs "$R" /bin/sleep 1000
        [ "$(network_rules nat2)" = 3 ]
        conmanctl rm -f a b c
        [ "$(network_rules nat2)" = 3 ]
        conmanctl network rm nat2
        [ "$(network_rules nat2)" = 0 ]
        [ ! -e /run/conman/ipam/nat2/nft-rules ]
        no_leftovers
}

# 50 create/start/rm cycles on one path, kill -9 of conmand at 25.
cycles() {
        local net=$1 port=$2
        for i in $(seq 1 50); do
                conmanctl run -d --name "c$i" --network "$net" -p "$port:80" --rootfs "$R" /bin/sleep 1000 >/dev/null
                if [ "$i" = 25 ]; then
                        pid=$(systemctl show -P MainPID conmand)
                        kill -9 "$pid"
                        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
                        wait_until 20 conmanctl version >/dev/null
                fi
                conmanctl rm -f "c$i" >/dev/null
        done
}

@test "50 cycles with kill -9 of conmand on the native path leave no nft rule, veth, lease or netns" {
        cycles conman0 9000
        no_leftovers
        [ -z "$(native_rules)" ]
}

@test "50 cycles with kill -9 of conmand on the CNI path leave no rule, veth, lease or netns" {
        write_cni_network
        # the shared chains (CNI-FORWARD, CNI-HOSTPORT-*) stay once made: make them first
        conmanctl run -d --name c0 --network cninet -p 9002:80 --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl rm -f c0 >/dev/null
        iptables-save | grep -E '^-A' | sort >/tmp/rules.before
        cycles cninet 9002
        no_leftovers
        iptables-save | grep -E '^-A' | sort >/tmp/rules.after
        diff /tmp/rules.before /tmp/rules.after
}

@test "orphans without attachment state (setup killed before writing it): veth, lease and rules go at conmand start" {
        conmanctl run -d --name web -p 9001:80 --rootfs "$R" /bin/sleep 1000
        id=$(id_of web)
        pid=$(systemctl show -P MainPID conmand)
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
        systemctl stop conmand || true
        mv /usr/libexec/conman/conman-netns /usr/libexec/conman/conman-netns.off
        systemctl stop conman-web.service
        mv /usr/libexec/conman/conman-netns.off /usr/libexec/conman/conman-netns
        # a namespace can be gone while the host end lives on only if it was moved; keep the namespace and
        # drop the attachment state so only the native leftovers tell what to clean
        rm -rf "/run/conman/networks/$id"
        ip -o link show "cm${id:0:12}"
        [ -n "$(native_rules)" ]
        ls /run/conman/ipam/conman0 | grep -q '^10\.77\.'
        systemctl start conmand
        wait_until 20 conmanctl version >/dev/null
        no_leftovers
        conmanctl rm web
}

@test "teardown is idempotent and works after a half setup (no attachment result)" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        id=$(id_of web)
        rm -f "/run/conman/networks/$id/result.json"
        /usr/libexec/conman/conman-netns teardown "$id"
        /usr/libexec/conman/conman-netns teardown "$id"
        [ -z "$(native_rules)" ]
        # the address is gone at once; the veth pair goes with the namespace, here when the container ends
        run conmanctl exec web /bin/ip -4 addr show eth0
        [[ "$output" != *inet* ]]
        conmanctl rm -f web
        no_leftovers
}
