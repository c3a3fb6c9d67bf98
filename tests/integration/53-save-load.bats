#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Images as tarballs (docs/images.md, "Images as tarballs"): save → rmi → load keeps the image id, in
# docker-archive and oci-archive; clients that are not ours (skopeo, podman) read what we save, and we read
# theirs; conmanctl passes fds, so a pipe works both ways.

load helpers
load images/lib

W=/var/tmp/save-load

setup_file() {
        rm -rf "$W" && mkdir -p "$W"
        make_rootfs "$W/busybox"
        umoci init --layout "$W/oci"
        umoci new --image "$W/oci:1"
        umoci unpack --image "$W/oci:1" "$W/b1" >/dev/null
        cp -a "$W/busybox/." "$W/b1/rootfs/"
        umoci repack --image "$W/oci:1" "$W/b1" >/dev/null
        umoci unpack --image "$W/oci:1" "$W/b2" >/dev/null
        echo second >"$W/b2/rootfs/etc/second-layer"
        rm "$W/b2/rootfs/etc/group"
        umoci repack --image "$W/oci:1" "$W/b2" >/dev/null
        umoci config --image "$W/oci:1" --config.cmd cat --config.cmd /etc/second-layer
        umoci gc --layout "$W/oci"
        skopeo copy --quiet "oci:$W/oci:1" "docker-archive:$W/theirs-docker.tar:localhost/theirs:d"
}

setup() {
        reset_store
        ID=$(conmanctl image import "$W/oci" localhost/box:1)
}

teardown() {
        remove_all_containers
}

@test "save → rmi → load keeps the image id and names (docker-archive, the default)" {
        conmanctl save -o "$W/d.tar" localhost/box:1
        tar -tf "$W/d.tar" | grep -qx manifest.json
        python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))
assert m[0]["RepoTags"] == ["localhost/box:1"], m' <(tar -xOf "$W/d.tar" manifest.json)
        conmanctl rmi localhost/box:1
        run conmanctl load -i "$W/d.tar"
        [ "$status" -eq 0 ]
        [[ "$output" == "Loaded image ID: sha256:$ID" ]]
        run conmanctl run --rm localhost/box:1
        [ "$status" -eq 0 ]
        [ "$output" = second ]
}

@test "save --format oci-archive → rmi → load from stdin keeps the id" {
        conmanctl save --format oci-archive localhost/box:1 >"$W/o.tar"
        tar -tf "$W/o.tar" | grep -qx oci-layout
        conmanctl rmi localhost/box:1
        run conmanctl load <"$W/o.tar"
        [ "$status" -eq 0 ]
        [[ "$output" == "Loaded image ID: sha256:$ID" ]]
        conmanctl image inspect localhost/box:1 >/dev/null
}

@test "save into a pipe, load from a pipe" {
        conmanctl save localhost/box:1 | gzip >"$W/p.tar.gz"
        conmanctl rmi localhost/box:1
        run bash -c "zcat $W/p.tar.gz | conmanctl load -q"
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        conmanctl image inspect localhost/box:1 | grep -q "$ID"
}

@test "skopeo reads our docker-archive and oci-archive" {
        conmanctl save -o "$W/d.tar" localhost/box:1
        conmanctl save --format oci-archive -o "$W/o.tar" localhost/box:1
        run skopeo inspect --config "docker-archive:$W/d.tar"
        [ "$status" -eq 0 ]
        [[ "$output" == *"/etc/second-layer"* ]]
        # the config skopeo reads is ours byte for byte: its digest is the image id
        [ "$(skopeo inspect --config --raw "docker-archive:$W/d.tar" | sha256sum | cut -d' ' -f1)" = "$ID" ]
        [ "$(skopeo inspect --config --raw "oci-archive:$W/o.tar" | sha256sum | cut -d' ' -f1)" = "$ID" ]
        run skopeo inspect "oci-archive:$W/o.tar"
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))')" = 2 ]
        # and what skopeo makes of it loads again
        rm -rf "$W/back"
        skopeo copy --quiet "oci-archive:$W/o.tar" "oci:$W/back:x"
        run conmanctl image import "$W/back" localhost/back:1
        [ "$status" -eq 0 ]
}

@test "podman loads our docker-archive (skipped without podman)" {
        command -v podman >/dev/null || skip "no podman in the test machine"
        conmanctl save -o "$W/d.tar" localhost/box:1
        run podman load -i "$W/d.tar"
        [ "$status" -eq 0 ]
        [ "$(podman image inspect --format '{{.Id}}' localhost/box:1)" = "$ID" ]
        podman rmi localhost/box:1 >/dev/null
}

@test "we load skopeo's docker-archive" {
        run conmanctl load -i "$W/theirs-docker.tar"
        [ "$status" -eq 0 ]
        [[ "$output" == "Loaded image ID: sha256:$ID" ]]
        conmanctl image inspect localhost/theirs:d >/dev/null
}

@test "save and load: bad input, several images, access control" {
        run conmanctl save -o "$W/x.tar" no-such-image
        [ "$status" -eq 125 ]
        [[ "$output" == *"no such image"* ]]
        [ ! -e "$W/x.tar" ]
        run conmanctl save --format zip -o "$W/x.tar" localhost/box:1
        [ "$status" -eq 125 ]
        [[ "$output" == *"See 'conmanctl save --help'"* ]]
        run bash -c 'echo garbage | conmanctl load'
        [ "$status" -eq 125 ]
        conmanctl tag localhost/box:1 localhost/other:2
        conmanctl save -o "$W/two.tar" localhost/box:1 localhost/other:2
        conmanctl rmi localhost/box:1 localhost/other:2
        run conmanctl load -i "$W/two.tar"
        [ "$status" -eq 0 ]
        conmanctl image inspect localhost/box:1 >/dev/null
        conmanctl image inspect localhost/other:2 >/dev/null
        run as_user conmanctl save -o /tmp/u.tar localhost/box:1
        [ "$status" -ne 0 ]
        run as_user conmanctl load -i "$W/two.tar"
        [ "$status" -ne 0 ]
}

@test "the interface XML lists SaveImage, LoadImage, ImportRootfs, ExportContainer, CommitContainer as exported" {
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
        for m in SaveImage LoadImage ImportRootfs ExportContainer CommitContainer; do
                grep -q "<method name=\"$m\">" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml
        done
}
