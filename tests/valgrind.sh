#!/usr/bin/env bash
# tests/valgrind.sh - runs every $BUILD/tests/test_* binary under valgrind (memory errors and definite leaks fail),
# keeps each log under $BUILD/valgrind-logs/ and ends with the line "N passed, N failed".
# VALGRIND_SKIP="test_a test_b" leaves those binaries out (e.g. a test that takes far too long under valgrind).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export HWNAS_DATA_DIR=${HWNAS_DATA_DIR:-$(cd ../shared/data 2>/dev/null && pwd)}
export OPENBLAS_NUM_THREADS=1
logs=$BUILD/valgrind-logs
mkdir -p "$logs"
command -v valgrind >/dev/null || { echo "valgrind is not installed: scripts/install-deps.sh valgrind" >&2; exit 1; }
pass=0; fail=0
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    case " ${VALGRIND_SKIP:-} " in *" $name "*) echo "SKIP $name"; continue ;; esac
    t0=$SECONDS
    if valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        --log-file="$logs/$name.valgrind" "$t" >"$logs/$name.log" 2>&1; then
        pass=$((pass + 1)); printf 'PASS %-40s %4ds\n' "$name" $((SECONDS - t0))
    else
        fail=$((fail + 1)); printf 'FAIL %-40s %4ds  (logs: %s.log, %s.valgrind)\n' "$name" $((SECONDS - t0)) \
            "$logs/$name" "$logs/$name"
        grep -E 'ERROR SUMMARY|definitely lost|FAILED' "$logs/$name.valgrind" "$logs/$name.log" | sed 's/^/    /'
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
