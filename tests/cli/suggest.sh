#!/usr/bin/env bash
# hwnas suggest-measurements: N distinct archs of the latency table as CSV
# (arch_index, arch_str agreeing with the table), the same for the same seed
# and device, different for another seed; bad command lines exit 2 with one line.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
run() { (cd "$TMP" && "$HWNAS" suggest-measurements "$TMP/c.cfg" "$@") 2>"$TMP/stderr"; }
run --n 10 --device my_phone >"$TMP/a.csv" || fail "exit $?: $(cat "$TMP/stderr")"
[ "$(head -n1 "$TMP/a.csv")" = arch_index,arch_str ] || fail "header: $(head -n1 "$TMP/a.csv")"
[ "$(wc -l <"$TMP/a.csv")" -eq 11 ] || fail "expected 10 archs, got $(($(wc -l <"$TMP/a.csv") - 1))"
[ "$(tail -n +2 "$TMP/a.csv" | cut -d, -f2 | sort -u | wc -l)" -eq 10 ] || fail "the 10 archs are not distinct"
# every (arch_index, arch_str) is a row of the table
bad=$(awk -F, 'NR == FNR { if (FNR > 1) row[$1 "," $2] = 1; next } FNR > 1 && !(($1 "," $2) in row)' \
      "$NB201" "$TMP/a.csv")
[ -z "$bad" ] || fail "not rows of $NB201: $bad"
echo "ok: 10 distinct table archs"
run --n 10 --device my_phone >"$TMP/b.csv" || fail "second run exit $?"
cmp -s "$TMP/a.csv" "$TMP/b.csv" || fail "same seed and device gave different archs"
run --n 10 --device my_phone --seed 2 >"$TMP/c.csv" || fail "--seed 2 exit $?"
cmp -s "$TMP/a.csv" "$TMP/c.csv" && fail "--seed 2 gave the same archs as seed 1"
run --n 3 --device fpga >"$TMP/d.csv" || fail "--device fpga (a table column) exit $?"
[ "$(wc -l <"$TMP/d.csv")" -eq 4 ] || fail "--n 3 --device fpga: $(cat "$TMP/d.csv")"
echo "ok: deterministic per (seed, device), another seed gives other archs"
expect_error 2 'needs a value' -- "$HWNAS" suggest-measurements "$TMP/c.cfg" --n
expect_error 2 '--n is required' -- "$HWNAS" suggest-measurements "$TMP/c.cfg"
expect_error 2 "--n '0' is not an integer >= 1" -- "$HWNAS" suggest-measurements "$TMP/c.cfg" --n 0
expect_error 2 'exceeds the 15625 archs' -- "$HWNAS" suggest-measurements "$TMP/c.cfg" --n 20000
expect_error 2 "unknown option '--bogus'" -- "$HWNAS" suggest-measurements "$TMP/c.cfg" --n 3 --bogus
expect_error 2 'no config file' -- "$HWNAS" suggest-measurements --n 3
cfg_sub "$TMP/c.cfg" 's|proxy = "pixel3";|& sources = ["pixel3", "nosuchdev"];|'
line=$(line_of "$TMP/c.cfg" 'sources =')
expect_error 2 "c\.cfg:$line: latency\.sources: unknown device 'nosuchdev'" -- \
    "$HWNAS" suggest-measurements "$TMP/c.cfg" --n 3
