#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-golden.sh GENERATOR SRCDIR [--update] — golden-file test of conman-generator.
# $GOLDEN_LIBEXECDIR, $GOLDEN_STATEDIR, $GOLDEN_RUNDIR: the build's paths, written as
# @LIBEXECDIR@, @STATEDIR@, @RUNDIR@ in the expectations.
# Copies input/{etc,run,usr} to a temporary directory (replacing @TMP@ in them), runs
# `conman-generator --dry-run` over it, and compares stdout with expected.txt and
# stderr with expected-errors.txt after turning the temporary directory back into
# @TMP@ and the runtimes' paths into @RUNC@/@CRUN@. --update rewrites the expectations.
set -eu
GEN=$1 HERE=$2 UPDATE=${3:-}
PATH=$PATH:/usr/sbin:/sbin
command -v runc >/dev/null && command -v crun >/dev/null || { echo "runc and crun needed; skipping"; exit 77; }
T=$(mktemp -d /tmp/conman-golden.XXXXXX)
trap 'rm -rf "$T"' EXIT
cp -r "$HERE/input/." "$T/"
mkdir -p "$T/rootfs" "$T/data"
mkfifo "$T/fifo" # EnvironmentFile= must refuse it, not block on it
printf '# an environment file\nE1=one\n\nE2=two=2\n' >"$T/env"
find "$T" -type f -name '*.c*' -exec sed -i "s#@TMP@#$T#g" {} +
# The spec JSON is container_spec_to_json(): an empty "ports" list (bridge networking) is dropped so the
# expectations hold with or without that field.
normalize() {
        sed -e '/"ports":\[$/{N;/\n *\],\?$/d}' -e "s#$T#@TMP@#g" \
            -e "s#${GOLDEN_LIBEXECDIR:-/usr/libexec/conman}/#@LIBEXECDIR@/#g" \
            -e "s#${GOLDEN_STATEDIR:-/var/lib/conman}/#@STATEDIR@/#g" \
            -e "s#${GOLDEN_RUNDIR:-/run/conman}/#@RUNDIR@/#g" \
            -e "s#$(command -v runc || echo /nonexistent/runc)#@RUNC@#g" \
            -e "s#$(command -v crun || echo /nonexistent/crun)#@CRUN@#g"
}
rc=0
"$GEN" --dry-run "$T/etc" "$T/run" "$T/usr" >"$T/out" 2>"$T/err" || rc=$?
normalize <"$T/out" >"$T/out.n"
normalize <"$T/err" >"$T/err.n"
echo "exit status: $rc" >>"$T/err.n"
if [ "$UPDATE" = --update ]; then
        cp "$T/out.n" "$HERE/expected.txt"
        cp "$T/err.n" "$HERE/expected-errors.txt"
        exit 0
fi
ok=0
diff -u "$HERE/expected.txt" "$T/out.n" || ok=1
diff -u "$HERE/expected-errors.txt" "$T/err.n" || ok=1
exit $ok
