#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Platforms: a multi-platform OCI index (the host's manifest and an arm64 one on the same busybox layers
# with an arm64 config) pushed with `skopeo copy --all`; pull --platform, $DOCKER_DEFAULT_PLATFORM, the
# platform recorded (image inspect .Os .Architecture .Variant, images {{.Platform}}), the warning when an
# image of another platform is run; pull --all-tags.

load helpers
load images/lib

REG=127.0.0.1:5050

setup_file() {
        local w
        rm -rf "$IMG_WORK" && mkdir -p "$IMG_WORK"
        w=$IMG_WORK
        HOST_ARCH=$(dpkg --print-architecture)
        OTHER=arm64
        [ "$HOST_ARCH" != arm64 ] || OTHER=amd64
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:host"
        umoci unpack --image "$w/oci:host" "$w/b" >/dev/null
        cp -a "$w/busybox/." "$w/b/rootfs/"
        umoci repack --image "$w/oci:host" "$w/b" >/dev/null
        umoci config --image "$w/oci:host" --architecture "$HOST_ARCH" --config.cmd /bin/true
        umoci config --image "$w/oci:host" --tag other --architecture "$OTHER"
        "$IMG_HERE/make-platform-index.py" "$w/oci" multi "host=linux/$HOST_ARCH" "other=linux/$OTHER/v8"
        start_registry 5050
        push "oci:$w/oci:multi" test/multi:1 --all
        push "oci:$w/oci:host" test/single:1
        for t in a b c; do push "oci:$w/oci:host" test/tags:$t; done
        echo "$HOST_ARCH $OTHER" >"$w/arches"
}

setup() {
        read -r HOST_ARCH OTHER <"$IMG_WORK/arches"
}

# The digest of the index entry for ARCH.
index_digest() {
        skopeo inspect --raw --tls-verify=false docker://$REG/test/multi:1 |
                python3 -c "import json,sys; print([m['digest'] for m in json.load(sys.stdin)['manifests'] if m['platform']['architecture'] == '$1'][0])"
}

# sd_bus_path_encode() of an image id: a leading digit is escaped.
image_object_path() {
        local id=$1
        case $id in
        [0-9]*) echo "/io/conman1/image/_3${id}" ;;
        *) echo "/io/conman1/image/$id" ;;
        esac
}

inspect_field() {
        conmanctl image inspect "$1" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$2', ''))"
}

@test "pull --platform takes that manifest of an index and records its platform" {
        reset_store
        run conmanctl pull --tls-verify=false --platform linux/$OTHER $REG/test/multi:1
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field $REG/test/multi:1 manifestDigest)" = "$(index_digest $OTHER)" ]
        [ "$(inspect_field $REG/test/multi:1 Architecture)" = "$OTHER" ]
        [ "$(inspect_field $REG/test/multi:1 Os)" = linux ]
}

@test "a pull without --platform takes the host's manifest" {
        run conmanctl pull --tls-verify=false $REG/test/multi:1
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field $REG/test/multi:1 manifestDigest)" = "$(index_digest $HOST_ARCH)" ]
        [ "$(inspect_field $REG/test/multi:1 Architecture)" = "$HOST_ARCH" ]
}

@test "DOCKER_DEFAULT_PLATFORM is the default platform; aarch64/x86_64 spellings are normalized" {
        local spelled=aarch64
        [ "$OTHER" = arm64 ] || spelled=x86_64
        DOCKER_DEFAULT_PLATFORM=linux/$spelled conmanctl pull -q --tls-verify=false $REG/test/multi:1
        [ "$(inspect_field $REG/test/multi:1 Architecture)" = "$OTHER" ]
}

@test "a platform the index does not have fails and names those it has" {
        run conmanctl pull --tls-verify=false --platform linux/s390x $REG/test/multi:1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"no manifest for linux/s390x"* ]]
        [[ "$output" == *"linux/$HOST_ARCH"* ]]
        [[ "$output" == *"linux/$OTHER/v8"* ]]
}

@test "a single-platform image of another platform is refused as docker does" {
        run conmanctl pull --tls-verify=false --platform linux/$OTHER $REG/test/single:1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"does not match the specified platform: wanted linux/$OTHER"* ]]
        conmanctl pull -q --tls-verify=false --platform linux/$HOST_ARCH $REG/test/single:1
}

@test "a badly spelled platform is 125 with a clear message, before any pull" {
        run conmanctl pull --platform 'linux/arm 64' $REG/test/multi:1
        echo "$output"
        [ "$status" -eq 125 ]
        [[ "$output" == *"is not a platform: give OS/ARCH[/VARIANT]"* ]]
        DOCKER_DEFAULT_PLATFORM=nope run conmanctl pull $REG/test/multi:1
        [ "$status" -eq 125 ]
        [[ "$output" == *"DOCKER_DEFAULT_PLATFORM"* ]]
        run busctl call io.conman1 /io/conman1 io.conman1.Manager PullImage 'sa{sv}' $REG/test/multi:1 1 \
                Platform s 'x/y/z/w'
        [ "$status" -ne 0 ]
        [[ "$output" == *"not OS/ARCH"* ]]
}

@test "the platform is recorded: image inspect .Os .Architecture, images {{.Platform}}, default table unchanged" {
        conmanctl pull -q --tls-verify=false --platform linux/$OTHER $REG/test/multi:1
        run conmanctl image inspect -f '{{.Os}}/{{.Architecture}}' $REG/test/multi:1
        echo "$output"
        [ "$output" = "linux/$OTHER" ]
        # the index says v8, the config names no variant: the config is what counts
        [ "$(inspect_field $REG/test/multi:1 Variant)" = "" ]
        run conmanctl images --format '{{.Repository}}:{{.Tag}} {{.Platform}}' $REG/test/multi
        echo "$output"
        [ "$output" = "$REG/test/multi:1 linux/$OTHER" ]
        run conmanctl images --format 'table {{.Tag}}\t{{.Platform}}' $REG/test/multi
        [[ "${lines[0]}" == *PLATFORM* ]]
        run conmanctl images $REG/test/multi
        [[ "${lines[0]}" != *PLATFORM* ]]
        run busctl get-property io.conman1 "$(image_object_path $(inspect_field $REG/test/multi:1 id))" \
                io.conman1.Image Platform
        echo "$output"
        [ "$output" = "s \"linux/$OTHER\"" ]
}

@test "the platform survives a conmand restart, and old records without it get it from the config" {
        conmanctl pull -q --tls-verify=false $REG/test/single:1
        id=$(conmanctl images -q $REG/test/single)
        rec=/var/lib/conman/images/images/$(conmanctl image inspect -f '{{.id}}' $REG/test/single:1).json
        python3 -c "
import json, sys
r = json.load(open('$rec'))
for k in ('Os', 'Architecture', 'Variant'):
    r.pop(k, None)
json.dump(r, open('$rec', 'w'))"
        ! grep -q Architecture "$rec"
        systemctl restart conmand
        [ "$(conmanctl image inspect -f '{{.Architecture}}' $REG/test/single:1)" = "$HOST_ARCH" ]
        [ "$(conmanctl images -q $REG/test/single)" = "$id" ]
}

@test "creating a container from an image of another platform warns as docker; the host's does not" {
        conmanctl pull -q --tls-verify=false --platform linux/$OTHER $REG/test/multi:1
        run conmanctl create --name foreign $REG/test/multi:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"WARNING: The requested image's platform (linux/$OTHER) does not match the detected host platform (linux/$HOST_ARCH"* ]]
        conmanctl rm foreign
        conmanctl pull -q --tls-verify=false $REG/test/multi:1
        run conmanctl create --name native $REG/test/multi:1
        [ "$status" -eq 0 ]
        [[ "$output" != *WARNING* ]]
        conmanctl rm native
}

@test "pull --all-tags pulls every tag of the repository" {
        run conmanctl pull -a -q --tls-verify=false $REG/test/tags
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 3 ]
        run conmanctl images --format '{{.Tag}}' $REG/test/tags
        [ "$(echo "$output" | sort | tr '\n' ' ')" = "a b c " ]
}

@test "the tag list is read page by page (Link rel=next), and a next page elsewhere is refused" {
        systemd-run --quiet --unit=test-tags-pager /usr/bin/python3 "$IMG_HERE/tags-pager.py" 5057 team/app ok \
                t1 t2 t3 t4 t5
        systemd-run --quiet --unit=test-tags-evil /usr/bin/python3 "$IMG_HERE/tags-pager.py" 5058 team/app evil \
                t1 t2 t3
        mkdir -p /run/systemd/system/conmand.service.d
        printf '[Service]\nEnvironment=CONMAN_TAGS_PAGE_SIZE=2\n' >/run/systemd/system/conmand.service.d/50-tags.conf
        systemctl daemon-reload
        systemctl restart conmand
        wait_until 20 sh -c 'curl -s http://127.0.0.1:5057/v2/ && curl -s http://127.0.0.1:5058/v2/'
        run busctl call io.conman1 /io/conman1 io.conman1.Manager ListRegistryTags 'sa{sv}' 127.0.0.1:5057/team/app \
                1 TlsVerify b false
        echo "$output"
        good_status=$status good=$output
        run busctl call io.conman1 /io/conman1 io.conman1.Manager ListRegistryTags 'sa{sv}' 127.0.0.1:5058/team/app \
                1 TlsVerify b false
        echo "$output"
        rm /run/systemd/system/conmand.service.d/50-tags.conf
        systemctl daemon-reload
        systemctl restart conmand
        systemctl stop test-tags-pager test-tags-evil
        [ "$good_status" -eq 0 ]
        [ "$good" = 'as 5 "t1" "t2" "t3" "t4" "t5"' ]
        [ "$status" -ne 0 ]
        [[ "$output" == *"links to another place"* ]]
}

@test "pull --all-tags refuses a tag or digest as docker; an unknown repository fails clearly" {
        run conmanctl pull --all-tags $REG/test/tags:a
        echo "$output"
        [ "$status" -eq 125 ]
        [[ "$output" == *"tag can't be used with --all-tags/-a"* ]]
        run conmanctl pull -a "$REG/test/tags@sha256:$(printf '%064d' 0)"
        [ "$status" -eq 125 ]
        run busctl call io.conman1 /io/conman1 io.conman1.Manager ListRegistryTags 'sa{sv}' $REG/test/tags:a 0
        [ "$status" -ne 0 ]
        [[ "$output" == *"without tag or digest"* ]]
        run conmanctl pull -a --tls-verify=false $REG/test/nothere
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"test/nothere"* ]]
}

@test "create --platform pulls that platform over the host's image, without a warning" {
        conmanctl pull -q --tls-verify=false $REG/test/multi:1
        run conmanctl create --tls-verify=false --platform linux/$OTHER --name plat $REG/test/multi:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *WARNING* ]]
        [ "$(inspect_field $REG/test/multi:1 Architecture)" = "$OTHER" ]
        conmanctl rm plat
        run conmanctl create --platform 'linux/' --name plat2 $REG/test/multi:1
        [ "$status" -eq 125 ]
        [[ "$output" == *"is not a platform"* ]]
}

@test "the Manager and Image interfaces match dbus/*.xml (Platform option, ListRegistryTags, Platform property)" {
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
        conmanctl pull -q --tls-verify=false $REG/test/multi:1
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Image.xml \
                "$(image_object_path $(inspect_field $REG/test/multi:1 id))"
        echo "$output"
        [ "$status" -eq 0 ]
}
