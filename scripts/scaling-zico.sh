#!/usr/bin/env bash
# scripts/scaling-zico.sh [CONFIG] - strong scaling of the farm on this machine:
# the same ZiCo campaign at -np 2 (1 worker) and -np 3 (2 workers); prints the
# farm's wall time (hwnas's own "candidates: N/N ... elapsed" line, setup and
# reports excluded), the speed-up and the parallel efficiency T1 / (2 T2).
# Needs an otherwise idle machine with at least 2 cores.
set -euo pipefail
cfg=${1:-configs/zico-scaling.cfg}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
farm_s() { sed -n 's/.*candidates: \([0-9]*\)\/\1 .*elapsed \([0-9.]*\) s.*/\2/p' "$1" | tail -1; }
for np in 2 3; do
    "$here/scripts/mpirun.sh" $np "$here/bin/hwnas" run "$cfg" --output-dir "$out/np$np" 2>"$out/np$np.log"
    echo "scaling: -np $np ($((np - 1)) worker(s)): farm $(farm_s "$out/np$np.log") s"
done
t1=$(farm_s "$out/np2.log") t2=$(farm_s "$out/np3.log")
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "scaling: speed-up %.3f, parallel efficiency %.1f %%\n", a / b, 100 * a / (2 * b) }'
cmp -s "$out/np2/zico-scaling/candidates.csv" "$out/np3/zico-scaling/candidates.csv" &&
    echo "scaling: candidates.csv identical at -np 2 and -np 3" || { echo "scaling: candidates.csv differ"; exit 1; }
