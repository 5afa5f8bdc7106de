#!/usr/bin/env bash
# scripts/sgd-trace-plot.sh: the events it extracts from the hand-written
# tests/data/sgd_tiny.json (worker 1's four compute ops: ts 0, 100, 150, 250 us,
# dur 100, 50, 100, 200 us -> row 3 = 3 pid + tid) and a PNG; a trace without
# events is refused with exit 2. Skipped without gnuplot.
set -u
source "$(dirname "$0")/../lib.sh"
command -v gnuplot >/dev/null || { echo "skip: no gnuplot"; exit 0; }
"$HWNAS" sgd-predict --arch '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|' --gflops 20 \
    --batch 16 --workers 2 --steps 4 --trace-out "$TMP/sim.json" >/dev/null || fail "sgd-predict --trace-out failed"
WARMUP=0 "$REPO/scripts/sgd-trace-plot.sh" "$REPO/tests/data/sgd_tiny.json" "$TMP/sim.json" "$TMP/p.png" 1 ||
    fail "sgd-trace-plot.sh failed"
[ -s "$TMP/p.png" ] || fail "no PNG"
printf '0.000000 3 0.000100 0\n0.000100 3 0.000050 0\n0.000150 3 0.000100 0\n0.000250 3 0.000200 0\n' >"$TMP/want"
cmp -s "$TMP/want" "$TMP/p.measured.dat" || { diff "$TMP/want" "$TMP/p.measured.dat"; fail "events of sgd_tiny.json"; }
awk '$2 == 3 || $2 == 6 { c++ } END { exit !(c > 0) }' "$TMP/p.synthetic.dat" || fail "no worker compute events in the simulated trace"
echo '{"traceEvents": []}' >"$TMP/empty.json"
"$REPO/scripts/sgd-trace-plot.sh" "$TMP/empty.json" "$TMP/sim.json" "$TMP/q.png" 2>"$TMP/err" && fail "an empty trace was accepted"
grep -q 'no complete events' "$TMP/err" || fail "message: $(cat "$TMP/err")"
echo "ok: sgd-trace-plot.sh"
