#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# demo.sh — installs dependencies, builds, and runs a real container as a systemd service.
# On a host whose PID 1 is systemd it installs the build into / and runs there; otherwise it
# boots a throwaway systemd with systemd-nspawn (tests/harness/machine.sh) and runs inside it.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root" >&2; exit 2; }
"$SRC/scripts/install-deps.sh"
"$SRC/scripts/build.sh" "$SRC/build"

if [ "$(ps -p 1 -o comm=)" = systemd ]; then
        cp -a "$SRC/build/dest/." /
        systemctl daemon-reload
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
        exec "$SRC/scripts/demo-inside.sh"
fi

. "$SRC/tests/harness/machine.sh"
trap machine_teardown EXIT
machine_boot "conman-demo-$$" "$SRC/build/dest" --bind-ro="$SRC":"$SRC"
MACHINE_WORKDIR=$SRC machine_run "$SRC/scripts/demo-inside.sh"
