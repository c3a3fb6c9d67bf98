#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh — the Debian package, end to end (as root):
#   1. copies this tree (tracked and untracked files, not ignored ones such as build/) to a temporary
#      directory and builds the binary package there with `dpkg-buildpackage -b -uc -us` (it writes
#      its results next to the tree it builds, so nothing lands beside the checkout);
#   2. runs lintian on the .deb: any error (E:) fails;
#   3. boots a throwaway systemd (tests/harness/machine.sh) with NOTHING of the build installed and
#      runs tests/package/inside.sh there: dpkg -i, D-Bus activation, a container's output, an
#      in-place upgrade, and a purge that must leave running containers alone.
# Prints TAP-like lines and, last, "package: N passed, N failed"; exits non-zero when anything failed.
#
# CONMAN_PACKAGE_BUILD_OPTIONS: added to DEB_BUILD_OPTIONS (default none: the build runs the unit suite
# as a user's build does; "nocheck" skips it and saves about half a minute).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
. "$SRC/tests/harness/machine.sh"

WORK=$(mktemp -d /tmp/conman-package.XXXXXX)
passed=0 failed=0 n=0
ok() { n=$((n + 1)) passed=$((passed + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)) failed=$((failed + 1)); echo "not ok $n - $*"; }
finish() {
        machine_teardown
        rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM   # the EXIT trap tears down

summary() {
        echo "package: $passed passed, $failed failed"
        [ "$failed" -eq 0 ]
}

# --- 1. build from a copy of the tree -----------------------------------------------------------------
mkdir -p "$WORK/src"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
        # the working tree as it is, without what .gitignore keeps out (build dirs, results)
        (cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
                tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$WORK/src"
else
        tar -C "$SRC" --exclude='./build*' --exclude=./bench/results -cf - . | tar -xf - -C "$WORK/src"
fi
touch "$WORK/stamp"
start=$SECONDS
if (cd "$WORK/src" &&
    DEB_BUILD_OPTIONS="parallel=$(nproc) ${CONMAN_PACKAGE_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -uc -us) >"$WORK/build.log" 2>&1; then
        ok "dpkg-buildpackage -b -uc -us ($((SECONDS - start)) s)"
else
        not_ok "dpkg-buildpackage -b -uc -us"
        tail -40 "$WORK/build.log" | sed 's/^/#   /'
        summary
        exit 1
fi
debs=("$WORK"/conman-systemd_*.deb)
if [ ! -f "${debs[0]}" ]; then
        not_ok "the build made conman-systemd_*.deb"
        summary
        exit 1
fi
DEB=${debs[0]}
if [ -n "$(find "$SRC/.." -maxdepth 1 -newer "$WORK/stamp" -name 'conman-systemd_*' 2>/dev/null)" ]; then
        not_ok "nothing was written next to the checkout"
else
        ok "nothing was written next to the checkout"
fi
echo "# $(basename "$DEB"): $(stat -c %s "$DEB") bytes; Depends: $(dpkg-deb -f "$DEB" Depends)"

# --- 2. lintian -----------------------------------------------------------------------------------------
lrc=0
lintian --info "$DEB" >"$WORK/lintian.txt" 2>"$WORK/lintian.err" || lrc=$?   # 1 when it found errors
errors=$(grep -c '^E: ' "$WORK/lintian.txt" || true)
grep -E '^[EW]: ' "$WORK/lintian.txt" | sed 's/^/#   /' || true
if [ "$errors" -eq 0 ] && [ "$lrc" -eq 0 ]; then
        ok "lintian: no errors ($(grep -c '^W: ' "$WORK/lintian.txt" || true) warnings)"
elif [ "$errors" -eq 0 ]; then
        not_ok "lintian ran (exit status $lrc)"
        sed 's/^/#   /' "$WORK/lintian.err"
else
        not_ok "lintian: $errors errors"
fi

# --- 3. install, use, upgrade and purge it in a booted systemd ----------------------------------------------
mkdir -p "$WORK/empty-dest" "$WORK/deb"
cp "$DEB" "$WORK/deb/"
# An empty DESTDIR: machine_boot's install step copies nothing, the package is all there is. dpkg's
# database is a copy of the host's (the machine's /var is an empty tmpfs; /usr and /etc are overlays
# of the host's, so what dpkg changes stays in the machine).
if ! machine_boot "conman-pkg-$$" "$WORK/empty-dest" --bind-ro="$SRC":"$SRC" \
        --bind-ro="$WORK/deb":/run/conman-test/deb --bind-ro=/var/lib/dpkg:/run/conman-test/host-dpkg ||
   ! machine_exec sh -c 'mkdir -p /var/lib/dpkg && cp -a /run/conman-test/host-dpkg/. /var/lib/dpkg/'; then
        not_ok "harness machine booted"
        summary
        exit 1
fi
# Images built by docker ship /usr/sbin/policy-rc.d ("exit 101"), which forbids maintainer scripts to
# start, restart or stop services; a real host has none. The machine's /usr is an overlay with a
# throwaway upper layer: hide it there, the host keeps its own.
if machine_exec test -e /usr/sbin/policy-rc.d; then
        echo "# hiding /usr/sbin/policy-rc.d in the machine (it forbids service starts)"
        machine_exec mv /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.hidden-by-conman-test || true
fi
if machine_exec test -e /usr/bin/conmanctl -o -e /usr/libexec/conman; then
        not_ok "the machine has no conman before the package is installed"
else
        ok "the machine has no conman before the package is installed"
fi
rc=0
MACHINE_RUN_ENV="--setenv=CONMAN_SRC=$SRC" machine_run timeout 150 \
        bash "$SRC/tests/package/inside.sh" "/run/conman-test/deb/$(basename "$DEB")" >"$WORK/inside.txt" 2>&1 || rc=$?
done=0
while IFS= read -r line; do
        case "$line" in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) not_ok "${line#not ok - }" ;;
        "# inside: done") done=1 ;;
        "#"*) echo "$line" ;;
        *) echo "#   $line" ;;
        esac
done <"$WORK/inside.txt"
if [ "$done" -ne 1 ]; then
        not_ok "the checks in the machine ran to the end (exit status $rc)"
fi
if [ "$failed" -gt 0 ]; then
        machine_journal "$WORK/journal.txt"
        results=${CONMAN_TEST_RESULTS:-/tmp/conman-test-results}
        mkdir -p "$results" && cp "$WORK/journal.txt" "$results/package.journal.txt" 2>/dev/null &&
                echo "# journal of the failed run: $results/package.journal.txt"
fi
summary
