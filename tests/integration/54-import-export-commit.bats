#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Images made here (docs/images.md, "Images as tarballs"): import of a root filesystem tarball with
# --change, export of a container's root, commit of a container's changes as a new layer with whiteouts.

load helpers
load images/lib

W=/var/tmp/import-export

setup_file() {
        rm -rf "$W" && mkdir -p "$W"
        make_rootfs "$W/busybox"
        mkdir -p "$W/busybox/srv" && echo imported >"$W/busybox/srv/marker"
        tar -C "$W/busybox" -cf "$W/rootfs.tar" .
        gzip -k "$W/rootfs.tar"
}

teardown() {
        remove_all_containers
}

@test "import a root filesystem tarball with --change and --message, and run it" {
        run conmanctl import --change 'CMD ["cat", "marker"]' --change WORKDIR=/srv --change 'ENV A=1 B=2' \
                --change 'EXPOSE 8080' --change LABEL=k=v -m "from a tarball" "$W/rootfs.tar" localhost/imported:1
        [ "$status" -eq 0 ]
        [[ "$output" == sha256:* ]]
        run conmanctl run --rm localhost/imported:1
        [ "$status" -eq 0 ]
        [ "$output" = imported ]
        run conmanctl run --rm localhost/imported:1 sh -c 'echo $A$B'
        [ "$output" = 12 ]
        conmanctl image inspect localhost/imported:1 | python3 -c '
import json, sys
d = json.load(sys.stdin); c = d["config"]
assert c["config"]["ExposedPorts"] == {"8080/tcp": {}}, c
assert c["config"]["Labels"] == {"k": "v"}, c
assert c["history"][-1]["comment"] == "from a tarball", c
assert len(d["layers"]) == 1, d'
}

@test "import from stdin (gzip), a bad change, a tarball that leaves its tree" {
        run bash -c "conmanctl import - localhost/imported:gz <$W/rootfs.tar.gz"
        [ "$status" -eq 0 ]
        run conmanctl run --rm localhost/imported:gz cat /srv/marker
        [ "$output" = imported ]
        run conmanctl import --change 'RUN rm -rf /' "$W/rootfs.tar"
        [ "$status" -eq 125 ]
        [[ "$output" == *"unsupported change"* ]]
        python3 -c 'import tarfile, io, sys
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("../../etc/evil"); d = b"x"; i.size = len(d); t.addfile(i, io.BytesIO(d)); t.close()' "$W/evil.tar"
        run conmanctl import "$W/evil.tar" localhost/evil:1
        [ "$status" -eq 125 ]
        [ ! -e /var/lib/conman/etc/evil ]
        run as_user conmanctl import "$W/rootfs.tar"
        [ "$status" -ne 0 ]
}
