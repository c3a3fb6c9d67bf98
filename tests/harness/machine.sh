#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# machine.sh — a throwaway systemd for integration tests, booted with
# systemd-nspawn from the host's own OS (recipe: docs/harness.md).
#
# Source this file, then:
#   machine_boot NAME DESTDIR        boot, wait until up, install DESTDIR into it
#   machine_exec CMD...              run CMD in the machine's namespaces (odd cgroup)
#   machine_run CMD...               run CMD inside as a proper unit (systemd-run --pipe)
#   machine_journal FILE             save the machine's journal
#   machine_teardown                 power off and reap; always call it (trap)
#
# Every wait has a timeout. Several machines may be booted one after another; machines of
# different callers on one host never run at the same time (they would share the host's cgroup
# v1 trees): machine_boot waits for the host-wide lock $MACHINE_LOCK_FILE, teardown releases it.
#
# Every function is safe under `set -e` and `set -u`: a failing step logs what failed and
# returns non-zero; none ends its caller silently.

MACHINE_NAME=
MACHINE_NSPAWN_PID=
MACHINE_LEADER=
MACHINE_LOG=
MACHINE_BOOT_TIMEOUT=${MACHINE_BOOT_TIMEOUT:-120}
MACHINE_DEST=/run/conman-test/dest
MACHINE_LOCK_FILE=${MACHINE_LOCK_FILE:-/run/lock/conman-harness.lock}
MACHINE_LOCK_TIMEOUT=${MACHINE_LOCK_TIMEOUT:-3600}
MACHINE_LOCK_FD=

machine_log() { echo "harness: $*" >&2; }

machine_find_leader() {
        local pid
        for _ in $(seq 1 100); do
                # nspawn's child that runs systemd as PID 1 of the machine
                for pid in $(pgrep -P "$MACHINE_NSPAWN_PID" 2>/dev/null); do
                        # the comm changes before exec; the exe is systemd only once it runs
                        if [ "$(readlink /proc/$pid/exe 2>/dev/null)" = /usr/lib/systemd/systemd ]; then
                                MACHINE_LEADER=$pid
                                return 0
                        fi
                done
                kill -0 "$MACHINE_NSPAWN_PID" 2>/dev/null || return 1
                sleep 0.1
        done
        return 1
}

# Takes the host-wide harness lock (bounded wait); the fd is not passed to nspawn.
machine_lock() {
        [ -z "$MACHINE_LOCK_FD" ] || return 0
        mkdir -p "$(dirname "$MACHINE_LOCK_FILE")"
        exec {MACHINE_LOCK_FD}>>"$MACHINE_LOCK_FILE"
        if ! flock -n "$MACHINE_LOCK_FD"; then
                machine_log "waiting for another harness machine on this host ($MACHINE_LOCK_FILE)"
                if ! flock -w "$MACHINE_LOCK_TIMEOUT" "$MACHINE_LOCK_FD"; then
                        machine_log "gave up waiting for $MACHINE_LOCK_FILE after ${MACHINE_LOCK_TIMEOUT}s"
                        machine_unlock
                        return 1
                fi
        fi
}

machine_unlock() {
        [ -n "$MACHINE_LOCK_FD" ] || return 0
        exec {MACHINE_LOCK_FD}>&-
        MACHINE_LOCK_FD=
}

machine_exec() {
        nsenter -t "$MACHINE_LEADER" -a "$@"
}

# Runs a command inside the machine as a transient service with our stdio; returns its exit code.
machine_run() {
        machine_exec systemd-run --wait --pipe --quiet --collect \
                -p Delegate=yes -p LimitNOFILE=65536 \
                --setenv=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                --setenv=CONMAN_TEST_MACHINE="$MACHINE_NAME" \
                ${MACHINE_RUN_ENV:-} \
                --working-directory="${MACHINE_WORKDIR:-/}" -- "$@"
}

# Makes cgroup v1 controllers writable so systemd (and runc) can manage them, then re-execs systemd.
machine_setup_cgroups() {
        machine_exec /bin/sh -c '
                for c in /sys/fs/cgroup/*/; do
                        c=${c%/}
                        case "$c" in */unified|*/systemd) continue;; esac
                        mountpoint -q "$c" && mount -o remount,rw,bind "$c"
                done
                mountpoint -q /sys/fs/cgroup && mount -o remount,rw /sys/fs/cgroup 2>/dev/null
                true' || return 1
        machine_exec systemctl daemon-reexec || return 1
        timeout 30 nsenter -t "$MACHINE_LEADER" -a systemctl is-system-running --wait >/dev/null 2>&1
        return 0
}

machine_install() {
        machine_exec /bin/sh -c "cp -a $MACHINE_DEST/. / && systemctl daemon-reload && \
                busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig"
}

machine_boot() {
        local name=$1 destdir=$2 state=
        shift 2
        machine_lock || return 1
        MACHINE_NAME=$name
        MACHINE_LOG=$(mktemp /tmp/conman-machine-$name.XXXXXX.log)
        machine_log "booting $name"
        setsid systemd-nspawn -D / --volatile=yes -M "$name" --boot --register=no --keep-unit \
                --overlay=/etc::/etc --overlay=/usr::/usr --capability=all \
                --system-call-filter="add_key keyctl request_key bpf" \
                --console=passive --private-network \
                --bind-ro="$destdir":"$MACHINE_DEST" "$@" >"$MACHINE_LOG" 2>&1 </dev/null {MACHINE_LOCK_FD}>&- &
        MACHINE_NSPAWN_PID=$!
        if ! machine_find_leader; then
                machine_log "nspawn did not start a systemd; its log:"; cat "$MACHINE_LOG" >&2
                return 1
        fi
        # is-system-running --wait returns once boot finished (running or degraded). "offline" means
        # systemctl could not reach PID 1 yet (its socket is not there on a loaded host): wait on.
        local end=$((SECONDS + MACHINE_BOOT_TIMEOUT))
        while [ $SECONDS -lt $end ]; do
                state=$(timeout "$MACHINE_BOOT_TIMEOUT" nsenter -t "$MACHINE_LEADER" -a \
                        systemctl is-system-running --wait 2>/dev/null) || true  # non-zero unless 'running'
                case "$state" in running|degraded|maintenance|stopping) break ;; esac
                kill -0 "$MACHINE_LEADER" 2>/dev/null || break
                sleep 0.2
        done
        case "$state" in
        running|degraded) ;;
        *) machine_log "machine $name did not finish booting (state '$state')"; return 1 ;;
        esac
        machine_setup_cgroups || { machine_log "cgroup setup failed"; return 1; }
        machine_install || { machine_log "installing the build failed"; return 1; }
        machine_log "$name is up (leader PID $MACHINE_LEADER)"
}

machine_journal() {
        [ -n "$MACHINE_LEADER" ] && kill -0 "$MACHINE_LEADER" 2>/dev/null || return 0
        timeout 30 nsenter -t "$MACHINE_LEADER" -a journalctl -b --no-pager -o short-monotonic >"$1" 2>&1 || true
}

machine_teardown() {
        if [ -z "$MACHINE_NSPAWN_PID" ]; then
                machine_unlock
                return 0
        fi
        if [ -n "$MACHINE_LEADER" ] && kill -0 "$MACHINE_LEADER" 2>/dev/null; then
                timeout 10 nsenter -t "$MACHINE_LEADER" -a systemctl poweroff --force --force >/dev/null 2>&1 &
        fi
        for _ in $(seq 1 100); do
                kill -0 "$MACHINE_NSPAWN_PID" 2>/dev/null || break
                sleep 0.1
        done
        if kill -0 "$MACHINE_NSPAWN_PID" 2>/dev/null; then
                machine_log "machine $MACHINE_NAME did not power off; killing it"
                if [ -n "$MACHINE_LEADER" ]; then kill -9 "$MACHINE_LEADER" 2>/dev/null || true; fi
                sleep 0.5
                kill -9 "$MACHINE_NSPAWN_PID" 2>/dev/null || true
        fi
        wait "$MACHINE_NSPAWN_PID" 2>/dev/null || true
        rm -f "$MACHINE_LOG"
        MACHINE_NSPAWN_PID= MACHINE_LEADER= MACHINE_NAME=
        machine_unlock
}
