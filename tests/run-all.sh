#!/usr/bin/env bash
# tests/run-all.sh [unit] [cli] [mpi] - runs the test groups (all by default),
# keeps each test's log under $BUILD/test-logs/, prints the command to re-run a
# failing test, and ends with the line "N passed, N failed".
set -u
BUILD=${BUILD:-build}
BIN=${BIN:-bin}
export HWNAS=${HWNAS:-$BIN/hwnas}
export HWNAS_DATA_DIR=${HWNAS_DATA_DIR:-$(cd "$(dirname "$0")/.." && cd ../shared/data 2>/dev/null && pwd)}
export OPENBLAS_NUM_THREADS=1
groups=${*:-unit cli mpi}
logs=$BUILD/test-logs
mkdir -p "$logs"
pass=0; fail=0; failed=()
run() { # name command...
    local name=$1; shift
    local t0=$SECONDS
    if "$@" >"$logs/$name.log" 2>&1; then
        pass=$((pass + 1)); printf 'PASS %-40s %3ds\n' "$name" $((SECONDS - t0))
    else
        fail=$((fail + 1)); failed+=("$name: $*")
        printf 'FAIL %-40s %3ds  (log: %s)\n' "$name" $((SECONDS - t0)) "$logs/$name.log"
        tail -n 20 "$logs/$name.log" | sed 's/^/    /'
    fi
}
for g in $groups; do
    case $g in
    unit) for t in "$BUILD"/tests/test_*; do [ -x "$t" ] && run "$(basename "$t")" "$t"; done ;;
    cli)  for t in tests/cli/*.sh; do [ -f "$t" ] && run "cli_$(basename "$t" .sh)" bash "$t"; done ;;
    mpi)  for t in tests/mpi/*.sh; do [ -f "$t" ] && run "mpi_$(basename "$t" .sh)" bash "$t"; done ;;
    esac
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "re-run a failing test with:"; printf '  %s\n' "${failed[@]}"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
