#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# docker's everyday verbs (issue 18, item 4): pause/unpause (FreezeUnit/ThawUnit), top, port, rename,
# update (SetUnitProperties, kept for the next start) and exec -d.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
        conman_setup_file
}

setup() {
        conman_setup
}

teardown() {
        remove_all_containers
}

COUNTER='i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done'

# The counter the container writes, read from the host (an exec into a frozen cgroup would hang).
counter() {
        cat "/proc/$(systemctl show -P MainPID "conman-$1.service")/root/tmp/c"
}

# systemd froze the unit (cgroup v2), or, on the hybrid harness machine where systemd 252 cannot, the
# container's cgroup in the v1 freezer hierarchy is frozen (as runc pause does).
frozen() {
        [ "$(systemctl show -P FreezerState "conman-$1.service")" = frozen ] ||
                grep -qx FROZEN "/sys/fs/cgroup/freezer/conman.slice/conman-$1.service/container/freezer.state"
}

counter_moves() {
        local a
        a=$(counter "$1")
        sleep 0.5
        [ "$(counter "$1")" != "$a" ]
}

@test "pause freezes the container (its counter stops), ps and inspect say paused, unpause resumes" {
        conmanctl run -d --name fr --rootfs "$R" /bin/sh -c "$COUNTER"
        wait_until 10 counter_moves fr
        run conmanctl pause fr
        [ "$status" -eq 0 ]
        [ "$output" = fr ]
        frozen fr
        a=$(counter fr)
        sleep 0.6
        [ "$(counter fr)" = "$a" ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' fr)" = paused ]
        [ "$(conmanctl inspect -f '{{.State.Paused}}' fr)" = true ]
        [ "$(conmanctl inspect -f '{{.State.Running}}' fr)" = true ]
        run conmanctl ps
        [[ "$output" == *"(Paused)"* ]]
        run timeout 10 conmanctl exec fr true
        [ "$status" -eq 125 ]
        [[ "$output" == *"paused"* ]]
        run conmanctl unpause fr
        [ "$status" -eq 0 ]
        refute frozen fr
        wait_until 5 counter_moves fr
        [ "$(conmanctl inspect -f '{{.State.Status}}' fr)" = running ]
}

@test "stop, kill and rm -f of a paused container work" {
        conmanctl run -d --name ps1 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl run -d --name ps2 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl run -d --name ps3 --rootfs "$R" /bin/sh -c "$COUNTER"
        conmanctl pause ps1 ps2 ps3
        run timeout 30 conmanctl stop -t 2 ps1
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.State.Status}}' ps1)" = exited ]
        run conmanctl kill ps2
        [ "$status" -eq 0 ]
        wait_until 10 sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" ps2)" = exited ]'
        run timeout 30 conmanctl rm -f ps3
        [ "$status" -eq 0 ]
        refute conmanctl inspect ps3
}

@test "a paused container is still paused after systemctl restart conmand" {
        conmanctl run -d --name keep --rootfs "$R" /bin/sh -c "$COUNTER"
        wait_until 10 counter_moves keep
        conmanctl pause keep
        systemctl restart conmand
        [ "$(conmanctl inspect -f '{{.State.Status}}' keep)" = paused ]
        refute counter_moves keep
        conmanctl unpause keep
        wait_until 5 counter_moves keep
}

@test "pause: bad input is a clear error with exit code 125" {
        run conmanctl pause nosuch
        [ "$status" -eq 125 ]
        [[ "$output" == *"nosuch"* ]]
        conmanctl create --name cr --rootfs "$R" /bin/true
        run conmanctl pause cr
        [ "$status" -eq 125 ]
        [[ "$output" == *"not running"* ]]
        run conmanctl unpause cr
        [ "$status" -eq 125 ]
        conmanctl run -d --name twice --rootfs "$R" /bin/sleep 1000
        conmanctl pause twice
        run conmanctl pause twice
        [ "$status" -eq 125 ]
        [[ "$output" == *"already paused"* ]]
}

@test "top lists the container's processes with docker's columns, and takes ps options" {
        conmanctl run -d --name tp --rootfs "$R" /bin/sh -c 'sleep 1001 & sleep 1002'
        wait_until 10 sh -c 'conmanctl top tp | grep -q "sleep 1002"'
        run conmanctl top tp
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
        [[ "$output" == *"sleep 1001"* ]]
        [[ "$output" == *"sleep 1002"* ]]
        [ "${#lines[@]}" -ge 3 ] # header, the two sleeps (sh may exec the last one)
        refute grep -q conmand <<<"$output"
        run conmanctl top tp -o pid,args
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" =~ PID\ +COMMAND ]]
        [[ "$output" == *"sleep 1001"* ]]
        run conmanctl top nosuch
        [ "$status" -eq 125 ]
        conmanctl create --name tpc --rootfs "$R" /bin/true
        run conmanctl top tpc
        [ "$status" -eq 125 ]
        [[ "$output" == *"not running"* ]]
}

@test "port prints the published ports as docker does" {
        conmanctl create --name pt -p 8080:80 -p 127.0.0.1:5353:53/udp --rootfs "$R" /bin/true
        run conmanctl port pt
        [ "$status" -eq 0 ]
        [[ "$output" == *"80/tcp -> 0.0.0.0:8080"* ]]
        [[ "$output" == *"53/udp -> 127.0.0.1:5353"* ]]
        run conmanctl port pt 80
        [ "$output" = "0.0.0.0:8080" ]
        run conmanctl port pt 53/udp
        [ "$output" = "127.0.0.1:5353" ]
        run conmanctl port pt 81
        [ "$status" -eq 125 ]
        [[ "$output" == *"81/tcp"* ]]
        run conmanctl port pt 80/bogus
        [ "$status" -eq 125 ]
        run conmanctl port nosuch
        [ "$status" -eq 125 ]
}

@test "rename of an exited container, then start: it runs under the new name and unit" {
        conmanctl run --name old --rootfs "$R" /bin/true
        run conmanctl rename old new
        [ "$status" -eq 0 ]
        run conmanctl inspect old
        [ "$status" -ne 0 ]
        [ "$(conmanctl inspect -f '{{.Name}}' new)" = new ] || [ "$(conmanctl inspect -f '{{.Name}}' new)" = /new ]
        run conmanctl start new
        [ "$status" -eq 0 ]
        conmanctl create --name r3 --rootfs "$R" /bin/sleep 1000
        conmanctl rename r3 r4
        conmanctl start r4
        [ "$(systemctl show -P ActiveState conman-r4.service)" = active ]
        run systemctl status conman-r4.service
        [ "$status" -eq 0 ]
        [[ "$(systemctl show -P ControlGroup conman-r4.service)" == *conman-r4.service ]]
        pid=$(systemctl show -P MainPID conman-r4.service)
        grep -q conman-r4.service "/proc/$pid/cgroup"
        # the new name and id survive a restart of conmand (container.json)
        systemctl restart conmand
        [ "$(conmanctl inspect -f '{{.State.Status}}' r4)" = running ]
}

@test "rename: bad input is a clear error with exit code 125" {
        conmanctl create --name a1 --rootfs "$R" /bin/true
        conmanctl create --name a2 --rootfs "$R" /bin/true
        run conmanctl rename a1 a2
        [ "$status" -eq 125 ]
        [[ "$output" == *"already in use"* ]]
        run conmanctl rename a1 'bad/name'
        [ "$status" -eq 125 ]
        [[ "$output" == *"Invalid container name"* ]]
        run conmanctl rename nosuch x
        [ "$status" -eq 125 ]
        conmanctl run -d --name busy --rootfs "$R" /bin/sleep 1000
        run conmanctl rename busy other
        [ "$status" -eq 125 ]
        [[ "$output" == *"stop it first"* ]]
}

@test "update --memory changes MemoryMax live and is kept across a restart of the container" {
        conmanctl run -d --name up -m 64m --rootfs "$R" /bin/sleep 1000
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 67108864 ]
        run conmanctl update --memory 128m --pids-limit 100 --cpus 0.5 --restart on-failure:3 up
        [ "$status" -eq 0 ]
        [ "$output" = up ]
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 134217728 ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 100 ]
        [ "$(systemctl show -P CPUQuotaPerSecUSec conman-up.service)" = 500ms ]
        conmanctl restart up
        [ "$(systemctl show -P MemoryMax conman-up.service)" = 134217728 ]
        [ "$(systemctl show -P TasksMax conman-up.service)" = 100 ]
        [ "$(systemctl show -P Restart conman-up.service)" = on-failure ]
        [ "$(conmanctl inspect -f '{{.HostConfig.Memory}}' up)" = 134217728 ]
}

@test "update --memory-reservation, --blkio-weight and --cpuset-cpus reach the unit" {
        conmanctl run -d --name up2 --rootfs "$R" /bin/sleep 1000
        conmanctl update --memory 256m --memory-reservation 64m --blkio-weight 300 --cpuset-cpus 0 up2
        [ "$(systemctl show -P MemoryLow conman-up2.service)" = 67108864 ]
        [ "$(systemctl show -P IOWeight conman-up2.service)" = 300 ]
        [ "$(systemctl show -P AllowedCPUs conman-up2.service)" = 0 ]
}

@test "update: bad input is a clear error with exit code 125" {
        conmanctl run -d --name ub --rootfs "$R" /bin/sleep 1000
        run conmanctl update --memory lots ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"--memory"* ]]
        run conmanctl update --blkio-weight 5 ub
        [ "$status" -eq 125 ]
        run conmanctl update --memory 1k ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"Memory limit"* ]]
        run conmanctl update --bogus ub
        [ "$status" -eq 125 ]
        [[ "$output" == *"Usage: conmanctl update"* ]]
        run conmanctl update ub
        [ "$status" -eq 125 ]
        run conmanctl update -m 64m nosuch
        [ "$status" -eq 125 ]
}

@test "exec -d returns at once and leaves its process running" {
        conmanctl run -d --name ex --rootfs "$R" /bin/sleep 1000
        run timeout 10 conmanctl exec -d ex /bin/sleep 777
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        wait_until 10 sh -c 'conmanctl top ex | grep -q "sleep 777"'
}

@test "the new verbs have --help and a man page entry" {
        for v in pause unpause top port rename update; do
                run conmanctl $v --help
                [ "$status" -eq 0 ]
                [[ "$output" == "Usage: conmanctl $v"* ]]
                conmanctl __verbs | grep -qx "$v"
        done
        run conmanctl exec --help
        [[ "$output" == *"--detach"* ]]
}

# cp with tar streams (issue 18): `cp CONTAINER:SRC -` writes a tar whose names start with SRC's basename,
# `cp - CONTAINER:DEST` unpacks one into an existing directory; an evil tar writes nothing outside DEST.
cp_image() {
        conmanctl image inspect localhost/cp88:1 >/dev/null 2>&1 || tar -C "$R" -c . | conmanctl import - localhost/cp88:1 >/dev/null
}

@test "cp CONTAINER:SRC - and cp - CONTAINER:DEST: tar streams out of and into a running and a stopped container" {
        cp_image
        conmanctl run -d --name cpt localhost/cp88:1 /bin/sleep 1000
        run sh -c 'conmanctl cp cpt:/etc - | tar -t'
        [ "$status" -eq 0 ]
        [[ "$output" == *"etc/"* ]]
        ! grep -qv '^etc' <<<"$output"
        # a file alone: one entry named after it
        [ "$(conmanctl cp cpt:/etc/passwd - | tar -t)" = passwd ]
        # the contents of a directory: SRC/.
        conmanctl cp cpt:/etc/. - | tar -t | grep -qx 'passwd'
        H=/var/tmp/cp88 && rm -rf "$H" && mkdir -p "$H/in/sub" && echo one >"$H/in/sub/f"
        ln -s sub/f "$H/in/link"
        tar -C "$H" -c in | conmanctl cp - cpt:/tmp
        [ "$(conmanctl exec cpt cat /tmp/in/sub/f)" = one ]
        [ "$(conmanctl exec cpt readlink /tmp/in/link)" = sub/f ]
        # gzip on stdin, and stopped: into its overlay, seen at the next start; out of it too
        conmanctl exec cpt mkdir -p /srv /opt /mnt
        conmanctl stop -t 0 cpt
        echo two >"$H/in/sub/g"
        tar -C "$H/in" -cz sub | conmanctl cp - cpt:/srv
        [ "$(conmanctl cp cpt:/srv/sub/g - | tar -xO)" = two ]
        conmanctl cp cpt:/tmp/in - | tar -t | grep -qx 'in/sub/f'
        conmanctl start cpt
        [ "$(conmanctl exec cpt cat /srv/sub/g)" = two ]
        # a container that never started: into it and out of it
        conmanctl create --name cpc localhost/cp88:1 /bin/cat /tmp/in/sub/f
        tar -C "$H" -c in | conmanctl cp - cpc:/tmp
        [ "$(conmanctl cp cpc:/tmp/in/sub/f - | tar -xO)" = one ]
        [ "$(conmanctl start -a cpc)" = one ]
        # -a keeps the tar's owners; without it the files are root's
        chown 1234:1234 "$H/in/sub/f"
        tar -C "$H" -c in | conmanctl cp -a - cpt:/opt
        tar -C "$H" -c in | conmanctl cp - cpt:/mnt
        [ "$(conmanctl exec cpt stat -c %u:%g /opt/in/sub/f /mnt/in/sub/f)" = $'1234:1234\n0:0' ]
}

@test "cp - CONTAINER:DEST: an evil tar (.., absolute names, a symlink then a file through it) writes nothing outside" {
        cp_image
        conmanctl run -d --name cpe localhost/cp88:1 /bin/sleep 1000
        E=/var/tmp/cp88-evil && rm -rf "$E" /var/tmp/cp88-outside && mkdir -p "$E" /var/tmp/cp88-outside
        python3 - "$E" <<'PY'
import io, sys, tarfile
d = sys.argv[1]
def add(t, name, data=b"evil", **kw):
    i = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(i, k, v)
    i.size = len(data) if i.type == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if i.size else None)
with tarfile.open(d + "/dotdot.tar", "w") as t:
    add(t, "../../../../../../var/tmp/cp88-outside/x")
with tarfile.open(d + "/abs.tar", "w") as t:
    add(t, "/var/tmp/cp88-outside/abs")
with tarfile.open(d + "/link.tar", "w") as t:
    add(t, "out", type=tarfile.SYMTYPE, linkname="/var/tmp/cp88-outside")
    add(t, "out/through")
with tarfile.open(d + "/hard.tar", "w") as t:
    add(t, "h", type=tarfile.LNKTYPE, linkname="../../../../etc/passwd")
with tarfile.open(d + "/dev.tar", "w") as t:
    add(t, "sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
PY
        run sh -c "conmanctl cp - cpe:/tmp <$E/dotdot.tar"
        [ "$status" -eq 125 ]
        [[ "$output" == *'".."'* ]]
        conmanctl cp - cpe:/tmp <"$E/abs.tar" # as docker: below DEST
        run sh -c "conmanctl cp - cpe:/tmp <$E/link.tar"
        [ "$status" -eq 125 ]
        [[ "$output" == *symlink* ]]
        run sh -c "conmanctl cp - cpe:/tmp <$E/hard.tar"
        [ "$status" -eq 125 ]
        conmanctl cp - cpe:/tmp <"$E/dev.tar" # a device node is not made
        [ -z "$(ls -A /var/tmp/cp88-outside)" ]
        [ "$(conmanctl cp cpe:/tmp/var/tmp/cp88-outside/abs - | tar -xO)" = evil ]
        run sh -c 'conmanctl cp cpe:/tmp/sda - | tar -t'
        [ "$output" != sda ]
        # bad input: DEST must be an existing directory; no tar to a terminal; not both sides "-"
        run sh -c "conmanctl cp - cpe:/nonexistent <$E/abs.tar"
        [ "$status" -eq 125 ]
        run sh -c "conmanctl cp - cpe:/etc/passwd <$E/abs.tar"
        [ "$status" -eq 125 ]
        run script -qec 'conmanctl cp cpe:/etc/passwd -' /dev/null
        [[ "$output" == *terminal* ]]
        run conmanctl cp - -
        [ "$status" -eq 125 ]
        run sh -c 'echo garbage | conmanctl cp - cpe:/tmp'
        [ "$status" -eq 125 ]
}

# history (issue 18): an image of two layers (made by umoci with history entries) and a config step that
# made no layer; docker's columns, sizes of the unpacked layers, 0B for the empty layer.
history_image() {
        local w=/var/tmp/img-history
        conmanctl image inspect localhost/hist88:1 >/dev/null 2>&1 && return 0
        rm -rf "$w"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        cp -a "$R/." "$w/b/rootfs/"
        umoci repack --history.created_by "/bin/sh -c #(nop) ADD file:busybox in / with a long tail of words" \
                --image "$w/oci:1" "$w/b" >/dev/null
        rm -rf "$w/b" && umoci unpack --image "$w/oci:1" "$w/b" >/dev/null
        head -c 300000 /dev/zero >"$w/b/rootfs/big"
        umoci repack --history.created_by "RUN make-big" --history.comment "made big" --image "$w/oci:1" "$w/b" >/dev/null
        umoci config --history.created_by 'CMD ["sh"]' --image "$w/oci:1" --config.cmd sh
        conmanctl image import "$w/oci" localhost/hist88:1 >/dev/null
}

@test "history: docker's columns newest first, layer sizes, 0B for a step without a layer, -q, --no-trunc, -H=false, --format" {
        history_image
        id=$(conmanctl images -q localhost/hist88:1)
        run conmanctl history localhost/hist88:1
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 4 ]
        [[ "${lines[0]}" =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
        [[ "${lines[1]}" =~ ^$id\ +.*ago\ +CMD\ \[\"sh\"\]\ +0B\ *$ ]] # (an empty COMMENT: padded as docker's)
        [[ "${lines[2]}" =~ ^\<missing\>\ +.*RUN\ make-big\ +30[0-9]kB\ +made\ big$ ]]
        [[ "${lines[3]}" == *"/bin/sh -c #(nop) ADD file:busybox in / with…"* ]]
        run conmanctl history -q localhost/hist88:1
        [ "$output" = "$id"$'\n<missing>\n<missing>' ]
        run conmanctl history --no-trunc --format '{{.ID}}|{{.CreatedBy}}' localhost/hist88:1
        [[ "${lines[0]}" == "sha256:$id"* ]]
        [[ "${lines[2]}" == "<missing>|/bin/sh -c #(nop) ADD file:busybox in / with a long tail of words" ]]
        run conmanctl history -H=false --format '{{.Size}} {{.CreatedSince}}' localhost/hist88:1
        [[ "${lines[1]}" =~ ^30[0-9]{4}\ 20[0-9-]{8}T[0-9:]{8}Z$ ]]
        run conmanctl image history --format json localhost/hist88:1
        [ "$status" -eq 0 ]
        echo "${lines[1]}" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["Comment"] == "made big", d; assert set(d) == {"ID","CreatedSince","CreatedAt","CreatedBy","Size","Comment"}'
        conmanctl rmi localhost/hist88:1 >/dev/null # the later tests count the images in the store
}

@test "history: an unknown image or no image is a clear error with exit code 125" {
        run conmanctl history no-such-image:1
        [ "$status" -eq 125 ]
        [[ "$output" == *"no such image"* ]]
        run conmanctl history
        [ "$status" -eq 125 ]
        run conmanctl history --help
        [ "$status" -eq 0 ]
        [[ "$output" == "Usage: conmanctl history"* ]]
}

@test "system df counts images and containers; system prune -a removes stopped containers and unused images" {
        conmanctl system prune -a -f >/dev/null # an empty store: earlier tests of this file leave images (cp88)
        tar -C "$R" -cf /var/tmp/df-rootfs.tar .
        conmanctl import /var/tmp/df-rootfs.tar localhost/df-used:1 >/dev/null
        conmanctl import --change 'ENV UNUSED=1' /var/tmp/df-rootfs.tar localhost/df-unused:1 >/dev/null
        conmanctl run -d --name dfrun localhost/df-used:1 sleep 1000 >/dev/null
        conmanctl run --name dfdone --rootfs "$R" true
        run -0 conmanctl system df
        echo "$output"
        [[ "${lines[0]}" == TYPE*TOTAL*ACTIVE*SIZE*RECLAIMABLE* ]]
        # two images (their layer shared), one used; two containers, one running
        [[ "$(echo "$output" | awk '$1 == "Images" {print $2, $3}')" == "2 1" ]]
        [[ "$(echo "$output" | awk '$1 == "Containers" {print $2, $3}')" == "2 1" ]]
        done_id=$(conmanctl inspect -f '{{.Id}}' dfdone)
        run -0 conmanctl system prune -a -f
        echo "$output"
        [[ "$output" == *"Deleted Containers:"*"$done_id"*"Deleted Images:"*"deleted: "* ]]
        run ! conmanctl inspect dfdone
        run -0 conmanctl inspect dfrun
        run -0 conmanctl image inspect localhost/df-used:1
        run ! conmanctl image inspect localhost/df-unused:1
        rm -f /var/tmp/df-rootfs.tar
}
