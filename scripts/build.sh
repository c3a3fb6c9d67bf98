#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# build.sh BUILDDIR [MESON OPTIONS...] — configures (once) and builds; installs into BUILDDIR/dest.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$1; shift
if [ ! -f "$B/build.ninja" ]; then
        meson setup "$B" "$SRC" --prefix=/usr -Dwerror=true "$@" >"$B.setup.log" 2>&1 ||
                { cat "$B.setup.log"; exit 1; }
fi
ninja -C "$B" >/dev/null || ninja -C "$B"
rm -rf "$B/dest"
DESTDIR="$B/dest" meson install -C "$B" --quiet --no-rebuild >/dev/null
