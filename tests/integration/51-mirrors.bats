#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Registry mirrors (conman-registries.d(5)): a docker-registry on loopback serves an image under the
# path x/busybox; /etc/conman/registries.d maps the unresolvable host registry.example:5000 (and
# docker.io) to it. Pulls go through the mirror, the image keeps its original name (RepoTags and
# RepoDigests), digest references work, a dead mirror falls through to the next, and a broken file
# is reported in conmand's journal and ignored.

load helpers
load images/lib

REG=127.0.0.1:5050
FAKE=registry.example:5000
CONF=/etc/conman/registries.d

setup_file() {
        local w=$IMG_WORK
        rm -rf "$w" && mkdir -p "$w"
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b1" >/dev/null
        cp -a "$w/busybox/." "$w/b1/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b1" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh
        start_registry 5050
        push "oci:$w/oci:1" x/busybox:1 --format v2s2
        push "oci:$w/oci:1" cache/x/busybox:1 --format v2s2
        push "oci:$w/oci:1" library/busybox:latest --format v2s2
}

setup() {
        reset_store
        rm -rf "$CONF" && mkdir -p "$CONF"
}

teardown() {
        rm -rf "$CONF"
}

# The digest of the manifest the mirror serves for x/busybox:1.
mirror_digest() {
        skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REG/x/busybox:1"
}

inspect_field() {
        conmanctl image inspect "$1" | python3 -c "import json,sys; print(' '.join(json.load(sys.stdin)['$2']))"
}

@test "without a mirror the fake registry cannot be reached" {
        run conmanctl pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"registry.example"* ]]
}

@test "a pull goes through the mirror and keeps the original name" {
        printf '[registry "%s"]\nmirror = http://%s\n' $FAKE $REG >"$CONF/50-test.conf"
        run conmanctl pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        run conmanctl images
        echo "$output"
        [[ "$output" == *"$FAKE/x/busybox"*" 1 "* ]]
        [[ "$output" != *"$REG"* ]]
        [ "$(inspect_field $FAKE/x/busybox:1 repoTags)" = "$FAKE/x/busybox:1" ]
        [ "$(inspect_field $FAKE/x/busybox:1 repoDigests)" = "$FAKE/x/busybox@$(mirror_digest)" ]
        store_tmp_is_empty
}

@test "a digest reference works through the mirror" {
        printf '[registry "%s"]\nmirror = http://%s\nmirror-only = true\n' $FAKE $REG >"$CONF/50-test.conf"
        d=$(mirror_digest)
        run conmanctl pull $FAKE/x/busybox@$d
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field $FAKE/x/busybox@$d repoDigests)" = "$FAKE/x/busybox@$d" ]
        [ -z "$(inspect_field $FAKE/x/busybox@$d repoTags)" ]
        # and the same image by tag afterwards: one image, both names
        conmanctl pull -q $FAKE/x/busybox:1
        [ "$(conmanctl images -q | sort -u | wc -l)" = 1 ]
}

@test "mirrors are tried in order: a dead one falls through to the next; a path prefix is prepended" {
        printf '[registry "%s"]\nmirror = http://127.0.0.1:1\nmirror = http://%s/cache\nmirror-only = true\n' \
                $FAKE $REG >"$CONF/50-test.conf"
        run conmanctl pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field $FAKE/x/busybox:1 repoTags)" = "$FAKE/x/busybox:1" ]
}

@test "mirror-only with no mirror that works fails, naming every endpoint it tried" {
        printf '[registry "%s"]\nmirror = http://127.0.0.1:1\nmirror = http://%s/nothere\nmirror-only = true\n' \
                $FAKE $REG >"$CONF/50-test.conf"
        run conmanctl pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"http://127.0.0.1:1: "* ]]
        [[ "$output" == *"http://$REG/nothere: "*"not found"* ]]
        [[ "$output" != *"registry.example:5000: "* ]] # the registry itself was not tried
        [ -z "$(conmanctl images -q)" ]
}

@test "docker.io: a short name is normalized, pulled through the mirror, stored as docker.io/library/..." {
        printf '[registry "docker.io"]\nmirror = http://%s\nmirror-only = true\n' $REG >"$CONF/50-test.conf"
        run conmanctl pull busybox
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field busybox repoTags)" = "docker.io/library/busybox:latest" ]
        [[ "$(inspect_field busybox repoDigests)" == "docker.io/library/busybox@sha256:"* ]]
}

@test "insecure = true: the registry itself over plain HTTP without --tls-verify=false" {
        run conmanctl pull $REG/x/busybox:1
        [ "$status" -ne 0 ]
        printf '[registry "%s"]\ninsecure = true\n' $REG >"$CONF/50-test.conf"
        run conmanctl pull $REG/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "a broken file is reported in conmand's journal and ignored; the good ones apply" {
        printf '[registry "%s"]\nmirror = http://%s\nbogus line\n' $FAKE 127.0.0.1:1 >"$CONF/10-broken.conf"
        printf '[registry "%s"]\nmirror = ftp://%s\n' $FAKE $REG >"$CONF/20-scheme.conf"
        printf '[registry "%s"]\nmirror = http://%s\n' $FAKE $REG >"$CONF/50-good.conf"
        printf 'ignored: not a .conf\n' >"$CONF/README"
        mkfifo "$CONF/30-fifo.conf"
        since=$(date '+%Y-%m-%d %H:%M:%S')
        run timeout 60 conmanctl pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        systemctl is-active conmand
        journal=$(journalctl -u conmand --since "$since" -o cat)
        echo "$journal"
        [[ "$journal" == *"Ignoring $CONF/10-broken.conf: line 3: expected \"key = value\""* ]]
        [[ "$journal" == *"Ignoring $CONF/20-scheme.conf: line 2: mirror \"ftp://$REG\": only http://"* ]]
        [[ "$journal" == *"Ignoring $CONF/30-fifo.conf: not a regular file"* ]]
        [[ "$journal" != *"README"* ]]
}
