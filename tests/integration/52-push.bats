#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Images out: tag, untag, push, login, logout (docs/images.md) against real docker-registry instances on
# loopback: 127.0.0.1:5061 with TLS and htpasswd (Basic) auth, 127.0.0.1:5062 plain HTTP, and a slow
# front 127.0.0.1:5063 (images/upload-proxy.py) to cut a push mid-blob. Digests are compared with what
# skopeo (a client that is not ours) sees; uploads are counted in the registry's access log.

load helpers
load images/lib

SEC=127.0.0.1:5061
PLAIN=127.0.0.1:5062
SLOW=127.0.0.1:5063

setup_file() {
        local w=$IMG_WORK
        rm -rf "$w" && mkdir -p "$w"
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b1" >/dev/null
        cp -a "$w/busybox/." "$w/b1/rootfs/"
        umoci repack --image "$w/oci:1" "$w/b1" >/dev/null
        umoci unpack --image "$w/oci:1" "$w/b2" >/dev/null
        echo two >"$w/b2/rootfs/etc/second-layer"
        umoci repack --image "$w/oci:1" "$w/b2" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh
        # a big incompressible layer, for the interrupted push
        umoci unpack --image "$w/oci:1" "$w/b3" >/dev/null
        head -c 24M /dev/urandom >"$w/b3/rootfs/big"
        umoci repack --image "$w/oci:big" "$w/b3" >/dev/null
        make_tls
        htpasswd -Bbn alice s3cret >"$w/htpasswd"
        start_registry 5061 "  tls:
    certificate: $w/tls/cert.pem
    key: $w/tls/key.pem" "auth:
  htpasswd:
    realm: test
    path: $w/htpasswd"
        start_registry 5062
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        skopeo copy --quiet --dest-cert-dir "$w/tls/ca" --dest-creds alice:s3cret \
                "oci:$w/oci:1" "docker://$SEC/base/busybox:1"
        skopeo copy --quiet --dest-cert-dir "$w/tls/ca" --dest-creds alice:s3cret --format v2s2 \
                "oci:$w/oci:1" "docker://$SEC/base/busybox:v2s2"
        skopeo copy --quiet --dest-tls-verify=false "oci:$w/oci:big" "docker://$PLAIN/big/src:1"
}

setup() {
        AUTH=$IMG_WORK/auth.json
        CA=$IMG_WORK/tls/ca
}

teardown() {
        if [ -e /run/systemd/system/conmand.service.d/50-push-chunks.conf ]; then
                rm /run/systemd/system/conmand.service.d/50-push-chunks.conf
                systemctl daemon-reload
                systemctl restart conmand
        fi
}

# Blob upload requests (POST to uploads/, PUT of an upload) the registry on port $1 has logged for
# repository $2.
upload_requests() {
        journalctl -q -o cat -u "test-registry-$1" | grep -cE "\"(POST /v2/$2/blobs/uploads/ HTTP|PUT /v2/$2/blobs/uploads/)" || true
}

# The manifest digest skopeo sees at docker://$1 (extra skopeo options after it).
remote_digest() {
        local ref=$1; shift
        skopeo inspect "$@" --format '{{.Digest}}' "docker://$ref"
}

login_ok() {
        printf s3cret | conmanctl login --cert-dir "$CA" --authfile "$AUTH" -u alice --password-stdin $SEC
}

@test "login: wrong credentials fail and save nothing; right ones are saved (0600) and pull works; logout" {
        reset_store
        rm -f "$AUTH"
        run sh -c "printf wrong | conmanctl login --cert-dir $CA --authfile $AUTH -u alice --password-stdin $SEC"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ "$output" == *"refused"* || "$output" == *"denied"* ]]
        [ ! -e "$AUTH" ]
        run conmanctl pull --cert-dir "$CA" --authfile "$AUTH" $SEC/base/busybox:1
        [ "$status" -ne 0 ]

        run login_ok
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Login Succeeded"*"$AUTH"* ]]
        [ "$(stat -c %a "$AUTH")" = 600 ]
        python3 -c "import json,sys,base64; a=json.load(open('$AUTH'))['auths']['$SEC']['auth']; \
                    assert base64.b64decode(a) == b'alice:s3cret'"
        run conmanctl pull --cert-dir "$CA" --authfile "$AUTH" $SEC/base/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]

        # a second login keeps other entries; logout removes only its own
        python3 -c "import json; a=json.load(open('$AUTH')); a['auths']['other.example']={'auth':'eDp5'}; \
                    json.dump(a, open('$AUTH','w'))"
        run login_ok
        [ "$status" -eq 0 ]
        run conmanctl logout --authfile "$AUTH" $SEC
        echo "$output"
        [ "$status" -eq 0 ]
        run python3 -c "import json; print(sorted(json.load(open('$AUTH'))['auths']))"
        [ "$output" = "['other.example']" ]
        [ "$(stat -c %a "$AUTH")" = 600 ]
        run conmanctl logout --authfile "$AUTH" $SEC
        [ "$status" -ne 0 ]
        [[ "$output" == *"Not logged in"* ]]
}

@test "login: the default file is the one pull reads (REGISTRY_AUTH_FILE / /etc/conman/auth.json)" {
        reset_store
        rm -f /etc/conman/auth.json /run/containers/0/auth.json
        run sh -c "printf s3cret | conmanctl login --cert-dir $CA -u alice --password-stdin $SEC"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"/etc/conman/auth.json"* ]]
        [ "$(stat -c %a /etc/conman/auth.json)" = 600 ]
        run conmanctl pull --cert-dir "$CA" $SEC/base/busybox:1
        echo "$output"
        [ "$status" -eq 0 ]
        run conmanctl logout $SEC
        [ "$status" -eq 0 ]
        run conmanctl pull --cert-dir "$CA" $SEC/base/busybox:1
        [ "$status" -ne 0 ]
        rm -f /etc/conman/auth.json
}

@test "pull, tag, push to another repository with auth (mounted), rmi everything, pull back: identical digests" {
        reset_store
        run login_ok
        [ "$status" -eq 0 ]
        for src in base/busybox:1 base/busybox:v2s2; do
                reset_store
                want=$(remote_digest $SEC/$src --cert-dir "$CA" --creds alice:s3cret)
                dst=team/app:${src##*:}
                id=$(conmanctl pull -q --cert-dir "$CA" --authfile "$AUTH" $SEC/$src)
                conmanctl tag $SEC/$src $SEC/$dst
                before=$(upload_requests 5061 team/app)
                run conmanctl push --cert-dir "$CA" --authfile "$AUTH" $SEC/$dst
                echo "$output"
                [ "$status" -eq 0 ]
                [[ "$output" == *"Digest: $want"* ]]
                [[ "$output" == *"Blobs: 0 uploaded"* ]]
                # same registry, another repository: the first push mounts every blob (POST ?mount=, 201)
                [ "$src" != base/busybox:1 ] || [[ "$output" == *"0 uploaded, 3 mounted"* ]]
                [ "$(upload_requests 5061 team/app)" -eq "$before" ] # (a mount is a POST ?mount=, not uploads/)
                [ "$(remote_digest $SEC/$dst --cert-dir "$CA" --creds alice:s3cret)" = "$want" ]
                reset_store
                run conmanctl pull -q --cert-dir "$CA" --authfile "$AUTH" $SEC/$dst
                [ "$status" -eq 0 ]
                [ "$output" = "$id" ]
                run conmanctl images --digests $SEC/team/app
                echo "$output"
                [[ "$output" == *"$want"* ]]
        done
}

@test "push to another registry uploads every blob once; a second push uploads none; skopeo reads it" {
        reset_store
        run login_ok
        conmanctl pull -q --cert-dir "$CA" --authfile "$AUTH" $SEC/base/busybox:1
        want=$(remote_digest $SEC/base/busybox:1 --cert-dir "$CA" --creds alice:s3cret)
        before=$(upload_requests 5062 copy/app)
        run conmanctl push --tls-verify=false $SEC/base/busybox:1 $PLAIN/copy/app:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"3 uploaded, 0 mounted, 0 already there"* ]]
        mid=$(upload_requests 5062 copy/app)
        [ $((mid - before)) -eq 6 ] # POST + PUT for config and two layers
        run conmanctl push --tls-verify=false $SEC/base/busybox:1 $PLAIN/copy/app:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"0 uploaded, 0 mounted, 3 already there"* ]]
        [ "$(upload_requests 5062 copy/app)" -eq "$mid" ]

        # a client that is not ours
        [ "$(remote_digest $PLAIN/copy/app:1 --tls-verify=false)" = "$want" ]
        rm -rf "$IMG_WORK/copied"
        skopeo copy --quiet --src-tls-verify=false "docker://$PLAIN/copy/app:1" "oci:$IMG_WORK/copied:1"
        umoci unpack --image "$IMG_WORK/copied:1" "$IMG_WORK/copied-unpacked" >/dev/null
        [ "$(cat "$IMG_WORK/copied-unpacked/rootfs/etc/second-layer")" = two ]
        rm -rf "$IMG_WORK/copied-unpacked"
        # and the image now knows that repo digest
        conmanctl image inspect $SEC/base/busybox:1 | grep -q "$PLAIN/copy/app@$want"
}

@test "a push interrupted mid-blob (registry stopped) fails clearly, leaves no manifest, and a retry completes" {
        reset_store
        conmanctl pull -q --tls-verify=false $PLAIN/big/src:1
        rm -f "$IMG_WORK/uploading"
        systemd-run --quiet --unit=test-uproxy-5063 /usr/bin/python3 "$IMG_HERE/upload-proxy.py" 5063 $PLAIN \
                "$IMG_WORK/uploading"
        wait_until 20 sh -c "curl -s -o /dev/null http://$SLOW/v2/"
        conmanctl push --tls-verify=false $PLAIN/big/src:1 $SLOW/big/dst:1 >"$IMG_WORK/push.log" 2>&1 &
        push=$!
        wait_until 60 test -e "$IMG_WORK/uploading"
        systemctl stop test-registry-5062
        st=0
        wait $push || st=$?
        cat "$IMG_WORK/push.log"
        [ "$st" -ne 0 ]
        grep -q "cannot upload blob" "$IMG_WORK/push.log"
        grep -q "sha256:" "$IMG_WORK/push.log"
        systemctl reset-failed test-registry-5062 2>/dev/null || true
        start_registry 5062
        run remote_digest $PLAIN/big/dst:1 --tls-verify=false
        [ "$status" -ne 0 ] # no manifest without its blobs
        run conmanctl push --tls-verify=false $PLAIN/big/src:1 $SLOW/big/dst:1
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(remote_digest $PLAIN/big/dst:1 --tls-verify=false)" = "$(remote_digest $PLAIN/big/src:1 --tls-verify=false)" ]
        systemctl stop test-uproxy-5063
}

@test "push shows per-blob progress on a terminal, only the digest with -q" {
        reset_store
        conmanctl pull -q --tls-verify=false $PLAIN/big/src:1 >/dev/null
        systemd-run --quiet --unit=test-uproxy-5063 /usr/bin/python3 "$IMG_HERE/upload-proxy.py" 5063 $PLAIN \
                "$IMG_WORK/uploading"
        wait_until 20 sh -c "curl -s -o /dev/null http://$SLOW/v2/"
        run script -qfec "conmanctl push --tls-verify=false $PLAIN/big/src:1 $SLOW/progress/app:1" /dev/null
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"uploading"* ]]
        [[ "$output" == *"Total"* ]]
        [[ "$output" == *"Pushed $SLOW/progress/app:1"* ]]
        run conmanctl push -q --tls-verify=false $PLAIN/big/src:1 $SLOW/progress/app:2
        [ "$status" -eq 0 ]
        [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
        systemctl stop test-uproxy-5063
}

@test "the new Manager members match dbus/io.conman1.Manager.xml" {
        run "$SRC/tests/integration/check-introspection.py" /usr/share/dbus-1/interfaces/io.conman1.Manager.xml /io/conman1
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "large blobs go in PATCH chunks (CONMAN_PUSH_CHUNK_SIZE), the digest verified by the registry" {
        reset_store
        mkdir -p /run/systemd/system/conmand.service.d
        printf '[Service]\nEnvironment=CONMAN_PUSH_CHUNK_SIZE=4M\n' \
                >/run/systemd/system/conmand.service.d/50-push-chunks.conf
        systemctl daemon-reload
        systemctl restart conmand
        conmanctl pull -q --tls-verify=false $PLAIN/big/src:1 >/dev/null
        # another name of the same registry: nothing to mount from, every blob is uploaded
        run conmanctl push --tls-verify=false $PLAIN/big/src:1 localhost:5062/chunked/app:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"4 uploaded, 0 mounted"* ]]
        # the 24 MiB layer in 4 MiB chunks: at least 6 PATCH requests
        patches=$(journalctl -q -o cat -u test-registry-5062 | grep -c '"PATCH /v2/chunked/app/blobs/uploads/')
        [ "$patches" -ge 6 ]
        [ "$(remote_digest $PLAIN/chunked/app:1 --tls-verify=false)" = \
          "$(remote_digest $PLAIN/big/src:1 --tls-verify=false)" ]
}

@test "an imported OCI layout pushes with the digest of its manifest" {
        reset_store
        conmanctl image import "$IMG_WORK/oci" localhost/imported:1 >/dev/null
        want=$(python3 -c "import json; m=[m for m in json.load(open('$IMG_WORK/oci/index.json'))['manifests'] \
                if m.get('annotations',{}).get('org.opencontainers.image.ref.name')=='1']; print(m[0]['digest'])")
        run conmanctl push --tls-verify=false localhost/imported:1 $PLAIN/imported/app:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"Digest: $want"* ]]
        [ "$(remote_digest $PLAIN/imported/app:1 --tls-verify=false)" = "$want" ]
}

@test "tag, untag and rmi of one of several names behave as docker's" {
        reset_store
        conmanctl pull -q --tls-verify=false $PLAIN/big/src:1 >/dev/null
        id=$(conmanctl images -q)
        run conmanctl tag $PLAIN/big/src:1 myapp
        [ "$status" -eq 0 ]
        conmanctl tag "$id" localhost/myapp:2
        run conmanctl images
        echo "$output"
        [[ "$output" == *"docker.io/library/myapp"*latest*"${id:0:12}"* ]]
        [[ "$output" == *"localhost/myapp"*"2"*"${id:0:12}"* ]]
        # the REPO[:TAG] filter, docker-normalized
        run conmanctl images myapp
        [ "${#lines[@]}" -eq 2 ]
        [[ "${lines[1]}" == *"docker.io/library/myapp"* ]]
        run conmanctl images localhost/myapp:3
        [ "${#lines[@]}" -eq 1 ]
        # rmi of one name only untags it
        run conmanctl rmi myapp
        echo "$output"
        [ "$output" = "Untagged: docker.io/library/myapp:latest" ]
        [ "$(conmanctl images -q | sort -u)" = "$id" ]
        # a tag moves to the image it is given to
        conmanctl tag $PLAIN/big/src:1 localhost/myapp:2
        # untag leaves the image, untagged once it has no name left
        run conmanctl untag localhost/myapp:2 $PLAIN/big/src:1
        echo "$output"
        [ "$status" -eq 0 ]
        run conmanctl images
        [[ "$output" == *"<none>"*"${id:0:12}"* ]]
        run conmanctl untag nothere:1
        [ "$status" -ne 0 ]
        run conmanctl tag nothere:1 x
        [ "$status" -ne 0 ]
        [[ "$output" == *"no such image"* ]]
        run conmanctl tag "$id" "x@sha256:$id"
        [ "$status" -ne 0 ]
        # an image given by id has no name to push to
        run conmanctl push "$id"
        [ "$status" -ne 0 ]
        [[ "$output" == *"name a DESTINATION"* ]]
        # an image used by a container: rmi of its last name is refused, as docker does
        conmanctl tag "$id" localhost/used:1
        conmanctl create --name pushuser localhost/used:1 /bin/true >/dev/null
        run conmanctl rmi localhost/used:1
        [ "$status" -ne 0 ]
        conmanctl rm -f pushuser >/dev/null
}

@test "only root may tag, untag, push, log in and out" {
        for call in "TagImage ss a b" "UntagImage s a" "PushImage ssa{sv} a b 0" \
                "LoginRegistry sssa{sv} $SEC u p 0" "LogoutRegistry ss $SEC /tmp/x"; do
                run as_user busctl call io.conman1 /io/conman1 io.conman1.Manager $call
                echo "$output"
                [ "$status" -ne 0 ]
                [[ "$output" == *"ccess denied"* || "$output" == *"AccessDenied"* ]]
        done
}

@test "every new verb answers --help" {
        for v in tag untag push login logout; do
                run conmanctl $v --help
                [ "$status" -eq 0 ]
                [[ "$output" == "Usage: conmanctl $v"* ]]
        done
}

# The mediaType of the manifest at docker://$PLAIN/$1 and of each of its layers, one a line.
remote_media_types() {
        skopeo inspect --raw --tls-verify=false "docker://$PLAIN/$1" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m["mediaType"])
for l in m["layers"]: print(l["mediaType"])'
}

@test "images without a stored manifest (import, commit) push with one made for them, pulled back and run" {
        reset_store
        remove_all_containers
        rm -rf "$IMG_WORK/made" && cp -a "$IMG_WORK/busybox" "$IMG_WORK/made"
        echo imported >"$IMG_WORK/made/etc/marker"
        tar -C "$IMG_WORK/made" -cf "$IMG_WORK/made.tar" .
        conmanctl import --change 'CMD ["cat", "/etc/marker"]' "$IMG_WORK/made.tar" localhost/made:imp >/dev/null
        run conmanctl push --tls-verify=false localhost/made:imp $PLAIN/made/imp:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"2 uploaded, 0 mounted, 0 already there"* ]]
        digest=$(sed -n 's/^Digest: //p' <<<"$output")
        [ "$(remote_digest $PLAIN/made/imp:1 --tls-verify=false)" = "$digest" ]
        run remote_media_types made/imp:1
        [ "$output" = "application/vnd.oci.image.manifest.v1+json
application/vnd.oci.image.layer.v1.tar+gzip" ]
        # the same image again: the same manifest, nothing uploaded
        run conmanctl push --tls-verify=false localhost/made:imp $PLAIN/made/imp:1
        [[ "$output" == *"Digest: $digest"* ]]
        [[ "$output" == *"0 uploaded, 0 mounted, 2 already there"* ]]

        conmanctl run --name com localhost/made:imp sh -c 'echo committed >/etc/marker2; rm /etc/marker'
        conmanctl commit --change 'CMD ["cat", "/etc/marker2"]' com localhost/made:com >/dev/null
        conmanctl rm com >/dev/null
        run conmanctl push --tls-verify=false localhost/made:com $PLAIN/made/com:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" == *"3 uploaded, 0 mounted, 0 already there"* ]] # another repository: no blob of it there
        skopeo inspect --tls-verify=false "docker://$PLAIN/made/com:1" | grep -q '"Layers"'

        reset_store
        conmanctl pull -q --tls-verify=false $PLAIN/made/imp:1 >/dev/null
        conmanctl pull -q --tls-verify=false $PLAIN/made/com:1 >/dev/null
        run conmanctl run --rm $PLAIN/made/imp:1
        [ "$output" = imported ]
        run conmanctl run --rm $PLAIN/made/com:1 sh -c 'cat /etc/marker2; test -e /etc/marker || echo gone'
        [ "$output" = "committed
gone" ]
}

@test "push --compression-format zstd re-compresses the layers; the stored image is unchanged" {
        reset_store
        run login_ok
        conmanctl pull -q --cert-dir "$CA" --authfile "$AUTH" $SEC/base/busybox:1 >/dev/null
        want=$(remote_digest $SEC/base/busybox:1 --cert-dir "$CA" --creds alice:s3cret)
        run conmanctl push --compression-format zstd --tls-verify=false $SEC/base/busybox:1 $PLAIN/zstd/app:1
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" != *"Digest: $want"* ]]
        run remote_media_types zstd/app:1
        [ "$output" = "application/vnd.oci.image.manifest.v1+json
application/vnd.oci.image.layer.v1.tar+zstd
application/vnd.oci.image.layer.v1.tar+zstd" ]
        # gzip as stored: the stored manifest goes as it is
        run conmanctl push --compression-format gzip --tls-verify=false $SEC/base/busybox:1 $PLAIN/zstd/app:gz
        [[ "$output" == *"Digest: $want"* ]]
        run conmanctl push --compression-format xz --tls-verify=false $SEC/base/busybox:1 $PLAIN/zstd/app:xz
        [ "$status" -ne 0 ]
        [[ "$output" == *"gzip or zstd"* ]]

        reset_store
        conmanctl pull -q --tls-verify=false $PLAIN/zstd/app:1 >/dev/null
        run conmanctl run --rm $PLAIN/zstd/app:1 cat /etc/second-layer
        [ "$output" = two ]
        # and back to gzip from zstd
        run conmanctl push --compression-format gzip --tls-verify=false $PLAIN/zstd/app:1 $PLAIN/zstd/app:back
        [ "$status" -eq 0 ]
        run remote_media_types zstd/app:back
        [[ "$output" == *"layer.v1.tar+gzip"* && "$output" != *zstd* ]]
        # the same image pulled again with gzip layers: the store keeps the zstd blobs it has, so the gzip
        # manifest cannot go as it is; one is made for the blobs kept
        conmanctl pull -q --cert-dir "$CA" --authfile "$AUTH" $SEC/base/busybox:1 >/dev/null
        run conmanctl push --tls-verify=false $SEC/base/busybox:1 $PLAIN/zstd/app:kept
        echo "$output"
        [ "$status" -eq 0 ]
        run remote_media_types zstd/app:kept
        [[ "$output" == *"layer.v1.tar+zstd"* && "$output" != *gzip* ]]
}
