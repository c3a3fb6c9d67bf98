# SPDX-License-Identifier: LGPL-2.1-or-later
# common.sh — shared by the benchmarks (sourced by bench/run.sh inside a real systemd):
# settings per mode, the busybox rootfs and OCI bundles, process and memory probes, podman's
# options, and the report at the end.

BENCH_WORK=${BENCH_WORK:-/var/tmp/conman-bench}
BENCH_LIB=$HERE/lib
BENCH_BROKEN=
PODMAN=(podman)   # what works inside the nspawn machine: see bench/README.md ("podman")

bench_log() { echo "bench: $*" >&2; }
bench_section() { echo "bench: ===== $1 =====" >&2; }
blib() { python3 "$BENCH_LIB/benchlib.py" "$@"; }
have() { command -v "$1" >/dev/null 2>&1; }

# Counts per mode; every one can be overridden from the environment.
bench_settings() {
        if [ "$BENCH_QUICK" = 1 ]; then
                : "${BENCH_RUNS:=5}" "${BENCH_WARMUP:=1}" "${BENCH_BATCH:=10}" "${BENCH_ROUNDS:=1}"
                : "${BENCH_SCALE:=20}" "${BENCH_SCALE_RUNS:=3}" "${BENCH_PULL_MB:=8}" "${BENCH_PULL_RUNS:=2}"
                : "${BENCH_PODMAN_DEADLINE:=60}" "${BENCH_ATTEMPTS:=1}"
        else
                : "${BENCH_RUNS:=20}" "${BENCH_WARMUP:=3}" "${BENCH_BATCH:=200}" "${BENCH_ROUNDS:=2}"
                : "${BENCH_SCALE:=1000}" "${BENCH_SCALE_RUNS:=10}" "${BENCH_PULL_MB:=100}" "${BENCH_PULL_RUNS:=5}"
                : "${BENCH_PODMAN_DEADLINE:=900}" "${BENCH_ATTEMPTS:=2}"
        fi
        : "${BENCH_PARALLEL:=8}"
        export BENCH_RUNS BENCH_WARMUP BENCH_BATCH BENCH_ROUNDS BENCH_SCALE BENCH_SCALE_RUNS BENCH_PULL_MB \
                BENCH_PULL_RUNS BENCH_PODMAN_DEADLINE BENCH_PARALLEL BENCH_ATTEMPTS
}

bench_init() {
        bench_settings
        mkdir -p "$RESULTS" "$BENCH_WORK"
        rm -f "$RESULTS"/report.md "$RESULTS"/report.json "$RESULTS"/profile-*.txt
        export BENCH_FIGURES=$RESULTS/figures.jsonl
        : >"$BENCH_FIGURES"
        ROOTFS=$BENCH_WORK/rootfs
        make_rootfs "$ROOTFS"
        make_bundle "$BENCH_WORK/bundle-true" /bin/true
        make_bundle "$BENCH_WORK/bundle-sleep" /bin/sleep 100000
        systemctl start conmand || bench_log "conmand did not start"
        bench_meta >"$RESULTS/meta.json"
        BENCH_T0=$SECONDS
}

bench_finish() {
        BENCH_ELAPSED=$((SECONDS - BENCH_T0))
        export BENCH_ELAPSED BENCH_BROKEN
        python3 - "$RESULTS/meta.json" <<'EOF'
import json, os, sys
m = json.load(open(sys.argv[1]))
m["load_end"] = open("/proc/loadavg").read().split()[:3]
m["seconds"] = int(os.environ["BENCH_ELAPSED"])
m["broken"] = os.environ["BENCH_BROKEN"].split()
json.dump(m, open(sys.argv[1], "w"), indent=1)
EOF
        python3 "$HERE/report.py" "$RESULTS" || BENCH_BROKEN="$BENCH_BROKEN report"
        bench_log "report: $RESULTS/report.md, $RESULTS/report.json"
        [ -z "$BENCH_BROKEN" ] || { bench_log "could not run:$BENCH_BROKEN"; exit 1; }
        exit 0
}

bench_meta() {
        python3 - <<EOF
import json, os, platform, subprocess
def out(*c):
    try:
        return subprocess.run(c, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    except Exception:
        return "n/a"
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print(json.dumps({
    "date": out("date", "-u", "+%Y-%m-%d %H:%M UTC"),
    "quick": "$BENCH_QUICK" == "1",
    "commit": os.environ.get("BENCH_COMMIT", ""),
    "kernel": platform.release(), "cpu": cpu[0] if cpu else "", "cpus": os.cpu_count(),
    "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    "systemd": out("systemctl", "--version"), "runc": out("runc", "--version"),
    "crun": out("crun", "--version"), "podman": out("podman", "--version"),
    "conmanctl": out("conmanctl", "--version"),
    "load_start": open("/proc/loadavg").read().split()[:3],
    "settings": {k: os.environ[k] for k in sorted(os.environ) if k.startswith("BENCH_") and k not in
                 ("BENCH_FIGURES", "BENCH_ELAPSED", "BENCH_BROKEN", "BENCH_COMMIT", "BENCH_INSIDE")},
}, indent=1))
EOF
}

# A busybox root filesystem (the same one the integration tests use).
make_rootfs() {
        local dir=$1
        [ -x "$dir/bin/busybox" ] && return 0
        mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root}
        cp /bin/busybox "$dir/bin/busybox"
        for applet in $("$dir/bin/busybox" --list); do
                [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
        done
        echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
        echo 'root:x:0:' >"$dir/etc/group"
}

# make_bundle DIR ARGS... — an OCI bundle on $ROOTFS from `runc spec` (no terminal), for the
# runtime-only baselines.
make_bundle() {
        local dir=$1; shift
        mkdir -p "$dir" && rm -f "$dir/config.json"
        (cd "$dir" && runc spec) || return 1
        python3 - "$dir/config.json" "$ROOTFS" "$@" <<'EOF'
import json, sys
path, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["root"] = {"path": rootfs, "readonly": True}
json.dump(c, open(path, "w"), indent=1)
EOF
}

runtime_path() { command -v "$1"; }

# detached_cmd SYSTEM PREFIX — sets DETACHED_CMD to the command words ({i} = run number).
detached_cmd() {
        local path b=$BENCH_WORK/bundle-sleep n=$2-{i}
        path=$(runtime_path runc)
        case $1 in
        floor) DETACHED_CMD=(systemd-run --quiet --collect --unit=$n -p Type=forking -p PIDFile=/run/$n.pid
                -p WorkingDirectory=$b -p Delegate=yes -p "ExecStopPost=$path delete --force $n"
                "$path" run -d --pid-file /run/$n.pid $n) ;;
        conman) DETACHED_CMD=(conmanctl run -d --name $n --network none --rootfs "$ROOTFS" /bin/sleep 100000) ;;
        podman) DETACHED_CMD=("${PODMAN[@]}" run -d --name $n --runtime runc --network none
                --rootfs "$ROOTFS" /bin/sleep 100000) ;;
        esac
}

# Processes in this (the machine's) PID namespace, i.e. everything outside containers, with the
# command names: prints "COUNT" and writes "comm count" lines to $1 when given.
count_outside() {
        python3 - "${1:-/dev/null}" <<'EOF'
import collections, os, sys
me = os.readlink("/proc/self/ns/pid")
names = collections.Counter()
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) == os.getpid():
        continue
    try:
        if os.readlink("/proc/%s/ns/pid" % p) != me:
            continue
        names[open("/proc/%s/comm" % p).read().strip()] += 1
    except OSError:
        pass
with open(sys.argv[1], "w") as f:
    for n, c in names.most_common():
        f.write("%s %d\n" % (n, c))
print(sum(names.values()))
EOF
}

# Processes in containers (any other PID namespace).
count_inside() {
        python3 -c '
import os
me = os.readlink("/proc/self/ns/pid"); n = 0
for p in os.listdir("/proc"):
    try:
        n += p.isdigit() and os.readlink("/proc/%s/ns/pid" % p) != me
    except OSError:
        pass
print(n)'
}

# rss_kib PID... / pss_kib PID... — summed memory of processes, in KiB.
rss_kib() { local p t=0 v; for p in "$@"; do v=$(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null); t=$((t + ${v:-0})); done; echo $t; }
pss_kib() { local p t=0 v; for p in "$@"; do v=$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null); t=$((t + ${v:-0})); done; echo $t; }
conmand_pid() { systemctl show -P MainPID conmand; }

# profile NAME CMD... — system-wide perf profile while CMD runs; conmand's share to profile-NAME.txt.
profile() {
        local name=$1; shift
        [ "$BENCH_PROFILE" = 1 ] && have perf || return 0
        local data=$BENCH_WORK/perf-$name.data out=$RESULTS/profile-$name.txt
        perf record -q -a -g -o "$data" -- "$@" >/dev/null 2>"$BENCH_WORK/perf-$name.log" ||
                { bench_log "perf record failed for $name: $(tail -2 "$BENCH_WORK/perf-$name.log")"; return 0; }
        {
                echo "# perf, system-wide while: $*"
                echo "## samples per command"
                perf report -i "$data" --stdio --sort comm --no-children 2>/dev/null | grep -v '^#' | grep . | head -15
                echo "## conmand: hottest symbols (self)"
                perf report -i "$data" --stdio --comm conmand --sort dso,sym --no-children -g none \
                        --percent-limit 1.5 2>/dev/null | grep -v '^#' | grep . | head -30
        } >"$out"
        rm -f "$data"
}

calc() { awk "BEGIN { printf \"%.6g\n\", $* }"; }
