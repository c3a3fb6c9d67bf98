#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# demo-inside.sh — the demo itself, run where systemd is PID 1 and conman-systemd is installed.
set -eu
. "$(dirname "$0")/../tests/integration/helpers.bash"
R=/var/tmp/conman-demo-rootfs
make_rootfs "$R"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

run conmanctl info
run conmanctl run -d --name web --memory 64m --rootfs "$R" /bin/sh -c 'echo hello from a container; exec httpd -f -p 8080'
run conmanctl ps
run systemctl status --no-pager --lines=3 conman-web.service
say "systemctl show -p MainPID,MemoryMax conman-web.service"
systemctl show -p MainPID,MemoryMax conman-web.service
say "processes besides the container's own: none (no shim)"
ps -eo pid,ppid,comm | grep -E 'runc|crun|conmon' || echo "  (no runc/crun/conmon processes)"
sleep 0.5
run journalctl -u conman-web.service --no-pager -o cat
run conmanctl run --rm --rootfs "$R" /bin/sh -c 'echo exit code 7 follows; exit 7' || echo "exit code: $?"
run conmanctl stop web
run conmanctl ps -a
run conmanctl rm web
