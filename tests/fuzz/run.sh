#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...] - builds the libFuzzer targets into build-fuzz/ and runs each
# for a bounded time (default 60 s, all targets; FUZZ_JOBS at a time, default 2). Prints one line per target
# (executions, minutes, crashes) and exits non-zero if any target crashed. Inputs that crash are saved under
# tests/fuzz/crashes/<target>/, which tests/unit/test_fuzz_regress.c replays in `make check` (commit them with
# the fix). The grown corpus stays in build-fuzz/corpus/; tests/fuzz/corpus/ holds the small committed seeds.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift $(($# > 0 ? 1 : 0))
out=build-fuzz
jobs=${FUZZ_JOBS:-2}
CC=${FUZZ_CC:-clang}
CFLAGS_FUZZ="-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Iinclude -Itests/fuzz -D_DEFAULT_SOURCE
  -D_POSIX_C_SOURCE=200809L"

[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || { echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }

# The hwnas sources each target links (directly, so that they get coverage instrumentation).
sources() {
    case $1 in
    arch)     echo src/space/nb201.c ;;
    config)   echo src/config/config.c src/util/error.c ;;
    table)    echo src/data/table.c src/data/csv.c src/space/nb201.c src/util/error.c ;;
    measured) echo src/data/measured.c src/data/csv.c src/space/nb201.c src/util/error.c ;;
    journal)  echo src/farm/journal.c src/util/error.c ;;
    esac
}

dict() {
    case $1 in
    table | measured) echo tests/fuzz/csv.dict ;;
    *) [ -f "tests/fuzz/$1.dict" ] && echo "tests/fuzz/$1.dict" ;;
    esac
}

build() { # target
    # shellcheck disable=SC2046,SC2086
    $CC $CFLAGS_FUZZ "tests/fuzz/fuzz_$1.c" $(sources "$1") -o "$out/fuzz_$1" -lconfig -lm \
        >"$out/logs/build_$1.log" 2>&1 || { cat "$out/logs/build_$1.log" >&2; return 1; }
}

stat_of() { # log name
    awk -v k="stat::$2:" '$1 == k { v = $2 } END { print v + 0 }' "$1"
}

n_found() { # dir: saved crashing inputs (libFuzzer's crash-, leak-, timeout-, oom- files)
    find "$1" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l
}

run_one() { # target: fuzzes it, writes its summary line to $out/logs/<target>.summary
    local t=$1 crashes=tests/fuzz/crashes/$1 log=$out/logs/$1.log d t0 n0 n1 rc
    mkdir -p "$out/corpus/$t" "$crashes"
    d=$(dict "$t")
    n0=$(n_found "$crashes")
    t0=$(date +%s.%N)
    LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$out/fuzz_$t" "$out/corpus/$t" "tests/fuzz/corpus/$t" ${d:+-dict="$d"} -max_total_time="$secs" \
        -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" </dev/null >"$log" 2>&1 &
    wait $!
    rc=$?
    rm -rf "/tmp/hwnas-fuzz-$!-"* # the target's input file, left behind when it crashed
    n1=$(n_found "$crashes")
    rmdir "$crashes" 2>/dev/null
    rm -f "$out/logs/$t.summary"
    [ "$rc" -ne 0 ] && [ "$n1" -le "$n0" ] && n1=$((n0 + 1)) # a failure that saved nothing still counts
    awk -v t="$t" -v e="$(stat_of "$log" number_of_executed_units)" -v t0="$t0" -v t1="$(date +%s.%N)" \
        -v c=$((n1 - n0)) -v rc="$rc" -v lg="$log" \
        'BEGIN { printf "%-14s %12d execs %6.1f min %3d crash(es)%s\n", "fuzz_" t, e, (t1 - t0) / 60, c,
                 rc ? "  FAILED (log: " lg ")" : "" }' >"$out/logs/$t.summary"
    return "$rc"
}

targets=${*:-$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done | sed 's/^fuzz_//')}
for t in $targets; do
    [ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target '$t' (tests/fuzz/fuzz_$t.c)" >&2; exit 2; }
done
mkdir -p "$out/logs"
echo '*' >"$out/.gitignore" # build-fuzz/ is a build directory: keep it out of git
for t in $targets; do
    build "$t" || { echo "fuzz: cannot build fuzz_$t" >&2; exit 1; }
done
echo "fuzz: running $(echo $targets | wc -w) target(s) for ${secs}s each, $jobs at a time (logs: $out/logs/)"
running=0
for t in $targets; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
failed=0
for t in $targets; do
    if [ -s "$out/logs/$t.summary" ]; then cat "$out/logs/$t.summary"; else echo "fuzz_$t: no summary  FAILED"; fi
    grep -qs -v FAILED "$out/logs/$t.summary" || failed=$((failed + 1))
done
echo "fuzz: $(($(echo $targets | wc -w) - failed)) clean, $failed crashed"
[ "$failed" -eq 0 ]
