# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-scale.sh — $BENCH_SCALE running containers (a sleeping busybox, runc), first ours, then
# podman's as far as it gets within $BENCH_PODMAN_DEADLINE seconds:
#   processes per container outside the containers (all processes of the machine's PID namespace,
#   after minus before, divided by the count; the containers' own are in other PID namespaces),
#   conmand's RSS/PSS in total and per container (podman: the conmon processes), `ps` and `inspect`
#   latency (baselines: systemd's own `systemctl list-units` / `systemctl show` at the same count),
#   and conmand's restart to ready (`systemctl restart conmand` until `conmanctl ps` answers;
#   baseline: the same with no container).

scale_restart_cmd=(sh -c 'systemctl restart conmand && until conmanctl ps -q >/dev/null 2>&1; do :; done')

bench_scale() {
        local n=$BENCH_SCALE before after pid rss0 pss0 got mid
        "$BENCH_LIB/cleanup.sh" conman
        blib latency --id scale.restart0 --label "conmand restart to ready, 0 containers" --group scale-restart \
                --baseline scale.restart0 --runs "$BENCH_SCALE_RUNS" --warmup 1 --timeout 60 -- "${scale_restart_cmd[@]}"
        pid=$(conmand_pid)
        rss0=$(rss_kib "$pid") pss0=$(pss_kib "$pid")
        before=$(count_outside "$BENCH_WORK/procs-before.txt")
        detached_cmd conman bench-s
        blib batch --id scale.conman.start --label "conmanctl run -d: $n, $BENCH_PARALLEL at a time" \
                --group scale-start --baseline scale.conman.start --count "$n" --parallel "$BENCH_PARALLEL" \
                --timeout 120 -- "${DETACHED_CMD[@]}"
        got=$(conmanctl ps -q | wc -l)
        [ "$got" -gt 0 ] || { blib fail --id scale.conman --label "conman at scale" --group scale \
                --why "no container is running"; return 1; }
        sleep 2   # let runtimes and systemd's start jobs settle before counting
        scale_figures conman "$got" "$before" "$rss0" "$pss0"
        mid=bench-s-$((got / 2))
        blib latency --id scale.conman.ps --label "conmanctl ps, $got running" --group scale-ps \
                --baseline scale.systemd.ps --runs "$BENCH_SCALE_RUNS" --warmup 1 -- conmanctl ps
        blib latency --id scale.conman.psjson --label "conmanctl ps -a --format json, $got running" \
                --group scale-ps --baseline scale.systemd.ps --runs "$BENCH_SCALE_RUNS" --warmup 1 -- \
                conmanctl ps -a --format json
        blib latency --id scale.systemd.ps --label "systemctl list-units 'conman-*' (systemd's floor)" \
                --group scale-ps --baseline scale.systemd.ps --runs "$BENCH_SCALE_RUNS" --warmup 1 -- \
                systemctl list-units --no-pager --all 'conman-*'
        blib latency --id scale.conman.inspect --label "conmanctl inspect, $got running" --group scale-inspect \
                --baseline scale.systemd.inspect --runs "$BENCH_SCALE_RUNS" --warmup 1 -- conmanctl inspect $mid
        blib latency --id scale.systemd.inspect --label "systemctl show conman-NAME.service (systemd's floor)" \
                --group scale-inspect --baseline scale.systemd.inspect --runs "$BENCH_SCALE_RUNS" --warmup 1 -- \
                systemctl show conman-$mid.service
        blib latency --id scale.restart --label "conmand restart to ready, $got containers" --group scale-restart \
                --baseline scale.restart0 --runs "$BENCH_SCALE_RUNS" --warmup 0 --timeout 60 -- \
                "${scale_restart_cmd[@]}"
        blib value --id scale.conman.after_restart --label "containers listed after the restarts" \
                --group scale --unit containers --better higher "$(conmanctl ps -q | wc -l)"
        blib value --id scale.conman.rss_fresh --label "conmand RSS right after a restart, $got containers" \
                --group scale-mem --unit MiB "$(calc "$(rss_kib "$(conmand_pid)") / 1024")"
        profile ps sh -c 'for i in $(seq 20); do conmanctl ps >/dev/null; done'
        profile restart timeout 120 "${scale_restart_cmd[@]}"
        local t0=$SECONDS
        "$BENCH_LIB/cleanup.sh" conman
        blib value --id scale.conman.rm --label "conmanctl rm -f of $got containers (200 per call)" --group scale \
                --unit s $((SECONDS - t0))
        have podman && scale_podman
        return 0
}

# scale_figures SYSTEM COUNT OUTSIDE_BEFORE RSS0 PSS0
scale_figures() {
        local sys=$1 n=$2 before=$3 rss0=$4 pss0=$5 after inside rss pss pids
        after=$(count_outside "$BENCH_WORK/procs-after-$sys.txt")
        inside=$(count_inside)
        blib value --id scale.$sys.count --label "$sys: containers running" --group scale --unit containers \
                --better higher "$n"
        blib value --id scale.$sys.procs --label "$sys: processes per container outside it ($after - $before) / $n" \
                --group scale --unit processes --baseline scale.conman.procs \
                "$(calc "($after - $before) / $n")"
        blib value --id scale.$sys.inside --label "$sys: processes inside the containers" --group scale \
                --unit processes "$inside"
        python3 - "$BENCH_WORK/procs-before.txt" "$BENCH_WORK/procs-after-$sys.txt" \
                >"$RESULTS/procs-$sys.txt" <<'EOF'
import sys
def load(p):
    return {l.split()[0]: int(l.split()[1]) for l in open(p) if l.strip()}
b, a = load(sys.argv[1]), load(sys.argv[2])
for k in sorted(set(a) | set(b), key=lambda k: b.get(k, 0) - a.get(k, 0)):
    if a.get(k, 0) != b.get(k, 0):
        print("%-20s %+d" % (k, a.get(k, 0) - b.get(k, 0)))
EOF
        if [ $sys = conman ]; then
                pids=$(conmand_pid)
        else
                pids=$(pgrep -x conmon | tr '\n' ' ')
        fi
        rss=$(rss_kib $pids) pss=$(pss_kib $pids)
        blib value --id scale.$sys.rss --label "$sys: RSS total, $n containers" --group scale-mem --unit MiB \
                --baseline scale.conman.rss "$(calc "$rss / 1024")"
        blib value --id scale.$sys.pss --label "$sys: PSS total, $n containers" --group scale-mem --unit MiB \
                --baseline scale.conman.pss "$(calc "$pss / 1024")"
        blib value --id scale.$sys.rss_per --label "$sys: RSS per container (growth / count)" --group scale-mem \
                --unit KiB --baseline scale.conman.rss_per "$(calc "($rss - $rss0) / $n")"
        blib value --id scale.$sys.pss_per --label "$sys: PSS per container (growth / count)" --group scale-mem \
                --unit KiB --baseline scale.conman.pss_per "$(calc "($pss - $pss0) / $n")"
}

scale_podman() {
        local before got mid
        "$BENCH_LIB/cleanup.sh" podman
        before=$(count_outside "$BENCH_WORK/procs-before.txt")
        detached_cmd podman bench-s
        blib batch --id scale.podman.start --label "podman run -d: up to $BENCH_SCALE, $BENCH_PARALLEL at a time" \
                --group scale-start --baseline scale.conman.start --count "$BENCH_SCALE" \
                --parallel "$BENCH_PARALLEL" --timeout 120 --deadline "$BENCH_PODMAN_DEADLINE" -- "${DETACHED_CMD[@]}"
        got=$(podman ps -q | wc -l)
        [ "$got" -gt 0 ] || { blib fail --id scale.podman --label "podman at scale" --group scale \
                --why "no podman container is running"; return 0; }
        sleep 2
        scale_figures podman "$got" "$before" 0 0
        mid=bench-s-$((got / 2))
        blib latency --id scale.podman.ps --label "podman ps, $got running" --group scale-ps \
                --baseline scale.systemd.ps --runs "$BENCH_SCALE_RUNS" --warmup 1 -- podman ps
        blib latency --id scale.podman.inspect --label "podman inspect, $got running" --group scale-inspect \
                --baseline scale.systemd.inspect --runs "$BENCH_SCALE_RUNS" --warmup 1 -- podman inspect $mid
        local t0=$SECONDS
        "$BENCH_LIB/cleanup.sh" podman
        blib value --id scale.podman.rm --label "podman rm -af of $got containers" --group scale --unit s \
                $((SECONDS - t0))
}
