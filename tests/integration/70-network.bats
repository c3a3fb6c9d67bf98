#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Networking with CNI (docs/networking.md): bridge by default on conman0, peers by IP and by name,
# published ports, none/host, user networks, and no leftovers (netns, veth, IP allocations,
# iptables rules) after stop, rm, many cycles, and kill -9 of conmand. The harness machine has
# --private-network: all of this stays inside it.

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
}

ip_of() {
        conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' "$1"
}

# What a container's network leaves on the machine: namespaces, veths, allocations, iptables rules.
network_leftovers() {
        ls /run/netns 2>/dev/null | grep '^conman-' || true
        leftover_veths
        ls /run/conman/ipam/* 2>/dev/null | grep -vE '(^|/)(lock|last_reserved_ip\.0)$' | grep -E '[0-9]+\.[0-9]+' || true
        ls /run/conman/networks 2>/dev/null | grep -v '^\.' || true
        iptables-save 2>/dev/null | grep -E '^-A' | grep -E 'CNI-[0-9a-f]{8,}|CNI-DN-|10\.(7[78]|99)\.[0-9]+\.[0-9]+/32' || true
}

no_leftovers() {
        run network_leftovers
        [ -z "$output" ] || { echo "left over: $output"; return 1; }
}

@test "bridge is the default: eth0 with an address on conman0, lo up, inspect shows IP, MAC, gateway" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        ip=$(ip_of web)
        [[ "$ip" =~ ^10\.77\.[0-9]+\.[0-9]+$ ]]
        [ "$(conmanctl inspect -f '{{.NetworkSettings.Gateway}}' web)" = 10.77.0.1 ]
        [[ "$(conmanctl inspect -f '{{.NetworkSettings.MacAddress}}' web)" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]]
        [ "$(conmanctl inspect -f '{{.HostConfig.NetworkMode}}' web)" = bridge ]
        id=$(conmanctl inspect -f '{{.Id}}' web)
        [ -e "/run/netns/conman-${id:0:12}" ]
        pid=$(systemctl show -P MainPID conman-web.service)
        run nsenter -t "$pid" -n ip -o -4 addr show eth0
        [[ "$output" == *"$ip/16"* ]]
        run nsenter -t "$pid" -n ip -o link show lo
        [[ "$output" == *"UP"* ]]
        # the harness reaches the container over the bridge
        busybox ping -c1 -W2 "$ip"
}

@test "two containers on conman0: one serves (httpd), the other fetches by IP and by name" {
        mkdir -p /var/tmp/www && echo "hello from web" >/var/tmp/www/index.html
        conmanctl run -d --name web -v /var/tmp/www:/www:ro --rootfs "$R" /bin/httpd -f -p 80 -h /www
        ip=$(ip_of web)
        wait_until 10 curl -sf --max-time 2 "http://$ip/"
        # HTTP with nc: busybox-static's wget segfaults now and then (glibc's static resolver)
        run conmanctl run --rm --name client --rootfs "$R" /bin/sh -c \
                "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $ip 80"
        [ "$status" -eq 0 ]
        [[ "$output" == *"200 OK"*"hello from web"* ]]
        run conmanctl run --rm --name client --rootfs "$R" /bin/sh -c \
                'printf "GET / HTTP/1.0\r\nHost: web\r\n\r\n" | nc -w 5 web 80'
        [ "$status" -eq 0 ]
        [[ "$output" == *"200 OK"*"hello from web"* ]]
        # the server learns its later peers too (its /etc/hosts is updated in place)
        conmanctl run -d --name peer --rootfs "$R" /bin/sleep 1000
        pid=$(systemctl show -P MainPID conman-web.service)
        run nsenter -t "$pid" -m cat /etc/hosts
        hosts_lists "$output" peer "$(ip_of peer)"
        conmanctl rm -f peer
        run nsenter -t "$pid" -m cat /etc/hosts
        refute hosts_lists "$output" peer
}

@test "busybox nc: a TCP server and a client by name" {
        conmanctl run -d --name srv --rootfs "$R" /bin/sh -c 'echo pong | nc -l -p 7000'
        wait_until 10 sh -c "nsenter -t \$(systemctl show -P MainPID conman-srv.service) -n netstat -ltn | grep -q ':7000'"
        run conmanctl run --rm --rootfs "$R" /bin/sh -c 'nc srv 7000 </dev/null'
        [ "$status" -eq 0 ]
        [[ "$output" == *"pong"* ]]
}

@test "/etc/hostname, /etc/hosts and /etc/resolv.conf are the container's own" {
        run conmanctl run --rm --name box --hostname boxhost --rootfs "$R" /bin/sh -c \
                'cat /etc/hostname; hostname; cat /etc/hosts; cat /etc/resolv.conf'
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == boxhost ]]
        [[ "${lines[1]}" == boxhost ]]
        [[ "$output" == *"127.0.0.1"*"localhost"* ]]
        [[ "$output" =~ 10\.77\.[0-9]+\.[0-9]+[[:space:]]+boxhost\ box ]]
        [[ "$output" == *"nameserver "* ]]
        [[ "$output" != *"nameserver 127."* ]]
}

@test "a published port answers on the harness's loopback, and the mapping is in inspect" {
        mkdir -p /var/tmp/www && echo "published" >/var/tmp/www/index.html
        conmanctl run -d --name web -p 8080:80 -p 127.0.0.1:8053:53/udp -v /var/tmp/www:/www:ro --rootfs "$R" \
                /bin/httpd -f -p 80 -h /www
        wait_until 10 curl -sf --max-time 2 http://127.0.0.1:8080/
        run curl -sf --max-time 5 http://127.0.0.1:8080/
        [ "$status" -eq 0 ]
        [ "$output" = published ]
        [ "$(conmanctl inspect -f '{{.NetworkSettings.Ports}}' web | tr -d ' \n')" != "{}" ]
        run conmanctl inspect web
        [[ "$output" == *'"80/tcp"'*'"HostPort": "8080"'* ]] || [[ "$output" == *'"80/tcp"'* ]]
        [[ "$output" == *'"53/udp"'* ]]
        conmanctl stop web
        run curl -sf --max-time 2 http://127.0.0.1:8080/
        [ "$status" -ne 0 ]
        no_leftovers
}

@test "--publish and --network are validated with a useful message" {
        run conmanctl create --rootfs "$R" -p :80 /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"--publish"*"CONTAINERPORT"* ]]
        run conmanctl create --rootfs "$R" -p 70000:80 /bin/true
        [ "$status" -ne 0 ]
        run conmanctl create --rootfs "$R" -p 1.2.3:80:80 /bin/true
        [ "$status" -ne 0 ]
        run conmanctl create --rootfs "$R" -p 8080:80/sctp /bin/true
        [ "$status" -ne 0 ]
        run conmanctl create --rootfs "$R" --network host -p 8080:80 /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"bridge network"* ]]
        run conmanctl create --rootfs "$R" --network nosuchnet /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"does not exist"* ]]
        run conmanctl create --rootfs "$R" --network '../etc' /bin/true
        [ "$status" -ne 0 ]
        [ -z "$(conmanctl ps -a -q)" ]
}

@test "--network none has only lo" {
        run conmanctl run --rm --network none --rootfs "$R" /bin/sh -c 'ls /sys/class/net'
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | tr -s ' \n' ' ' | sed 's/ $//')" = lo ]
        no_leftovers
}

@test "--network host sees the harness's interfaces" {
        conmanctl run -d --name keep --rootfs "$R" /bin/sleep 1000  # makes conman0 and a veth exist
        want=$(ls /sys/class/net | sort | tr '\n' ' ')
        run conmanctl run --rm --network host --rootfs "$R" /bin/sh -c 'ls /sys/class/net | sort | tr "\n" " "'
        [ "$status" -eq 0 ]
        [ "$output" = "$want" ]
        [[ "$output" == *conman0* ]]
}

@test "network create/ls/inspect/rm: a user network with its own subnet, and containers on it" {
        run conmanctl network create --subnet 10.99.5.0/24 --gateway 10.99.5.254 backend
        [ "$status" -eq 0 ]
        [[ "$output" == *"10.99.5.0/24"* ]]
        [ -f /var/lib/conman/networks/backend.conflist ]
        run conmanctl network ls
        [[ "$output" == *conman0*10.77.0.0/16* ]]
        [[ "$output" == *backend*10.99.5.0/24*10.99.5.254* ]]
        run conmanctl network create --subnet 10.99.5.128/25 other
        [ "$status" -ne 0 ]
        [[ "$output" == *"overlaps"* ]]
        run conmanctl network create backend
        [ "$status" -ne 0 ]
        [[ "$output" == *"already exists"* ]]
        run conmanctl network create 'bad/name'
        [ "$status" -ne 0 ]
        run conmanctl network create --subnet 10.99.6.0/33 other
        [ "$status" -ne 0 ]

        conmanctl run -d --name b1 --network backend --rootfs "$R" /bin/sleep 1000
        [[ "$(ip_of b1)" =~ ^10\.99\.5\.[0-9]+$ ]]
        [ "$(conmanctl inspect -f '{{.NetworkSettings.Gateway}}' b1)" = 10.99.5.254 ]
        # busybox's ping uses raw sockets only: CAP_NET_RAW is not in the default set (docs/security.md)
        run conmanctl run --rm --network backend --cap-add NET_RAW --rootfs "$R" /bin/ping -c1 -W2 b1
        [ "$status" -eq 0 ]
        # another network's containers are not in its hosts file
        run conmanctl run --rm --rootfs "$R" /bin/cat /etc/hosts
        refute hosts_lists "$output" b1
        run conmanctl network inspect backend
        [[ "$output" == *'"Subnet": "10.99.5.0/24"'* ]]
        [[ "$output" == *'"Name": "b1"'* ]]
        run conmanctl network rm backend
        [ "$status" -ne 0 ]
        [[ "$output" == *"used by 1 container"* ]]
        conmanctl rm -f b1
        conmanctl network rm backend
        [ ! -e /var/lib/conman/networks/backend.conflist ]
        run conmanctl network rm conman0
        [ "$status" -ne 0 ]
        [[ "$output" == *"built-in"* ]]
}

@test "an unprivileged user may list networks but not create or remove them" {
        run as_user conmanctl network ls
        [ "$status" -eq 0 ]
        [[ "$output" == *conman0* ]]
        run as_user conmanctl network create mine
        [ "$status" -ne 0 ]
        [ ! -e /var/lib/conman/networks/mine.conflist ]
}

@test "stop tears the network down; start sets it up again" {
        conmanctl run -d --name web --rootfs "$R" /bin/sleep 1000
        [ -n "$(network_leftovers)" ]
        conmanctl stop -t 1 web
        no_leftovers
        [ -z "$(ip_of web)" ]
        conmanctl start web
        [[ "$(ip_of web)" =~ ^10\.77\. ]]
        conmanctl rm -f web
        no_leftovers
}

@test "50 create/start/rm cycles with kill -9 of conmand mid-way leave no netns, veth, IP or iptables rule" {
        # the shared chains (CNI-FORWARD, CNI-HOSTPORT-*) stay once made: make them first
        conmanctl run -d --name c0 -p 9000:80 --rootfs "$R" /bin/sleep 1000 >/dev/null
        conmanctl rm -f c0 >/dev/null
        iptables-save | grep -E '^-A' | sort >/tmp/rules.before
        for i in $(seq 1 50); do
                conmanctl run -d --name "c$i" -p 9000:80 --rootfs "$R" /bin/sleep 1000 >/dev/null
                if [ "$i" = 25 ]; then
                        pid=$(systemctl show -P MainPID conmand)
                        kill -9 "$pid"
                        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
                        wait_until 20 conmanctl info >/dev/null
                fi
                conmanctl rm -f "c$i" >/dev/null
        done
        no_leftovers
        iptables-save | grep -E '^-A' | sort >/tmp/rules.after
        diff /tmp/rules.before /tmp/rules.after
}

@test "orphans: a namespace, allocation and rules left by a unit killed mid-way are cleaned at conmand start" {
        conmanctl run -d --name web -p 9001:80 --rootfs "$R" /bin/sleep 1000
        id=$(conmanctl inspect -f '{{.Id}}' web)
        pid=$(systemctl show -P MainPID conmand)
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
        systemctl stop conmand || true
        # simulate a unit that died without its ExecStopPost= (e.g. a power cut of /run... or a SIGKILL
        # of the helper): stop the unit with the teardown hook disarmed
        mv /usr/libexec/conman/conman-netns /usr/libexec/conman/conman-netns.off
        systemctl stop conman-web.service
        mv /usr/libexec/conman/conman-netns.off /usr/libexec/conman/conman-netns
        [ -e "/run/netns/conman-${id:0:12}" ]
        [ -n "$(network_leftovers)" ]
        systemctl start conmand
        wait_until 20 conmanctl info >/dev/null
        no_leftovers
        conmanctl rm web
}
