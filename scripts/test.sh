#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# test.sh — installs dependencies, builds, and runs every test suite:
#   1. unit tests (cmocka) on a normal -Werror build,
#   2. the same unit tests on an address+undefined sanitizer build,
#   3. every libFuzzer target for CONMAN_FUZZ_SECONDS (default 20) each, from its corpus,
#   4. integration tests (bats) inside a throwaway systemd booted with systemd-nspawn,
#   5. the lifecycle and crash-injection integration tests again with an ASan+UBSan conmand,
#   6. the README's first command (the demo), exactly as written, in a fresh clone (tests/demo-readme.sh),
#   7. the CRI conformance suite (critest v1.26.1, tests/cri/critest.sh; each spec counts, docs/cri.md),
#      the Debian package: built, lintian-clean, installed, upgraded and purged in a booted systemd
#      (tests/package/run.sh; each of its checks counts),
#   8. the benchmarks in --quick mode (they measure; only a benchmark that cannot run fails).
# Ends with one line: "N passed, N failed, N skipped".
#
# Options: --unit-only, --integration-only, --no-bench, FILE.bats... to run only those integration
# files (steps 4 only).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"
unit=1 integration=1 extra=1 files=()
for a in "$@"; do
        case "$a" in
        --unit-only) integration=0 extra=0 ;;
        --integration-only) unit=0 extra=0 ;;
        --no-bench) extra=0 ;;
        *.bats) files+=("$a") ;;
        *) echo "test.sh: unknown argument $a" >&2; exit 2 ;;
        esac
done

[ "$(id -u)" = 0 ] || { echo "test.sh: run as root (integration tests boot a systemd)" >&2; exit 2; }
"$SRC/scripts/install-deps.sh" || exit 1

passed=0 failed=0 skipped=0
count_unit() { # LOGFILE MESON_STATUS
        local ok bad
        ok=$(grep -c '^\[       OK \]' "$1")
        bad=$(grep -c '^\[  FAILED  \]' "$1")
        if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
        echo "$3: $ok passed, $bad failed"
        passed=$((passed + ok)) failed=$((failed + bad))
}

run_unit_suite() { # BUILDDIR LABEL [MESON OPTS]
        local b=$1 label=$2 status
        shift 2
        if ! "$SRC/scripts/build.sh" "$b" "$@"; then
                echo "$label: build failed"; failed=$((failed + 1)); return
        fi
        meson test -C "$b" --suite unit --print-errorlogs >"$b.unit.log" 2>&1
        status=$?
        [ $status -eq 0 ] || cat "$b/meson-logs/testlog.txt"
        count_unit "$b/meson-logs/testlog.txt" $status "$label"
}

if [ $unit = 1 ]; then
        run_unit_suite "$SRC/build" unit
        run_unit_suite "$SRC/build-asan" unit-asan -Db_sanitize=address,undefined -Db_lundef=false
fi

# A whole step that passes counts as one test.
count_step() { # LABEL COMMAND...
        local label=$1; shift
        if "$@"; then passed=$((passed + 1)); else echo "$label: failed"; failed=$((failed + 1)); fi
}

# Runs integration files on DESTDIR and adds up run.sh's closing line.
run_integration() { # DESTDIR [FILE.bats...]
        local out line p f s
        out=$(mktemp)
        "$SRC/tests/integration/run.sh" "$@" | tee "$out"
        line=$(grep -E '^integration: ' "$out" | tail -1)
        if [ -n "$line" ]; then
                read -r p f s <<<"$(echo "$line" | sed -E 's/integration: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')"
                passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
        else
                failed=$((failed + 1))
        fi
        rm -f "$out"
}

if [ $unit = 1 ] && [ $extra = 1 ]; then
        count_step fuzz "$SRC/tests/fuzz/run.sh" "${CONMAN_FUZZ_SECONDS:-20}" "$SRC/build-fuzz"
fi

if [ $integration = 1 ]; then
        if "$SRC/scripts/build.sh" "$SRC/build"; then
                run_integration "$SRC/build/dest" "${files[@]}"
        else
                echo "integration: build failed"; failed=$((failed + 1))
        fi
fi

# Runs a command whose last "PREFIX: N passed, N failed" line is added up; no such line is one failure.
run_counted() { # PREFIX COMMAND...
        local prefix=$1 out line p f s
        shift
        out=$(mktemp)
        "$@" | tee "$out"
        line=$(grep -E "^$prefix: [0-9]+ passed, [0-9]+ failed" "$out" | tail -1)
        if [ -n "$line" ]; then
                read -r p f <<<"$(echo "$line" | sed -E "s/^$prefix: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/")"
                s=$(echo "$line" | sed -nE "s/.*, ([0-9]+) skipped.*/\1/p")
                passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
        else
                echo "$prefix: no result line"; failed=$((failed + 1))
        fi
        rm -f "$out"
}

if [ $extra = 1 ]; then
        if "$SRC/tests/integration/asan-dest.sh" "$SRC/build-asan-it" >/dev/null; then
                # the whole integration suite again, with an ASan+UBSan conmand (issue 9) — but for
                # - the CRI server's end-to-end files: conman-cri is not the sanitized program, and what they
                #   ask of conmand, 96-cri-daemon.bats asks directly;
                # - the command-line files (84 docker examples, 85 --format, 86 help and completion): they test
                #   conmanctl, whose parsers run sanitized in unit-asan and the fuzzers, and the conmand methods
                #   they call are the other files' too.
                # The load test runs 20 s instead of 60 s: enough for 32 clients to cross every method.
                # Together these keep a CI run on a 2-core machine well under the hour.
                asan_files=("${files[@]}")
                if [ ${#asan_files[@]} -eq 0 ]; then
                        for f in "$SRC"/tests/integration/*.bats; do
                                case "$(basename "$f")" in
                                9[5789]-cri-* | 8[456]-*) ;;
                                *) asan_files+=("$f") ;;
                                esac
                        done
                fi
                CONMAN_LOAD_SECONDS=20 CONMAN_TEST_RESULTS=/tmp/conman-test-results/asan CONMAN_TEST_SANITIZER_CHECK=1 run_integration "$SRC/build-asan-it/dest" \
                        "${asan_files[@]}"
        else
                echo "integration (ASan conmand): build failed"; failed=$((failed + 1))
        fi
        # the CRI conformance suite against conman-cri (docs/cri.md); needs the fixture of ../shared/cri-tools
        run_counted critest "$SRC/tests/cri/critest.sh" "$SRC/build/dest"
        count_step demo "$SRC/tests/demo-readme.sh"
        run_counted package "$SRC/tests/package/run.sh"
        count_step bench "$SRC/tests/bench-quick.sh"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
