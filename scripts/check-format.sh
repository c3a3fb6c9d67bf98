#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-format.sh — checks that every C file of the tree is formatted as .clang-format says
# (clang-format --dry-run --Werror). Prints the files that are off and how many places each has;
# exits 1 when any is, 0 when all are. scripts/format.sh applies the format.
#
# The files: every *.c and *.h git knows (tracked, or new and not ignored), minus EXCLUDE below.
# Generated C (the seccomp profiles, conman-config.h) lives in the build directory, not here.
#
# Usage: check-format.sh [--diff]   also print what clang-format would change
#        check-format.sh --list     print the checked files, NUL-separated (for format.sh)
# Runs as the meson test 'clang-format' (suite unit). Outside a git checkout (a source package) or
# without clang-format it skips (exit 77, meson's "skipped").
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

# Extended regexes of paths (from the top of the tree) that are not ours to format: vendored or
# generated sources. None today.
EXCLUDE=()

mode=check
case "${1:-}" in
"") ;;
--diff) mode=diff ;;
--list) mode=list ;;
*) echo "usage: $0 [--diff|--list]" >&2; exit 2 ;;
esac

if ! git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
        echo "check-format: $SRC is not a git checkout; skipped"
        exit 77
fi

list_files() {
        local f x skip
        while IFS= read -r -d '' f; do
                [ -f "$SRC/$f" ] || continue # deleted in the work tree
                skip=0
                for x in "${EXCLUDE[@]}"; do
                        [[ $f =~ $x ]] && skip=1
                done
                [ $skip = 1 ] || printf '%s\0' "$f"
        done < <(git -C "$SRC" ls-files -z --cached --others --exclude-standard -- '*.c' '*.h' | sort -zu)
}

if [ $mode = list ]; then
        list_files
        exit 0
fi

if ! command -v "$CLANG_FORMAT" >/dev/null; then
        echo "check-format: $CLANG_FORMAT not found (Debian: apt-get install clang-format, or scripts/install-deps.sh); skipped"
        exit 77
fi

mapfile -d '' files < <(list_files)
cd "$SRC"
# One run over all files; each place that is off is one "FILE:LINE:COL: error: code should be
# clang-formatted" line.
out=$("$CLANG_FORMAT" --dry-run --Werror "${files[@]}" 2>&1 >/dev/null)
status=$?
counts=$(sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' <<<"$out" | sort | uniq -c)
if [ -z "$counts" ]; then
        if [ "$status" -ne 0 ]; then
                echo "check-format: $CLANG_FORMAT failed:" >&2
                echo "$out" >&2
                exit 1
        fi
        echo "check-format: all ${#files[@]} C files are formatted ($("$CLANG_FORMAT" --version))"
        exit 0
fi

bad=0 places=0
while read -r n f; do
        echo "$f: $n places not formatted"
        bad=$((bad + 1)) places=$((places + n))
        if [ $mode = diff ]; then
                "$CLANG_FORMAT" "$f" | diff -u --label "a/$f" --label "b/$f" "$f" -
        fi
done <<<"$counts"
echo "check-format: $bad of ${#files[@]} C files are not formatted ($places places); run scripts/format.sh"
exit 1
