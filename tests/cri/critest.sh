#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# critest.sh DESTDIR — the CRI conformance suite (critest v1.26.1) against conman-cri, in a booted machine.
#
# Uses the offline fixture of ../shared/cri-tools (or $CONMAN_CRI_TOOLS): it builds every image the suite pulls
# from busybox, serves them from a local docker-registry under their path, and conman's registry mirror
# configuration (/etc/conman/registries.d) sends gcr.io, registry.k8s.io, k8s.gcr.io and docker.io there, so
# the suite pulls by the public names with no network. Then critest runs against unix:///run/conman/cri.sock,
# socket-activated.
#
# Specs this server does not pass yet are skipped by name, each with its reason, from tests/cri/critest-skip.txt
# (docs/cri.md lists them for users); every other spec must pass. Prints the summary, the failed specs, and last
# "critest: N passed, N failed, N skipped". Without the fixture: one skip, with the reason.
# CONMAN_CRITEST_FOCUS=REGEXP runs only the specs it matches (ginkgo's focus).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
DESTDIR=$(cd "$1" && pwd)
RESULTS=${CONMAN_TEST_RESULTS:-/tmp/conman-test-results}/critest
. "$SRC/tests/harness/machine.sh"

tools=""
for d in "${CONMAN_CRI_TOOLS:-}" "$SRC/../shared/cri-tools" /work/shared/cri-tools; do
        if [ -n "$d" ] && [ -f "$d/critest.xz" ] && [ -d "$d/fixture" ]; then
                tools=$(cd "$d" && pwd)
                break
        fi
done
if [ -z "$tools" ]; then
        echo "# critest: no cri-tools (critest.xz, fixture/) in \$CONMAN_CRI_TOOLS, $SRC/../shared/cri-tools or /work/shared/cri-tools"
        echo "critest: 0 passed, 0 failed, 1 skipped"
        exit 0
fi

work=$(mktemp -d /var/tmp/conman-critest.XXXXXX)
trap 'machine_teardown; rm -rf "$work"' EXIT
trap 'machine_teardown; rm -rf "$work"; exit 130' INT TERM
mkdir -p "$work/bin" "$RESULTS"
xz -dc "$tools/critest.xz" >"$work/bin/critest" && xz -dc "$tools/crictl.xz" >"$work/bin/crictl" &&
        chmod +x "$work/bin/critest" "$work/bin/crictl" || {
        echo "critest: 0 passed, 1 failed (cannot unpack critest/crictl)"
        exit 1
}
# The fixture is read-only where it is kept: a copy to build the images into.
cp -r "$tools/fixture" "$work/fixture" && rm -rf "$work/fixture/results" "$work/fixture/images"
if ! "$work/fixture/build-images.sh" "$work/fixture/images" >"$RESULTS/build-images.log" 2>&1; then
        tail -20 "$RESULTS/build-images.log"
        echo "critest: 0 passed, 1 failed (the fixture's images did not build: $RESULTS/build-images.log)"
        exit 1
fi

# One ginkgo regexp of every skipped spec (lines "SPEC-REGEXP  # reason"; blank lines and "#" lines are comments).
skip=$(sed -E 's/[[:space:]]+#.*$//; /^[[:space:]]*(#|$)/d' "$HERE/critest-skip.txt" | paste -sd '|')
n_skip_listed=$(sed -E 's/[[:space:]]+#.*$//; /^[[:space:]]*(#|$)/d' "$HERE/critest-skip.txt" | wc -l)

# nspawn's own seccomp filter would be inherited by every container (the "seccomp unconfined" specs expect
# "Seccomp: 0"): the fixture's README.
export SYSTEMD_SECCOMP=0
if ! machine_boot "conman-critest-$$" "$DESTDIR" --bind-ro="$SRC":"$SRC" --bind="$work":"$work"; then
        echo "critest: 0 passed, 1 failed (the machine did not boot)"
        exit 1
fi
MACHINE_WORKDIR=$work MACHINE_RUN_ENV="--setenv=PATH=$work/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        machine_run bash -c '
set -u
work=$1 results=$2 skip=$3 focus=$4
export FIXTURE=$work/fixture
$FIXTURE/inside/start-registry.sh >/dev/null || exit 1
mkdir -p /etc/conman/registries.d
for h in gcr.io registry.k8s.io k8s.gcr.io docker.io; do
        printf "[registry \"%s\"]\nmirror = http://127.0.0.1:5000\n\n" "$h"
done >/etc/conman/registries.d/50-critest.conf
systemctl start conman-cri.socket || exit 1
ep=unix:///run/conman/cri.sock
crictl --runtime-endpoint $ep version || exit 1
LABEL=conman RESULTS=$results CRITEST=$work/bin/critest SKIP="$skip" FOCUS="$focus" VERBOSE=1 \
        $FIXTURE/run-critest.sh $ep >/dev/null 2>&1
cp $results/critest-conman/summary.txt $work/summary.txt 2>/dev/null
cp $results/critest-conman/specs.tsv $work/specs.tsv 2>/dev/null
journalctl -b -u conman-cri.service -u conmand.service --no-pager >$results/journal.txt 2>&1
exit 0
' critest "$work" "$work/results" "$skip" "${CONMAN_CRITEST_FOCUS:-}"
cp -r "$work/results/." "$RESULTS/" 2>/dev/null

if [ ! -s "$work/specs.tsv" ]; then
        echo "critest: 0 passed, 1 failed (no report: $RESULTS)"
        exit 1
fi
cat "$work/summary.txt"
p=$(grep -c '^passed' "$work/specs.tsv")
f=$(grep -vcE '^(passed|skipped|pending)' "$work/specs.tsv")
s=$(grep -c '^skipped' "$work/specs.tsv")
echo "# critest: $n_skip_listed specs skipped by tests/cri/critest-skip.txt (with the suite's own benchmark skips: $s)"
echo "# critest: output, reports and the journal in $RESULTS"
echo "critest: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
