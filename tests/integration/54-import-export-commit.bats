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
        mkdir -p "$W/busybox/opt/old/sub" && echo a >"$W/busybox/opt/old/a" && echo b >"$W/busybox/opt/old/sub/b"
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

# name, type, mode, owner, link target and content hash of every entry of a tarball, sorted
tar_listing() {
        python3 -c '
import hashlib, sys, tarfile
t = tarfile.open(sys.argv[1])
for m in sorted(t.getmembers(), key=lambda m: m.name.rstrip("/")):
    h = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isreg() else ""
    print(m.name.rstrip("/"), m.type, oct(m.mode), m.uid, m.gid, m.linkname, h)' "$1"
}

base_image() {
        conmanctl image inspect localhost/base:1 >/dev/null 2>&1 ||
                conmanctl import --change 'CMD ["/bin/sh"]' "$W/rootfs.tar" localhost/base:1 >/dev/null
}

@test "export: a running container's root and a stopped one's, with what it wrote" {
        base_image
        conmanctl run -d --name exp localhost/base:1 sh -c 'echo written >/srv/new-file; sleep 1000'
        wait_until 10 conmanctl exec exp test -e /srv/new-file
        conmanctl export -o "$W/running.tar" exp
        tar -tf "$W/running.tar" | grep -qx srv/new-file
        tar -tf "$W/running.tar" | grep -qx bin/busybox
        [ "$(tar -xOf "$W/running.tar" srv/new-file)" = written ]
        conmanctl stop -t 1 exp
        conmanctl export exp >"$W/stopped.tar"
        [ "$(tar -xOf "$W/stopped.tar" srv/new-file)" = written ]
        [ "$(tar -xOf "$W/stopped.tar" srv/marker)" = imported ]
        run bash -c "tar -tf $W/stopped.tar | grep -c '^/\|\.\./'"
        [ "$output" = 0 ]
        run conmanctl export nonexistent
        [ "$status" -eq 125 ]
        run as_user conmanctl export -o /tmp/x.tar exp
        [ "$status" -ne 0 ]
}

@test "commit: created, changed and deleted files, and nothing else, in the new image" {
        base_image
        conmanctl run --name com localhost/base:1 sh -c \
                'echo new >/srv/created; echo changed >/srv/marker; rm /etc/group; rm -rf /opt/old; mkdir /opt/old; echo y >/opt/old/g'
        run conmanctl commit --change 'CMD ["cat", "/srv/created"]' -m "my change" -a "Jane Doe" com localhost/committed:1
        [ "$status" -eq 0 ]
        [[ "$output" == sha256:* ]]
        run conmanctl run --rm localhost/committed:1
        [ "$output" = new ]
        run conmanctl run --rm localhost/committed:1 sh -c 'cat /srv/marker; test -e /etc/group || echo no-group; ls /opt/old'
        [ "${lines[0]}" = changed ]
        [ "${lines[1]}" = no-group ]
        [ "${lines[2]}" = g ]
        conmanctl image inspect localhost/committed:1 | python3 -c '
import json, sys
d = json.load(sys.stdin); c = d["config"]
assert len(d["layers"]) == 2, d
assert c["author"] == "Jane Doe" and c["history"][-1]["comment"] == "my change", c
assert c["config"]["Cmd"] == ["cat", "/srv/created"], c'
        # the new layer holds the changes as OCI whiteouts
        conmanctl save --format oci-archive -o "$W/committed.tar" localhost/committed:1
        rm -rf "$W/c" && mkdir "$W/c" && tar -C "$W/c" -xf "$W/committed.tar"
        top=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]+"/index.json")); m=json.load(open(sys.argv[1]+"/blobs/sha256/"+i["manifests"][0]["digest"][7:])); print(m["layers"][-1]["digest"][7:])' "$W/c")
        run tar -tf "$W/c/blobs/sha256/$top"
        [[ "$output" == *"etc/.wh.group"* ]]
        [[ "$output" == *"srv/created"* ]]
        [[ "$output" == *"opt/old/.wh..wh..opq"* ]]
        [[ "$output" != *"opt/old/sub"* ]]
        [[ "$output" != *"bin/busybox"* ]]
        # a container of the new image sees exactly the root the committed one had
        conmanctl export -o "$W/before.tar" com
        conmanctl create --name fresh localhost/committed:1 >/dev/null
        conmanctl export -o "$W/after.tar" fresh
        diff <(tar_listing "$W/before.tar") <(tar_listing "$W/after.tar")
        # umoci, a reference extractor, unpacks it to the same tree
        if command -v umoci >/dev/null; then
                rm -rf "$W/u" && mkdir "$W/u" && tar -C "$W/u" -xf "$W/committed.tar"
                # umoci wants a bare tag as ref.name; ours is the full name
                python3 -c 'import json,sys; p=sys.argv[1]+"/index.json"; i=json.load(open(p))
i["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"]="x"; json.dump(i, open(p,"w"))' "$W/u"
                rm -rf "$W/unpacked"
                umoci unpack --image "$W/u:x" "$W/unpacked" >/dev/null
                [ "$(cat "$W/unpacked/rootfs/srv/marker")" = changed ]
                [ ! -e "$W/unpacked/rootfs/etc/group" ]
                [ "$(ls "$W/unpacked/rootfs/opt/old")" = g ]
        fi
}

@test "diff lists what a container added, changed and deleted against its image (A, C, D), as docker's" {
        conmanctl import "$W/rootfs.tar" localhost/diffbase:1 >/dev/null
        conmanctl run --name d1 localhost/diffbase:1 /bin/sh -c \
                'echo x >/added; echo changed >>/srv/marker; rm /bin/vi; rm -r /opt/old; mkdir -p /opt/old && echo n >/opt/old/n'
        run conmanctl diff d1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"A /added"* ]]
        [[ "$output" == *"C /srv"*"C /srv/marker"* ]]
        [[ "$output" == *"C /bin"*"D /bin/vi"* ]]
        [[ "$output" == *"A /opt/old/n"* ]]
        [[ "$output" == *"D /opt/old/a"* ]]
        # sorted by path; nothing else
        [ "$(echo "$output" | sort -k2 | tr '\n' ' ')" = "$(echo "$output" | tr '\n' ' ')" ]
        refute grep -q ' /etc' <<<"$output"
        # a container from a root filesystem directory has no layers to compare with: a clear error
        conmanctl create --name d2 --rootfs "$W/busybox" /bin/true
        run conmanctl diff d2
        [ "$status" -eq 125 ]
        [[ "$output" == *"--rootfs"* ]]
        run conmanctl diff no-such-container
        [ "$status" -eq 125 ]
}

@test "cp: files and trees into and out of a running, a stopped and a --rootfs container, as docker's" {
        conmanctl import "$W/rootfs.tar" localhost/cpbase:1 >/dev/null 2>&1 || true
        H=/var/tmp/cp-host && rm -rf "$H" && mkdir -p "$H/tree/sub"
        echo one >"$H/file" && echo two >"$H/tree/sub/f" && ln -s sub/f "$H/tree/link"
        conmanctl run -d --name cp1 localhost/cpbase:1 /bin/sleep 1000
        # into a running container: a file onto a path, a file into a directory, a tree under its own name
        conmanctl cp "$H/file" cp1:/tmp/renamed
        conmanctl cp "$H/file" cp1:/srv/
        conmanctl cp "$H/tree" cp1:/srv
        [ "$(conmanctl exec cp1 cat /tmp/renamed /srv/file /srv/tree/sub/f)" = $'one\none\ntwo' ]
        [ "$(conmanctl exec cp1 readlink /srv/tree/link)" = sub/f ]
        # out of it: a file, a tree, the contents of a directory (SRC/.)
        conmanctl exec cp1 sh -c 'mkdir -p /made && echo inside >/made/x'
        rm -rf "$H/out" && mkdir "$H/out"
        conmanctl cp cp1:/made/x "$H/out/"
        conmanctl cp cp1:/made "$H/out/madecopy"
        conmanctl cp cp1:/made/. "$H/out/contents"
        [ "$(cat "$H/out/x" "$H/out/madecopy/x" "$H/out/contents/x")" = $'inside\ninside\ninside' ]
        # the container's symlinks stay inside it: an absolute one pointing at a host path reads the
        # container's file of that name, and one used as a destination writes inside the container
        echo host-only >/var/tmp/cp-host-secret
        conmanctl exec cp1 sh -c 'ln -s /var/tmp/cp-host-secret /leak; ln -s /etc /etclink; ln -s ../../../../ /up'
        run conmanctl cp -L cp1:/leak "$H/out/leak"
        [ "$status" -ne 0 ]
        [ ! -e "$H/out/leak" ]
        conmanctl cp cp1:/leak "$H/out/leak" # without -L: the symlink itself
        [ "$(readlink "$H/out/leak")" = /var/tmp/cp-host-secret ]
        conmanctl cp "$H/file" cp1:/etclink/cp-landed
        [ "$(conmanctl exec cp1 cat /etc/cp-landed)" = one ]
        [ ! -e /etc/cp-landed ]
        conmanctl cp "$H/file" cp1:/up/escaped
        [ ! -e /escaped ] && [ ! -e /var/escaped ]
        [ "$(conmanctl exec cp1 cat /escaped)" = one ]
        run conmanctl cp cp1:/.. "$H/out/dotdot"
        [ ! -e "$H/out/dotdot/var/tmp/cp-host-secret" ]
        # a stopped container: out of it and into it (seen at the next start)
        conmanctl stop -t 0 cp1
        conmanctl cp cp1:/made/x "$H/out/after-stop"
        [ "$(cat "$H/out/after-stop")" = inside ]
        conmanctl cp "$H/file" cp1:/srv/while-stopped
        conmanctl start cp1
        [ "$(conmanctl exec cp1 cat /srv/while-stopped)" = one ]
        # -a keeps the owner; without it the copy is root's
        chown 1234:1234 "$H/file"
        conmanctl cp -a "$H/file" cp1:/tmp/owned
        conmanctl cp "$H/file" cp1:/tmp/rooted
        [ "$(conmanctl exec cp1 stat -c %u:%g /tmp/owned /tmp/rooted)" = $'1234:1234\n0:0' ]
        # a --rootfs container
        conmanctl create --name cp2 --rootfs "$W/busybox" /bin/true
        conmanctl cp cp2:/srv/marker "$H/out/marker"
        [ "$(cat "$H/out/marker")" = imported ]
        # bad input
        run conmanctl cp "$H/file" "$H/other"
        [ "$status" -eq 125 ]
        run conmanctl cp cp1:/a cp2:/b
        [ "$status" -eq 125 ]
        run conmanctl cp cp1:/does-not-exist "$H/out/"
        [ "$status" -eq 125 ]
        run conmanctl cp "$H/file" no-such-container:/tmp/
        [ "$status" -eq 125 ]
}

@test "commit keeps what the container ran with: command, environment, working directory, user, labels (docker's)" {
        base_image
        conmanctl run --name cfg -e GREETING=hello -w /srv -u 0:0 --label team=blue localhost/base:1 \
                sh -c 'echo "$GREETING from $(pwd)" >/srv/said; cat /srv/said'
        conmanctl commit cfg localhost/cfg:1 >/dev/null
        # no command given: the committed one runs the container's
        [ "$(conmanctl run --rm localhost/cfg:1)" = "hello from /srv" ]
        conmanctl image inspect localhost/cfg:1 | python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]["config"]
assert c["Cmd"] == ["sh", "-c", "echo \"$GREETING from $(pwd)\" >/srv/said; cat /srv/said"], c
assert "GREETING=hello" in c["Env"], c
assert c["WorkingDir"] == "/srv" and c["User"] == "0:0", c
assert c["Labels"]["team"] == "blue", c'
        # --change still has the last word
        conmanctl commit --change 'ENV GREETING=bye' cfg localhost/cfg:2 >/dev/null
        [ "$(conmanctl run --rm localhost/cfg:2)" = "bye from /srv" ]
}

@test "commit of a running container pauses it while the layer is made and unpauses it after (--pause=false: not)" {
        base_image
        conmanctl run -d --name live localhost/base:1 sh -c 'echo x >/srv/live; sleep 1000'
        wait_until 10 conmanctl exec live test -e /srv/live
        run conmanctl commit live localhost/live:1
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' live)" = running ]
        # it was paused for the commit and unpaused after it
        [ "$(journalctl --no-pager -o cat -u conmand | grep -E '^Container live (un)?paused' | tr '\n' ' ')" = \
                "Container live paused. Container live unpaused. " ]
        run conmanctl commit --pause=false live localhost/live:2
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' live)" = running ]
        [ "$(journalctl --no-pager -o cat -u conmand | grep -cE '^Container live paused')" -eq 1 ]
        [ "$(conmanctl run --rm localhost/live:1 cat /srv/live)" = x ]
}
