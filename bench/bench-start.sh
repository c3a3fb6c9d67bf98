# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-start.sh — start latency, end to end: a container running /bin/true from a rootfs
# directory, from the call until the client returns the exit code. For runc and crun:
#   bare      RUNTIME run (foreground)                        what the runtime alone costs
#   floor     systemd-run --wait --pipe -p Type=forking ... RUNTIME run -d   (the baseline)
#   conman    conmanctl run --rm --runtime RUNTIME --rootfs DIR /bin/true
#   podman    podman run --rm --runtime RUNTIME --network none --rootfs DIR /bin/true
# Every run has a unique container name; a failed or hung run (timeout) is counted, cleaned up
# and left out of the timings.
#
# The same four again with `usleep 50000` instead of /bin/true (group start-RUNTIME-sleep): with
# Type=forking + PIDFile= a container that exits before systemd has read the PID file makes the unit
# fail with result 'protocol' ("New main PID ... does not exist or is a zombie"), which hits both
# the floor and conmanctl for /bin/true; a container that lives 50 ms gives every system the same
# extra work and times the start path that succeeds.

bench_start() {
        start_variant true /bin/true
        start_variant sleep /bin/usleep 50000
        # where the CPU goes in a start (samples per command: conmand, systemd, the runtime, helpers)
        profile start-conman-crun sh -c "for i in \$(seq 1 20); do
                conmanctl run --rm --runtime crun --network none --rootfs $ROOTFS /bin/true; done"
        return 0
}

# start_variant TAG ARGS... — the four systems with runc and crun, container running ARGS.
start_variant() {
        local tag=$1 rt path b=$BENCH_WORK/bundle-$1 common g
        local sfx=
        [ $tag = true ] || sfx=.$tag
        shift
        make_bundle "$b" "$@"
        for rt in runc crun; do
                path=$(runtime_path $rt) || { blib fail --id start.$rt --label "start ($rt)" --group start \
                        --why "$rt is not installed"; continue; }
                g=start-$rt; [ $tag = true ] || g=start-$rt-$tag
                common=(--group $g --runs "$BENCH_RUNS" --warmup "$BENCH_WARMUP" --timeout 4 --attempts "$BENCH_ATTEMPTS")
                blib latency --id start.$rt$sfx.floor --label "systemd-run --wait + $rt run -d (floor)" \
                        "${common[@]}" --baseline start.$rt$sfx.floor \
                        --recover "systemctl stop bench-f$rt-{i}.service; $path delete --force bench-f$rt-{i}" -- \
                        systemd-run --wait --pipe --quiet --collect --unit=bench-f$rt-{i} \
                        -p Type=forking -p PIDFile=/run/bench-f$rt-{i}.pid -p WorkingDirectory=$b -p Delegate=yes \
                        -p "ExecStopPost=$path delete --force bench-f$rt-{i}" \
                        "$path" run -d --pid-file /run/bench-f$rt-{i}.pid bench-f$rt-{i}
                blib latency --id start.$rt$sfx.bare --label "$rt run (bare runtime)" "${common[@]}" \
                        --baseline start.$rt$sfx.floor --recover "$path delete --force bench-b$rt-{i}" -- \
                        "$path" run --bundle "$b" bench-b$rt-{i}
                blib latency --id start.$rt$sfx.conman --label "conmanctl run --rm --runtime $rt --network none" "${common[@]}" \
                        --baseline start.$rt$sfx.floor --recover "conmanctl rm -f bench-c$rt-{i}" -- \
                        conmanctl run --rm --name bench-c$rt-{i} --runtime $rt --network none --rootfs "$ROOTFS" "$@"
                if have podman; then
                        blib latency --id start.$rt$sfx.podman --label "podman run --rm --runtime $rt" \
                                "${common[@]}" --baseline start.$rt$sfx.floor \
                                --recover "podman rm -f -t 0 bench-p$rt-{i}" -- \
                                "${PODMAN[@]}" run --rm --name bench-p$rt-{i} --runtime $rt --network none \
                                --rootfs "$ROOTFS" "$@"
                else
                        blib fail --id start.$rt$sfx.podman --label "podman run --rm --runtime $rt" \
                                --group $g --why "podman is not installed"
                fi
        done
}
