# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-pull.sh — pull of a multi-layer image of about $BENCH_PULL_MB MB (compressed) from a local
# docker-registry on loopback, into an empty store, until unpacked:
#   tools   skopeo copy docker://... oci:DIR + umoci unpack   (the same work by standard tools: baseline)
#   conman  conmanctl pull (fetch, verify, unpack every layer into the store)
#   podman  podman pull (into containers/storage)
# The image (built with umoci like tests/integration/images/lib.bash): busybox, then layers of
# incompressible random files, and one layer of many small text files. Every repack needs
# --refresh-bundle: without it each repack diffs against the first unpack and replaces the image
# with a single layer (earlier reports measured a 1-layer image).

PULL_PORT=5060
PULL_REF=127.0.0.1:$PULL_PORT/bench/big:1

pull_build_image() {
        local w=$BENCH_WORK/pull mb=$BENCH_PULL_MB layer per files
        rm -rf "$w" && mkdir -p "$w"
        umoci init --layout "$w/oci" && umoci new --image "$w/oci:1" || return 1
        umoci unpack --image "$w/oci:1" "$w/b" >/dev/null || return 1
        cp -a "$ROOTFS/." "$w/b/rootfs/"
        umoci repack --refresh-bundle --image "$w/oci:1" "$w/b" >/dev/null || return 1
        per=$((mb / 4))   # four layers of random data hold nearly all of the size
        [ "$per" -ge 1 ] || per=1
        for layer in 1 2 3 4; do
                mkdir -p "$w/b/rootfs/data$layer"
                for files in $(seq 1 "$per"); do
                        head -c 1048576 /dev/urandom >"$w/b/rootfs/data$layer/blob$files"
                done
                umoci repack --refresh-bundle --image "$w/oci:1" "$w/b" >/dev/null || return 1
        done
        mkdir -p "$w/b/rootfs/usr/share/small"
        python3 - "$w/b/rootfs/usr/share/small" "$((mb * 40))" <<'EOF' || return 1
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = os.path.join(d, "d%03d" % (i // 100))
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, "f%05d.txt" % i), "w") as f:
        f.write(("line %d of a small file\n" % i) * (20 + i % 200))
EOF
        rm -f "$w/b/rootfs/data1/blob1"   # a whiteout in the top layer
        umoci repack --refresh-bundle --image "$w/oci:1" "$w/b" >/dev/null || return 1
        umoci gc --layout "$w/oci"
}

pull_start_registry() {
        local cfg=$BENCH_WORK/registry.yml
        cat >"$cfg" <<EOC
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $BENCH_WORK/registry
http:
  addr: 127.0.0.1:$PULL_PORT
EOC
        systemctl stop bench-registry.service 2>/dev/null
        systemd-run --quiet --collect --unit=bench-registry /usr/bin/docker-registry serve "$cfg" || return 1
        for _ in $(seq 100); do
                curl -s -o /dev/null "http://127.0.0.1:$PULL_PORT/v2/" && return 0
                sleep 0.1
        done
        return 1
}

# "BYTES LAYERS": the compressed size and layer count of the manifest at docker://$1 (plain HTTP).
remote_size() {
        skopeo inspect --raw --tls-verify=false "docker://$1" |
                python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]), len(m["layers"]))'
}

pull_reset_conman() { echo 'conmanctl images -q | sort -u | xargs -r conmanctl rmi -f; conmanctl image prune'; }

bench_pull() {
        local w=$BENCH_WORK/pull size layers
        for t in skopeo umoci docker-registry; do
                have $t || { blib fail --id pull --label "image pull" --group pull --why "$t is not installed"
                        return 1; }
        done
        pull_build_image || { bench_log "building the pull image failed"; return 1; }
        pull_start_registry || { bench_log "the registry did not answer"; return 1; }
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        skopeo copy --quiet --dest-tls-verify=false "oci:$w/oci:1" "docker://$PULL_REF" || return 1
        size=$(remote_size "$PULL_REF")
        read -r size layers <<<"$size"
        blib value --id pull.size --label "image: compressed size ($layers layers)" --group pull-image \
                --unit MB "$(calc "$size / 1000000")"
        blib latency --id pull.tools --label "skopeo copy + umoci unpack (baseline)" --group pull \
                --baseline pull.tools --runs "$BENCH_PULL_RUNS" --warmup 1 --timeout 600 \
                --prepare "rm -rf $w/sk $w/sk-rootfs /var/lib/containers/cache/blob-info-cache-v1.boltdb" -- \
                sh -c "skopeo copy --quiet --src-tls-verify=false docker://$PULL_REF oci:$w/sk:1 &&
                        umoci unpack --image $w/sk:1 $w/sk-rootfs >/dev/null"
        blib latency --id pull.conman --label "conmanctl pull" --group pull --baseline pull.tools \
                --runs "$BENCH_PULL_RUNS" --warmup 1 --timeout 600 --prepare "$(pull_reset_conman)" -- \
                conmanctl pull -q --tls-verify=false "$PULL_REF"
        blib value --id pull.conman.layers --label "layers in conman's store after the pull" --group pull-image \
                --unit layers --better higher "$(ls /var/lib/conman/images/layers | wc -l)"
        if have podman; then
                blib latency --id pull.podman --label "podman pull" --group pull --baseline pull.tools \
                        --runs "$BENCH_PULL_RUNS" --warmup 1 --timeout 600 \
                        --prepare "podman rmi -af >/dev/null 2>&1; rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb" -- \
                        "${PODMAN[@]}" pull -q --tls-verify=false "$PULL_REF"
                podman rmi -af >/dev/null 2>&1
        fi
        profile pull sh -c "$(pull_reset_conman) >/dev/null 2>&1; conmanctl pull -q --tls-verify=false $PULL_REF"
        sh -c "$(pull_reset_conman)" >/dev/null 2>&1
        rm -rf "$w/sk" "$w/sk-rootfs"
        systemctl stop bench-registry.service 2>/dev/null
        return 0
}
