# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-pod.sh — pods (issue 15), ours against podman's, in the same run:
#   latency  from nothing to a pod with two sleeping busybox containers running (runc), one call
#            after another: `conmanctl pod create` + 2 × `conmanctl run -d --pod`, against
#            `podman pod create` (its infra container) + 2 × `podman run -d --pod`; and, as the floor
#            of our own, the same two containers without a pod;
#   density  $BENCH_PODS pods of 2 sleeping containers each: processes outside the containers per pod
#            (ours: none — a pod is a slice and a oneshot unit that left no process) and memory per pod
#            (ours: conmand's growth; podman's: its conmon processes and the infra containers' pause).
# Pods on --network none, so the figures are the pods' own cost, not the network's.

BENCH_PODS=${BENCH_PODS:-$([ "$BENCH_QUICK" = 1 ] && echo 5 || echo 20)}

pod_cmd() {
        local sys=$1 p=$2
        local run=(run -d --runtime runc --rootfs "$ROOTFS" --pod "$p")
        case $sys in
        conman) POD_CMD=(sh -c "conmanctl pod create --network none --name $p >/dev/null &&
                conmanctl ${run[*]} --name $p-a /bin/sleep 100000 >/dev/null &&
                conmanctl ${run[*]} --name $p-b /bin/sleep 100000 >/dev/null") ;;
        nopod) POD_CMD=(sh -c "conmanctl run -d --runtime runc --network none --rootfs $ROOTFS --name $p-a \
                /bin/sleep 100000 >/dev/null && conmanctl run -d --runtime runc --network none \
                --rootfs $ROOTFS --name $p-b /bin/sleep 100000 >/dev/null") ;;
        podman) POD_CMD=(sh -c "${PODMAN[*]} pod create --network none --name $p >/dev/null &&
                ${PODMAN[*]} ${run[*]} --name $p-a /bin/sleep 100000 >/dev/null &&
                ${PODMAN[*]} ${run[*]} --name $p-b /bin/sleep 100000 >/dev/null") ;;
        esac
}

pod_cleanup() {
        case $1 in
        conman | nopod)
                conmanctl pod ps -q 2>/dev/null | xargs -r conmanctl pod rm -f >/dev/null 2>&1
                "$BENCH_LIB/cleanup.sh" conman ;;
        podman) "${PODMAN[@]}" pod rm -af -t 0 >/dev/null 2>&1; "$BENCH_LIB/cleanup.sh" podman ;;
        esac
}

# pod_density SYS — $BENCH_PODS pods, then processes and memory per pod.
pod_density() {
        local sys=$1 n=$BENCH_PODS before after rss0=0 pids rss i
        pod_cleanup "$sys"
        before=$(count_outside "$BENCH_WORK/procs-pod-before-$sys.txt")
        [ "$sys" = conman ] && rss0=$(pss_kib "$(conmand_pid)")
        for i in $(seq "$n"); do
                pod_cmd "$sys" "bench-pd-$i"
                "${POD_CMD[@]}" >/dev/null 2>&1 || { blib fail --id pod.$sys.density --group pod-density \
                        --label "$sys: $n pods of 2" --why "pod $i did not start"; pod_cleanup "$sys"; return 0; }
        done
        sleep 2
        after=$(count_outside "$BENCH_WORK/procs-pod-after-$sys.txt")
        blib value --id pod.$sys.procs --label "$sys: processes outside the containers per pod ($n pods of 2)" \
                --group pod-density --unit processes "$(calc "($after - $before) / $n")"
        if [ "$sys" = conman ]; then
                rss=$(($(pss_kib "$(conmand_pid)") - rss0))
        else
                pids="$(pgrep -x conmon | tr '\n' ' ') $(pgrep -x catatonit | tr '\n' ' ') $(pgrep -x pause | tr '\n' ' ')"
                rss=$(pss_kib $pids)
        fi
        blib value --id pod.$sys.mem --label "$sys: memory per pod (PSS; conman: conmand's growth)" \
                --group pod-density --unit KiB --baseline pod.conman.mem "$(calc "$rss / $n")"
        pod_cleanup "$sys"
}

bench_pod() {
        local sys label
        for sys in nopod conman podman; do
                if [ $sys = podman ] && ! have podman; then
                        blib fail --id pod.podman --label "podman pod create + 2 containers" --group pod \
                                --why "podman is not installed"
                        continue
                fi
                case $sys in
                nopod) label="2 × conmanctl run -d, no pod (floor)" ;;
                conman) label="conmanctl pod create + 2 × run -d --pod" ;;
                podman) label="podman pod create + 2 × run -d --pod" ;;
                esac
                pod_cleanup $sys
                pod_cmd $sys "bench-p$sys-{i}"
                blib latency --id pod.$sys --label "$label" --group pod --baseline pod.nopod \
                        --runs "$BENCH_RUNS" --warmup 1 --timeout 60 -- "${POD_CMD[@]}"
                pod_cleanup $sys
        done
        pod_density conman
        have podman && pod_density podman
        return 0
}
