#!/usr/bin/env bash
# scripts/sgd-validate.sh ARCH - throughput of asynchronous parameter-server SGD, measured on the
# shaped-link test bed (scripts/netns-testbed.sh) against the model's prediction (README.md,
# "Training throughput prediction"). Runs `hwnas sgd-trace` once, then for every (W, RATE) of
# CONFIGS `hwnas sgd-train` with W workers + 1 server, each rank in its own network namespace,
# every link shaped to RATE, and (when bin/hwnas has it) `hwnas sgd-predict` on the trace.
# Prints a Markdown table: W, rate, measured steps/s, predicted steps/s, error.
# Root only (namespaces, tc). Environment (defaults):
#   CONFIGS="1:10mbit 1:100mbit 1:1gbit 2:10mbit 2:100mbit 2:1gbit 3:100mbit"  (W:rate; W=3 oversubscribes 2 cores)
#   STEPS=30 WARMUP=5 BATCH=64 POLICY=layer PUSH_POLICY=reverse OUT=results/sgd-validate
#   EXTRA=""  more options for sgd-trace and sgd-train (e.g. "--cells 1 --width 8" for a quick smoke run)
#   LATENCY_US=50  one-way message latency given to the simulator (veth + bridge + TCP stack; no netem here)
#   EFFICIENCY=0.9564  payload share of the shaped wire rate: TCP/IPv4 with timestamps carries 1448 payload
#       bytes per 1514-byte Ethernet frame (tbf shapes frames), so the simulator's link bandwidth is
#       RATE x 1448/1514 (a constant of the protocol, not a fit; measured MPI bandwidth on the test bed:
#       9.6 Mbit/s at 10mbit, 90.6 at 100mbit)
#   CORES=$(nproc)  the simulator's CPU-sharing model: the server and the W workers share this machine's cores
#       (the test bed runs every rank here; a fact of the test bed, not a fit). 0: a node per rank
#   NET_CPU_NS=auto  network-stack CPU per byte for that model (ns/byte; 0: not modelled); "auto": measured by
#       scripts/sgd-netcpu.sh on the test bed right after the first shaping to each rate (OUT/netcpu-RATE.txt)
#   SHARE=noisy  sharing of the server link among concurrent transfers (fair, fcfs or noisy)
#   SHARE_SIGMA=auto  with SHARE=noisy: the weights' lognormal sd, PULL,PUSH; "auto": measured on the test bed
#       by scripts/sgd-share-calibrate.sh (CAL_ROUNDS=16 rounds per direction, transfers of the trace's model
#       bytes, at least 0.4 s of the rate) right after the first shaping to each rate, before any training; OUT/share-RATE.txt
#   RUNS=32  with SHARE=noisy: noisy runs averaged per prediction (sgd-predict --runs)
#   TRACE_EVERY=row  a fresh single-worker trace right before each row's training run, the prediction from
#       it (this VM's speed drifts by 5-8 % over minutes; one trace for the whole table made a drift look like
#       a prediction error); "once": one trace at the start for every row
#   COLOCATE=0  1: predict W workers from a single-worker trace taken while W copies run on this machine
#       (the older way to capture core sharing, before the CPU model; 0: always the lone worker's trace)
#   REPEAT=1  training runs per row (each after its own fresh trace with TRACE_EVERY=row); the row shows the
#       mean measured and mean predicted throughput, the error between them, and for REPEAT > 1 the runs'
#       standard deviation and range (W = 2 at 10 Mbit/s: seven 40-step runs ranged 0.357-0.426 steps/s);
#       every run's figures: OUT/runs.csv
#   PREDICT='"$HWNAS" sgd-predict "$PTRACE" --workers $W --bw-server ${PBPS}bit --bw-worker ${PBPS}bit ...'
#       (evaluated; the steps_per_s column of its CSV row is the prediction)
set -u
[ $# -eq 1 ] || { echo "usage: $0 ARCH   (as root; see the header for the environment)" >&2; exit 2; }
ARCH=$1
REPO=$(cd "$(dirname "$0")/.." && pwd)
HWNAS=${HWNAS:-$REPO/bin/hwnas}
TB=$REPO/scripts/netns-testbed.sh
source "$REPO/scripts/sgd-lib.sh"
CONFIGS=${CONFIGS:-"1:10mbit 1:100mbit 1:1gbit 2:10mbit 2:100mbit 2:1gbit 3:100mbit"}
STEPS=${STEPS:-30} WARMUP=${WARMUP:-5} BATCH=${BATCH:-64} POLICY=${POLICY:-layer} PUSH_POLICY=${PUSH_POLICY:-reverse}
OUT=${OUT:-$REPO/results/sgd-validate}
read -r -a EXTRA_ARGS <<<"${EXTRA:-}"
export HWNAS_DATA_DIR=${HWNAS_DATA_DIR:-$REPO/../shared/data}
export OPENBLAS_NUM_THREADS=1
[ "$(id -u)" -eq 0 ] || { echo "sgd-validate: must run as root (test bed: network namespaces, tc)" >&2; exit 2; }
[ -x "$HWNAS" ] || { echo "sgd-validate: no $HWNAS; run make" >&2; exit 2; }
mkdir -p "$OUT"
TRACE=$OUT/trace.json TRACE_EVERY=${TRACE_EVERY:-row} REPEAT=${REPEAT:-1}
[[ $REPEAT =~ ^[1-9][0-9]?$ ]] || { echo "sgd-validate: REPEAT=$REPEAT: give a run count in 1..99" >&2; exit 2; }
case $TRACE_EVERY in row|once) ;; *) echo "sgd-validate: TRACE_EVERY=$TRACE_EVERY: use row or once" >&2; exit 2 ;; esac
maxw=1
for c in $CONFIGS; do
    [[ ${c%%:*} =~ ^[1-9][0-9]*$ ]] && bps "${c#*:}" >/dev/null ||
        { echo "sgd-validate: CONFIGS: '$c': give W:RATE with W >= 1 and RATE e.g. 10mbit, 1gbit" >&2; exit 2; }
    w=${c%%:*}; [ "$w" -gt "$maxw" ] && maxw=$w
done
take_trace() { # OUT.json: the lone single-worker trace
    "$HWNAS" sgd-trace --arch "$ARCH" --batch "$BATCH" --steps 12 --warmup 2 "${EXTRA_ARGS[@]}" --output "$1" >&2
}
take_trace "$TRACE" || exit $?
# The test bed runs every worker on THIS machine: with W workers, W processes share its cores (and, on a VM,
# possibly SMT siblings), so a worker computes slower than alone. What a real cluster's per-node trace is, here
# can be the single-worker trace taken while W copies run at once (COLOCATE=1; default 0, the CPU model instead):
# trace-wW.json, worker 1's.
COLOCATE=${COLOCATE:-0}
trace_for() { # W -> path of the trace the prediction for W workers uses
    local w=$1 i
    if [ "$COLOCATE" != 1 ] || [ "$w" -eq 1 ]; then echo "$TRACE"; return; fi
    if [ ! -s "$OUT/trace-w$w.json" ]; then
        for ((i = 1; i <= w; i++)); do
            "$HWNAS" sgd-trace --arch "$ARCH" --batch "$BATCH" --steps 12 --warmup 2 "${EXTRA_ARGS[@]}" \
                --output "$OUT/trace-w$w-$i.json" >"$OUT/trace-w$w-$i.log" 2>&1 &
        done
        wait
        mv "$OUT/trace-w$w-1.json" "$OUT/trace-w$w.json"
        echo "sgd-validate: W=$w co-located trace: $(grep -o 'step [0-9.]* ms' "$OUT/trace-w$w-1.log")" >&2
    fi
    echo "$OUT/trace-w$w.json"
}
has_predict=0
"$HWNAS" --help 2>/dev/null | grep -q 'sgd-predict' && has_predict=1
LATENCY_US=${LATENCY_US:-50} EFFICIENCY=${EFFICIENCY:-0.9564}
CORES=${CORES:-$(nproc)} NET_CPU_NS=${NET_CPU_NS:-auto} SHARE=${SHARE:-noisy}
SHARE_SIGMA=${SHARE_SIGMA:-auto} CAL_ROUNDS=${CAL_ROUNDS:-16} RUNS=${RUNS:-32}
case $SHARE in fair|fcfs) ;; noisy) [ "$SHARE_SIGMA" = auto ] || [[ $SHARE_SIGMA =~ ^[0-9.]+(,[0-9.]+)?$ ]] ||
    { echo "sgd-validate: SHARE_SIGMA=$SHARE_SIGMA: give auto or PULL,PUSH" >&2; exit 2; } ;;
    *) echo "sgd-validate: SHARE=$SHARE: use fair, fcfs or noisy" >&2; exit 2 ;; esac
[ "$NET_CPU_NS" = auto ] || [[ $NET_CPU_NS =~ ^[0-9.]+$ ]] || { echo "sgd-validate: NET_CPU_NS=$NET_CPU_NS: give auto or ns/byte" >&2; exit 2; }
SIGMA=  # with SHARE=noisy: the current rate's PULL,PUSH
NCPU=$NET_CPU_NS # the current rate's ns/byte
PREDICT=${PREDICT:-'"$HWNAS" sgd-predict "$PTRACE" --workers $W --bw-server ${PBPS}bit --bw-worker ${PBPS}bit --latency-us $LATENCY_US --pull-policy $POLICY --push-policy $PUSH_POLICY --steps $STEPS --warmup $WARMUP --cores $CORES --net-cpu-ns-per-byte $NCPU --share $SHARE ${SIGMA:+--share-sigma $SIGMA --runs $RUNS}'}
# measured FILE KEY CMD...: the value of FILE's line "KEY VALUE", running CMD (on the shaped test bed, output
# to FILE) first unless an earlier row at this rate already did
measured() {
    local f=$1 key=$2
    shift 2
    if [ ! -s "$f" ] || ! grep -q "^$key " "$f"; then
        HWNAS_TB_KEEP=1 "$@" >"$f" || { echo "sgd-validate: $(basename "$1") failed; see $f" >&2; return 1; }
    fi
    sed -n "s/^$key //p" "$f"
}
# share_sigma RATE: sets SIGMA for RATE (with SHARE_SIGMA=auto: sgd-share-calibrate.sh on transfers of the
# model's bytes, but at least 0.4 s of the rate, far above the shaper's 10 ms burst)
share_sigma() {
    [ "$SHARE" = noisy ] || return 0
    [ "$SHARE_SIGMA" = auto ] || { SIGMA=$SHARE_SIGMA; return 0; }
    local bytes
    bytes=$(python3 -c 'import json, sys; print(max(sum(t["bytes"] for t in json.load(open(sys.argv[1]))["hwnas"]["tensors"]), int(float(sys.argv[2]) * 0.05)))' "$TRACE" "$(bps "$1")") ||
        { echo "sgd-validate: cannot read the model bytes from $TRACE" >&2; return 1; }
    SIGMA=$(measured "$OUT/share-$1.txt" share-sigma "$REPO/scripts/sgd-share-calibrate.sh" "$1" "$CAL_ROUNDS" "$bytes") || return 1
    echo "sgd-validate: $1: share sigma (pull,push) $SIGMA ($OUT/share-$1.txt)" >&2
}
# net_cpu RATE: sets NCPU for RATE (with NET_CPU_NS=auto: sgd-netcpu.sh, 3 transfers of 8 s of the rate)
net_cpu() {
    [ "$NET_CPU_NS" = auto ] || return 0
    NCPU=$(measured "$OUT/netcpu-$1.txt" net-cpu-ns-per-byte "$REPO/scripts/sgd-netcpu.sh" "$1" \
        "$(awk -v b="$(bps "$1")" 'BEGIN { m = int(b / 1e6); print m < 1 ? 1 : m }')") || return 1
    echo "sgd-validate: $1: network CPU $NCPU ns/byte ($OUT/netcpu-$1.txt)" >&2
}
"$TB" up $((maxw + 1)) || exit $?
trap '"$TB" down' EXIT
echo "| W | link | measured steps/s | predicted steps/s | error | worker step ms | CPU (server, workers) |"
echo "|---|---|---|---|---|---|---|"
echo "W,rate,run,measured,predicted,error_pct" >"$OUT/runs.csv"
for c in $CONFIGS; do
    W=${c%%:*} RATE=${c#*:} BPS=$(bps "${c#*:}")
    PBPS=$(awk -v b="$BPS" -v e="$EFFICIENCY" 'BEGIN { printf "%.0f", b * e }')
    "$TB" shape "$RATE" || exit $?
    share_sigma "$RATE" || exit $?
    net_cpu "$RATE" || exit $?
    ms=() ps=() steps= cpu=
    for ((run = 1; run <= REPEAT; run++)); do
        sfx=w$W-$RATE
        [ "$REPEAT" -gt 1 ] && sfx=$sfx-r$run
        PTRACE=$(trace_for "$W")
        if [ "$TRACE_EVERY" = row ] && [ "$PTRACE" = "$TRACE" ]; then
            PTRACE=$OUT/trace-$sfx.json
            take_trace "$PTRACE" || exit $?
        fi
        log=$OUT/train-$sfx.txt
        "$TB" run $((W + 1)) "$HWNAS" sgd-train --arch "$ARCH" --batch "$BATCH" --steps "$STEPS" --warmup "$WARMUP" \
            --policy "$POLICY" --push-policy "$PUSH_POLICY" "${EXTRA_ARGS[@]}" --log-every 10 --trace "$OUT/measured-$sfx.json" >"$log" 2>&1 ||
            { echo "sgd-validate: sgd-train failed for W=$W $RATE run $run; see $log" >&2; continue; }
        res=$(grep '^result ' "$log")
        meas=$(sed -n 's/.*throughput=\([0-9.]*\).*/\1/p' <<<"$res")
        [ -n "$meas" ] || { echo "sgd-validate: no throughput in $log (W=$W $RATE run $run); run skipped" >&2; continue; }
        steps=${steps:+$steps / }$(sed -n 's/.*step_ms=\([0-9.,]*\).*/\1/p' <<<"$res")
        cpu=${cpu:+$cpu / }$(sed -n 's/.*cpu=\([0-9.,]*\).*/\1/p' <<<"$res")
        pred=-
        if [ $has_predict -eq 1 ]; then
            pred=$(eval "$PREDICT" 2>"$OUT/predict-$sfx.err" | awk -F, -v w="$W" '$1 == w { print $2; exit }')
            [ -n "$pred" ] || pred=-
        fi
        ms+=("$meas") ps+=("$pred")
        echo "$W,$RATE,$run,$meas,$pred,$(awk -v m="$meas" -v p="$pred" 'BEGIN { if (p == "-" || m <= 0) print "-"; else printf "%+.1f", 100 * (p - m) / m }')" >>"$OUT/runs.csv"
    done
    [ ${#ms[@]} -gt 0 ] || continue
    # the row: the mean over the runs of the measured and of the predicted throughput; with REPEAT > 1 the
    # measured column also shows the runs' sample standard deviation and range
    row=$(printf '%s\n' "${ms[@]}" | paste -d' ' - <(printf '%s\n' "${ps[@]}") | awk '
        { m[NR] = $1; sm += $1; if ($2 == "-") np = 1; else sp += $2 }
        END {
            n = NR; mm = sm / n; mp = sp / n
            meas = sprintf("%.6f", mm)
            if (n > 1) {
                v = 0; lo = m[1]; hi = m[1]
                for (i = 1; i <= n; i++) { v += (m[i] - mm) ^ 2; if (m[i] < lo) lo = m[i]; if (m[i] > hi) hi = m[i] }
                meas = sprintf("%.6f ± %.6f (%d runs, %.6f-%.6f)", mm, sqrt(v / (n - 1)), n, lo, hi)
            }
            if (np || mm <= 0) printf "%s | %s | -", meas, np ? "-" : sprintf("%.6g", mp)
            else printf "%s | %.6g | %+.1f %%", meas, mp, 100 * (mp - mm) / mm
        }')
    echo "| $W | $RATE | $row | $steps | $cpu |"
done
