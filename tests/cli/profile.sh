#!/usr/bin/env bash
# hwnas profile: the latency CSV is in the tables' format (arch_index, arch_str
# of nb201.csv, one host_<t>t column, read back by hwnas srcc); a run whose
# spread exceeds --max-spread is rejected (exit 4); the predictor file and its
# evaluation; a predictor from another CPU gives a clear warning; bad options.
set -u
source "$(dirname "$0")/../lib.sh"
Q="--repeats 3 --warmup 0"
"$HWNAS" profile --range 0:3 --threads 1 $Q --max-spread 1e9 --out "$TMP/h.csv" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "profile --range 0:3 failed"; }
[ "$(head -1 "$TMP/h.csv")" = "arch_index,arch_str,host_1t" ] || fail "header: $(head -1 "$TMP/h.csv")"
diff <(tail -n +2 "$TMP/h.csv" | cut -d, -f1,2) <(sed -n 2,4p "$NB201" | cut -d, -f1,2) ||
    fail "arch_index/arch_str differ from nb201.csv rows 0..2"
awk -F, 'NR > 1 && !($3 > 0) { exit 1 }' "$TMP/h.csv" || fail "non-positive latency in $(cat "$TMP/h.csv")"
[ "$("$HWNAS" srcc "$TMP/h.csv" host_1t "$NB201" pixel3 | tail -1 | cut -d, -f1)" = 3 ] ||
    fail "the CSV does not read back as a latency table"
echo "ok: latency CSV in the table format"

# rejection: no real timing has a zero spread
got=0
"$HWNAS" profile --range 0:2 --threads 1 --repeats 5 --warmup 0 --retries 0 --max-spread 0 --out "$TMP/r.csv" \
    2>"$TMP/err" || got=$?
[ $got -eq 4 ] || fail "spread above --max-spread: exit $got, expected 4"
grep -q "too noisy to trust; run rejected" "$TMP/err" || fail "no rejection message: $(cat "$TMP/err")"
echo "ok: noisy run rejected (exit 4)"

"$HWNAS" profile --predictor "$TMP/p.txt" $Q --fit-archs 3 --max-spread 1e9 >"$TMP/o.txt" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "profile --predictor failed"; }
grep -q '^format 2$' "$TMP/p.txt" && grep -q '^device host_1t$' "$TMP/p.txt" || fail "predictor file header"
[ "$(grep -c '^unit ' "$TMP/p.txt")" = 16 ] && [ "$(grep -c '^fit ' "$TMP/p.txt")" = 3 ] || fail "units/fit lines"
grep -q "19 measurements" "$TMP/o.txt" || fail "16 units + 3 archs = 19 measurements: $(head -3 "$TMP/o.txt")"
"$HWNAS" profile --evaluate "$TMP/p.txt" --range 0:4 $Q --max-spread 1e9 >"$TMP/o.txt" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "profile --evaluate failed"; }
grep -q "repeatability: pass B vs pass A" "$TMP/o.txt" || fail "no repeatability row"
grep -q "another CPU" "$TMP/err" && fail "warning on the same CPU: $(cat "$TMP/err")"
sed -i 's/^cpu .*/cpu Foreign CPU 9000/' "$TMP/p.txt"
"$HWNAS" profile --evaluate "$TMP/p.txt" --range 0:2 $Q --max-spread 1e9 >"$TMP/o.txt" 2>"$TMP/err" ||
    fail "evaluate with a foreign predictor failed"
grep -q "warning: predictor 'host_1t' was profiled on another CPU ('Foreign CPU 9000'" "$TMP/err" ||
    fail "no foreign-CPU warning: $(cat "$TMP/err")"
echo "ok: predictor file, evaluation, foreign-CPU warning"
# drift guard against the predictor's canary: a file whose canary is 100x faster than this machine makes every
# block look drifted from the start (a run that begins in a slow phase): it waits, re-times, then flags the block
c=$(awk '$1 == "canary_ms" { print $2 }' "$TMP/p.txt")
awk -v c="$c" 'BEGIN { exit !(c > 0) }' || fail "no positive canary_ms in the predictor file"
sed -i "s/^canary_ms .*/canary_ms $(awk -v c="$c" 'BEGIN { print c / 100 }')/; s/^cpu .*/cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)/" "$TMP/p.txt"
"$HWNAS" profile --evaluate "$TMP/p.txt" --range 0:2 $Q --max-spread 1e9 --drift-block 2 --drift-wait 1 --retries 1 \
    >"$TMP/o.txt" 2>"$TMP/err" || { cat "$TMP/err"; fail "evaluate with a fast canary failed"; }
grep -q "drift guard: canary .* ms now, .* ms in the predictor file" "$TMP/err" &&
    grep -q "waiting up to 1 s for the canary" "$TMP/err" &&
    grep -q "machine speed drifted during its block after every retry" "$TMP/err" ||
    fail "the predictor's canary did not drive the drift guard: $(cat "$TMP/err")"
"$HWNAS" profile --evaluate "$TMP/p.txt" --range 0:2 $Q --max-spread 1e9 --drift-block 0 >"$TMP/o.txt" 2>"$TMP/err" &&
    ! grep -q "drift guard\|waiting" "$TMP/err" || fail "--drift-block 0 still guards: $(cat "$TMP/err")"
echo "ok: drift guard uses the predictor file's canary and waits"
sed -i 's/^engine .*/engine 0/' "$TMP/p.txt"
expect_error 2 "stale predictor: engine version 0" -- "$HWNAS" profile --evaluate "$TMP/p.txt" --range 0:2
expect_error 2 "--range '5:2' is not A:B" -- "$HWNAS" profile --range 5:2
expect_error 2 "--threads '0' is not a list of at most 8 thread counts" -- "$HWNAS" profile --range 0:2 --threads 0
expect_error 2 "exactly one of --range, --archs, --sample" -- "$HWNAS" profile --threads 1
expect_error 2 "unknown option '--bogus'" -- "$HWNAS" profile --bogus 1
expect_error 2 "--drift-wait '-1'" -- "$HWNAS" profile --range 0:2 --drift-wait -1
