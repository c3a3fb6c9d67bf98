#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# conmanctl starts for every command a user types: it must not link libarchive (and libxml2, libicu behind
# it: ~3 ms at each start). Its tar code loads it on first use (conman-systemd/shared/archive-dl.h).
set -eu
needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "$needed" | sed 's/^/# NEEDED /'
if echo "$needed" | grep -E '^lib(archive|xml2|icu)'; then
        echo "not ok: $1 links the libraries above; reach them through dlopen"
        exit 1
fi
echo "ok: $1 links none of libarchive, libxml2, libicu"
