#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh DESTDIR [FILE.bats...] — runs integration tests, each file in a freshly booted
# throwaway systemd (tests/harness/machine.sh) with DESTDIR installed into it.
# Prints bats' TAP and, last, "integration: N passed, N failed, N skipped".
# On failure the machine's journal is saved under $CONMAN_TEST_RESULTS (default /tmp/conman-test-results).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
DESTDIR=$(cd "$1" && pwd); shift
RESULTS=${CONMAN_TEST_RESULTS:-/tmp/conman-test-results}
mkdir -p "$RESULTS"
. "$SRC/tests/harness/machine.sh"

files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$HERE"/*.bats)

# crictl and critest for the CRI tests (tests/integration/cri-tools.bash unpacks them in the machine): the
# folder is bound at its own path; tests skip when it is absent.
CRI_TOOLS=${CONMAN_CRI_TOOLS:-$SRC/../shared/cri-tools}
[ -d "$CRI_TOOLS" ] || CRI_TOOLS=/work/shared/cri-tools
cri_bind=() cri_env=
if [ -d "$CRI_TOOLS" ]; then
        CRI_TOOLS=$(cd "$CRI_TOOLS" && pwd)
        cri_bind=(--bind-ro="$CRI_TOOLS":"$CRI_TOOLS") cri_env="--setenv=CONMAN_CRI_TOOLS=$CRI_TOOLS"
fi

passed=0 failed=0 skipped=0
trap 'machine_teardown' EXIT
trap 'machine_teardown; exit 130' INT TERM

for f in "${files[@]}"; do
        f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
        base=$(basename "$f" .bats)
        tap="$RESULTS/$base.tap"
        if ! machine_boot "conman-it-$$" "$DESTDIR" --bind-ro="$SRC":"$SRC" "${cri_bind[@]}"; then
                echo "not ok 1 $base: harness machine failed to boot"
                failed=$((failed + 1))
                machine_teardown
                continue
        fi
        MACHINE_WORKDIR=$SRC MACHINE_RUN_ENV="--setenv=CONMAN_SRC=$SRC $cri_env ${CONMAN_TEST_FILTER:+--setenv=BATS_FILTER=$CONMAN_TEST_FILTER} ${CONMAN_LOAD_SECONDS:+--setenv=CONMAN_LOAD_SECONDS=$CONMAN_LOAD_SECONDS}" \
                machine_run timeout "${CONMAN_TEST_FILE_TIMEOUT:-1200}" \
                bats --tap ${CONMAN_TEST_FILTER:+--filter "$CONMAN_TEST_FILTER"} "$f" | tee "$tap"
        p=$(grep -cE '^ok [0-9]+' "$tap" | tr -d ' ')
        s=$(grep -cE '^ok [0-9]+ .*# skip' "$tap" | tr -d ' ')
        n=$(grep -cE '^not ok [0-9]+' "$tap" | tr -d ' ')
        planned=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$tap" | head -1)
        if [ -n "$planned" ] && [ $((p + n)) -lt "$planned" ]; then
                echo "not ok - $base: only $((p + n)) of $planned tests reported (timeout or crash)"
                n=$((n + planned - p - n))
        elif [ -z "$planned" ]; then
                echo "not ok - $base: bats produced no plan"
                n=$((n + 1))
        fi
        if [ "${CONMAN_TEST_SANITIZER_CHECK:-0}" = 1 ]; then
                # A sanitized conmand (asan-dest.sh): a clean stop runs LeakSanitizer; any report of this
                # boot (errors abort conmand at once; a leak shows at exit) fails the file.
                report=$(machine_run sh -c 'systemctl stop conmand.service
                        journalctl -b -u conmand.service -o cat | grep -E "ERROR: [A-Za-z]+Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer" | head -20')
                if [ -n "$report" ]; then
                        echo "not ok - $base: sanitizer report in conmand's journal:"
                        echo "$report" | sed 's/^/# /'
                        n=$((n + 1))
                else
                        echo "# $base: no sanitizer report in conmand's journal (leak check at a clean stop)"
                fi
        fi
        passed=$((passed + p - s)) skipped=$((skipped + s)) failed=$((failed + n))
        if [ "$n" -gt 0 ]; then
                machine_journal "$RESULTS/$base.journal.txt"
                echo "# journal of the failed run: $RESULTS/$base.journal.txt"
        fi
        machine_teardown
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
