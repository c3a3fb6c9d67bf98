#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Named volumes, anonymous volumes, --mount and --tmpfs (docs/volumes.md): docker's spelling, data that
# outlives containers, ro enforced, rm refused while used, prune, rm -v, and conmand restarts keep them.

load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
        for v in $(conmanctl volume ls -q 2>/dev/null); do conmanctl volume rm -f "$v" >/dev/null 2>&1 || true; done
}

@test "volume create, ls, inspect, rm: docker's fields; a random 64-hex name without NAME" {
        run -0 conmanctl volume create --label app=web --label tier=db data1
        [ "$output" = data1 ]
        [ -d /var/lib/conman/volumes/data1/_data ]
        run -0 conmanctl volume create
        [[ "$output" =~ ^[0-9a-f]{64}$ ]]
        anon=$output
        run -0 conmanctl volume create data1 # docker: an existing name is given back
        [ "$output" = data1 ]
        run -0 conmanctl volume ls -q
        [[ "$output" == *data1* ]] && [[ "$output" == *"$anon"* ]]
        run -0 conmanctl volume ls
        [[ "${lines[0]}" == "DRIVER"*"VOLUME NAME" ]]
        [[ "$output" == *"local"*"data1"* ]]
        run -0 conmanctl volume ls --format json
        python3 -c 'import json,sys; a=json.load(sys.stdin); assert any(v["Name"]=="data1" and v["Driver"]=="local" and "app=web" in v["Labels"] for v in a), a' <<<"$output"
        run -0 conmanctl volume ls --format '{{.Name}} {{.Driver}}'
        [[ "$output" == *"data1 local"* ]]
        run -0 conmanctl volume inspect data1
        python3 -c '
import json, sys
v = json.load(sys.stdin)[0]
assert v["Name"] == "data1" and v["Driver"] == "local" and v["Scope"] == "local", v
assert v["Mountpoint"] == "/var/lib/conman/volumes/data1/_data", v
assert v["Labels"] == {"app": "web", "tier": "db"}, v
assert v["CreatedAt"].startswith("20"), v' <<<"$output"
        run -0 conmanctl volume inspect -f '{{.Mountpoint}}' data1
        [ "$output" = /var/lib/conman/volumes/data1/_data ]
        run -0 conmanctl volume rm data1 "$anon"
        [ ! -e /var/lib/conman/volumes/data1 ]
        run -125 conmanctl volume rm data1
        [[ "$output" == *"No such volume"* ]]
        run -0 conmanctl volume rm -f data1
}

@test "data written through a named volume outlives the container and is seen by a second one" {
        run -0 conmanctl run --rm --network none -v shared:/data --rootfs "$R" /bin/sh -c 'echo hello >/data/f'
        run -0 conmanctl volume ls -q
        [[ "$output" == *shared* ]]
        run -0 conmanctl run --rm --network none -v shared:/in --rootfs "$R" /bin/cat /in/f
        [ "$output" = hello ]
        [ "$(cat /var/lib/conman/volumes/shared/_data/f)" = hello ]
}

@test "-v NAME:/path:ro is read-only inside" {
        conmanctl volume create rovol
        echo x >/var/lib/conman/volumes/rovol/_data/f
        run conmanctl run --rm --network none -v rovol:/data:ro --rootfs "$R" /bin/sh -c 'echo y >/data/f'
        [ "$status" -ne 0 ]
        [[ "$output" == *"Read-only file system"* ]]
        run -0 conmanctl run --rm --network none --mount type=volume,source=rovol,target=/d,readonly \
                --rootfs "$R" /bin/sh -c 'cat /d/f; touch /d/g 2>&1 || echo refused'
        [[ "$output" == *"x"*"refused"* ]]
        [ "$(cat /var/lib/conman/volumes/rovol/_data/f)" = x ]
}

@test "volume rm of a used volume fails and names the reason; of an unused one works" {
        conmanctl create --name user1 --network none -v busy:/data --rootfs "$R" /bin/true
        run -125 conmanctl volume rm busy
        [[ "$output" == *"in use by 1 container"* ]]
        [ -d /var/lib/conman/volumes/busy/_data ]
        run -0 conmanctl inspect -f '{{json .Mounts}}' user1
        [[ "$output" == *'"Type":"volume"'* ]] && [[ "$output" == *'"Name":"busy"'* ]]
        conmanctl rm user1
        run -0 conmanctl volume rm busy
        [ ! -e /var/lib/conman/volumes/busy ]
}

@test "volume prune removes unused anonymous volumes, -a all unused ones; used ones stay" {
        conmanctl volume create keepme
        conmanctl volume create usedvol
        conmanctl create --name user2 --network none -v usedvol:/data --rootfs "$R" /bin/true
        conmanctl create --name anon1 --network none -v /scratch --rootfs "$R" /bin/true
        anon=$(conmanctl inspect -f '{{range .Mounts}}{{.Name}}{{end}}' anon1)
        [[ "$anon" =~ ^[0-9a-f]{64}$ ]]
        conmanctl rm anon1
        run -0 conmanctl volume prune -f
        [[ "$output" == *"$anon"* ]]
        [[ "$output" != *keepme* ]]
        run -0 conmanctl volume ls -q
        [[ "$output" == *keepme* ]] && [[ "$output" == *usedvol* ]] && [[ "$output" != *"$anon"* ]]
        run -0 conmanctl volume prune -a -f
        [[ "$output" == *keepme* ]] && [[ "$output" != *usedvol* ]]
        run -0 conmanctl volume ls -q
        [ "$output" = usedvol ]
}

@test "-v /path makes an anonymous volume; rm -v removes it, rm alone keeps it, run --rm removes it" {
        conmanctl run --name a1 --network none -v /scratch --rootfs "$R" /bin/sh -c 'echo 1 >/scratch/f'
        v1=$(conmanctl inspect -f '{{range .Mounts}}{{.Name}}{{end}}' a1)
        [ "$(cat /var/lib/conman/volumes/$v1/_data/f)" = 1 ]
        conmanctl create --name a2 --network none -v /scratch --rootfs "$R" /bin/true
        v2=$(conmanctl inspect -f '{{range .Mounts}}{{.Name}}{{end}}' a2)
        [ "$v1" != "$v2" ]
        run -0 conmanctl rm -v a1
        [ ! -e "/var/lib/conman/volumes/$v1" ]
        run -0 conmanctl rm a2
        [ -d "/var/lib/conman/volumes/$v2/_data" ]
        # run --rm removes the anonymous volumes when the container goes (docker's); named ones stay
        before=$(ls /var/lib/conman/volumes | grep -v '^\.' | sort)
        run -0 conmanctl run --rm --network none -v /scratch -v keep1:/k --rootfs "$R" /bin/true
        [ "$(ls /var/lib/conman/volumes | grep -v '^\.' | grep -v -x keep1 | sort)" = "$before" ]
        [ -d /var/lib/conman/volumes/keep1/_data ]
}

@test "--tmpfs and --mount type=tmpfs are tmpfs inside, nosuid,nodev,noexec by default" {
        run -0 conmanctl run --rm --network none --tmpfs /scratch --tmpfs /big:size=1m,mode=1777,exec \
                --mount type=tmpfs,target=/t2,tmpfs-size=2m --rootfs "$R" /bin/cat /proc/mounts
        echo "$output"
        line=$(grep ' /scratch ' <<<"$output")
        [[ "$line" == "tmpfs /scratch tmpfs "* ]]
        [[ "$line" == *nosuid* ]] && [[ "$line" == *nodev* ]] && [[ "$line" == *noexec* ]]
        line=$(grep ' /big ' <<<"$output")
        [[ "$line" == *"size=1024k"* ]] && [[ "$line" == *"mode=1777"* ]] && [[ "$line" != *noexec* ]]
        line=$(grep ' /t2 ' <<<"$output")
        [[ "$line" == "tmpfs /t2 tmpfs "*"size=2048k"* ]]
}

@test "--mount type=bind mounts a host path, readonly as asked" {
        mkdir -p /var/tmp/bindsrc && echo bound >/var/tmp/bindsrc/f
        run -0 conmanctl run --rm --network none --mount type=bind,source=/var/tmp/bindsrc,target=/b,readonly \
                --rootfs "$R" /bin/sh -c 'cat /b/f; touch /b/g 2>/dev/null || echo refused'
        [ "$output" = "bound
refused" ]
        run -0 conmanctl run --rm --network none --mount type=bind,src=/var/tmp/bindsrc,dst=/b \
                --rootfs "$R" /bin/sh -c 'echo w >/b/g && cat /b/g'
        [ "$output" = w ]
}

@test "a restart of conmand keeps volumes and who uses them" {
        conmanctl volume create --label k=v persist
        echo kept >/var/lib/conman/volumes/persist/_data/f
        conmanctl create --name p1 --network none -v persist:/data --rootfs "$R" /bin/cat /data/f
        systemctl restart conmand
        run -0 conmanctl volume inspect -f '{{.Labels.k}}' persist
        [ "$output" = v ]
        run -125 conmanctl volume rm persist
        [[ "$output" == *"in use"* ]]
        run -0 conmanctl start -a p1
        [ "$output" = kept ]
}

@test "bad names and specs give clear errors (exit 125) and create nothing" {
        for n in -bad .bad a 'a b' 'a/b' "$(printf 'x%.0s' {1..129})"; do
                run -125 conmanctl volume create -- "$n"
                [[ "$output" == *"[a-zA-Z0-9][a-zA-Z0-9_.-]+"* ]] || { echo "$n: $output"; false; }
        done
        run -125 conmanctl run --rm -v 'b@d:/data' --rootfs "$R" /bin/true
        [[ "$output" == *"volume name"* ]]
        run -125 conmanctl run --rm -v 'relative' --rootfs "$R" /bin/true
        run -125 conmanctl run --rm -v 'good:data' --rootfs "$R" /bin/true
        [[ "$output" == *"Volume destination"* ]]
        run -125 conmanctl run --rm --mount type=bind,source=relative,target=/x --rootfs "$R" /bin/true
        [[ "$output" == *"--mount"* ]]
        run -125 conmanctl run --rm --mount type=bogus,target=/x --rootfs "$R" /bin/true
        run -125 conmanctl run --rm --mount type=volume,source=v1,target=/x,tmpfs-size=1m --rootfs "$R" /bin/true
        run -125 conmanctl run --rm --mount type=tmpfs,target=x --rootfs "$R" /bin/true
        run -125 conmanctl run --rm --mount type=volume,source=v1 --rootfs "$R" /bin/true
        run -125 conmanctl run --rm --tmpfs /t:size=lots --rootfs "$R" /bin/true
        [[ "$output" == *"--tmpfs"* ]]
        run -125 conmanctl run --rm --tmpfs relative --rootfs "$R" /bin/true
        run -125 conmanctl volume rm 'b@d'
        run -125 conmanctl volume bogus
        run -125 conmanctl volume ls --bogus
        [ -z "$(conmanctl volume ls -q)" ]
        [ -z "$(conmanctl ps -a -q)" ]
        # over the bus too: a bad name in Volumes is InvalidArgument and makes nothing
        run busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                x 1 /bin/true 2 Rootfs s "$R" Volumes 'a(ssb)' 1 'b@d' /data false
        [ "$status" -ne 0 ]
        run busctl --system call io.conman1 /io/conman1 io.conman1.Manager CreateContainer 'sasa{sv}' \
                x 1 /bin/true 2 Rootfs s "$R" Tmpfs as 1 '/t:bogus'
        [ "$status" -ne 0 ]
        [[ "$output" == *"Invalid tmpfs"* ]]
        [ -z "$(conmanctl volume ls -q)" ]
        [ -z "$(conmanctl ps -a -q)" ]
}

@test "volume verbs are for root; ls and inspect for all" {
        conmanctl volume create rootonly
        run as_user conmanctl volume create nope
        [ "$status" -ne 0 ]
        run as_user conmanctl volume rm rootonly
        [ "$status" -ne 0 ]
        run as_user conmanctl volume prune -a
        [ "$status" -ne 0 ]
        run -0 as_user conmanctl volume ls -q
        [ "$output" = rootonly ]
        run -0 as_user conmanctl volume inspect rootonly
}

@test ".container: Volume=NAME:/path makes the volume at start; Mount= and Tmpfs= as docker's flags" {
        D=/etc/conman/containers
        mkdir -p $D /var/tmp/genbind && echo fromhost >/var/tmp/genbind/f
        cat >$D/genvol.container <<EOT
[Container]
Rootfs=/var/tmp/rootfs
Exec=/bin/sh -c 'echo gen >/data/g; cat /b/f; grep -E " /(t|run2) " /proc/mounts; sleep 1'
Volume=genvol:/data
Mount=type=bind,source=/var/tmp/genbind,target=/b,readonly
Mount=type=tmpfs,target=/t,tmpfs-size=1m
Tmpfs=/run2:exec
EOT
        systemctl daemon-reload
        # (it lives a second: a container that ends before its ExecStartPost= (runtime start) does fails
        # systemctl start with result 'protocol' — systemd re-reads PIDFile= then; see docs/design.md)
        systemctl start conman-genvol.service
        wait_until 10 sh -c '[ "$(systemctl show -P ActiveState conman-genvol.service)" != active ]'
        [ "$(cat /var/lib/conman/volumes/genvol/_data/g)" = gen ]
        run -0 conmanctl volume inspect -f '{{.Name}}' genvol
        run -125 conmanctl volume rm genvol
        run -0 conmanctl generate unit genvol
        [[ "$output" == *"Volume=genvol:/data"* ]] && [[ "$output" == *"Tmpfs=/run2:exec"* ]]
        run -0 journalctl -u conman-genvol.service --no-pager -o cat
        [[ "$output" == *fromhost* ]] && [[ "$output" == *"tmpfs /t tmpfs"* ]] && [[ "$output" == *"tmpfs /run2 tmpfs"* ]]
        rm -f $D/genvol.container
        systemctl daemon-reload
        systemctl reset-failed 'conman-*' >/dev/null 2>&1 || true
}

@test "an image's VOLUMEs get anonymous volumes, unless -v or --tmpfs covers them; rm -v removes them" {
        make_volume_image
        conmanctl create --name iv --network none -v named1:/vol2 --tmpfs /vol3 localhost/volimg:1 \
                sh -c 'echo x >/vol1/f; grep -E " /vol[123] " /proc/mounts'
        run -0 conmanctl inspect -f '{{range .Mounts}}{{.Destination}}={{.Type}} {{end}}' iv
        [[ "$output" == *"/vol2=volume"* ]] && [[ "$output" == *"/vol1=volume"* ]] && [[ "$output" == *"/vol3=tmpfs"* ]]
        anon=$(conmanctl inspect -f '{{range .Mounts}}{{if eq .Destination "/vol1"}}{{.Name}}{{end}}{{end}}' iv)
        evil=$(conmanctl inspect -f '{{range .Mounts}}{{if eq .Destination "/evil"}}{{.Name}}{{end}}{{end}}' iv)
        [[ "$anon" =~ ^[0-9a-f]{64}$ ]] && [[ "$evil" =~ ^[0-9a-f]{64}$ ]]
        run -0 conmanctl start -a iv
        [[ "$output" == *" /vol1 "* ]] && [[ "$output" == *"tmpfs /vol3 tmpfs"* ]]
        [ "$(cat /var/lib/conman/volumes/$anon/_data/f)" = x ]
        # the first use of an empty volume copies the image's content there, with its owner and mode
        [ "$(cat /var/lib/conman/volumes/$anon/_data/seed)" = seeded ]
        [ "$(stat -c '%u:%g %a' /var/lib/conman/volumes/$anon/_data)" = "65534:65534 1770" ]
        [ "$(cat /var/lib/conman/volumes/named1/_data/sub/f)" = image-vol2 ]
        # /evil -> /etc is resolved inside the image: the image's /etc, never the host's
        [ -f /var/lib/conman/volumes/$evil/_data/passwd ]
        [ ! -e /var/lib/conman/volumes/$evil/_data/os-release ]
        # a volume that is not empty is left as it is
        echo mine >/var/lib/conman/volumes/named1/_data/sub/f
        conmanctl run --rm --network none -v named1:/vol2 localhost/volimg:1 true
        [ "$(cat /var/lib/conman/volumes/named1/_data/sub/f)" = mine ]
        conmanctl rm -v iv
        [ ! -e "/var/lib/conman/volumes/$anon" ]
        [ -d /var/lib/conman/volumes/named1/_data ] # named volumes stay
}
