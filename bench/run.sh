#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh [--quick] [--only start,detached,net,scale,pull,push,pod,cri] [--no-profile] — the benchmarks of issues 8,
# 16 and 17.
#
# Where systemd is not PID 1 (the development and CI machines) it builds the committed tree (HEAD)
# into build-bench/ (or takes BENCH_DESTDIR), boots a throwaway systemd (tests/harness/machine.sh) with the build installed,
# runs itself inside, and always tears the machine down. Where systemd is PID 1 it runs the
# benchmarks right there against the installed conmand.
#
# Writes bench/results/report.md and bench/results/report.json (bench/README.md says how to read
# them). Benchmarks measure; they never fail for being slow. The exit status is non-zero only
# when a benchmark could not run at all.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
ARGS=("$@")
BENCH_QUICK=0
BENCH_ONLY=start,detached,net,scale,pull,push,pod
BENCH_PROFILE=1
while [ $# -gt 0 ]; do
        case "$1" in
        --quick) BENCH_QUICK=1 ;;
        --only) BENCH_ONLY=$2; shift ;;
        --only=*) BENCH_ONLY=${1#--only=} ;;
        --no-profile) BENCH_PROFILE=0 ;;
        -h | --help) sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument $1" >&2; exit 2 ;;
        esac
        shift
done
RESULTS=${BENCH_RESULTS:-$HERE/results}

pid1_is_systemd() {
        [ "$(readlink /proc/1/exe 2>/dev/null)" = /usr/lib/systemd/systemd ] ||
                [ "$(readlink /proc/1/exe 2>/dev/null)" = /lib/systemd/systemd ]
}

# The committed tree ($BENCH_REF, default HEAD), not the working tree that others may be editing: exported into
# build-bench/src when HEAD changed, built optimized into build-bench/build. BENCH_REF=worktree
# builds the working tree instead.
build_committed() {
        local head snap=$SRC/build-bench/src
        if [ "${BENCH_REF:-}" = worktree ]; then
                mkdir -p "$SRC/build-bench" && echo worktree >"$snap.commit"
                "$SRC/scripts/build.sh" "$SRC/build-bench/build" --buildtype=debugoptimized
                return
        fi
        head=$(git -C "$SRC" rev-parse "${BENCH_REF:-HEAD}^{commit}") || return 1
        if [ "$(cat "$snap.commit" 2>/dev/null)" != "$head" ]; then
                rm -rf "$snap" "$SRC/build-bench/build" && mkdir -p "$snap" && git -C "$SRC" archive "$head" | tar -x -C "$snap" || return 1
                echo "$head" >"$snap.commit"
        fi
        "$snap/scripts/build.sh" "$SRC/build-bench/build" --buildtype=debugoptimized
}

# Outside: build, boot the harness, run ourselves in it, tear it down on every exit.
run_outside() {
        local dest rc
        [ "$(id -u)" = 0 ] || { echo "bench: run as root (the benchmarks boot a systemd)" >&2; exit 2; }
        "$SRC/scripts/install-deps.sh" || exit 1
        if [ -n "${BENCH_DESTDIR:-}" ]; then
                dest=$(cd "$BENCH_DESTDIR" && pwd)
        else
                build_committed || exit 1
                dest=$SRC/build-bench/build/dest
        fi
        mkdir -p "$RESULTS"
        # crictl for bench-cri.sh (found inside as tests/integration/cri-tools.bash does): bound read-only.
        local tools=${CONMAN_CRI_TOOLS:-$SRC/../shared/cri-tools} cri_bind=() cri_env=
        [ -d "$tools" ] || tools=/work/shared/cri-tools
        if [ -d "$tools" ]; then
                tools=$(cd "$tools" && pwd)
                cri_bind=(--bind-ro="$tools":"$tools") cri_env="--setenv=CONMAN_CRI_TOOLS=$tools"
        fi
        . "$SRC/tests/harness/machine.sh"
        trap 'machine_teardown' EXIT
        trap 'machine_teardown; exit 130' INT TERM
        machine_boot "conman-bench-$$" "$dest" --bind-ro="$SRC":"$SRC" --bind="$RESULTS":"$RESULTS" \
                --system-call-filter=perf_event_open "${cri_bind[@]}" ||
                { echo "bench: the harness machine did not boot" >&2; exit 1; }
        MACHINE_RUN_ENV="--setenv=BENCH_INSIDE=1 --setenv=BENCH_RESULTS=$RESULTS
                --setenv=BENCH_COMMIT=$(cut -c1-10 "$SRC/build-bench/src.commit" 2>/dev/null) $cri_env" \
                machine_run timeout "${BENCH_TIMEOUT:-7200}" "$HERE/run.sh" "${ARGS[@]}"
        rc=$?
        machine_teardown
        trap - EXIT INT TERM
        return $rc
}

if [ "${BENCH_INSIDE:-0}" != 1 ] && ! pid1_is_systemd; then
        run_outside
        exit $?
fi

# Inside: a real systemd is PID 1 and conmand is installed.
. "$HERE/lib/common.sh"
bench_init
for b in start detached net scale pull push pod cri; do
        case ",$BENCH_ONLY," in *",$b,"*) ;; *) continue ;; esac
        . "$HERE/bench-$b.sh"
        bench_section "$b"
        if ! "bench_$b"; then
                bench_log "benchmark $b could not run"
                BENCH_BROKEN="$BENCH_BROKEN $b"
        fi
done
bench_finish
