#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# conman-cri's ImageService with the real crictl: pulls through a registry mirror under fake host names
# (registry.example:5000, gcr.io and docker.io mapped to a loopback docker-registry, as the critest
# fixture does), the original names in crictl images, inspecti by tag, id and repo digest giving the same
# status, uid and user name from the image config, short names normalized like docker, AuthConfig
# credentials (crictl pull --creds / --auth) through conmand's PullImage, rmi by every kind of name,
# and imagefsinfo.

load helpers
load images/lib
load cri-tools

REG=127.0.0.1:5050
FAKE=registry.example:5000
STAGING=gcr.io/k8s-staging-cri-tools
CONF=/etc/conman/registries.d

setup_file() {
        local w=$IMG_WORK t
        rm -rf "$w" && mkdir -p "$w"
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b1" >/dev/null
        cp -a "$w/busybox/." "$w/b1/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b1" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh
        umoci config --image "$w/oci:1" --tag uid --config.user 1002
        umoci config --image "$w/oci:1" --tag username --config.user www-data:1004
        umoci config --image "$w/oci:1" --tag same --config.env SAME=1
        start_registry 5050
        push "oci:$w/oci:1" x/busybox:1 --format v2s2
        push "oci:$w/oci:1" library/busybox:latest --format v2s2
        push "oci:$w/oci:uid" k8s-staging-cri-tools/test-image-user-uid:latest --format v2s2
        push "oci:$w/oci:username" k8s-staging-cri-tools/test-image-user-username-group:latest --format v2s2
        for t in 1 2 3; do push "oci:$w/oci:same" k8s-staging-cri-tools/test-image-tags:$t --format v2s2; done
        mkdir -p "$CONF"
        { for h in $FAKE gcr.io docker.io; do printf '[registry "%s"]\nmirror = http://%s\n' $h $REG; done
          printf '[registry "127.0.0.1:5055"]\ninsecure = true\n'; } >"$CONF/50-cri-test.conf"
}

teardown_file() {
        rm -rf "$CONF"
}

setup() {
        cri_tools_setup
        systemctl start conman-cri.socket
}

# crictl's JSON through a Python expression on d.
cri_json() {
        local expr=$1; shift
        cri "$@" | python3 -c "import json, sys; d = json.load(sys.stdin); print($expr)"
}

@test "crictl pull through a mirror: a fake host name, the original name in crictl images" {
        run cri pull $FAKE/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == "Image is up to date for sha256:"* ]]
        id=${output##* }
        run cri images
        echo "$output"
        [[ "$output" == *"$FAKE/x/busybox"*" 1 "*"${id:7:13}"* ]]
        [[ "$output" != *"$REG"* ]]
        [ "$(cri_json 'd["images"][0]["repoDigests"][0]' images -o json $FAKE/x/busybox:1)" = \
          "$FAKE/x/busybox@$(skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://$REG/x/busybox:1)" ]
        [ "$(cri_json 'd["images"][0]["id"]' images -o json $FAKE/x/busybox:1)" = "$id" ]
}

@test "inspecti by tag, by id and by repo digest give the same status; verbose info has the config" {
        cri pull $FAKE/x/busybox:1
        id=$(cri_json 'd["status"]["id"]' inspecti -o json $FAKE/x/busybox:1)
        digest=$(cri_json 'd["status"]["repoDigests"][0]' inspecti -o json $FAKE/x/busybox:1)
        [[ "$id" == sha256:* ]]
        [[ "$digest" == "$FAKE/x/busybox@sha256:"* ]]
        by_tag=$(cri_json 'json.dumps(d["status"], sort_keys=True)' inspecti -o json $FAKE/x/busybox:1)
        by_id=$(cri_json 'json.dumps(d["status"], sort_keys=True)' inspecti -o json "$id")
        by_digest=$(cri_json 'json.dumps(d["status"], sort_keys=True)' inspecti -o json "$digest")
        echo "$by_tag"
        [ "$by_tag" = "$by_id" ]
        [ "$by_tag" = "$by_digest" ]
        [ "$(cri_json 'd["info"]["imageSpec"]["config"]["Cmd"][0]' inspecti -o json "$id")" = /bin/sh ]
        [ "$(cri_json 'int(d["status"]["size"]) > 0' inspecti -o json "$id")" = True ]
        run cri inspecti $FAKE/x/nothere:1
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"no such image"* ]]
}

@test "gcr.io names through the mirror: one image with three tags; uid and user name from the config" {
        for t in 1 2 3; do cri pull $STAGING/test-image-tags:$t; done
        run cri_json 'sorted(d["status"]["repoTags"])' inspecti -o json $STAGING/test-image-tags:2
        echo "$output"
        [ "$output" = "['$STAGING/test-image-tags:1', '$STAGING/test-image-tags:2', '$STAGING/test-image-tags:3']" ]
        [ "$(cri images -q $STAGING/test-image-tags | sort -u | wc -l)" = 1 ]
        cri pull $STAGING/test-image-user-uid
        [ "$(cri_json 'd["status"]["uid"]["value"]' inspecti -o json $STAGING/test-image-user-uid)" = 1002 ]
        [ "$(cri_json 'd["status"].get("username", "")' inspecti -o json $STAGING/test-image-user-uid)" = "" ]
        cri pull $STAGING/test-image-user-username-group
        [ "$(cri_json 'd["status"]["username"]' inspecti -o json $STAGING/test-image-user-username-group)" = www-data ]
        [ "$(cri_json 'd["status"].get("uid")' inspecti -o json $STAGING/test-image-user-username-group)" = None ]
}

@test "a short name is normalized like docker: busybox is docker.io/library/busybox:latest" {
        run cri pull busybox
        echo "$output"
        [ "$status" -eq 0 ]
        # the same image as x/busybox:1 (one config, one id): it gains a name
        [ "$(cri_json '"docker.io/library/busybox:latest" in d["status"]["repoTags"]' inspecti -o json busybox)" = True ]
        run cri images busybox
        echo "$output"
        [[ "$output" == *"docker.io/library/busybox"*"latest"* ]]
        [ "$(cri images -q docker.io/library/busybox:latest)" = "$(cri images -q busybox)" ]
}

@test "rmi by tag, by id and by repo digest removes the whole image" {
        for how in tag id digest; do
                cri pull $FAKE/x/busybox:1 >/dev/null
                id=$(cri_json 'd["status"]["id"]' inspecti -o json $FAKE/x/busybox:1)
                case $how in
                tag) ref=$FAKE/x/busybox:1 ;;
                id) ref=$(cri_json 'd["status"]["id"]' inspecti -o json $FAKE/x/busybox:1) ;;
                digest) ref=$(cri_json 'd["status"]["repoDigests"][0]' inspecti -o json $FAKE/x/busybox:1) ;;
                esac
                run cri rmi "$ref"
                echo "$how: $output"
                [ "$status" -eq 0 ]
                run cri inspecti $FAKE/x/busybox:1
                [ "$status" -ne 0 ]
                ! conmanctl image inspect "${id#sha256:}" >/dev/null 2>&1
        done
        # an image with three tags goes whole when removed by one of them
        for t in 1 2 3; do cri pull $STAGING/test-image-tags:$t >/dev/null; done
        cri rmi $STAGING/test-image-tags:1
        [ -z "$(cri images -q $STAGING/test-image-tags)" ]
}

@test "crictl pull --creds / --auth: AuthConfig reaches the registry, wrong credentials fail" {
        systemd-run --quiet --unit=test-auth-proxy-5055 /usr/bin/python3 "$IMG_HERE/auth-proxy.py" 5055 $REG basic
        wait_until 20 sh -c "curl -s -o /dev/null http://127.0.0.1:5055/v2/"
        run cri pull 127.0.0.1:5055/x/busybox:1
        echo "$output"
        [ "$status" -ne 0 ]
        run cri pull --creds alice:wrong 127.0.0.1:5055/x/busybox:1
        echo "$output"
        [ "$status" -ne 0 ]
        run cri pull --creds alice:s3cret 127.0.0.1:5055/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        cri rmi 127.0.0.1:5055/x/busybox:1
        run cri pull --auth "$(printf alice:s3cret | base64)" 127.0.0.1:5055/x/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        ! journalctl -u conmand -u conman-cri -o cat | grep -q s3cret
        systemctl stop test-auth-proxy-5055
}

@test "imagefsinfo: the image store's filesystem, bytes and inodes used, a timestamp" {
        cri pull $FAKE/x/busybox:1 >/dev/null
        run cri imagefsinfo
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | python3 -c '
import json, sys, time
f = json.load(sys.stdin)["status"]
assert f["fsId"]["mountpoint"].startswith("/"), f
used, inodes = int(f["usedBytes"]["value"]), int(f["inodesUsed"]["value"])
assert used > 500000 and inodes > 100, f
assert abs(int(f["timestamp"]) / 1e9 - time.time()) < 60, f
'
        mp=$(cri_json 'd["status"]["fsId"]["mountpoint"]' imagefsinfo)
        [ "$mp" = "$(stat -c %m /var/lib/conman/images)" ] || [ "$mp" = "$(findmnt -n -o TARGET -T /var/lib/conman/images)" ]
}
