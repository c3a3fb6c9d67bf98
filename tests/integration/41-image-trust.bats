#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmand does not trust what is inside an image or a --rootfs directory: /etc/passwd and /etc/group
# are read inside that root (openat2 RESOLVE_IN_ROOT), regular files only, so a FIFO cannot hang the
# daemon and a symlink cannot make it read the host's files. And a container's secrets (its
# environment, its command's arguments, its volume sources) are root's: other users inspect a
# redacted copy, through conmanctl and straight through D-Bus (docs/security.md, Secrets).

load helpers
load images/lib

REG=127.0.0.1:5071
W=/var/tmp/image-trust
MARKER=/run/conman-host-marker

# pack_image TAG: packs $W/b-TAG into $W/oci:TAG, a second layer on top of busybox.
pack_image() {
        umoci repack --image "$W/oci:$1" "$W/b-$1" >/dev/null
}

# new_image TAG: an image whose first layer is the busybox rootfs, unpacked at $W/b-TAG for a second.
new_image() {
        umoci new --image "$W/oci:$1"
        umoci unpack --image "$W/oci:$1" "$W/b-$1" >/dev/null
        cp -a "$W/busybox/." "$W/b-$1/rootfs/"
        umoci repack --image "$W/oci:$1" "$W/b-$1" >/dev/null
        rm -rf "$W/b-$1"
        umoci unpack --image "$W/oci:$1" "$W/b-$1" >/dev/null
}

setup_file() {
        make_rootfs "$W/busybox"
        umoci init --layout "$W/oci"
        # /etc/passwd a FIFO
        new_image fifo
        rm "$W/b-fifo/rootfs/etc/passwd" && mkfifo "$W/b-fifo/rootfs/etc/passwd"
        pack_image fifo
        # /etc/passwd a symlink to a host path that exists on the host only
        new_image link
        ln -sf $MARKER "$W/b-link/rootfs/etc/passwd"
        pack_image link
        # the same symlink, with its target also inside the image: the image's file is the one read
        new_image linkin
        ln -sf $MARKER "$W/b-linkin/rootfs/etc/passwd"
        mkdir -p "$W/b-linkin/rootfs/run"
        echo 'evil:x:777:778::/:/bin/sh' >"$W/b-linkin/rootfs$MARKER"
        pack_image linkin
        # /etc/group a symlink climbing out with ../
        new_image dots
        ln -sf ../../../../../../../../run/conman-host-group "$W/b-dots/rootfs/etc/group"
        pack_image dots
        IMG_WORK=$W start_registry 5071
        for t in fifo link linkin dots; do
                skopeo copy --quiet --dest-tls-verify=false "oci:$W/oci:$t" "docker://$REG/trust:$t" >/dev/null
        done
        # the host's files the images point at, with a user and group that must never be used
        echo 'evil:x:4242:4242::/:/bin/sh' >$MARKER
        echo 'evilgroup:x:4343:' >/run/conman-host-group
}

teardown_file() {
        systemctl stop test-registry-5071.service 2>/dev/null || true
        rm -f $MARKER /run/conman-host-group
}

setup() {
        R=/var/tmp/rootfs
        make_rootfs $R
        conmanctl version >/dev/null
}

teardown() {
        remove_all_containers
        rm -f /etc/dbus-1/system.d/zz-open-conman.conf
}

# conmanctl ps answers within 5 s: the daemon is not stuck.
daemon_answers() {
        timeout 5 conmanctl ps -a >/dev/null
}

# expect_refused_quickly CMD...: CMD fails within 5 s while conmanctl ps keeps answering; $output is
# its output.
expect_refused_quickly() {
        local start=$SECONDS out=/var/tmp/trust-out.$$ rc=0
        timeout 20 "$@" >$out 2>&1 &
        local pid=$!
        daemon_answers
        wait $pid || rc=$?
        output=$(cat $out)
        rm -f $out
        echo "$* -> rc $rc in $((SECONDS - start)) s: $output"
        [ $rc -ne 0 ]
        [ $rc -ne 124 ] # not the timeout
        [ $((SECONDS - start)) -lt 5 ]
        daemon_answers
}

@test "image: a FIFO /etc/passwd is refused at once with a clear message; conmand keeps answering" {
        conmanctl pull -q --tls-verify=false $REG/trust:fifo
        expect_refused_quickly conmanctl create --name f -u evil --pull never $REG/trust:fifo /bin/true
        [[ "$output" == *"/etc/passwd"* ]]
        [[ "$output" == *"not a regular file"* ]]
        expect_refused_quickly conmanctl run --rm -u evil --pull never $REG/trust:fifo /bin/true
        [[ "$output" == *"not a regular file"* ]]
        refute conmanctl inspect f
        # a numeric user needs no file: the FIFO is not read, and the container is created at once
        run timeout 5 conmanctl create --name f2 -u 5 --pull never $REG/trust:fifo /bin/true
        [ "$status" -eq 0 ]
        daemon_answers
}

@test "image: /etc/passwd symlinked to a host file resolves inside the image, never the host's uid 4242" {
        conmanctl pull -q --tls-verify=false $REG/trust:link
        conmanctl pull -q --tls-verify=false $REG/trust:linkin
        expect_refused_quickly conmanctl create --name l -u evil --pull never $REG/trust:link /bin/true
        [[ "$output" == *"neither numeric nor listed"* ]]
        [[ "$output" != *4242* ]]
        # with the target inside the image, the image's line is the one used
        run conmanctl run --rm -u evil --pull never $REG/trust:linkin /bin/id
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"uid=777"* ]]
        [[ "$output" == *"gid=778"* ]]
        [[ "$output" != *4242* ]]
        daemon_answers
}

@test "image: /etc/group climbing out with ../ stays inside the image" {
        conmanctl pull -q --tls-verify=false $REG/trust:dots
        expect_refused_quickly conmanctl create --name d -u root:evilgroup --pull never $REG/trust:dots /bin/true
        [[ "$output" == *"neither numeric nor listed"* ]]
        [[ "$output" != *4343* ]]
}

@test "--rootfs: a FIFO /etc/passwd is refused at once, and so is a symlink to the host's file" {
        local d=/var/tmp/trust-rootfs-fifo l=/var/tmp/trust-rootfs-link
        rm -rf $d $l && cp -a $R $d && cp -a $R $l
        rm $d/etc/passwd && mkfifo $d/etc/passwd
        ln -sf $MARKER $l/etc/passwd
        expect_refused_quickly conmanctl create --name rf -u evil --rootfs $d /bin/true
        [[ "$output" == *"not a regular file"* ]]
        expect_refused_quickly conmanctl run --rm -u evil --rootfs $l /bin/id
        [[ "$output" == *"neither numeric nor listed"* ]]
        [[ "$output" != *4242* ]]
}

@test "exec -u: a container that turns its /etc/passwd into a symlink or a FIFO cannot fool or hang conmand" {
        local d=/var/tmp/trust-rootfs-exec
        rm -rf $d && cp -a $R $d
        # first a symlink to the host's file, then (once told) a FIFO; made by the container itself
        conmanctl run -d --name x --rootfs $d /bin/sh -c "rm /etc/passwd; ln -s $MARKER /etc/passwd;
                while [ ! -e /tmp/go ]; do sleep 0.1; done; rm /etc/passwd; mkfifo /etc/passwd; sleep 1000"
        wait_until 10 test -L $d/etc/passwd
        expect_refused_quickly conmanctl exec -u evil x /bin/id
        [[ "$output" == *"neither numeric nor listed"* ]]
        [[ "$output" != *4242* ]]
        touch $d/tmp/go
        wait_until 10 test -p $d/etc/passwd
        expect_refused_quickly conmanctl exec -u nobody x /bin/true
        [[ "$output" == *"/etc/passwd of container x"* ]]
        [[ "$output" == *"not a regular file"* ]]
        [ "$(conmanctl inspect -f '{{.State.Status}}' x)" = running ]
}

# A running container with a secret in its environment, its arguments and a volume source.
make_secret_container() {
        mkdir -p /var/tmp/secret-src-dir
        conmanctl run -d --name sec --rootfs $R -e DB_PASSWORD=hunter2 -e PLAIN=visible \
                -v /var/tmp/secret-src-dir:/data /bin/sh -c 'exec sleep 1000' s3cr3t-arg
        OBJ=$(busctl --system call io.conman1 /io/conman1 io.conman1.Manager GetContainer s sec | cut -d'"' -f2)
        [ -n "$OBJ" ]
}

# no_secrets TEXT: none of the secret values is in TEXT.
no_secrets() {
        [[ "$1" != *hunter2* ]] && [[ "$1" != *visible* ]] && [[ "$1" != *s3cr3t-arg* ]] &&
                [[ "$1" != *secret-src-dir* ]]
}

@test "secrets: a non-root user inspects a redacted container through conmanctl and busctl" {
        make_secret_container
        run as_user conmanctl inspect sec
        echo "$output"
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *'DB_PASSWORD=<redacted>'* ]]
        grep -qE '"Source": ?"<redacted>"' <<<"$output"
        grep -qE '"Destination": ?"/data"' <<<"$output"
        [ "$(as_user conmanctl inspect -f '{{.State.Status}}' sec)" = running ]
        [ "$(as_user conmanctl inspect -f '{{.Path}}' sec)" = /bin/sh ]

        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager InspectContainer s sec
        echo "$output"
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *'DB_PASSWORD=<redacted>'* ]]

        run as_user busctl --system call io.conman1 "$OBJ" io.conman1.Container Inspect
        echo "$output"
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *'DB_PASSWORD=<redacted>'* ]]
}

@test "secrets: Command (get-property, GetAll) and ListContainers show a non-root user the program only" {
        make_secret_container
        run as_user busctl --system get-property io.conman1 "$OBJ" io.conman1.Container Command
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = 'as 4 "/bin/sh" "<redacted>" "<redacted>" "<redacted>"' ]
        run as_user busctl --system call io.conman1 "$OBJ" org.freedesktop.DBus.Properties GetAll s \
                io.conman1.Container
        echo "$output"
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *'"Command" as 4 "/bin/sh" "<redacted>"'* ]]
        [[ "$output" == *'"Name" s "sec"'* ]]
        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListContainers b true
        echo "$output"
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *'"/bin/sh <redacted> <redacted> <redacted>"'* ]]
        run as_user conmanctl ps -a --format json
        [ "$status" -eq 0 ]
        no_secrets "$output"
        [[ "$output" == *sec* ]]
}

@test "secrets: GenerateContainerFile is root's, by bus policy and by conmand's own check" {
        make_secret_container
        run as_user conmanctl generate unit sec
        echo "$output"
        [ "$status" -ne 0 ]
        no_secrets "$output"
        for call in "/io/conman1 io.conman1.Manager GenerateContainerFile s sec" \
                "$OBJ io.conman1.Container GenerateContainerFile"; do
                run as_user busctl --system call io.conman1 $call
                echo "$call: $output"
                [ "$status" -ne 0 ]
                no_secrets "$output"
                [[ "$output" == *"Access denied"* ]] || [[ "$output" == *"AccessDenied"* ]]
        done
        # with the bus policy opened wide, conmand itself refuses
        mkdir -p /etc/dbus-1/system.d
        cat >/etc/dbus-1/system.d/zz-open-conman.conf <<'EOC'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><policy context="default"><allow send_destination="io.conman1"/></policy></busconfig>
EOC
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager GenerateContainerFile s sec
        rm /etc/dbus-1/system.d/zz-open-conman.conf
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
        echo "$output"
        [ "$status" -ne 0 ]
        no_secrets "$output"
        [[ "$output" == *"Only root may generate a container file"* ]]
}

@test "secrets: root still sees everything" {
        make_secret_container
        run conmanctl inspect sec
        [ "$status" -eq 0 ]
        [[ "$output" == *'DB_PASSWORD=hunter2'* ]]
        [[ "$output" == *'PLAIN=visible'* ]]
        [[ "$output" == *s3cr3t-arg* ]]
        grep -qE '"Source": ?"/var/tmp/secret-src-dir"' <<<"$output"
        run busctl --system call io.conman1 "$OBJ" io.conman1.Container Inspect
        [[ "$output" == *'DB_PASSWORD=hunter2'* ]]
        run busctl --system get-property io.conman1 "$OBJ" io.conman1.Container Command
        [ "$output" = 'as 4 "/bin/sh" "-c" "exec sleep 1000" "s3cr3t-arg"' ]
        run busctl --system call io.conman1 /io/conman1 io.conman1.Manager ListContainers b true
        [[ "$output" == *'"/bin/sh -c exec sleep 1000 s3cr3t-arg"'* ]]
        run conmanctl generate unit sec
        [ "$status" -eq 0 ]
        [[ "$output" == *'DB_PASSWORD=hunter2'* ]]
}
