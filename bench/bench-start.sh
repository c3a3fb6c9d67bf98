# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-start.sh — start latency, end to end: a container running /bin/true from a rootfs
# directory, from the call until the client returns the exit code. For runc and crun:
#   bare      RUNTIME run (foreground)                        what the runtime alone costs
#   floor     systemd-run --wait --pipe -p Type=forking ... RUNTIME run -d   (the baseline)
#   conman    conmanctl run --rm --runtime RUNTIME --rootfs DIR /bin/true
#   podman    podman run --rm --runtime RUNTIME --network none --rootfs DIR /bin/true
# Every run has a unique container name; a failed or hung run (timeout) is counted, cleaned up
# and left out of the timings.

bench_start() {
        local rt path b=$BENCH_WORK/bundle-true common
        for rt in runc crun; do
                path=$(runtime_path $rt) || { blib fail --id start.$rt --label "start ($rt)" --group start \
                        --why "$rt is not installed"; continue; }
                common=(--group "start-$rt" --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" --timeout 5 --attempts 3)
                blib latency --id start.$rt.floor --label "systemd-run --wait + $rt run -d (floor)" \
                        "${common[@]}" --baseline start.$rt.floor \
                        --recover "systemctl stop bench-f$rt-{i}.service; $path delete --force bench-f$rt-{i}" -- \
                        systemd-run --wait --pipe --quiet --collect --unit=bench-f$rt-{i} \
                        -p Type=forking -p PIDFile=/run/bench-f$rt-{i}.pid -p WorkingDirectory=$b -p Delegate=yes \
                        -p "ExecStopPost=$path delete --force bench-f$rt-{i}" \
                        "$path" run -d --pid-file /run/bench-f$rt-{i}.pid bench-f$rt-{i}
                blib latency --id start.$rt.bare --label "$rt run (bare runtime)" "${common[@]}" \
                        --baseline start.$rt.floor --recover "$path delete --force bench-b$rt-{i}" -- \
                        "$path" run --bundle "$b" bench-b$rt-{i}
                blib latency --id start.$rt.conman --label "conmanctl run --rm --runtime $rt" "${common[@]}" \
                        --baseline start.$rt.floor --recover "conmanctl rm -f bench-c$rt-{i}" -- \
                        conmanctl run --rm --name bench-c$rt-{i} --runtime $rt --rootfs "$ROOTFS" /bin/true
                if have podman; then
                        blib latency --id start.$rt.podman --label "podman run --rm --runtime $rt" \
                                "${common[@]}" --baseline start.$rt.floor \
                                --recover "podman rm -f -t 0 bench-p$rt-{i}" -- \
                                "${PODMAN[@]}" run --rm --name bench-p$rt-{i} --runtime $rt --network none \
                                --rootfs "$ROOTFS" /bin/true
                else
                        blib fail --id start.$rt.podman --label "podman run --rm --runtime $rt" \
                                --group "start-$rt" --why "podman is not installed"
                fi
        done
        return 0
}
