#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench-quick.sh — runs the benchmarks in quick mode (bench/run.sh --quick boots its own
# throwaway systemd) so they never rot. Passes when every benchmark ran and the report was
# written; slow figures never fail it. Prints "bench: 1 passed, 0 failed" or "... 0 passed, 1 failed".
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=${BENCH_RESULTS:-$SRC/bench/results/quick}
export BENCH_RESULTS=$RESULTS
if BENCH_TIMEOUT=${BENCH_TIMEOUT:-600} "$SRC/bench/run.sh" --quick &&
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["figures"] and not r["meta"]["broken"] else 1)' \
                "$RESULTS/report.json"; then
        sed -n '/^## Targets/,/^## Start latency, end to end, runc/p' "$RESULTS/report.md" | head -14
        echo "bench: 1 passed, 0 failed"
        exit 0
fi
echo "bench: 0 passed, 1 failed (see $RESULTS and the output above)"
exit 1
