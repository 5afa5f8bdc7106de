#!/usr/bin/env bash
# scripts/sgd-saturation.sh [OUTDIR] - predicted throughput of asynchronous
# parameter-server SGD vs the number of workers W = 1..64 (hwnas sgd-predict on
# synthetic NB201 traces, 20 GFLOP/s per worker, 1 Gbit/s worker links, 100 us
# latency, pull "layer", push "reverse"), for
#   comm:    all nor_conv_3x3, batch 32, server link 100 Mbit/s (communication-heavy)
#   compute: all nor_conv_3x3, batch 256, server link 1 Gbit/s (compute-heavy)
# Writes OUTDIR/saturation.csv (steps/s, speed-up over W = 1, server-link
# utilisation of each), OUTDIR/saturation.gp and, with gnuplot installed,
# OUTDIR/saturation.png. Default OUTDIR: results/sgd-saturation. About 12 minutes
# of one core (every point is the mean of sgd-predict's 16 phase samples).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/results/sgd-saturation}
mkdir -p "$out"
arch='|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'
common=(--arch "$arch" --workers 1..64 --gflops 20 --bw-worker 1Gbit --latency-us 100 --steps 10 --warmup 2
        --pull-policy layer --push-policy reverse)
"$here/bin/hwnas" sgd-predict "${common[@]}" --batch 32 --bw-server 100Mbit >"$out/comm.csv"
"$here/bin/hwnas" sgd-predict "${common[@]}" --batch 256 --bw-server 1Gbit >"$out/compute.csv"
# workers,steps_per_s,...,util_down,... (columns found by name in the header) -> joined
paste -d, "$out/comm.csv" "$out/compute.csv" | awk -F, '
    NR == 1 { n = NF / 2; for (i = 1; i <= n; i++) col[$i] = i
              s = col["steps_per_s"]; u = col["util_down"]
              print "workers,comm_steps_per_s,comm_speedup,comm_util_down,compute_steps_per_s,compute_speedup,compute_util_down"; next }
    NR == 2 { c1 = $s; p1 = $(n + s) }
    { printf "%d,%s,%.4f,%s,%s,%.4f,%s\n", $1, $s, $s / c1, $u, $(n + s), $(n + s) / p1, $(n + u) }' >"$out/saturation.csv"
rm -f "$out/comm.csv" "$out/compute.csv"
cat >"$out/saturation.gp" <<'GP'
# gnuplot saturation.gp (in the directory of saturation.csv) -> saturation.png
set terminal pngcairo size 900,600
set output 'saturation.png'
set datafile separator ','
set key top left
set xlabel 'workers W'
set ylabel 'predicted throughput / throughput at W = 1'
set title 'Async parameter-server SGD, NB201 all nor\_conv\_3x3, 20 GFLOP/s workers (hwnas sgd-predict)'
set grid
plot [1:64][0:] x title 'linear' dashtype 2 lc rgb 'gray', \
     'saturation.csv' using 1:3 with linespoints pt 7 ps 0.5 title 'communication-heavy: batch 32, 100 Mbit/s server link', \
     'saturation.csv' using 1:6 with linespoints pt 5 ps 0.5 title 'compute-heavy: batch 256, 1 Gbit/s server link'
GP
if command -v gnuplot >/dev/null; then
    (cd "$out" && gnuplot saturation.gp) && echo "sgd-saturation: $out/saturation.png"
else
    echo "sgd-saturation: gnuplot not installed; plot with: cd $out && gnuplot saturation.gp"
fi
echo "sgd-saturation: $out/saturation.csv"
awk -F, 'NR > 1 && ($1 == 1 || $1 == 8 || $1 == 16 || $1 == 32 || $1 == 64) {
    printf "  W=%-3d comm %8.3f steps/s (x%.2f, link %.2f)   compute %8.3f steps/s (x%.2f, link %.2f)\n", $1, $2, $3, $4, $5, $6, $7 }' \
    "$out/saturation.csv"
