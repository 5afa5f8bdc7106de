#!/usr/bin/env bash
# hwnas sgd-train (1 server + 1 worker over MPI) on a tiny NB201 network and one
# fixed CIFAR-10 batch: plain SGD on one batch must lower the loss (mean of the
# last 3 steps below the first step's); the throughput line and the measured
# Chrome trace are written; sgd-trace writes a trace; bad options exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
A='|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'
TINY=(--arch "$A" --batch 8 --cells 1 --width 8)
"$REPO/scripts/mpirun.sh" 2 "$HWNAS" sgd-train "${TINY[@]}" --steps 10 --warmup 2 --batches 1 --lr 0.05 \
    --trace "$TMP/measured.json" >"$TMP/train.txt" || fail "sgd-train failed"
awk -F, '$1 == 1 && $2 ~ /^[0-9]+$/ { loss[$2] = $3; n++ }
         END { m = (loss[n-1] + loss[n-2] + loss[n-3]) / 3
               printf "first loss %.4f, mean of the last 3 %.4f\n", loss[0], m
               exit !(n == 10 && m < loss[0]) }' "$TMP/train.txt" || fail "the loss did not decrease: $(cat "$TMP/train.txt")"
grep -q -E '^result workers=1 policy=layer push_policy=reverse throughput=[0-9.]+ step_ms=[0-9.]+ cpu=[0-9.]+,[0-9.]+$' "$TMP/train.txt" ||
    fail "no result line: $(tail -3 "$TMP/train.txt")"
awk '/^result/ { split($5, a, "="); exit !(a[2] > 0) }' "$TMP/train.txt" || fail "throughput not > 0"
for k in traceEvents '"hwnas"' '"ph":"X"' '"pid":0' '"pid":1'; do
    grep -q "$k" "$TMP/measured.json" || fail "measured trace lacks $k"
done
"$HWNAS" sgd-trace "${TINY[@]}" --steps 4 --warmup 1 --output "$TMP/trace.json" 2>/dev/null || fail "sgd-trace failed"
for k in apply_us_per_byte msg_overhead_us '"phase":"BWD"' '"grad_op"'; do
    grep -q "$k" "$TMP/trace.json" || fail "sgd-trace output lacks $k"
done
echo "ok: loss decreases, throughput and traces written"
MR=("$REPO/scripts/mpirun.sh" 2 "$HWNAS" sgd-train)
expect_error 2 "--policy 'foo' is unknown" -- "${MR[@]}" "${TINY[@]}" --policy foo
expect_error 2 "--push-policy 'bar' is unknown" -- "${MR[@]}" "${TINY[@]}" --push-policy bar
expect_error 2 "--warmup 5 must be below --steps 5" -- "${MR[@]}" "${TINY[@]}" --steps 5 --warmup 5
expect_error 2 "unknown option '--bogus'" -- "${MR[@]}" "${TINY[@]}" --bogus 1
expect_error 2 "--arch is required" -- "${MR[@]}" --steps 4
expect_error 2 "needs 1 server \+ at least 1 worker" -- "$HWNAS" sgd-train "${TINY[@]}"
expect_error 2 "--batch '0' is not an integer" -- "$HWNAS" sgd-trace "${TINY[@]}" --batch 0
expect_error 2 "--arch 'nope'" -- "$HWNAS" sgd-trace --arch nope
