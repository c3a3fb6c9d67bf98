# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-cri.sh — the CRI server (issue 16), conman-cri against containerd 1.6 (Debian's), in the same run,
# both driven by the same crictl (cri-tools v1.26.1, found as tests/integration/cri-tools.bash finds it):
#   round    runp + create + start + stopp + rmp of one pod with one busybox `sleep 3600` container,
#            one crictl call after another: each step's and the whole round's median over
#            $BENCH_CRI_ROUNDS rounds (after one warm-up), and `crictl version` (the client's own
#            start-up, in every step);
#   density  $BENCH_CRI_PODS running pods of one such container: processes per pod besides the container's own
#            (conman: none; containerd: its shim and the sandbox's pause), their RSS/PSS per pod, and the
#            servers' RSS (conman: conman-cri and conmand; containerd: containerd) and growth per pod.
# Pods as kubelet makes them by default (PID namespace per container); conman's density is measured once more
# with a pod-shared PID namespace, the one case where conman runs a pause.
# containerd is configured as the fixture's inside/setup-containerd.sh does (runc, cgroupfs,
# restrict_oom_score_adj without CAP_SYS_RESOURCE, a CNI bridge) but runs as a transient unit with its own
# config, root, state, socket and CNI directory, so neither its files nor its bridge touch conman's (conman0).
# The same busybox image is imported into both under one name, so no pull is timed.

BENCH_CRI_ROUNDS=${BENCH_CRI_ROUNDS:-$([ "$BENCH_QUICK" = 1 ] && echo 3 || echo 20)}
BENCH_CRI_PODS=${BENCH_CRI_PODS:-10}
CRI_IMG=localhost/bench-cri-box:1
CRI_PAUSE=registry.k8s.io/pause:3.6
CRI_CONMAN=unix:///run/conman/cri.sock
CTRD_STATE=/run/conman-bench-containerd
CRI_CONTAINERD=unix://$CTRD_STATE/containerd.sock
CTRD_UNIT=conman-bench-containerd.service

# crictl from the cri-tools folder (tests/integration/cri-tools.bash), or a reason in CRI_WHY.
cri_find_crictl() {
        . "$SRC/tests/integration/cri-tools.bash"
        local src
        src=$(cri_tools_dir) ||
                { CRI_WHY="crictl not found (CONMAN_CRI_TOOLS, ../shared/cri-tools)"; return 1; }
        have xz || { CRI_WHY="xz is not installed"; return 1; }
        cri_tools_unpack "$src" && [ -x "$CRI_TOOLS_BIN/crictl" ] ||
                { CRI_WHY="cannot unpack crictl"; return 1; }
        CRICTL=$CRI_TOOLS_BIN/crictl
}

crictl_at() {
        local ep=$1
        shift
        "$CRICTL" --runtime-endpoint "$ep" --image-endpoint "$ep" --timeout 60s "$@"
}

# The busybox image (OCI layout from $ROOTFS) and, for containerd's sandboxes, a pause image built from a
# static C pause; docker archives of both for `ctr images import`.
cri_images() {
        local w=$BENCH_WORK/cri-img
        [ -f "$w/box.tar" ] && [ -f "$w/pause.tar" ] && return 0
        rm -rf "$w" && mkdir -p "$w" || return 1
        umoci init --layout "$w/oci" && umoci new --image "$w/oci:box" &&
                umoci unpack --image "$w/oci:box" "$w/b" >/dev/null && cp -a "$ROOTFS/." "$w/b/rootfs/" &&
                umoci repack --image "$w/oci:box" "$w/b" >/dev/null &&
                umoci config --image "$w/oci:box" --config.cmd /bin/sh || return 1
        printf '%s\n' '#include <signal.h>' '#include <sys/wait.h>' '#include <unistd.h>' \
                'static void bye(int s) { _exit(0); }' \
                'static void reap(int s) { while (waitpid(-1, 0, WNOHANG) > 0) ; }' \
                'int main(void) { signal(SIGINT, bye); signal(SIGTERM, bye); signal(SIGCHLD, reap);' \
                '        for (;;) pause(); }' >"$w/pause.c"
        gcc -static -O2 -s -o "$w/pause" "$w/pause.c" || return 1
        umoci new --image "$w/oci:pause" && umoci unpack --image "$w/oci:pause" "$w/p" >/dev/null &&
                cp "$w/pause" "$w/p/rootfs/pause" && umoci repack --image "$w/oci:pause" "$w/p" >/dev/null &&
                umoci config --image "$w/oci:pause" --config.entrypoint /pause --config.user 65535:65535 ||
                return 1
        skopeo copy -q "oci:$w/oci:box" "docker-archive:$w/box.tar:$CRI_IMG" &&
                skopeo copy -q "oci:$w/oci:pause" "docker-archive:$w/pause.tar:$CRI_PAUSE"
}

# containerd as the fixture configures it, as a transient unit with files of its own.
cri_containerd_start() {
        local d=$BENCH_WORK/containerd restrict=false cap
        cap=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
        (((0x$cap >> 24 & 1) == 0)) && restrict=true
        mkdir -p "$d/net.d" "$CTRD_STATE"
        cat >"$d/net.d/10-bench.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "bench-containerd", "plugins": [
  { "type": "bridge", "bridge": "bench-ctrd0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.88.0.0/16" }]],
              "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "loopback" } ] }
EOF
        cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$CTRD_STATE"
[grpc]
  address = "$CTRD_STATE/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$CRI_PAUSE"
  enable_selinux = false
  restrict_oom_score_adj = $restrict
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/net.d"
EOF
        systemctl stop "$CTRD_UNIT" 2>/dev/null
        systemctl reset-failed "$CTRD_UNIT" 2>/dev/null
        systemd-run --quiet --unit="$CTRD_UNIT" -p Type=notify -p Delegate=yes -p KillMode=mixed \
                -p LimitNOFILE=1048576 -p TasksMax=infinity containerd --config "$d/config.toml" || return 1
        for _ in $(seq 100); do
                crictl_at "$CRI_CONTAINERD" version >/dev/null 2>&1 && return 0
                sleep 0.2
        done
        return 1
}

cri_containerd_stop() {
        cri_clean "$CRI_CONTAINERD"
        systemctl stop "$CTRD_UNIT" 2>/dev/null
}

# Both servers, both images; sets CRI_WHY when something is missing.
cri_setup() {
        cri_find_crictl || return 1
        have containerd && have ctr ||
                { CRI_WHY="containerd is not installed (scripts/deps.d/bench.list)"; return 1; }
        have umoci && have skopeo && have gcc || { CRI_WHY="umoci, skopeo or gcc is missing"; return 1; }
        cri_images || { CRI_WHY="the images could not be built"; return 1; }
        systemctl start conman-cri.socket && crictl_at "$CRI_CONMAN" version >/dev/null ||
                { CRI_WHY="conman-cri does not answer"; return 1; }
        conmanctl image inspect "$CRI_IMG" >/dev/null 2>&1 ||
                conmanctl image import "$BENCH_WORK/cri-img/box.tar" "$CRI_IMG" >/dev/null ||
                { CRI_WHY="conmanctl image import failed"; return 1; }
        cri_containerd_start ||
                { CRI_WHY="containerd did not start: $(journalctl -u "$CTRD_UNIT" -n 3 -o cat)"; return 1; }
        local a=(ctr --address "$CTRD_STATE/containerd.sock" -n k8s.io images import)
        "${a[@]}" "$BENCH_WORK/cri-img/box.tar" >/dev/null &&
                "${a[@]}" "$BENCH_WORK/cri-img/pause.tar" >/dev/null ||
                { CRI_WHY="ctr images import failed"; return 1; }
        crictl_at "$CRI_CONTAINERD" inspecti "$CRI_IMG" >/dev/null &&
                crictl_at "$CRI_CONMAN" inspecti "$CRI_IMG" >/dev/null ||
                { CRI_WHY="the image $CRI_IMG is not visible through CRI"; return 1; }
}

# Removes every pod of the server at EP.
cri_clean() {
        local p
        for p in $(crictl_at "$1" pods -q 2>/dev/null); do
                crictl_at "$1" stopp "$p" >/dev/null 2>&1
                crictl_at "$1" rmp -f "$p" >/dev/null 2>&1
        done
}

# cri_configs DIR NAME PIDMODE — DIR/NAME-pod.json and DIR/NAME-ctr.json (PIDMODE: 0 POD, 1 CONTAINER).
cri_configs() {
        local dir=$1 n=$2
        mkdir -p "$dir"
        cat >"$dir/$n-pod.json" <<EOF
{"metadata": {"name": "$n", "namespace": "bench", "uid": "uid-$n-$RANDOM$RANDOM", "attempt": 0},
 "log_directory": "/var/log/pods/bench-$n",
 "linux": {"security_context": {"namespace_options": {"pid": $3}}}}
EOF
        cat >"$dir/$n-ctr.json" <<EOF
{"metadata": {"name": "sleeper"}, "image": {"image": "$CRI_IMG"}, "command": ["sleep", "3600"],
 "log_path": "sleeper.log", "linux": {}}
EOF
}

# cri_round EP N — one round; prints "version runp create start stopp rmp" in ms, fails on any failed step.
cri_round() {
        local ep=$1 n=$2 d=$BENCH_WORK/cri-cfg t pod ctr
        cri_configs "$d" "r$n" 1
        now() { date +%s%N; }
        t=("$(now)")
        crictl_at "$ep" version >/dev/null || return 1; t+=("$(now)")
        pod=$(crictl_at "$ep" runp "$d/r$n-pod.json") || return 1; t+=("$(now)")
        ctr=$(crictl_at "$ep" create "$pod" "$d/r$n-ctr.json" "$d/r$n-pod.json") || return 1; t+=("$(now)")
        crictl_at "$ep" start "$ctr" >/dev/null || return 1; t+=("$(now)")
        crictl_at "$ep" stopp "$pod" >/dev/null || return 1; t+=("$(now)")
        crictl_at "$ep" rmp "$pod" >/dev/null || return 1; t+=("$(now)")
        rm -f "$d/r$n-pod.json" "$d/r$n-ctr.json"
        awk -v s="${t[*]}" 'BEGIN { n = split(s, a, " ")
                for (i = 2; i <= n; i++) printf "%.3f ", (a[i] - a[i-1]) / 1e6; print "" }'
}

# cri_latency SYS EP — the rounds; one figure per step and one for the whole round.
cri_latency() {
        local sys=$1 ep=$2 i j out s failed=0 why= steps=(version runp create start stopp rmp)
        declare -A v=()
        for i in $(seq 0 "$BENCH_CRI_ROUNDS"); do
                out=$(cri_round "$ep" "$sys-$i" 2>&1) && out=$(tail -1 <<<"$out") || out="failed: $out"
                if [ "$(wc -w <<<"$out")" != 6 ] || [[ $out == failed:* ]]; then
                        failed=$((failed + 1)) why=${out:0:160}
                        cri_clean "$ep"
                        [ $failed -gt "$BENCH_CRI_ROUNDS" ] && break
                        continue
                fi
                [ "$i" = 0 ] && continue # the warm-up
                read -r -a s <<<"$out"
                for j in 0 1 2 3 4 5; do v[${steps[$j]}]+=" ${s[$j]}"; done
                v[round]+=" $(calc "${s[1]} + ${s[2]} + ${s[3]} + ${s[4]} + ${s[5]}")"
        done
        if [ -z "${v[round]:-}" ]; then
                blib fail --id cri.$sys.round --label "$sys: crictl runp + create + start + stopp + rmp" \
                        --group cri \
                        --why "no round succeeded ($failed failed): $why"
                return 0
        fi
        [ $failed = 0 ] || bench_log "cri: $sys: $failed rounds failed: $why"
        blib value --id cri.$sys.round --label "$sys: crictl runp + create + start + stopp + rmp" \
                --group cri --unit ms --baseline cri.containerd.round ${v[round]}
        for s in "${steps[@]}"; do
                blib value --id cri.$sys.$s --label "$sys: crictl $s$([ "$s" = version ] &&
                        echo ' (the client alone, in every step)')" --group cri-steps --unit ms \
                        --baseline cri.containerd.$s ${v[$s]}
        done
}

# Every process of the machine, all PID namespaces: "pid exe-name cmdline" lines.
cri_procs() {
        python3 -c '
import os
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    try:
        exe = os.path.basename(os.readlink("/proc/%s/exe" % p))
        cmd = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        continue
    print(p, exe, cmd)'
}

# cri_density SYS EP PIDMODE TAG — $BENCH_CRI_PODS running pods, then processes and memory per pod.
cri_density() {
        local sys=$1 ep=$2 pm=$3 tag=$4 n=$BENCH_CRI_PODS d=$BENCH_WORK/cri-cfg i pod ctr added pids
        local rss pss what="$n pods" srv0 srv1 label
        cri_clean "$ep"
        sleep 1
        srv0=$(rss_kib $(cri_server_pids "$sys"))
        cri_procs >"$BENCH_WORK/cri-procs-before"
        for i in $(seq "$n"); do
                cri_configs "$d" "d$tag-$i" "$pm"
                pod=$(crictl_at "$ep" runp "$d/d$tag-$i-pod.json") &&
                        ctr=$(crictl_at "$ep" create "$pod" "$d/d$tag-$i-ctr.json" "$d/d$tag-$i-pod.json") &&
                        crictl_at "$ep" start "$ctr" >/dev/null || {
                        blib fail --id cri.$tag.procs --label "$sys: $what" --group cri-density \
                                --why "pod $i did not start"
                        cri_clean "$ep"
                        return 0
                }
        done
        sleep 2
        cri_procs >"$BENCH_WORK/cri-procs-after"
        # Added processes, less the containers' own (`sleep 3600`).
        added=$(awk 'NR == FNR { had[$1] = 1; next } !had[$1] && $0 !~ / sleep 3600$/ && $2 !~ /^python3/' \
                "$BENCH_WORK/cri-procs-before" "$BENCH_WORK/cri-procs-after")
        pids=$(awk '{print $1}' <<<"$added")
        awk '{print $2}' <<<"$added" | grep . | sort | uniq -c | awk '{printf "%-24s +%d\n", $2, $1}' \
                >"$RESULTS/procs-cri-$tag.txt"
        rss=$(rss_kib $pids) pss=$(pss_kib $pids) srv1=$(rss_kib $(cri_server_pids "$sys"))
        label="$sys ($(cri_pidmode_name "$pm"))"
        blib value --id cri.$tag.procs --label "$label: processes per pod besides the container's ($what)" \
                --group cri-density --unit processes --baseline cri.containerd.procs \
                "$(calc "$(grep -c . <<<"$added") / $n")"
        blib value --id cri.$tag.rss --label "$label: their RSS per pod" --group cri-density --unit KiB \
                --baseline cri.containerd.rss "$(calc "$rss / $n")"
        blib value --id cri.$tag.pss --label "$label: their PSS per pod" --group cri-density --unit KiB \
                --baseline cri.containerd.pss "$(calc "$pss / $n")"
        blib value --id cri.$tag.srv --label "$label: server RSS with $what ($(cri_server_name "$sys"))" \
                --group cri-server --unit MiB --baseline cri.containerd.srv "$(calc "$srv1 / 1024")"
        blib value --id cri.$tag.srvgrowth --label "$label: server RSS growth per pod" --group cri-server \
                --unit KiB --baseline cri.containerd.srvgrowth "$(calc "($srv1 - $srv0) / $n")"
        cri_clean "$ep"
}

cri_pidmode_name() { [ "$1" = 0 ] && echo "pod-shared PID namespace" || echo "PID namespace per container"; }
cri_server_name() { [ "$1" = conman ] && echo "conman-cri + conmand" || echo containerd; }
cri_server_pids() {
        if [ "$1" = conman ]; then
                echo "$(systemctl show -P MainPID conman-cri.service) $(conmand_pid)"
        else
                systemctl show -P MainPID "$CTRD_UNIT"
        fi
}

bench_cri() {
        if ! cri_setup; then
                bench_log "cri: skipped: $CRI_WHY"
                blib fail --id cri.skipped --label "CRI round trip and density" --group cri --why "$CRI_WHY"
                cri_containerd_stop
                return 0
        fi
        cri_clean "$CRI_CONMAN"
        cri_latency containerd "$CRI_CONTAINERD"
        cri_latency conman "$CRI_CONMAN"
        cri_density containerd "$CRI_CONTAINERD" 1 containerd
        cri_density conman "$CRI_CONMAN" 1 conman
        cri_density conman "$CRI_CONMAN" 0 conman-sharedpid
        cri_containerd_stop
        return 0
}
