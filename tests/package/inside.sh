#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# inside.sh DEB — the checks of tests/package/run.sh, run as root inside a harness machine that has
# nothing of conman installed: installs the Debian package DEB with dpkg (no network: its
# dependencies are in the host's OS image), uses it, upgrades it in place and purges it while
# containers run. Prints "ok - ..." / "not ok - ..." lines (run.sh numbers and counts them) and,
# last, "# inside: done".
set -eu
DEB=$1
SRC=${CONMAN_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRC/tests/integration/helpers.bash"   # make_rootfs, wait_until
PKG=conman-systemd
R=/var/tmp/rootfs
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

# check DESCRIPTION CMD...: runs CMD, prints ok/not ok; on failure, CMD's output as comments.
check() {
        local desc=$1; shift
        if "$@" >"$OUT" 2>&1; then
                echo "ok - $desc"
        else
                echo "not ok - $desc"
                sed 's/^/#   /' "$OUT" | tail -20
        fi
}

activatable() {
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ListActivatableNames |
                grep -q '"io.conman1"'
}
unit_prop() { systemctl show -P "$2" "$1"; }
main_pid() { unit_prop "$1" MainPID; }
# the unit is active and its main process (the container's init) is the same, living process
still_running() {
        local unit=$1 pid=$2
        [ "$(unit_prop "$unit" ActiveState)" = active ] && [ "$(main_pid "$unit")" = "$pid" ] &&
                [ "$pid" -gt 0 ] && kill -0 "$pid"
}
installed() { [ "$(dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null)" = "install ok installed" ]; }
not_installed() { ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q installed; }

make_rootfs "$R"

# --- install ---------------------------------------------------------------------------------------
check "dpkg -i installs $(basename "$DEB") (dependencies from the OS image)" \
        env DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB"
check "dpkg reports the package installed" installed
check "conmand.service is enabled and running after install" \
        sh -c '[ "$(systemctl is-enabled conmand.service)" = enabled ] && systemctl -q is-active conmand.service'
check "the generator, helpers, bus policy and man pages are in place" test -x /usr/bin/conmanctl \
        -a -x /usr/lib/systemd/system-generators/conman-generator -a -x /usr/libexec/conman/conmand \
        -a -x /usr/libexec/conman/conman-prepare -a -x /usr/libexec/conman/conman-exit-record \
        -a -f /usr/share/dbus-1/system.d/io.conman1.conf -a -f /usr/share/man/man1/conmanctl.1.gz
check "/var/lib/conman and /run/conman exist, mode 0700" \
        sh -c '[ "$(stat -c %a /var/lib/conman /run/conman | sort -u)" = 700 ]'

# --- D-Bus activation --------------------------------------------------------------------------------
systemctl stop conmand.service || true
check "io.conman1 is an activatable bus name" activatable
check "a D-Bus call starts the stopped conmand" sh -c '! systemctl -q is-active conmand.service &&
        conmanctl version && systemctl -q is-active conmand.service'

# --- use it --------------------------------------------------------------------------------------------
check "conmanctl run shows the container's output" \
        sh -c "conmanctl run --rm --rootfs $R /bin/echo hello-from-the-package | grep -qx hello-from-the-package"
check "conmanctl run -d starts a long-running container" \
        conmanctl run -d --name keep --rootfs "$R" /bin/sleep 1000
keep_pid=$(main_pid conman-keep.service)
check "the container is conman-keep.service in conman.slice with its init as MainPID" sh -c \
        "[ \"\$(systemctl show -P Slice conman-keep.service)\" = conman.slice ] && [ $keep_pid -gt 0 ] &&
         [ \"\$(cat /proc/$keep_pid/comm)\" = sleep ]"
mkdir -p /etc/conman/containers
printf '[Container]\nRootfs=%s\nExec=/bin/sleep 1000\n' "$R" >/etc/conman/containers/boot.container
systemctl daemon-reload || true
check "the generator makes conman-boot.service of /etc/conman/containers/boot.container" \
        sh -c '[ "$(systemctl show -P FragmentPath conman-boot.service)" = /run/systemd/generator/conman-boot.service ]'
check "the boot-time container starts" systemctl start conman-boot.service
boot_pid=$(main_pid conman-boot.service)

# --- upgrade in place: conmand restarts, containers do not ---------------------------------------------
conmand_pid=$(main_pid conmand.service)
check "dpkg -i of the same package again (the upgrade path)" \
        env DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB"
check "the upgrade restarted conmand" sh -c "systemctl -q is-active conmand.service &&
        [ \"\$(systemctl show -P MainPID conmand.service)\" != $conmand_pid ]"
both_running() { still_running conman-keep.service "$keep_pid" && still_running conman-boot.service "$boot_pid"; }
check "the containers kept running through the upgrade" both_running
check "the restarted conmand still knows the running container" \
        sh -c '[ "$(conmanctl inspect -f "{{.State.Status}}" keep)" = running ]'

# --- purge while containers run ------------------------------------------------------------------------
dpkg -L "$PKG" >/var/tmp/package-files || true
check "dpkg --purge removes the package" env DEBIAN_FRONTEND=noninteractive dpkg --purge "$PKG"
check "dpkg reports the package gone" not_installed
check "the running container's unit is still active, its init alive" still_running conman-keep.service "$keep_pid"
check "the boot-time container is still active, its init alive" still_running conman-boot.service "$boot_pid"
check "conmand is stopped and its unit is gone" sh -c '! systemctl -q is-active conmand.service &&
        [ "$(systemctl show -P LoadState conmand.service)" = not-found ]'
not_activatable() { ! activatable; }
check "io.conman1 is no longer activatable (the bus reloaded its configuration)" not_activatable
leftover() {
        local f left=0
        while read -r f; do
                [ -d "$f" ] && continue
                if [ -e "$f" ] || [ -L "$f" ]; then echo "left behind: $f"; left=1; fi
        done </var/tmp/package-files
        return $left
}
check "every file of the package is gone ($(grep -c . /var/tmp/package-files) paths)" leftover
check "purge keeps /var/lib/conman while a container runs" test -d /var/lib/conman/containers
stop_keep() {
        systemctl stop conman-keep.service
        ! systemctl -q is-active conman-keep.service && ! kill -0 "$keep_pid"
}
check "without the package, systemctl stop still stops a container" stop_keep
echo "# inside: done"
