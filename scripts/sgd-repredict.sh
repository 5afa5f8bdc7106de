#!/usr/bin/env bash
# scripts/sgd-repredict.sh DIR - predicts again, with the current model and options, every training run
# that scripts/sgd-validate.sh recorded in DIR (DIR/runs.csv and the single-worker trace taken right before
# each run, DIR/trace-wW-RATE[-rN].json, else DIR/trace.json), and prints the same Markdown table with the
# measured throughput unchanged: a model change is compared on the very same measurements. No root, no
# test bed, no MPI. Environment as for sgd-validate.sh: STEPS and WARMUP (must be the run's: default 40, 10),
# POLICY, PUSH_POLICY, LATENCY_US, EFFICIENCY, CORES, SHARE (default noisy), RUNS; with SHARE=noisy,
# SHARE_SIGMA="RATE=PULL,PUSH ..." per rate, or DIR/share-RATE.txt (sgd-validate's calibration) for a rate
# not given there; NET_CPU_NS: ns/byte for every rate, or "RATE=X ..." per rate, or "auto" (default):
# DIR/netcpu-RATE.txt, for a rate not given.
set -u
[ $# -eq 1 ] && [ -s "$1/runs.csv" ] || { echo "usage: $0 DIR   (DIR/runs.csv from scripts/sgd-validate.sh)" >&2; exit 2; }
DIR=$1
REPO=$(cd "$(dirname "$0")/.." && pwd)
HWNAS=${HWNAS:-$REPO/bin/hwnas}
source "$REPO/scripts/sgd-lib.sh"
[ -x "$HWNAS" ] || { echo "sgd-repredict: no $HWNAS; run make" >&2; exit 2; }
STEPS=${STEPS:-40} WARMUP=${WARMUP:-10} POLICY=${POLICY:-layer} PUSH_POLICY=${PUSH_POLICY:-reverse}
LATENCY_US=${LATENCY_US:-50} EFFICIENCY=${EFFICIENCY:-0.9564} CORES=${CORES:-$(nproc)} NET_CPU_NS=${NET_CPU_NS:-auto}
SHARE=${SHARE:-noisy} RUNS=${RUNS:-32} SHARE_SIGMA=${SHARE_SIGMA:-}
# per_rate MAP RATE FILE KEY: the value for RATE from MAP ("RATE=V ..."; a bare V: every rate), else from
# the line "KEY V" of FILE
per_rate() {
    local kv
    for kv in $1; do
        [[ $kv == *=* ]] || { echo "$kv"; return 0; }
        [ "${kv%%=*}" = "$2" ] && { echo "${kv#*=}"; return 0; }
    done
    [ -s "$3" ] && sed -n "s/^$4 //p" "$3" | grep . && return 0
    echo "sgd-repredict: no $4 for $2: give it in the environment (RATE=VALUE) or as $3" >&2
    return 1
}
echo "| W | link | measured steps/s | predicted steps/s | error | runs |"
echo "|---|---|---|---|---|---|"
prev= ms=() ps=()
flush() {
    [ ${#ms[@]} -gt 0 ] || return 0
    printf '%s\n' "${ms[@]}" | paste -d' ' - <(printf '%s\n' "${ps[@]}") | awk -v key="$prev" '
        { sm += $1; sp += $2; n++ }
        END { split(key, k, ","); mm = sm / n; mp = sp / n
              printf "| %s | %s | %.6f | %.6g | %+.1f %% | %d |\n", k[1], k[2], mm, mp, 100 * (mp - mm) / mm, n }'
    ms=() ps=()
}
while IFS=, read -r W RATE RUN MEAS _; do
    [ "$W" = W ] && continue
    [ "$W,$RATE" = "$prev" ] || { flush; prev=$W,$RATE; }
    T=$DIR/trace-w$W-$RATE-r$RUN.json
    [ -s "$T" ] || T=$DIR/trace-w$W-$RATE.json
    [ -s "$T" ] || T=$DIR/trace.json
    b=$(bps "$RATE") || { echo "sgd-repredict: $DIR/runs.csv: rate '$RATE' is not a tc rate (10mbit, 1gbit)" >&2; exit 2; }
    PBPS=$(awk -v b="$b" -v e="$EFFICIENCY" 'BEGIN { printf "%.0f", b * e }')
    extra=()
    if [ "$SHARE" = noisy ]; then
        s=$(per_rate "$SHARE_SIGMA" "$RATE" "$DIR/share-$RATE.txt" share-sigma) || exit 2
        extra=(--share-sigma "$s" --runs "$RUNS")
    fi
    ncpu=$(per_rate "${NET_CPU_NS/auto/}" "$RATE" "$DIR/netcpu-$RATE.txt" net-cpu-ns-per-byte) || exit 2
    pred=$("$HWNAS" sgd-predict "$T" --workers "$W" --bw-server "${PBPS}bit" --bw-worker "${PBPS}bit" \
        --latency-us "$LATENCY_US" --pull-policy "$POLICY" --push-policy "$PUSH_POLICY" --steps "$STEPS" \
        --warmup "$WARMUP" --cores "$CORES" --net-cpu-ns-per-byte "$ncpu" --share "$SHARE" "${extra[@]}" |
        awk -F, -v w="$W" '$1 == w { print $2; exit }') || exit 2
    [ -n "$pred" ] || { echo "sgd-repredict: no prediction for W=$W $RATE run $RUN ($T)" >&2; exit 2; }
    ms+=("$MEAS") ps+=("$pred")
done <"$DIR/runs.csv"
flush
