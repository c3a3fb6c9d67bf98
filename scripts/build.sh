#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# build.sh BUILDDIR [MESON OPTIONS...] — configures (once) and builds; installs into BUILDDIR/dest.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(mkdir -p "$1" && cd "$1" && pwd); shift
if [ ! -f "$B/build.ninja" ]; then
        meson setup "$B" "$SRC" --prefix=/usr -Dwerror=true "$@" >"$B.setup.log" 2>&1 ||
                { cat "$B.setup.log"; exit 1; }
fi
ninja -C "$B" >/dev/null || ninja -C "$B"
mkdir -p "$B/dest" && find "$B/dest" -mindepth 1 -delete  # keep the directory: harness machines bind it
DESTDIR="$B/dest" meson install -C "$B" --quiet --no-rebuild >/dev/null
