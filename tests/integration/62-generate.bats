#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmanctl generate unit: a container made with conmanctl run, written as a .container file, comes
# back through conman-generator as a boot-time container with the same options.

load helpers

D=/etc/conman/containers
IMG=/var/tmp/generate-image

setup_file() {
        conman_setup_file
        mkdir -p /var/tmp/generate-data
}

teardown_file() {
        conmanctl rmi -f localhost/generate-box:1 >/dev/null 2>&1 || true
}

setup() {
        conman_setup
        mkdir -p $D
}

teardown() {
        for f in $D/*.container; do
                [ -e "$f" ] || continue
                systemctl stop "conman-$(basename "$f" .container).service" >/dev/null 2>&1 || true
        done
        rm -rf $D/*
        systemctl daemon-reload
        systemctl reset-failed 'conman-*' >/dev/null 2>&1 || true
        remove_all_containers
}

# Fields of `conmanctl inspect` that a .container file carries.
FIELDS=(
        '{{.Rootfs}}' '{{.Image}}' '{{.Path}}' '{{.Args}}' '{{.Config.Env}}' '{{.Config.WorkingDir}}'
        '{{.Config.User}}' '{{.Config.Hostname}}' '{{.Config.Labels}}' '{{.Config.StopSignal}}'
        '{{.Config.StopTimeout}}' '{{.HostConfig.Memory}}' '{{.HostConfig.NanoCpus}}'
        '{{.HostConfig.PidsLimit}}' '{{.HostConfig.ReadonlyRootfs}}' '{{.HostConfig.Runtime}}'
        '{{.HostConfig.NetworkMode}}' '{{.HostConfig.RestartPolicy.Name}}' '{{.Mounts}}'
)

# Compares the inspect fields of two containers; prints the ones that differ.
same_inspect() {
        local f a b bad=0
        for f in "$@"; do
                a=$(conmanctl inspect -f "$f" "$SRC_NAME")
                b=$(conmanctl inspect -f "$f" "$COPY_NAME")
                if [ "$a" != "$b" ]; then
                        echo "$f: $SRC_NAME has '$a', $COPY_NAME has '$b'"
                        bad=1
                fi
        done
        return $bad
}

# The generated file with the name changed, installed, and its unit started.
install_copy() {
        conmanctl generate unit "$SRC_NAME" >/var/tmp/generated.container
        cat /var/tmp/generated.container
        grep -qx "ContainerName=$SRC_NAME" /var/tmp/generated.container
        sed "s/^ContainerName=.*/ContainerName=$COPY_NAME/" /var/tmp/generated.container >$D/$COPY_NAME.container
        systemctl daemon-reload
        [ "$(systemctl show -P LoadState conman-$COPY_NAME.service)" = loaded ]
        systemctl start conman-$COPY_NAME.service
        [ "$(systemctl show -P ActiveState conman-$COPY_NAME.service)" = active ]
        wait_until 10 sh -c "conmanctl ps | grep -q $COPY_NAME"
}

@test "a rootfs container comes back from its .container file with the same options, and runs" {
        SRC_NAME=gen-src COPY_NAME=gen-copy
        conmanctl run -d --name $SRC_NAME --rootfs $R --network host \
                -e GREETING=hello -e 'SPACED=two  words' -e 'PCT=100%' -e 'QUOTE="q" \x' -e EMPTY= -e 'EQ=a=b' \
                -m 64m --cpus 0.5 --pids-limit 50 --stop-signal INT --stop-timeout 4 --restart on-failure \
                -l app=gen -l 'note=a b %n' -v /var/tmp/generate-data:/data:ro -w /tmp -u 65534:65534 \
                -h genhost --read-only \
                /bin/sh -c 'echo "started $GREETING"; trap "exit 0" INT; while :; do sleep 0.2; done'
        install_copy
        run same_inspect "${FIELDS[@]}"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(conmanctl inspect -f '{{.SourcePath}}' $COPY_NAME)" = $D/$COPY_NAME.container ]
        # the units agree on what systemd enforces
        for p in MemoryMax CPUQuotaPerSecUSec TasksMax KillSignal TimeoutStopUSec Restart; do
                [ "$(systemctl show -P $p conman-$SRC_NAME.service)" = "$(systemctl show -P $p conman-$COPY_NAME.service)" ] ||
                        { echo "$p differs"; false; }
        done
        [ "$(systemctl show -P MemoryMax conman-$COPY_NAME.service)" = 67108864 ]
        # and the container runs with them
        pid=$(systemctl show -P MainPID conman-$COPY_NAME.service)
        tr '\0' '\n' </proc/$pid/environ | grep -Fqx 'SPACED=two  words'
        tr '\0' '\n' </proc/$pid/environ | grep -Fqx 'QUOTE="q" \x'
        tr '\0' '\n' </proc/$pid/environ | grep -Fqx 'PCT=100%'
        grep -qE '^Uid:\s+65534\s' /proc/$pid/status
        wait_until 10 sh -c "journalctl -u conman-$COPY_NAME.service -o cat | grep -qx 'started hello'"
        conmanctl stop $COPY_NAME
        [ "$(conmanctl inspect -f '{{.State.ExitCode}}' $COPY_NAME)" = 0 ] # SIGINT, trapped: the stop signal came along
}

@test "an image container's whole command is pinned: Entrypoint= and Exec=, not the image's again" {
        SRC_NAME=gen-img COPY_NAME=gen-img-copy
        make_rootfs $IMG/busybox
        if [ ! -d $IMG/oci ]; then
                umoci init --layout $IMG/oci
                umoci new --image $IMG/oci:1
                umoci unpack --image $IMG/oci:1 $IMG/b >/dev/null
                cp -a $IMG/busybox/. $IMG/b/rootfs/
                umoci repack --image $IMG/oci:1 $IMG/b >/dev/null
                umoci config --image $IMG/oci:1 --config.entrypoint /bin/sh --config.entrypoint -c \
                        --config.cmd 'echo default-cmd' --config.env GREETING=hello --config.workingdir /etc
        fi
        conmanctl image import $IMG/oci localhost/generate-box:1
        conmanctl run -d --name $SRC_NAME --pull never --network none --stop-timeout 1 localhost/generate-box:1 \
                'echo "image-cmd $GREETING $(pwd)"; sleep 1000'
        install_copy
        grep -qx 'Image=localhost/generate-box:1' /var/tmp/generated.container
        grep -qx 'Entrypoint=/bin/sh' /var/tmp/generated.container
        run same_inspect '{{.Image}}' '{{.Path}}' '{{.Args}}' '{{.Config.WorkingDir}}' '{{.HostConfig.NetworkMode}}'
        echo "$output"
        [ "$status" -eq 0 ]
        # the image's environment is written into the file too (same values; the file's come last)
        conmanctl inspect -f '{{.Config.Env}}' $COPY_NAME | grep -q 'GREETING=hello'
        wait_until 10 sh -c "journalctl -u conman-$COPY_NAME.service -o cat | grep -qx 'image-cmd hello /etc'"
}

@test "generate unit: unknown containers and values a file cannot hold are errors that say so" {
        run conmanctl generate unit no-such-container
        [ "$status" -ne 0 ]
        [[ "$output" == *"No such container"* ]]
        conmanctl create --name gen-nl --rootfs $R --network none -e "$(printf 'A=two\nlines')" /bin/true >/dev/null
        run conmanctl generate unit gen-nl
        [ "$status" -ne 0 ]
        [[ "$output" == *"Environment= cannot be written to a .container file"* ]]
        run conmanctl generate
        [ "$status" -ne 0 ]
        run conmanctl generate unit --help
        [ "$status" -eq 0 ]
        [[ "$output" == *"conmanctl generate unit"*"CONTAINER"* ]]
}

@test "generate unit is root's: the file carries the environment (docs/security.md, Secrets)" {
        conmanctl create --name gen-ro --rootfs $R --network none -e SECRET=only-for-root /bin/true >/dev/null
        run as_user conmanctl generate unit gen-ro
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" != *only-for-root* ]]
        run as_user busctl --system call io.conman1 /io/conman1 io.conman1.Manager GenerateContainerFile s gen-ro
        [ "$status" -ne 0 ]
        [[ "$output" != *only-for-root* ]]
        run conmanctl generate unit gen-ro
        [ "$status" -eq 0 ]
        [[ "$output" == *Environment=*only-for-root* ]]
}
