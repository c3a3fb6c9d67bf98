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

# An auth-proxy.py front of the registry: PORT MODE (basic, oauth, open).
start_auth_proxy() {
        systemd-run --quiet --unit="test-auth-proxy-$1" /usr/bin/python3 "$IMG_HERE/auth-proxy.py" "$1" $REG "$2"
        wait_until 20 sh -c "curl -s -o /dev/null http://127.0.0.1:$1/v2/"
}

# pull_with REF N KEY TYPE VALUE...: PullImage with the Credentials option, as conman-cri calls it.
pull_with() {
        local ref=$1; shift
        busctl call --timeout=120 io.conman1 /io/conman1 io.conman1.Manager PullImage 'sa{sv}' "$ref" \
                1 Credentials 'a{sv}' "$@"
}

@test "PullImage's Credentials (busctl): user and password or Auth for the registry; checked; never logged" {
        start_auth_proxy 5055 basic
        printf '[registry "127.0.0.1:5055"]\ninsecure = true\n' >"$CONF/50-test.conf"
        since=$(date '+%Y-%m-%d %H:%M:%S')
        run busctl call io.conman1 /io/conman1 io.conman1.Manager PullImage 'sa{sv}' 127.0.0.1:5055/x/busybox:1 0
        echo "$output"
        [ "$status" -ne 0 ]
        run pull_with 127.0.0.1:5055/x/busybox:1 2 Username s alice Password s wrong-s3cret
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"credentials"* ]]
        run pull_with 127.0.0.1:5055/x/busybox:1 2 Username s alice Password s s3cret
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == "so \""* ]]
        conmanctl rmi 127.0.0.1:5055/x/busybox:1
        run pull_with 127.0.0.1:5055/x/busybox:1 1 Auth s "$(printf alice:s3cret | base64)"
        echo "$output"
        [ "$status" -eq 0 ]
        run pull_with 127.0.0.1:5055/x/busybox:1 1 Username s alice
        [[ "$output" == *"Username and Password go together"* ]]
        run pull_with 127.0.0.1:5055/x/busybox:1 1 Auth s '!!notbase64'
        [[ "$output" == *"Auth is not base64"* ]]
        run pull_with 127.0.0.1:5055/x/busybox:1 1 Token s x
        [[ "$output" == *"Unknown credential \"Token\""* ]]
        run as_user busctl call io.conman1 /io/conman1 io.conman1.Manager PullImage 'sa{sv}' \
                127.0.0.1:5055/x/busybox:1 1 Credentials 'a{sv}' 2 Username s alice Password s s3cret
        [ "$status" -ne 0 ]
        journal=$(journalctl -u conmand --since "$since" -o cat)
        [[ "$journal" == *"Pulled 127.0.0.1:5055/x/busybox:1"* ]]
        [[ "$journal" != *"s3cret"* ]]
        [[ "$journal" != *"YWxpY2U6czNjcmV0"* ]]
        systemctl stop test-auth-proxy-5055
}

@test "PullImage's Credentials: an identity token is exchanged with the refresh-token grant; a registry token" {
        start_auth_proxy 5056 oauth
        printf '[registry "127.0.0.1:5056"]\ninsecure = true\n' >"$CONF/50-test.conf"
        run pull_with 127.0.0.1:5056/x/busybox:1 1 IdentityToken s wrong-token
        echo "$output"
        [ "$status" -ne 0 ]
        run pull_with 127.0.0.1:5056/x/busybox:1 1 IdentityToken s id-token-42
        echo "$output"
        [ "$status" -eq 0 ]
        # a registry token is sent as the Bearer token it is
        conmanctl rmi 127.0.0.1:5056/x/busybox:1
        run pull_with 127.0.0.1:5056/x/busybox:1 1 RegistryToken s access-4711
        echo "$output"
        [ "$status" -eq 0 ]
        systemctl stop test-auth-proxy-5056
}

@test "inline credentials go only to the host ServerAddress names, never to another host's mirror" {
        start_auth_proxy 5057 open
        start_auth_proxy 5055 basic
        printf '[registry "%s"]\nmirror = http://127.0.0.1:5057\nmirror-only = true\n' $FAKE >"$CONF/50-test.conf"
        since=$(date '+%Y-%m-%d %H:%M:%S')
        run pull_with $FAKE/x/busybox:1 2 Username s alice Password s s3cret
        echo "$output"
        [ "$status" -eq 0 ]
        run pull_with $FAKE/x/busybox:1 3 Username s alice Password s s3cret ServerAddress s https://$FAKE
        [ "$status" -eq 0 ]
        run journalctl -u test-auth-proxy-5057 --since "$since" -o cat
        echo "$output"
        [[ "$output" == *"/v2/x/busybox/manifests/1"* ]]
        [[ "$output" != *"AUTH-SEEN"* ]]
        # a mirror that wants them gets them when they name it
        printf '[registry "%s"]\nmirror = http://127.0.0.1:5055\nmirror-only = true\n' $FAKE >"$CONF/50-test.conf"
        conmanctl rmi $FAKE/x/busybox:1
        run pull_with $FAKE/x/busybox:1 2 Username s alice Password s s3cret
        [ "$status" -ne 0 ]
        run pull_with $FAKE/x/busybox:1 3 Username s alice Password s s3cret ServerAddress s 127.0.0.1:5055
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(inspect_field $FAKE/x/busybox:1 repoTags)" = "$FAKE/x/busybox:1" ]
        systemctl stop test-auth-proxy-5055 test-auth-proxy-5057
}
