#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's port and name resolution flags (docs/networking.md): -p CONTAINERPORT gets a free host port
# that forwards, -P publishes --expose ports, ranges, inspect shows the chosen ports, the rules go with rm;
# --add-host, --dns, --dns-search, --dns-option in the container's files; --ip and --mac-address.

load helpers

setup_file() {
        conman_setup_file
        mkdir -p /var/tmp/www && echo "from 72" >/var/tmp/www/index.html
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

# The host port inspect shows for container port $2 (as "80/tcp") of container $1.
host_port() {
        conmanctl inspect "$1" | jq -r --arg k "$2" '.[0].NetworkSettings.Ports[$k][0].HostPort'
}

rules_of() {
        nft list table inet conman 2>/dev/null | grep -c "conman:$1" || true
}

@test "-p 80 gets a free host port from the ephemeral range that forwards; inspect shows it; rm removes the rules" {
        conmanctl run -d --name web -p 80 -v /var/tmp/www:/www:ro --rootfs "$R" /bin/httpd -f -p 80 -h /www
        port=$(host_port web 80/tcp)
        read -r low high </proc/sys/net/ipv4/ip_local_port_range
        [[ "$port" =~ ^[0-9]+$ ]]
        [ "$port" -ge "$low" ] && [ "$port" -le "$high" ]
        wait_until 10 curl -sf --max-time 2 "http://127.0.0.1:$port/"
        [ "$(curl -sf --max-time 5 "http://127.0.0.1:$port/")" = "from 72" ]
        [ "$(conmanctl inspect web | jq -r '.[0].NetworkSettings.Ports["80/tcp"][0].HostIp')" = 0.0.0.0 ]
        # the request stays "free port" in HostConfig, as docker shows it
        [ "$(conmanctl inspect web | jq -r '.[0].HostConfig.PortBindings["80/tcp"][0].HostPort')" = "" ]
        id=$(conmanctl inspect -f '{{.Id}}' web)
        [ "$(rules_of "$id")" -gt 0 ]
        # a second container gets another port
        conmanctl run -d --name web2 -p 80 --rootfs "$R" /bin/sleep 1000
        port2=$(host_port web2 80/tcp)
        [[ "$port2" =~ ^[0-9]+$ ]] && [ "$port2" != "$port" ]
        conmanctl rm -f web
        [ "$(rules_of "$id")" -eq 0 ]
        run curl -sf --max-time 2 "http://127.0.0.1:$port/"
        [ "$status" -ne 0 ]
}

@test "-P publishes every --expose port on a free host port; HOSTIP::PORT binds one address" {
        conmanctl run -d --name srv -P --expose 7000 --expose 7001/udp -p 127.0.0.1::7002 --rootfs "$R" \
                /bin/sh -c 'while true; do echo pong | nc -l -p 7000; done'
        p=$(host_port srv 7000/tcp)
        [[ "$p" =~ ^[0-9]+$ ]]
        [[ "$(host_port srv 7001/udp)" =~ ^[0-9]+$ ]]
        [[ "$(host_port srv 7002/tcp)" =~ ^[0-9]+$ ]]
        [ "$(conmanctl inspect srv | jq -r '.[0].NetworkSettings.Ports["7002/tcp"][0].HostIp')" = 127.0.0.1 ]
        [ "$(conmanctl inspect srv | jq -r '.[0].HostConfig.PublishAllPorts')" = true ]
        [ "$(conmanctl inspect srv | jq -r '.[0].Config.ExposedPorts | keys | join(",")')" = "7000/tcp,7001/udp,7002/tcp" ]
        wait_until 10 sh -c "echo | busybox nc -w 2 127.0.0.1 $p | grep -q pong"
}

@test "a range 8000-8002:80-82 publishes three ports" {
        conmanctl run -d --name rng -p 18000-18002:80-82 --rootfs "$R" /bin/httpd -f -p 81 -h /
        [ "$(host_port rng 80/tcp)" = 18000 ]
        [ "$(host_port rng 81/tcp)" = 18001 ]
        [ "$(host_port rng 82/tcp)" = 18002 ]
        id=$(conmanctl inspect -f '{{.Id}}' rng)
        run sh -c "nft list table inet conman | grep 'conman:$id' | grep -c dnat"
        [ "$output" -ge 3 ]
        wait_until 10 curl -s --max-time 2 -o /dev/null http://127.0.0.1:18001/
}

@test "--add-host, --dns, --dns-search and --dns-option are in the container's /etc files" {
        run conmanctl run --rm --add-host db.local:10.1.2.3 --add-host gw:host-gateway --dns 9.9.9.9 \
                --dns 1.0.0.1 --dns-search example.com --dns-option ndots:2 --rootfs "$R" \
                /bin/sh -c 'cat /etc/hosts /etc/resolv.conf'
        [ "$status" -eq 0 ]
        [[ "$output" == *"10.1.2.3	db.local"* ]]
        [[ "$output" == *"10.77.0.1	gw"* ]]
        [[ "$output" == *"nameserver 9.9.9.9"*"nameserver 1.0.0.1"* ]]
        [[ "$output" == *"search example.com"* ]]
        [[ "$output" == *"options ndots:2"* ]]
        conmanctl create --name cfg --dns 9.9.9.9 --add-host a:1.2.3.4 --rootfs "$R" /bin/true
        [ "$(conmanctl inspect cfg | jq -r '.[0].HostConfig.Dns[0]')" = 9.9.9.9 ]
        [ "$(conmanctl inspect cfg | jq -r '.[0].HostConfig.ExtraHosts[0]')" = a:1.2.3.4 ]
}

@test "--ip gives that address, a second container asking for it is refused; --mac-address is seen inside" {
        conmanctl run -d --name fixed --ip 10.77.200.7 --mac-address 02:42:ac:11:00:99 --rootfs "$R" /bin/sleep 1000
        [ "$(conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' fixed)" = 10.77.200.7 ]
        [ "$(conmanctl inspect -f '{{.NetworkSettings.MacAddress}}' fixed)" = 02:42:ac:11:00:99 ]
        run conmanctl exec fixed cat /sys/class/net/eth0/address
        [ "$output" = 02:42:ac:11:00:99 ]
        busybox ping -c1 -W2 10.77.200.7
        run conmanctl create --name second --ip 10.77.200.7 --rootfs "$R" /bin/true
        [ "$status" -eq 125 ]
        [[ "$output" == *"--ip 10.77.200.7"*"fixed"* ]]
        run conmanctl create --name outside --ip 10.99.0.5 --rootfs "$R" /bin/true
        [ "$status" -eq 125 ]
        [[ "$output" == *"not a free host address"* ]]
        run conmanctl create --name gwip --ip 10.77.0.1 --rootfs "$R" /bin/true
        [ "$status" -eq 125 ]
        [ "$(conmanctl ps -a -q | wc -l)" -eq 1 ]
}

@test "bad values: a clear error naming the flag, exit 125, nothing created" {
        for args in "-p 8000-8001:80-82" "-p 0:80" "-p :80" "--expose 80:80" "--expose 99999" \
                "--add-host nocolon" "--add-host a:999.1.1.1" "--dns not-an-ip" "--dns-search a;b" \
                "--ip 10.77.0" "--mac-address 01:00:00:00:00:01" "--mac-address zz:00:00:00:00:01"; do
                run conmanctl create $args --rootfs "$R" /bin/true
                [ "$status" -eq 125 ] || { echo "$args: $status $output"; return 1; }
                flag=${args%% *}
                flag=${flag#--}
                [ "$flag" = -p ] && flag=publish
                [[ "$output" == *"--$flag"* ]] || { echo "$args: $output"; return 1; }
        done
        run conmanctl create --network none --dns 1.1.1.1 --rootfs "$R" /bin/true
        [ "$status" -eq 125 ]
        [[ "$output" == *"bridge network"* ]]
        [ -z "$(conmanctl ps -a -q)" ]
}
