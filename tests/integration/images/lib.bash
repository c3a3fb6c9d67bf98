# SPDX-License-Identifier: LGPL-2.1-or-later
# lib.bash — test images and registries for 50-images.bats. Everything is built here, inside
# the harness machine, from Debian packages: a busybox rootfs packed by umoci into three layers
# (with a whiteout, an opaque directory, a hardlink, a symlink, a fifo, owners and modes),
# pushed by skopeo to docker-registry instances on loopback.

IMG_WORK=${IMG_WORK:-/var/tmp/conman-images-test}
IMG_STATE=/var/lib/conman/images
IMG_HERE=$SRC/tests/integration/images

# A three-layer image at $IMG_WORK/oci:1 and a fourth layer on top at $IMG_WORK/oci:tamper.
build_test_images() {
        local w=$IMG_WORK b
        make_rootfs "$w/busybox"
        umoci init --layout "$w/oci"
        umoci new --image "$w/oci:1"
        umoci unpack --image "$w/oci:1" "$w/b1" >/dev/null
        cp -a "$w/busybox/." "$w/b1/rootfs/"
        mkdir -p "$w/b1/rootfs/etc/dir-to-empty" && echo old >"$w/b1/rootfs/etc/dir-to-empty/old"
        umoci repack --image "$w/oci:1" "$w/b1" >/dev/null
        umoci unpack --image "$w/oci:1" "$w/b2" >/dev/null
        echo layer2 >"$w/b2/rootfs/etc/layer-marker"
        echo gone >"$w/b2/rootfs/etc/deleteme"
        umoci repack --image "$w/oci:1" "$w/b2" >/dev/null
        umoci unpack --image "$w/oci:1" "$w/b3" >/dev/null
        b=$w/b3/rootfs
        echo top >"$b/etc/layer-marker"
        rm "$b/etc/deleteme"
        rm -rf "$b/etc/dir-to-empty" && mkdir "$b/etc/dir-to-empty" && echo new >"$b/etc/dir-to-empty/new"
        ln "$b/etc/layer-marker" "$b/etc/marker-hardlink"
        ln -s ../etc/layer-marker "$b/bin/marker-symlink"
        mkfifo "$b/etc/fifo"
        chown 1000:1000 "$b/etc/layer-marker" && chmod 0640 "$b/etc/layer-marker"
        umoci repack --image "$w/oci:1" "$w/b3" >/dev/null
        umoci config --image "$w/oci:1" --config.cmd /bin/sh --config.env FOO=bar --config.workingdir /tmp
        umoci unpack --image "$w/oci:1" "$w/b4" >/dev/null
        head -c 200000 /dev/urandom >"$w/b4/rootfs/etc/tamper-me"
        umoci repack --image "$w/oci:tamper" "$w/b4" >/dev/null
        umoci gc --layout "$w/oci"
        # the same image with zstd layers (skopeo recompresses uncompressed sources)
        skopeo copy --dest-decompress "oci:$w/oci:1" "dir:$w/raw" >/dev/null
        skopeo copy --dest-compress --dest-compress-format zstd "dir:$w/raw" "oci:$w/ocizstd:1" >/dev/null
        umoci unpack --image "$w/oci:1" "$w/reference" >/dev/null
}

# start_registry PORT [extra YAML for http:] [extra top-level YAML]
start_registry() {
        local port=$1 http_extra=${2:-} extra=${3:-} cfg=$IMG_WORK/registry-$1.yml
        cat >"$cfg" <<EOC
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $IMG_WORK/registry-$port
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
$http_extra
$extra
EOC
        systemd-run --quiet --unit="test-registry-$port" /usr/bin/docker-registry serve "$cfg"
        wait_until 20 registry_answers "$port"
}

registry_answers() {
        curl -sk -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/" | grep -qE '200|401' ||
                curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$1/v2/" | grep -qE '200|401'
}

start_proxy() {
        systemd-run --quiet --unit="test-proxy-$1" /usr/bin/python3 "$IMG_HERE/registry-proxy.py" "$1" "$2" "$3"
        wait_until 20 sh -c "curl -s -o /dev/null http://127.0.0.1:$1/token"
}

# push SRC REPO:TAG [skopeo options]. skopeo's blob info cache is dropped first: it would swap
# layers for other compressions of them already in the registry (zstd for gzip and back).
push() {
        local src=$1 dst=$2; shift 2
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        skopeo copy --quiet --dest-tls-verify=false "$@" "$src" "docker://127.0.0.1:5050/$dst"
}

# A self-signed certificate for 127.0.0.1 in $IMG_WORK/tls, and a CA dir usable by curl and skopeo.
make_tls() {
        local d=$IMG_WORK/tls
        mkdir -p "$d/ca"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
                -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
        cp "$d/cert.pem" "$d/ca/ca.crt"
        openssl rehash "$d/ca"
}

# The registry file of a blob, to tamper with.
registry_blob() {
        echo "$IMG_WORK/registry-5050/docker/registry/v2/blobs/sha256/${1:7:2}/${1:7}/data"
}

# Lists a tree: path, type, mode, owner, link count, size, link target; then file hashes.
tree_listing() {
        (cd "$1" && find . -mindepth 1 \( -type d -printf '%p d %m %U %G\n' \) -o \
                \( ! -type d -printf '%p %y %m %U %G %n %s %l\n' \) | sort &&
                find . -type f -exec sha256sum {} + | sort -k2)
}

# The layer directories of an image, top layer first, joined with ':' (overlay's lowerdir order).
image_lowerdirs() {
        conmanctl image inspect "$1" | python3 -c '
import json, sys
layers = json.load(sys.stdin)["layers"]
print(":".join("/var/lib/conman/images/layers/%s/root" % d[7:] for d in reversed(layers)))'
}

# The layer directories of an image, bottom layer first, one per word (conman-rootfs order).
image_layer_dirs() {
        conmanctl image inspect "$1" | python3 -c '
import json, sys
print(" ".join("/var/lib/conman/images/layers/%s/root" % d[7:] for d in json.load(sys.stdin)["layers"]))'
}

# Mounts an image's layers read-only at $2 (overlayfs, as a container would see them).
mount_image() {
        mkdir -p "$2"
        mount -t overlay -o "lowerdir=$(image_lowerdirs "$1")" overlay "$2"
}

# Removes every image and layer.
reset_store() {
        local ids
        ids=$(conmanctl images -q | sort -u)
        [ -z "$ids" ] || conmanctl rmi -f $ids >/dev/null
        conmanctl image prune >/dev/null
}

store_tmp_is_empty() {
        [ -z "$(ls -A "$IMG_STATE/tmp")" ]
}
