#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# asan-dest.sh BUILDDIR — builds conman-systemd with ASan+UBSan into BUILDDIR/dest for the
# integration tests, with a drop-in that gives conmand its sanitizer options:
#   scripts/build.sh is run with -Db_sanitize=address,undefined -Db_lundef=false;
#   only conmand is sanitized (conmanctl and the helpers systemd runs come from a plain build in
#   BUILDDIR-plain, so a leak report of a short-lived client does not fail a test);
#   reports go to conmand's stderr, i.e. the journal (journalctl -u conmand | grep Sanitizer),
#   and abort_on_error=1 turns any error into a crash the tests see.
# Then: tests/integration/run.sh BUILDDIR/dest FILE.bats...
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=$1
"$SRC/scripts/build.sh" "$B" -Db_sanitize=address,undefined -Db_lundef=false
"$SRC/scripts/build.sh" "$B-plain"
sanitized=$B/dest/usr/libexec/conman/conmand
cp "$sanitized" "$B/conmand.sanitized"
find "$B/dest" -mindepth 1 -delete && cp -a "$B-plain/dest/." "$B/dest/"
cp "$B/conmand.sanitized" "$sanitized"
mkdir -p "$B/dest/etc/systemd/system/conmand.service.d"
cat >"$B/dest/etc/systemd/system/conmand.service.d/50-sanitizers.conf" <<'EOC'
# ASan+UBSan build of conmand (tests/integration/asan-dest.sh)
[Service]
Environment=ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:disable_coredump=1:print_summary=1:halt_on_error=1
Environment=UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
Environment=LSAN_OPTIONS=exitcode=23
EOC
echo "sanitized conmand in $B/dest"
