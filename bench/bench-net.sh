# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-net.sh — what the network costs a container (issue 17), runc, busybox /bin/true from a rootfs:
#   none      conmanctl run --rm --network none                 (the baseline)
#   native    conmanctl run --rm                                 the default conman0: the native driver
#   publish   conmanctl run --rm -p 18081:80                     conman0 with a published port
#   cni       conmanctl run --rm --network benchcni              a bridge network declared as a CNI conflist
#   podman    podman run --rm --network none, and on its default network with each backend (CNI, netavark)
# the start path against the plainest systemd way to run the container in the foreground (issue 17's floor):
#   fgfloor   systemd-run --wait -p Delegate=yes -p WorkingDirectory=BUNDLE RUNTIME run ID
# and throughput: $BENCH_BATCH `conmanctl run -d` of a sleeping container, $BENCH_PARALLEL at a time, on
# conman0 against --network none.

bench_net() {
        local common podnet rt path b=$BENCH_WORK/bundle-true
        common=(--group net --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" --timeout 8 --attempts "$BENCH_ATTEMPTS")
        write_bench_cni_network
        blib latency --id net.none --label "conmanctl run --rm --network none" "${common[@]}" --baseline net.none \
                --recover "conmanctl rm -f bench-nn-{i}" -- \
                conmanctl run --rm --name bench-nn-{i} --runtime runc --network none --rootfs "$ROOTFS" /bin/true
        blib latency --id net.native --label "conmanctl run --rm (conman0, native)" "${common[@]}" \
                --baseline net.none --recover "conmanctl rm -f bench-nd-{i}" -- \
                conmanctl run --rm --name bench-nd-{i} --runtime runc --rootfs "$ROOTFS" /bin/true
        blib latency --id net.publish --label "conmanctl run --rm -p 18081:80 (conman0, native)" "${common[@]}" \
                --baseline net.none --recover "conmanctl rm -f bench-np-{i}" -- \
                conmanctl run --rm --name bench-np-{i} --runtime runc -p 18081:80 --rootfs "$ROOTFS" /bin/true
        blib latency --id net.cni --label "conmanctl run --rm --network benchcni (CNI plugins)" "${common[@]}" \
                --baseline net.none --recover "conmanctl rm -f bench-nc-{i}" -- \
                conmanctl run --rm --name bench-nc-{i} --runtime runc --network benchcni --rootfs "$ROOTFS" /bin/true
        if have podman; then
                blib latency --id net.podman.none --label "podman run --rm --network none" "${common[@]}" \
                        --baseline net.none --recover "podman rm -f -t 0 bench-pn-{i}" -- \
                        "${PODMAN[@]}" run --rm --name bench-pn-{i} --runtime runc --network none \
                        --rootfs "$ROOTFS" /bin/true
                blib latency --id net.podman.default --label "podman run --rm (its default network, CNI)" \
                        "${common[@]}" --baseline net.none --recover "podman rm -f -t 0 bench-pd-{i}" -- \
                        "${PODMAN[@]}" --network-backend cni run --rm --name bench-pd-{i} --runtime runc \
                        --rootfs "$ROOTFS" /bin/true
                if [ -x /usr/lib/podman/netavark ]; then
                        blib latency --id net.podman.netavark --label "podman run --rm (default network, netavark)" \
                                "${common[@]}" --baseline net.none --recover "podman rm -f -t 0 bench-pv-{i}" -- \
                                "${PODMAN[@]}" --network-backend netavark run --rm --name bench-pv-{i} --runtime runc \
                                --rootfs "$ROOTFS" /bin/true
                else
                        blib fail --id net.podman.netavark --label "podman run --rm (default network, netavark)" \
                                --group net --why "netavark is not installed (Debian's package: netavark)"
                fi
        fi
        # issue 17's floor: the runtime in the foreground under systemd-run (no pid file, so no race)
        for rt in runc crun; do
                path=$(runtime_path $rt) || continue
                blib latency --id net.fgfloor.$rt --label "systemd-run --wait + $rt run (foreground floor)" \
                        --group start-floor --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" --timeout 8 \
                        --attempts "$BENCH_ATTEMPTS" --baseline net.fgfloor.$rt \
                        --recover "systemctl stop bench-g$rt-{i}.service; $path delete --force bench-g$rt-{i}" -- \
                        systemd-run --wait --pipe --quiet --collect --unit=bench-g$rt-{i} -p Delegate=yes \
                        -p WorkingDirectory=$b "$path" run bench-g$rt-{i}
                blib latency --id net.fgconman.$rt --label "conmanctl run --rm --runtime $rt --network none" \
                        --group start-floor --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" --timeout 8 \
                        --attempts "$BENCH_ATTEMPTS" --baseline net.fgfloor.$rt \
                        --recover "conmanctl rm -f bench-gc$rt-{i}" -- \
                        conmanctl run --rm --name bench-gc$rt-{i} --runtime $rt --network none --rootfs "$ROOTFS" /bin/true
        done
        # throughput: many detached starts, $BENCH_PARALLEL at a time
        for podnet in none native; do
                local net=(--network none)
                [ $podnet = native ] && net=()
                "$BENCH_LIB/cleanup.sh" conman
                blib batch --id net.batch.$podnet --label "conmanctl run -d ($podnet): $BENCH_BATCH, $BENCH_PARALLEL at a time" \
                        --group net-throughput --baseline net.batch.none --count "$BENCH_BATCH" \
                        --parallel "$BENCH_PARALLEL" --rounds "$BENCH_ROUNDS" --timeout 60 \
                        --between "$BENCH_LIB/cleanup.sh conman" -- \
                        conmanctl run -d --name bench-nb$podnet-{i} "${net[@]}" --rootfs "$ROOTFS" /bin/sleep 100000
        done
        "$BENCH_LIB/cleanup.sh" conman
        rm -f /var/lib/conman/networks/benchcni.conflist
        return 0
}

# A bridge network declared as a CNI configuration list: conmand runs the plugins for it.
write_bench_cni_network() {
        mkdir -p /var/lib/conman/networks
        cat >/var/lib/conman/networks/benchcni.conflist <<'JSON'
{ "cniVersion": "1.0.0", "name": "benchcni",
  "plugins": [
    { "type": "bridge", "bridge": "cmbench0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.99.7.0/24", "gateway": "10.99.7.1" }]],
                "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "/run/conman/ipam" } },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "firewall" } ] }
JSON
}
