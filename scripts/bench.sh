#!/usr/bin/env bash
# scripts/bench.sh - `make bench`: (1) the full NB201 latency campaign (15,625 archs x
# every device of latency/nb201.csv, Pixel3 proxy) timed at -np 1 and -np 2
# (goal: under 20 s wall at -np 2), best of 3 runs each; (2) ZiCo on the CNN engine vs
# SGEMM and vs PyTorch (below). Prints one line per figure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "bench: full campaign configs/nb201-oneproxy.cfg (15,625 archs x 27 devices), $(nproc) cores"
for np in 1 2; do
    best=0
    for rep in 1 2 3; do
        t0=$(date +%s%N)
        scripts/mpirun.sh "$np" bin/hwnas run configs/nb201-oneproxy.cfg --output-dir "$out/np$np" 2>"$out/log"
        t=$(( $(date +%s%N) - t0 ))
        if [ "$rep" = 1 ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    printf 'bench: -np %d  full campaign wall %d.%02d s (best of 3, includes mpirun start-up)\n' "$np" \
        $((best / 1000000000)) $((best / 10000000 % 100))
done
grep -h '"wall_s"' "$out"/np2/*/summary.json | sed 's/^ */bench: hwnas-internal /'

# ZiCo on the CNN engine (issue #4): 20 fixed NB201 archs, batch 64 x 2, one
# thread; GFLOP/s of the forward + backward work vs single-thread SGEMM in the
# same run; PyTorch's time on the same archs and batches when python3-torch is
# installed (Debian package), as a ratio.
mkdir -p build/bench
mpicc -std=c11 -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude \
    $(pkg-config --cflags openblas 2>/dev/null) tests/bench/zico_bench.c build/libhwnas.a \
    -o build/bench/zico_bench -lconfig -llapacke -lopenblas -lm
core=$(grep -q avx512f /proc/cpuinfo && echo SkylakeX || echo Haswell)
OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$core} OPENBLAS_NUM_THREADS=1 build/bench/zico_bench 20 | tee "$out/zico.txt" |
    sed 's/^/bench: /'
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    OMP_NUM_THREADS=1 /usr/bin/python3 tests/bench/zico_torch_time.py | tee "$out/torch.txt" | sed 's/^/bench: /'
else
    echo "bench: PyTorch not installed (apt-get install python3-torch): no PyTorch comparison"
fi
