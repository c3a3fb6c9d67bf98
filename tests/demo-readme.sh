#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# demo-readme.sh — runs the README's first command exactly as written, in a fresh clone of this
# repository's HEAD, and checks that it worked: exit 0 and the output of a container that ran from
# a pulled image. Uncommitted changes are not in the clone (CI runs on a clean clone anyway).
# Prints "demo: ok" or "demo: FAILED ..." and exits accordingly.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)

# The first line of the README's first ```sh block, without its comment.
cmd=$(awk '/^```sh$/ { inblock = 1; next } inblock { print; exit }' "$SRC/README.md" | sed 's/[[:space:]]*#.*$//')
[ -n "$cmd" ] || { echo "demo: FAILED: no command found in README.md"; exit 1; }

tmp=$(mktemp -d /var/tmp/conman-demo-clone.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$SRC" "$tmp/clone"
echo "demo: running the README's first command in a fresh clone: $cmd"
status=0
(cd "$tmp/clone" && bash -c "$cmd") >"$tmp/out" 2>&1 </dev/null || status=$?
sed 's/^/# /' "$tmp/out"
if [ $status -ne 0 ]; then
        echo "demo: FAILED: '$cmd' exited $status"
        exit 1
fi
for want in "Pulled 127.0.0.1:" "hello from a conman container" "exit code: 7" "demo: done"; do
        if ! grep -qF "$want" "$tmp/out"; then
                echo "demo: FAILED: the output lacks '$want'"
                exit 1
        fi
done
echo "demo: ok"
