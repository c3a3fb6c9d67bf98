#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh SECONDS [BUILDDIR] [FUZZER...] — builds every fuzzer with clang as a libFuzzer target
# (with ASan+UBSan) and runs each for SECONDS, starting from a copy of its committed corpus.
# New inputs stay in the work directory; a crash leaves crash-* there and makes the run fail.
# (No -Werror here: clang warns about things gcc does not, and the -Werror gate is the gcc build.)
# Prints one line per fuzzer and ends with "fuzz: N clean, N failed".
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:?usage: run.sh SECONDS [BUILDDIR] [FUZZER...]}
B=${2:-$SRC/build-fuzz}
shift $(( $# >= 2 ? 2 : 1 ))
WORK=${CONMAN_FUZZ_WORK:-/tmp/conman-fuzz}

# The whole project carries libFuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link), so that a
# fuzzer sees the edges of the parser it drives, not only those of its own file; only the fuzz
# executables link libFuzzer itself (-fsanitize=fuzzer, tests/fuzz/*/meson.build).
COVERAGE=-fsanitize=fuzzer-no-link
if [ ! -f "$B/build.ninja" ]; then
        CC=clang meson setup "$B" "$SRC" -Db_sanitize=address,undefined -Db_lundef=false -Dc_args="$COVERAGE" \
                >"$B.setup.log" 2>&1 || { cat "$B.setup.log"; exit 1; }
elif ! meson introspect --buildoptions "$B" | grep -q -- "$COVERAGE"; then
        # set up by an older run.sh, without it
        meson configure "$B" -Dc_args="$COVERAGE" >"$B.setup.log" 2>&1 || { cat "$B.setup.log"; exit 1; }
fi
ninja -C "$B" >/dev/null || ninja -C "$B" || exit 1

# name → corpus directory
declare -A corpus=(
        [fuzz-image-reference]=image/corpus/reference [fuzz-image-manifest]=image/corpus/manifest
        [fuzz-image-auth]=image/corpus/auth [fuzz-image-layer]=image/corpus/layer
        [fuzz-bus-options]=conman/corpus/bus-options [fuzz-names]=conman/corpus/names
        [fuzz-util-parsers]=conman/corpus/util-parsers [fuzz-container-json]=conman/corpus/container-json
        [fuzz-exit-record]=conman/corpus/exit-record [fuzz-template]=conman/corpus/template
        [fuzz-container-file]=generator/corpus/container-file [fuzz-pod-file]=generator/corpus/pod-file
        [fuzz-cni-result]=network/corpus/cni-result
        [fuzz-grpc-frame]=corpus/grpc-frame [fuzz-h2-server]=corpus/h2-server
        [fuzz-spdy]=corpus/spdy [fuzz-stream-server]=corpus/stream-server
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(printf '%s\n' "${!corpus[@]}" | sort))

clean=0 failed=0
for n in "${names[@]}"; do
        exe=$(find "$B/tests/fuzz" -name "$n-libfuzzer" -type f | head -1)
        if [ -z "$exe" ]; then echo "$n: no libFuzzer binary (clang with -fsanitize=fuzzer needed)"; failed=$((failed + 1)); continue; fi
        w="$WORK/$n"
        mkdir -p "$w/corpus" && cp -r "$SRC/tests/fuzz/${corpus[$n]}/." "$w/corpus/"
        (cd "$w" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                timeout $((SECS + 60)) "$exe" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
                -max_len=65536 corpus >"$w/log" 2>&1)
        rc=$?
        execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+|#[0-9]+.*DONE' "$w/log" | tail -1)
        [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$w/log" | tail -1)
        if [ $rc -eq 0 ]; then
                echo "$n: clean for ${SECS}s ($execs, corpus $(ls "$w/corpus" | wc -l))"
                clean=$((clean + 1))
        else
                echo "$n: FAILED (exit $rc) — $w/log, inputs $(ls "$w"/crash-* "$w"/leak-* "$w"/timeout-* 2>/dev/null | tr '\n' ' ')"
                grep -m3 -E 'ERROR|SUMMARY|runtime error' "$w/log" | sed 's/^/    /'
                failed=$((failed + 1))
        fi
done
echo "fuzz: $clean clean, $failed failed"
[ "$failed" -eq 0 ]
