#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# format.sh — formats C files in place as .clang-format says (clang-format -i).
# Usage: format.sh            every file scripts/check-format.sh checks
#        format.sh FILE...    only these
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
command -v "$CLANG_FORMAT" >/dev/null ||
        { echo "format: $CLANG_FORMAT not found (Debian: apt-get install clang-format)" >&2; exit 1; }

if [ $# -gt 0 ]; then
        exec "$CLANG_FORMAT" -i "$@"
fi
cd "$SRC"
mapfile -d '' files < <("$SRC/scripts/check-format.sh" --list)
[ ${#files[@]} -gt 0 ] || { echo "format: no C files found (not a git checkout?)" >&2; exit 1; }
"$CLANG_FORMAT" -i "${files[@]}"
echo "format: formatted ${#files[@]} C files"
