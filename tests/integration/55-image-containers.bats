#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Containers from images: pull when missing, the image's config, an overlay root per container
# that systemd mounts (ExecStartPre=) and unmounts (ExecStopPost=), rmi refusing an image in use.

load helpers
load images/lib

REG=127.0.0.1:5061

setup_file() {
        local w=/var/tmp/img-containers
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a "$w/busybox/." "$w/b/rootfs/"
        echo from-the-image >"$w/b/rootfs/etc/marker"
        umoci repack --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --image "$w/oci:1" --config.entrypoint /bin/sh --config.entrypoint -c \
                --config.cmd 'echo default-cmd $GREETING' --config.env GREETING=hello --config.workingdir /etc
        IMG_WORK=$w start_registry 5061
        skopeo copy --dest-tls-verify=false "oci:$w/oci:1" "docker://$REG/box:1" >/dev/null
}

teardown_file() {
        systemctl stop test-registry-5061.service 2>/dev/null || true
}

teardown() {
        for c in $(conmanctl ps -a -q 2>/dev/null); do conmanctl rm -f "$c" >/dev/null 2>&1 || true; done
}

@test "run pulls a missing image and runs the image's entrypoint and cmd with its env and workdir" {
        run conmanctl run --rm --tls-verify=false $REG/box:1
        [ "$status" -eq 0 ]
        [[ "$output" == *"default-cmd hello"* ]]
        run conmanctl images
        [[ "$output" == *"$REG/box"* ]]
}

@test "arguments replace the image's cmd; the entrypoint stays" {
        run conmanctl run --rm --pull never $REG/box:1 'cat marker; pwd'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = from-the-image ]
        [ "${lines[1]}" = /etc ]
}

@test "--pull never refuses an image that is not there" {
        run conmanctl run --rm --pull never $REG/nothere:1
        [ "$status" -ne 0 ]
        [[ "$output" == *"not in the store"* ]]
}

@test "each container gets its own overlay root: writes stay in it, layers are shared" {
        conmanctl run -d --name a --pull never $REG/box:1 'echo a >/etc/marker; sleep 1000'
        conmanctl run -d --name b --pull never $REG/box:1 'sleep 1000'
        ida=$(conmanctl inspect -f '{{.Id}}' a)
        idb=$(conmanctl inspect -f '{{.Id}}' b)
        wait_until 10 grep -qx a /var/lib/conman/containers/$ida/upper/etc/marker
        mountpoint -q /var/lib/conman/containers/$ida/rootfs
        [ "$(cat /var/lib/conman/containers/$idb/rootfs/etc/marker)" = from-the-image ]
        [ "$(conmanctl inspect -f '{{.Image}}' a)" = "$REG/box:1" ]
        run systemctl status conman-a.service
        [[ "$output" == *"image $REG/box:1"* ]]
        conmanctl stop -t 1 a
        refute mountpoint -q /var/lib/conman/containers/$ida/rootfs
        conmanctl start a
        wait_until 10 mountpoint -q /var/lib/conman/containers/$ida/rootfs
}

@test "rmi refuses an image a container uses, and works once the container is gone" {
        conmanctl create --name user --pull never $REG/box:1
        run conmanctl rmi $REG/box:1
        [ "$status" -ne 0 ]
        conmanctl rm user
        run conmanctl rmi $REG/box:1
        [ "$status" -eq 0 ]
}
