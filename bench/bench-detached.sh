# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-detached.sh — detached start (runc, the default runtime): a sleeping busybox container,
# from the call until it returns with the container's init running (all three wait for the
# start to finish: conmand replies on systemd's JobRemoved, systemd-run waits for the start job,
# podman for the runtime's start). $BENCH_BATCH containers one after another — each call's
# latency and the rate — then $BENCH_BATCH with $BENCH_PARALLEL calls at a time.
#   floor   systemd-run -p Type=forking ... runc run -d   (the baseline)
#   conman  conmanctl run -d --rootfs DIR sleep
#   podman  podman run -d --network none --rootfs DIR sleep

bench_detached() {
        local sys label clean
        for sys in floor conman podman; do
                if [ $sys = podman ] && ! have podman; then
                        blib fail --id detached.podman --label "podman run -d" --group detached \
                                --why "podman is not installed"
                        continue
                fi
                case $sys in
                floor) label="systemd-run + runc run -d (floor)" ;;
                conman) label="conmanctl run -d" ;;
                podman) label="podman run -d" ;;
                esac
                clean="$BENCH_LIB/cleanup.sh $sys"
                $clean
                detached_cmd $sys bench-fd
                blib batch --id detached.$sys.seq --label "$label: $BENCH_BATCH in a row" --group throughput \
                        --baseline detached.floor.seq --count "$BENCH_BATCH" --rounds "$BENCH_ROUNDS" \
                        --timeout 30 --between "$clean" --latency-id detached.$sys \
                        --latency-label "$label" --latency-baseline detached.floor --latency-group detached -- "${DETACHED_CMD[@]}"
                blib batch --id detached.$sys.par --label "$label: $BENCH_BATCH, $BENCH_PARALLEL at a time" \
                        --group throughput --baseline detached.floor.par --count "$BENCH_BATCH" \
                        --parallel "$BENCH_PARALLEL" --rounds "$BENCH_ROUNDS" --timeout 60 --between "$clean" \
                        -- "${DETACHED_CMD[@]}"
        done
        return 0
}
