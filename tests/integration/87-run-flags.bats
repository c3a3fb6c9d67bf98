#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's run flags of issue 18 (items 2, 6, 7, 8), each observed where it lands: on the unit
# (`systemctl show`), inside the container (/proc, ulimit, df), in config.json and in `inspect`;
# --entrypoint on an image; -e KEY, --env-file and --env-host; rm -a, stop -a, stop -s, container prune;
# --init (the container stops on SIGTERM with docker's 143); the flags kept across a restart; bad values
# refused with the flag named, before anything is created.

load helpers

W=/var/tmp/run-flags

setup_file() {
        conman_setup_file
        make_rootfs "$W/busybox"
        umoci init --layout "$W/oci"
        umoci new --image "$W/oci:1"
        umoci unpack --image "$W/oci:1" "$W/b" >/dev/null
        cp -a "$W/busybox/." "$W/b/rootfs/"
        umoci repack --image "$W/oci:1" "$W/b" >/dev/null
        umoci config --image "$W/oci:1" --config.entrypoint /bin/echo --config.entrypoint from-entrypoint \
                --config.cmd default-cmd
        conmanctl image import "$W/oci" localhost/ep:1 >/dev/null
}

setup() {
        conman_setup
        rm -f /tmp/cid
}

teardown() {
        remove_all_containers
}

show() {
        systemctl show -P "$1" "conman-$2.service"
}

# inspect NAME JQ-FILTER
inspect() {
        conmanctl inspect "$1" | jq -r ".[0]$2"
}

@test "--ulimit: Limit*= on the unit, the container's own limits" {
        run conmanctl run --rm --network none --rootfs "$R" --ulimit nofile=1024:2048 --ulimit nproc=500 \
                /bin/sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Hu'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1024 ]
        [ "${lines[1]}" = 2048 ]
        [ "${lines[2]}" = 500 ]
        conmanctl run -d --name ul --network none --rootfs "$R" --ulimit nofile=1024:2048 --ulimit core=-1 \
                /bin/sleep 1000
        [ "$(show LimitNOFILE ul)" = 2048 ]
        [ "$(show LimitNOFILESoft ul)" = 1024 ]
        [ "$(show LimitCORE ul)" = infinity ]
        [ "$(inspect ul '.HostConfig.Ulimits[0].Name')" = nofile ]
        [ "$(inspect ul '.HostConfig.Ulimits[0].Soft')" = 1024 ]
        [ "$(inspect ul '.HostConfig.Ulimits[1].Hard')" = -1 ]
}

@test "--oom-score-adj: OOMScoreAdjust= and the container's oom_score_adj" {
        run conmanctl run --rm --network none --rootfs "$R" --oom-score-adj 500 cat /proc/self/oom_score_adj
        [ "$status" -eq 0 ]
        [ "$output" = 500 ]
        conmanctl run -d --name oom --network none --rootfs "$R" --oom-score-adj 300 /bin/sleep 1000
        [ "$(show OOMScoreAdjust oom)" = 300 ]
        [ "$(conmanctl exec oom cat /proc/1/oom_score_adj)" = 300 ]
        [ "$(inspect oom .HostConfig.OomScoreAdj)" = 300 ]
}

@test "--memory-swap (docker's total) and --memory-reservation: MemorySwapMax= and MemoryLow=" {
        conmanctl run -d --name mem --network none --rootfs "$R" -m 64m --memory-swap 96m \
                --memory-reservation 32m /bin/sleep 1000
        [ "$(show MemoryMax mem)" = 67108864 ]
        [ "$(show MemorySwapMax mem)" = 33554432 ]
        [ "$(show MemoryLow mem)" = 33554432 ]
        [ "$(inspect mem .HostConfig.MemorySwap)" = 100663296 ]
        [ "$(inspect mem .HostConfig.MemoryReservation)" = 33554432 ]
        conmanctl run -d --name unlimited --network none --rootfs "$R" -m 64m --memory-swap -1 /bin/sleep 1000
        [ "$(show MemorySwapMax unlimited)" = infinity ]
        [ "$(inspect unlimited .HostConfig.MemorySwap)" = -1 ]
}

@test "--cpuset-cpus, --cpuset-mems, --blkio-weight, --device-*-bps/iops, --cpu-period/--cpu-quota on the unit" {
        conmanctl run -d --name res --network none --rootfs "$R" --cpuset-cpus 0 --cpuset-mems 0 \
                --blkio-weight 300 --device-read-bps /dev/sda:1mb --device-write-bps /dev/sda:2mb \
                --device-read-iops /dev/sda:100 --device-write-iops /dev/sdb:200 \
                --cpu-period 50000 --cpu-quota 25000 /bin/sleep 1000
        [ "$(show AllowedCPUs res)" = 0 ]
        [ "$(show AllowedMemoryNodes res)" = 0 ]
        [ "$(show IOWeight res)" = 300 ]
        [ "$(show IOReadBandwidthMax res)" = "/dev/sda 1048576" ]
        [ "$(show IOWriteBandwidthMax res)" = "/dev/sda 2097152" ]
        [ "$(show IOReadIOPSMax res)" = "/dev/sda 100" ]
        [ "$(show IOWriteIOPSMax res)" = "/dev/sdb 200" ]
        [ "$(show CPUQuotaPeriodUSec res)" = 50ms ]
        [ "$(show CPUQuotaPerSecUSec res)" = 500ms ] # 25000 of every 50000 us: half a CPU
        [ "$(inspect res .HostConfig.BlkioWeight)" = 300 ]
        [ "$(inspect res .HostConfig.CpuPeriod)" = 50000 ]
        [ "$(inspect res .HostConfig.CpuQuota)" = 25000 ]
        [ "$(inspect res .HostConfig.CpusetCpus)" = 0 ]
        [ "$(inspect res '.HostConfig.BlkioDeviceReadBps[0].Rate')" = 1048576 ]
        [ "$(inspect res '.HostConfig.BlkioDeviceWriteIOps[0].Path')" = /dev/sdb ]
}

@test "--shm-size sizes /dev/shm (df inside)" {
        run conmanctl run --rm --network none --rootfs "$R" --shm-size 128m df -k /dev/shm
        [ "$status" -eq 0 ]
        [ "$(echo "${lines[1]}" | awk '{print $2}')" = 131072 ]
        run conmanctl run --rm --network none --rootfs "$R" df -k /dev/shm
        [ "$(echo "${lines[1]}" | awk '{print $2}')" = 65536 ] # docker's default 64m
}

@test "--annotation lands in config.json and inspect; --label-file adds labels" {
        printf '# labels\nteam=ops\n\ntier=db\n' >/tmp/labels
        id=$(conmanctl run -d --name ann --network none --rootfs "$R" --annotation io.example/owner=ops \
                --annotation note='a b' --label-file /tmp/labels /bin/sleep 1000)
        cfg=/var/lib/conman/containers/$id/config.json
        [ "$(jq -r '.annotations["io.example/owner"]' "$cfg")" = ops ]
        [ "$(jq -r '.annotations.note' "$cfg")" = "a b" ]
        [ "$(inspect ann '.Config.Annotations["io.example/owner"]')" = ops ]
        [ "$(inspect ann .Config.Labels.team)" = ops ]
        [ "$(inspect ann .Config.Labels.tier)" = db ]
}

@test "--cidfile is written with the id; an existing one is refused before anything is created" {
        id=$(conmanctl run -d --cidfile /tmp/cid --name cid --network none --rootfs "$R" /bin/sleep 1000)
        [ "$(cat /tmp/cid)" = "$id" ]
        run conmanctl run -d --cidfile /tmp/cid --name cid2 --network none --rootfs "$R" /bin/sleep 1000
        [ "$status" -eq 125 ]
        [[ "$output" == *"/tmp/cid"* ]]
        refute conmanctl inspect cid2
        [ "$(cat /tmp/cid)" = "$id" ]
        # a create that fails leaves no file behind
        rm /tmp/cid
        run conmanctl run -d --cidfile /tmp/cid --name cid --network none --rootfs "$R" /bin/true
        [ "$status" -eq 125 ]
        [ ! -e /tmp/cid ]
}

@test "--entrypoint replaces the image's entrypoint and cmd; '' clears it" {
        run conmanctl run --rm --network none localhost/ep:1
        [ "$output" = "from-entrypoint default-cmd" ]
        run conmanctl run --rm --network none --entrypoint /bin/echo localhost/ep:1
        [ "$status" -eq 0 ]
        [ "$output" = "" ] # the image's cmd goes with its entrypoint, as in docker
        run conmanctl run --rm --network none --entrypoint /bin/echo localhost/ep:1 hello
        [ "$output" = hello ]
        run conmanctl run --rm --network none --entrypoint '' localhost/ep:1 /bin/echo plain
        [ "$output" = plain ]
        run sh -c "echo 'echo in-sh \$0' | conmanctl run -i --rm --network none --entrypoint sh localhost/ep:1"
        [ "$output" = "in-sh sh" ]
        conmanctl create --name ep --network none --entrypoint /bin/sleep localhost/ep:1 1000 >/dev/null
        [ "$(inspect ep .Path)" = /bin/sleep ]
        [ "$(inspect ep '.Args[0]')" = 1000 ]
}

@test "-e KEY takes the value from conmanctl's environment (unset: dropped), --env-file KEY lines, --env-host" {
        run env FOO=from-client conmanctl run --rm --network none --rootfs "$R" -e FOO -e UNSET_VAR_X \
                /bin/sh -c 'echo "$FOO"; env | grep -c UNSET_VAR_X'
        [ "${lines[0]}" = from-client ]
        [ "${lines[1]}" = 0 ]
        printf 'A=1\nFOO\n# c\nNOPE_UNSET\n' >/tmp/envfile
        run env FOO=fromfile conmanctl run --rm --network none --rootfs "$R" --env-file /tmp/envfile \
                /bin/sh -c 'echo "$A $FOO"; env | grep -c NOPE_UNSET'
        [ "${lines[0]}" = "1 fromfile" ]
        [ "${lines[1]}" = 0 ]
        run env HOSTY=yes FOO=host conmanctl run --rm --network none --rootfs "$R" --env-host -e FOO=mine \
                /bin/sh -c 'echo "$HOSTY $FOO"'
        [ "$output" = "yes mine" ]
}

@test "rm -a removes the stopped containers (running ones need -f), rm -af all" {
        conmanctl create --name c1 --network none --rootfs "$R" /bin/true >/dev/null
        conmanctl run --name c2 --network none --rootfs "$R" /bin/true
        conmanctl run -d --name c3 --network none --rootfs "$R" /bin/sleep 1000
        run conmanctl rm -a
        [ "$status" -ne 0 ] # c3 is running
        [[ "$output" == *c3* ]]
        [ "$(conmanctl ps -a -q | wc -l)" -eq 1 ]
        conmanctl rm -af
        [ -z "$(conmanctl ps -a -q)" ]
}

@test "stop -a stops every running container" {
        conmanctl run -d --name s1 --network none --rootfs "$R" /bin/sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
        conmanctl run -d --name s2 --network none --rootfs "$R" /bin/sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
        conmanctl stop -a
        [ "$(inspect s1 .State.Status)" = exited ]
        [ "$(inspect s2 .State.Status)" = exited ]
        [ -z "$(conmanctl ps -q)" ]
}

@test "stop -s sends that signal instead of the stop signal" {
        conmanctl run -d --name sig --network none --rootfs "$R" \
                /bin/sh -c 'trap "exit 3" USR1; trap "" TERM; while :; do sleep 0.1; done'
        conmanctl stop -s USR1 sig
        [ "$(inspect sig .State.ExitCode)" = 3 ]
        run conmanctl stop -s NOSUCH sig
        [ "$status" -ne 0 ]
}

@test "container prune removes the stopped containers and says which and how many" {
        id1=$(conmanctl create --name p1 --network none --rootfs "$R" /bin/true)
        conmanctl run --name p2 --network none --rootfs "$R" /bin/true
        id2=$(conmanctl inspect p2 | jq -r '.[0].Id')
        conmanctl run -d --name p3 --network none --rootfs "$R" /bin/sleep 1000
        run conmanctl container prune -f
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "Deleted Containers:" ]
        [[ "$output" == *"$id1"* ]]
        [[ "$output" == *"$id2"* ]]
        [ "${lines[-1]}" = "Total: 2 containers removed" ]
        [ "$(conmanctl ps -a -q | wc -l)" -eq 1 ]
        run sh -c 'echo n | conmanctl container prune'
        [[ "$output" == *"Are you sure"* ]]
        [ "$(conmanctl ps -a -q | wc -l)" -eq 1 ]
}

@test "--init: catatonit is PID 1, so a sh -c container stops on SIGTERM with 143" {
        conmanctl run -d --name init --init --network none --rootfs "$R" /bin/sh -c 'sleep 100'
        [ "$(conmanctl exec init cat /proc/1/cmdline | tr '\0' ' ')" = "/dev/init -- /bin/sh -c sleep 100 " ]
        conmanctl stop init
        [ "$(inspect init .State.ExitCode)" = 143 ] # not 137: no SIGKILL after the timeout
        [ "$(inspect init .HostConfig.Init)" = true ]
        # without --init, sh is PID 1 and ignores SIGTERM: docker's 137 after the timeout
        conmanctl run -d --name noinit --stop-timeout 1 --network none --rootfs "$R" /bin/sh -c 'sleep 100'
        conmanctl stop noinit
        [ "$(inspect noinit .State.ExitCode)" = 137 ]
}

@test "the flags survive a restart" {
        conmanctl run -d --name keep --network none --rootfs "$R" --ulimit nofile=1024:2048 --shm-size 96m \
                --init --oom-score-adj 400 -m 64m --memory-swap 128m --blkio-weight 200 \
                --annotation k=v /bin/sh -c 'sleep 1000'
        conmanctl restart keep
        [ "$(inspect keep .State.Status)" = running ]
        [ "$(show LimitNOFILE keep)" = 2048 ]
        [ "$(show MemorySwapMax keep)" = 67108864 ]
        [ "$(show IOWeight keep)" = 200 ]
        [ "$(show OOMScoreAdjust keep)" = 400 ]
        conmanctl exec keep cat /proc/1/limits | grep -E '^Max open files +1024 +2048 '
        [ "$(conmanctl exec keep df -k /dev/shm | awk 'NR == 2 {print $2}')" = 98304 ]
        [ "$(conmanctl exec keep cat /proc/1/cmdline | tr '\0' ' ')" = "/dev/init -- /bin/sh -c sleep 1000 " ]
        conmanctl stop keep
        [ "$(inspect keep .State.ExitCode)" = 143 ]
}

@test ".container files carry Ulimit=, ShmSize=, RunInit=, Annotation= and the resource settings" {
        conmanctl create --name gen --network none --rootfs "$R" --ulimit nofile=1024:2048 --shm-size 96m \
                --init --annotation k=v -m 64m --memory-swap 128m --cpuset-cpus 0 /bin/true >/dev/null
        run conmanctl generate unit gen
        [ "$status" -eq 0 ]
        [[ "$output" == *$'\nUlimit=nofile=1024:2048\n'* ]]
        [[ "$output" == *$'\nShmSize=96m\n'* ]]
        [[ "$output" == *$'\nRunInit=yes\n'* ]]
        [[ "$output" == *$'\nAnnotation=k=v\n'* ]]
        [[ "$output" == *$'\nMemorySwapMax=67108864\n'* ]]
        [[ "$output" == *$'\nAllowedCPUs=0\n'* ]]
}

@test "bad values are refused with the flag named (125), and nothing is created" {
        while IFS='|' read -r flag args; do
                # shellcheck disable=SC2086
                run conmanctl run -d --name bad --network none --rootfs "$R" $args /bin/true
                echo "$flag: $status $output"
                [ "$status" -eq 125 ]
                [[ "$output" == *"$flag"* ]]
        done <<'EOF'
--ulimit|--ulimit nofile=2048:1024
--ulimit|--ulimit bogus=1
--memory-swap|--memory-swap 1g
--memory-swap|-m 64m --memory-swap 32m
--memory-swap|-m 64m --memory-swap lots
--memory-reservation|-m 64m --memory-reservation 128m
--blkio-weight|--blkio-weight 5
--device-read-bps|--device-read-bps sda:1mb
--device-write-iops|--device-write-iops /dev/sda:1k
--cpu-period|--cpu-period 10
--cpus|--cpus 1 --cpu-quota 50000
--oom-score-adj|--oom-score-adj 5000
--shm-size|--shm-size huge
--cpuset-cpus|--cpuset-cpus a-b
--annotation|--annotation novalue
--env|-e =x
EOF
        [ -z "$(conmanctl ps -a -q)" ]
}

# Issue 18's last run flags: namespaces shared with the host, the unit's slice, the domain name, per-device
# I/O weights, -q and --sig-proxy.
@test "--pid/--ipc/--uts host, --cgroupns private: the host's namespaces (or a private cgroup one), shown in inspect" {
        conmanctl run -d --name hostns --network none --rootfs "$R" --pid host --ipc host --uts host \
                --cgroupns private /bin/sleep 1000
        pid=$(show MainPID hostns)
        [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/1/ns/pid)" ]
        [ "$(readlink /proc/$pid/ns/ipc)" = "$(readlink /proc/1/ns/ipc)" ]
        [ "$(readlink /proc/$pid/ns/uts)" = "$(readlink /proc/1/ns/uts)" ]
        [ "$(readlink /proc/$pid/ns/cgroup)" != "$(readlink /proc/1/ns/cgroup)" ]
        [ "$(conmanctl exec hostns hostname)" = "$(hostname)" ]
        [ "$(inspect hostns .HostConfig.PidMode)" = host ]
        [ "$(inspect hostns .HostConfig.IpcMode)" = host ]
        [ "$(inspect hostns .HostConfig.UTSMode)" = host ]
        [ "$(inspect hostns .HostConfig.CgroupnsMode)" = private ]
        conmanctl run -d --name privns --network none --rootfs "$R" /bin/sleep 1000
        pid=$(show MainPID privns)
        [ "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/1/ns/pid)" ]
        [ "$(readlink /proc/$pid/ns/ipc)" != "$(readlink /proc/1/ns/ipc)" ]
        [ "$(inspect privns .HostConfig.IpcMode)" = private ]
        [ "$(inspect privns .HostConfig.CgroupnsMode)" = host ]
}

@test "--cgroup-parent puts the unit in that slice; --domainname; --blkio-weight-device: IODeviceWeight=" {
        conmanctl run -d --name slc --network none --rootfs "$R" --cgroup-parent web-front.slice \
                --domainname example.org --blkio-weight-device /dev/sda:300 /bin/sleep 1000
        [ "$(show Slice slc)" = web-front.slice ]
        grep -q "/web.slice/web-front.slice/conman-slc.service" "/proc/$(show MainPID slc)/cgroup"
        [ "$(inspect slc .HostConfig.CgroupParent)" = web-front.slice ]
        # config.json's domainname; runc applies it from 1.2 on (Debian 12 has 1.1), crun does
        [ "$(jq -r .domainname "/var/lib/conman/containers/$(inspect slc .Id)/config.json")" = example.org ]
        conmanctl run -d --name dom --runtime crun --network none --rootfs "$R" --domainname example.org \
                /bin/sleep 1000
        [ "$(conmanctl exec dom cat /proc/sys/kernel/domainname)" = example.org ]
        [ "$(inspect slc .Config.Domainname)" = example.org ]
        [ "$(show IODeviceWeight slc)" = "/dev/sda 300" ]
        [ "$(inspect slc '.HostConfig.BlkioWeightDevice[0].Weight')" = 300 ]
        conmanctl stop slc >/dev/null
        conmanctl start slc >/dev/null # kept in container.json
        [ "$(show Slice slc)" = web-front.slice ]
        [ "$(show IODeviceWeight slc)" = "/dev/sda 300" ]
}

@test "--sig-proxy=false: SIGTERM to a foreground run leaves the container running; -q runs quietly" {
        conmanctl run --name sp --sig-proxy=false --network none --rootfs "$R" /bin/sleep 1000 &
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sp 2>/dev/null)" = running ]'
        kill -TERM $!
        wait $! || true
        sleep 0.5
        [ "$(conmanctl inspect -f '{{.State.Status}}' sp)" = running ]
        conmanctl run --name sp2 --network none --rootfs "$R" /bin/sleep 1000 &
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sp2 2>/dev/null)" = running ]'
        kill -TERM $!
        wait $! || true
        wait_until 15 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" sp2)" = exited ]' # proxied: stopped
        run conmanctl run --rm -q --network none localhost/ep:1 hello
        [ "$status" -eq 0 ]
        [ "$output" = "from-entrypoint hello" ]
        run conmanctl create -q --name q2 --network none localhost/ep:1
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 1 ]
}

@test "the host flags: bad values and a pod's own namespaces and slice are refused with the flag named" {
        while IFS='|' read -r flag args; do
                run conmanctl run -d --name bad --network none --rootfs "$R" $args /bin/true
                echo "$flag: $status $output"
                [ "$status" -eq 125 ]
                [[ "$output" == *"$flag"* ]]
        done <<'LIST'
--pid|--pid container:x
--ipc|--ipc shareable
--cgroupns|--cgroupns yes
--cgroup-parent|--cgroup-parent web
--cgroup-parent|--cgroup-parent ../x.slice
--domainname|--domainname bad_name!
--blkio-weight-device|--blkio-weight-device /dev/sda:5
--blkio-weight-device|--blkio-weight-device sda:100
--sig-proxy|--sig-proxy maybe
--uts host|--uts host --hostname h
--network-alias|--network-alias x
LIST
        conmanctl pod create --name hp87 >/dev/null
        for args in "--ipc host" "--uts host" "--cgroup-parent a.slice"; do
                run conmanctl run -d --name bad --pod hp87 --rootfs "$R" $args /bin/true
                echo "$args: $status $output"
                [ "$status" -eq 125 ]
                [[ "$output" == *"pod 'hp87'"* ]]
        done
        conmanctl pod rm -f hp87 >/dev/null
        [ -z "$(conmanctl ps -a -q)" ]
}

@test "--network-alias: peers on the network find the container by each alias in their /etc/hosts" {
        conmanctl run -d --name aliased --network-alias db --network-alias pg.local --rootfs "$R" /bin/sleep 1000
        conmanctl run -d --name peer87 --rootfs "$R" /bin/sleep 1000
        ip=$(conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' aliased)
        [ -n "$ip" ]
        run conmanctl exec peer87 cat /etc/hosts
        hosts_lists "$output" db "$ip"
        hosts_lists "$output" pg.local "$ip"
        hosts_lists "$output" aliased "$ip"
        [ "$(inspect aliased '.NetworkSettings.Networks[].Aliases | join(",")')" = db,pg.local ]
        # a peer that was there first learns the aliases too (its hosts file is updated in place)
        conmanctl rm -f aliased >/dev/null
        run conmanctl exec peer87 cat /etc/hosts
        refute hosts_lists "$output" db
        conmanctl run -d --name aliased --network-alias db --rootfs "$R" /bin/sleep 1000
        ip=$(conmanctl inspect -f '{{.NetworkSettings.IPAddress}}' aliased)
        run conmanctl exec peer87 cat /etc/hosts
        hosts_lists "$output" db "$ip"
}
