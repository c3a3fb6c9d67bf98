# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-push.sh — push of the pull benchmark's image (bench-pull.sh: ~$BENCH_PULL_MB MB compressed, six
# layers) into an EMPTY local docker-registry (127.0.0.1:5065; wiped and restarted before every run):
#   tools   skopeo copy oci:DIR docker://...   (the same image from an OCI layout on disk: baseline)
#   conman  conmanctl push from its store (the image pulled once, before the runs)
# Both send the same blobs (the stored manifest and the layers as compressed in the layout), so the row
# compares the upload paths: HEAD, POST, PUT of each blob, the manifest last.

. "$HERE/bench-pull.sh"

PUSH_PORT=5065
PUSH_DEST=127.0.0.1:$PUSH_PORT/bench/pushed:1

# A script that empties the push registry and starts it again (run before every timed push).
push_write_reset() {
        local cfg=$BENCH_WORK/push-registry.yml
        cat >"$cfg" <<EOC
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $BENCH_WORK/push-registry
http:
  addr: 127.0.0.1:$PUSH_PORT
EOC
        cat >"$BENCH_WORK/push-reset.sh" <<EOS
systemctl stop bench-push-registry.service 2>/dev/null
rm -rf $BENCH_WORK/push-registry /var/lib/containers/cache/blob-info-cache-v1.boltdb
systemd-run --quiet --collect --unit=bench-push-registry /usr/bin/docker-registry serve $cfg || exit 1
for _ in \$(seq 100); do
        curl -s -o /dev/null http://127.0.0.1:$PUSH_PORT/v2/ && exit 0
        sleep 0.1
done
exit 1
EOS
}

# The image in the layout and in conman's store (pulled from the pull registry).
push_prepare_image() {
        local w=$BENCH_WORK/pull
        [ -e "$w/oci/index.json" ] || pull_build_image || return 1
        pull_start_registry || return 1
        rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
        skopeo copy --quiet --dest-tls-verify=false "oci:$w/oci:1" "docker://$PULL_REF" || return 1
        sh -c "$(pull_reset_conman)" >/dev/null 2>&1
        conmanctl pull -q --tls-verify=false "$PULL_REF" >/dev/null || return 1
        systemctl stop bench-registry.service 2>/dev/null
        return 0
}

bench_push() {
        local w=$BENCH_WORK/pull size layers
        for t in skopeo umoci docker-registry; do
                have $t || { blib fail --id push --label "image push" --group push --why "$t is not installed"
                        return 1; }
        done
        push_prepare_image || { bench_log "preparing the push image failed"; return 1; }
        push_write_reset
        blib latency --id push.tools --label "skopeo copy oci:DIR docker://… (baseline)" --group push \
                --baseline push.tools --runs "$BENCH_PULL_RUNS" --warmup 1 --timeout 600 \
                --prepare "sh $BENCH_WORK/push-reset.sh" -- \
                skopeo copy --quiet --dest-tls-verify=false "oci:$w/oci:1" "docker://$PUSH_DEST"
        blib latency --id push.conman --label "conmanctl push (from the store)" --group push \
                --baseline push.tools --runs "$BENCH_PULL_RUNS" --warmup 1 --timeout 600 \
                --prepare "sh $BENCH_WORK/push-reset.sh" -- \
                conmanctl push -q --tls-verify=false "$PULL_REF" "$PUSH_DEST"
        size=$(remote_size "$PUSH_DEST")
        read -r size layers <<<"$size"
        blib value --id push.size --label "image pushed: compressed size ($layers layers)" --group push \
                --unit MB "$(calc "$size / 1000000")"
        profile push sh -c \
                "sh $BENCH_WORK/push-reset.sh; conmanctl push -q --tls-verify=false $PULL_REF $PUSH_DEST"
        sh -c "$(pull_reset_conman)" >/dev/null 2>&1
        systemctl stop bench-push-registry.service 2>/dev/null
        rm -rf "$BENCH_WORK/push-registry"
        return 0
}
