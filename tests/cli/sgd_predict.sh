#!/usr/bin/env bash
# hwnas sgd-predict: hand-computed predictions from the example trace
# tests/data/sgd_tiny.json (the timelines are worked out in
# tests/unit/test_sgd_sim.c), a hand-edited trace "from another machine", no
# MPI needed, the synthetic W-worker trace read back, determinism, and
# bad-input errors.
set -u
source "$(dirname "$0")/../lib.sh"
TINY=$REPO/tests/data/sgd_tiny.json
# 80 Mbit/s = 10 bytes/us on every link, 10 us per message, one worker:
# push "layer": step 1370 us -> 1e6/1370 = 729.927 steps/s; 5000 B each way per
# step on a 10 B/us link: utilisation 5000 / 13700 = 0.364964.
# push "reverse": step 1170 us -> 854.701 steps/s, 5000 / 11700 = 0.427350.
net="--bw-server 80Mbit --bw-worker 80Mbit/s --latency-us 10 --warmup 1 --steps 3 --stagger-us 0"
got=$("$HWNAS" sgd-predict "$TINY" --workers 1 $net --policy layer | tail -n 1)
[ "$got" = "1,729.927,1370.000,1370.000,0.364964,0.364964,0.000000,1.000000" ] || fail "push layer: $got"
got=$("$HWNAS" sgd-predict "$TINY" --workers 1 $net --pull-policy layer --push-policy reverse | tail -n 1)
[ "$got" = "1,854.701,1170.000,1170.000,0.427350,0.427350,0.000000,1.000000" ] || fail "push reverse: $got"
echo "ok: one worker, push layer 1370 us, push reverse 1170 us"

# A trace from another machine, edited by hand: other host and CPU, every
# duration doubled (F0 200, F1 100, B2 200, B3 400). With push "reverse":
# pull t0 0..100 (arrives 110), t1 100..500 (510); F0 110..310; F1 510..610;
# B2 610..810; B3 810..1210; push t1 810..1210 (1220), t0 1210..1310 (1320):
# step 1320 us -> 757.576 steps/s. It must run where MPI_Init would fail
# (OMPI_MCA_pml names no component): sgd-predict never initialises MPI.
sed -e 's/"host": "example"/"host": "other-machine"/' -e 's/"cpu": "none"/"cpu": "Some CPU @ 2 GHz"/' \
    -e 's/"dur_us": 100,/"dur_us": 200,/g' -e 's/"dur_us": 50,/"dur_us": 100,/' -e 's/"dur_us": 200, "deps": \[2\]/"dur_us": 400, "deps": [2]/' \
    "$TINY" >"$TMP/other.json"
grep -q '"dur_us": 400' "$TMP/other.json" || fail "the sed edit of the trace did not apply"
got=$(OMPI_MCA_pml=no_such_component "$HWNAS" sgd-predict "$TMP/other.json" --workers 1 $net --policy reverse \
      --pull-policy layer | tail -n 1)
[ "${got%%,0.*}" = "1,757.576,1320.000,1320.000" ] || fail "edited trace: $got"
echo "ok: hand-edited trace, no MPI: $got"

# The synthetic 3-worker trace: a valid trace (same model), deterministic,
# with 3 workers' events and the prediction.
"$HWNAS" sgd-predict "$TINY" --workers 1..3 $net --trace-out "$TMP/w3.json" >"$TMP/a.csv" || fail "trace-out"
"$HWNAS" sgd-predict "$TINY" --workers 3 $net --trace-out "$TMP/w3b.json" >/dev/null || fail "trace-out 2"
cmp -s "$TMP/w3.json" "$TMP/w3b.json" || fail "the synthetic trace differs between two runs"
grep -q '"pid":3,"tid":2' "$TMP/w3.json" || fail "no push events of worker 3"
grep -q '"prediction":{"workers":3,' "$TMP/w3.json" || fail "no prediction object"
[ "$(sed -n 2p "$TMP/a.csv")" = "$("$HWNAS" sgd-predict "$TMP/w3.json" --workers 1 $net | tail -n 1)" ] ||
    fail "the written trace does not predict what the original does"
echo "ok: synthetic trace written, read back, deterministic"

# Phase average: with --phases 4, W = 2 is the mean of the runs whose worker 2 starts at P (j + 1/2) / 4,
# P = the single-worker step (push "layer": 1370 us): --stagger-us 171.25, 513.75, 856.25, 1198.75.
ph="--bw-server 80Mbit --bw-worker 80Mbit/s --latency-us 10 --warmup 2 --steps 6 --policy layer"
avg=$("$HWNAS" sgd-predict "$TINY" --workers 2 $ph --phases 4 --trace-out "$TMP/ph.json" | tail -n 1 | cut -d, -f2)
sum=0
for st in 171.25 513.75 856.25 1198.75; do
    v=$("$HWNAS" sgd-predict "$TINY" --workers 2 $ph --stagger-us $st | tail -n 1 | cut -d, -f2) || fail "stagger $st"
    sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { printf "%.9g", a + b }')
done
awk -v a="$avg" -v s="$sum" 'BEGIN { exit !(a > 0 && (a - s / 4) / a < 1e-5 && (s / 4 - a) / a < 1e-5) }' ||
    fail "--phases 4 gave $avg, the four staggered runs average $sum / 4"
grep -q '"phases":4,' "$TMP/ph.json" || fail "the phase-averaged trace does not record phases 4"
echo "ok: --phases 4 = mean of the four staggered runs ($avg steps/s)"

# Noisy sharing: sigma 0 is the fair model (same rows, started together); with sigma > 0 the output is the
# same on every call (seeded), and the options are checked.
fair=$("$HWNAS" sgd-predict "$TINY" --workers 1..3 $ph --stagger-us 0) || fail "fair"
noisy0=$("$HWNAS" sgd-predict "$TINY" --workers 1..3 $ph --share noisy --share-sigma 0,0 --runs 3) || fail "noisy 0"
[ "$fair" = "$noisy0" ] || fail "noisy sigma 0 differs from fair: $noisy0 vs $fair"
n1=$("$HWNAS" sgd-predict "$TINY" --workers 2,3 $ph --share noisy --share-sigma 0.4,0.3 --runs 5 --seed 3) || fail "noisy"
n2=$("$HWNAS" sgd-predict "$TINY" --workers 2,3 $ph --share noisy --share-sigma 0.4,0.3 --runs 5 --seed 3) || fail "noisy 2"
[ "$n1" = "$n2" ] || fail "noisy runs differ between two calls"
echo "ok: --share noisy: sigma 0 = fair, seeded"

# a synthetic NB201 trace
"$HWNAS" sgd-predict --arch '|nor_conv_1x1~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|' \
    --workers 1,2 --steps 2 >"$TMP/arch.csv" || fail "--arch"
[ "$(wc -l <"$TMP/arch.csv")" -eq 3 ] || fail "--arch: $(cat "$TMP/arch.csv")"

# malformed traces: one line naming file:line: field
printf '{"traceEvents": [], "hwnas": {"version": 1,\n"meta": {' >"$TMP/cut.json"
expect_error 2 "cut.json:2: JSON: " -- "$HWNAS" sgd-predict "$TMP/cut.json"
sed 's/"deps": \[1\]}/"deps": [3]}/' "$TINY" >"$TMP/fwd.json"
expect_error 2 "fwd.json:$(line_of "$TMP/fwd.json" '"deps": \[3\]'): ops\[2\]\.deps\[0\]: 3 is not an earlier op" -- \
    "$HWNAS" sgd-predict "$TMP/fwd.json"
sed 's/"dur_us": 50,/"dur_us": -50,/' "$TINY" >"$TMP/neg.json"
expect_error 2 "neg.json:$(line_of "$TMP/neg.json" -50): ops\[1\]\.dur_us: -50 is negative" -- \
    "$HWNAS" sgd-predict "$TMP/neg.json"
sed 's/"fwd_op": 1, "grad_op": 2/"fwd_op": 2, "grad_op": 2/' "$TINY" >"$TMP/phase.json"
expect_error 2 "phase.json:[0-9]+: tensors\[1\]\.fwd_op: op 2 is not a FWD op" -- "$HWNAS" sgd-predict "$TMP/phase.json"
sed 's/"batch": 8,/"batch": 8, "batch": 8,/' "$TINY" >"$TMP/dup.json"
expect_error 2 "dup.json:[0-9]+: meta\.batch: repeated key" -- "$HWNAS" sgd-predict "$TMP/dup.json"
sed 's/"version": 1,//' "$TINY" >"$TMP/nover.json"
expect_error 2 "nover.json:[0-9]+: hwnas: missing key 'version'" -- "$HWNAS" sgd-predict "$TMP/nover.json"
expect_error 2 "cannot open" -- "$HWNAS" sgd-predict "$TMP/missing.json"
# bad command lines
expect_error 2 "--bw-server: '100Mb' is not a bandwidth" -- "$HWNAS" sgd-predict "$TINY" --bw-server 100Mb
expect_error 2 "--bw-worker: '0Gbit' is not a bandwidth" -- "$HWNAS" sgd-predict "$TINY" --bw-worker 0Gbit
expect_error 2 "--policy: 'fifo' is not a policy" -- "$HWNAS" sgd-predict "$TINY" --policy fifo
expect_error 2 "--workers: '0..4' is not a worker count list" -- "$HWNAS" sgd-predict "$TINY" --workers 0..4
expect_error 2 "--latency-us: 'x' is not a number" -- "$HWNAS" sgd-predict "$TINY" --latency-us x
expect_error 2 "either a trace file or --arch" -- "$HWNAS" sgd-predict
expect_error 2 "--arch: 'conv' is not an NB201 arch" -- "$HWNAS" sgd-predict --arch conv
expect_error 2 "--trace-workers: 9 is not among --workers" -- \
    "$HWNAS" sgd-predict "$TINY" --workers 1..4 --trace-out "$TMP/x.json" --trace-workers 9
expect_error 2 "--phases: '0' is not a whole number >= 1" -- "$HWNAS" sgd-predict "$TINY" --phases 0
expect_error 2 "--phases and --stagger-us: give one" -- "$HWNAS" sgd-predict "$TINY" --phases 4 --stagger-us 0
expect_error 2 "--share: 'lifo' is not a sharing model" -- "$HWNAS" sgd-predict "$TINY" --share lifo
expect_error 2 "--share noisy: give --share-sigma" -- "$HWNAS" sgd-predict "$TINY" --share noisy
expect_error 2 "--share-sigma: only with --share noisy" -- "$HWNAS" sgd-predict "$TINY" --share-sigma 0.3
expect_error 2 "--runs: only with --share noisy" -- "$HWNAS" sgd-predict "$TINY" --runs 4
expect_error 2 "--phases: not with --share noisy" -- "$HWNAS" sgd-predict "$TINY" --share noisy --share-sigma 0.3 --phases 4
expect_error 2 "--share-sigma: '6' is not S or PULL,PUSH" -- "$HWNAS" sgd-predict "$TINY" --share noisy --share-sigma 6
expect_error 2 "--share-sigma: '0.3,x' is not S or PULL,PUSH" -- "$HWNAS" sgd-predict "$TINY" --share noisy --share-sigma 0.3,x
expect_error 2 "--runs: '0' is not a whole number >= 1" -- "$HWNAS" sgd-predict "$TINY" --share noisy --share-sigma 0.3 --runs 0
expect_error 2 "--cores: '-1' is not a whole number >= 0" -- "$HWNAS" sgd-predict "$TINY" --cores -1
expect_error 2 "--net-cpu-ns-per-byte: 'x' is not a number" -- "$HWNAS" sgd-predict "$TINY" --net-cpu-ns-per-byte x
expect_error 2 "unknown option '--bogus'" -- "$HWNAS" sgd-predict "$TINY" --bogus 1
