#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Mount propagation of volumes (CreateContainer's VolumePropagation, CRI's Mount.propagation): rslave sees
# the host's later mounts under the source, rshared also hands the container's mounts back to the host; a
# source not on a shared mount is refused for rshared, naming the mount; kept across kill -9 of conmand.

load helpers

setup_file() {
        make_rootfs /var/tmp/rootfs
}

setup() {
        R=/var/tmp/rootfs
        S=/var/tmp/prop-src
        conmanctl version >/dev/null
        mkdir -p "$S"
        # the source its own shared mount, as kubelet's (and critest's) host paths are
        mountpoint -q "$S" || mount --bind "$S" "$S"
        mount --make-rshared "$S"
}

teardown() {
        remove_all_containers
        for m in "$S/in" "$S/host" "$S"; do umount -R "$m" 2>/dev/null || true; done
        rm -rf "$S"
}

call() {
        local method=$1; shift
        busctl --system -- call io.conman1 /io/conman1 io.conman1.Manager "$method" "$@"
}

crash_conmand() {
        local pid
        pid=$(systemctl show -P MainPID conmand)
        [ "$pid" -gt 0 ]
        kill -9 "$pid"
        wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
        wait_until 20 conmanctl info >/dev/null
}

inspect() {
        busctl --system --json=short call io.conman1 /io/conman1 io.conman1.Manager InspectContainer s "$1" |
                jq -r '.data[0]'
}

@test "rslave: a mount made on the host under the source after start is visible inside" {
        call CreateContainer 'sasa{sv}' slv 2 sleep 1000 4 Rootfs s "$R" Network s none \
                Volumes 'a(ssb)' 1 "$S" /vol false VolumePropagation 'a{ss}' 1 /vol rslave
        id=$(inspect slv | jq -r .Id)
        jq -e '.linux.rootfsPropagation == "rslave"' "/var/lib/conman/containers/$id/config.json"
        jq -e '.mounts[] | select(.destination == "/vol") | .options | index("rslave")' \
                "/var/lib/conman/containers/$id/config.json"
        call StartContainer s slv
        mkdir -p "$S/host"
        mount -t tmpfs host-tmpfs "$S/host"
        echo from-host >"$S/host/marker"
        run conmanctl exec slv cat /vol/host/marker
        [ "$status" -eq 0 ]
        [ "$output" = from-host ]
        inspect slv | jq -e '.Mounts[0].Propagation == "rslave"'
        # the container's own mounts stay inside
        conmanctl exec slv sh -c 'mkdir -p /vol/in; mount -t tmpfs x /vol/in' 2>/dev/null || true
        ! mountpoint -q "$S/in"
}

@test "rshared: a mount made inside the container under the destination is visible on the host" {
        call CreateContainer 'sasa{sv}' shr 3 /bin/sh -c \
                'mkdir -p /vol/in && mount -t tmpfs inside /vol/in && echo from-container >/vol/in/marker && sleep 1000' \
                5 Rootfs s "$R" Network s none Privileged b true \
                Volumes 'a(ssb)' 1 "$S" /vol false VolumePropagation 'a{ss}' 1 /vol rshared
        id=$(inspect shr | jq -r .Id)
        jq -e '.linux.rootfsPropagation == "rshared"' "/var/lib/conman/containers/$id/config.json"
        call StartContainer s shr
        wait_until 10 test -f "$S/in/marker"
        [ "$(cat "$S/in/marker")" = from-container ]
        mountpoint -q "$S/in"
        # kept across kill -9 of conmand
        crash_conmand
        inspect shr | jq -e '.Mounts[0].Propagation == "rshared"'
}

@test "rshared from a source that is not on a shared mount is refused, naming the mount" {
        mkdir -p "$S/priv"
        mount --bind "$S/priv" "$S/priv"
        mount --make-private "$S/priv"
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 3 Rootfs s "$R" \
                Volumes 'a(ssb)' 1 "$S/priv" /vol false VolumePropagation 'a{ss}' 1 /vol rshared
        umount "$S/priv"
        [ "$status" -ne 0 ]
        [[ "$output" == *"$S/priv"*"not a shared mount"* ]]
}

@test "VolumePropagation must name a volume and a known propagation" {
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 3 Rootfs s "$R" \
                Volumes 'a(ssb)' 1 "$S" /vol false VolumePropagation 'a{ss}' 1 /other rshared
        [ "$status" -ne 0 ]
        [[ "$output" == *"not the destination of one of the Volumes"* ]]
        run call CreateContainer 'sasa{sv}' bad 1 /bin/true 3 Rootfs s "$R" \
                Volumes 'a(ssb)' 1 "$S" /vol false VolumePropagation 'a{ss}' 1 /vol sideways
        [ "$status" -ne 0 ]
        [[ "$output" == *"Unknown propagation"* ]]
}

@test "conmanctl create -v SRC:DST:ro,rslave: docker's spelling, kept in a generated .container file" {
        conmanctl create --name cli -v "$S:/vol:ro,rslave" --rootfs "$R" --network none /bin/true
        inspect cli | jq -e '.Mounts[0].Propagation == "rslave" and .Mounts[0].RW == false'
        run conmanctl generate unit cli
        [ "$status" -eq 0 ]
        [[ "$output" == *"Volume=$S:/vol:ro,rslave"* ]]
        run conmanctl create --name bad -v "$S:/vol:rshared,bogus" --rootfs "$R" /bin/true
        [ "$status" -ne 0 ]
        [[ "$output" == *"propagation"* ]]
}
