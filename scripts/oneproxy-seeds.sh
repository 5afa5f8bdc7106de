#!/usr/bin/env bash
# scripts/oneproxy-seeds.sh CONFIG [SEEDS] [OUTDIR] - runs a latency campaign for
# seeds 1..SEEDS (default 10) and prints, per target device, the raw proxy SRCC,
# the mean / min final SRCC over the seeds, how often the proxy was reused, the
# linear upper bound and the mean gap to it, as a Markdown table. Each seed's
# full results stay in OUTDIR/seed<N>/ (default: a temporary directory).
set -euo pipefail
cfg=${1:?usage: scripts/oneproxy-seeds.sh CONFIG [SEEDS] [OUTDIR]}
seeds=${2:-10}
out=${3:-$(mktemp -d)}
here=$(cd "$(dirname "$0")/.." && pwd)
hwnas=${HWNAS:-$here/bin/hwnas}
for s in $(seq 1 "$seeds"); do
    "$hwnas" run "$cfg" --seed "$s" --output-dir "$out/seed$s" 2>/dev/null
done
camp=$(basename "$(ls -d "$out"/seed1/*/)")
cat "$out"/seed*/"$camp"/adaproxy.csv | awk -F, -v seeds="$seeds" '
    $1 == "device" { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        d = $1; if (!(d in n)) order[++nd] = d
        n[d]++; raw[d] = $col["raw_srcc"]; ub[d] = $col["linear_ub_srcc"]
        f = $col["final_srcc"]; sum[d] += f; gap[d] += ub[d] - f
        if (!(d in mn) || f < mn[d]) mn[d] = f
        if ($col["decision"] == "reuse") reuse[d]++
    }
    END {
        printf "| device | raw SRCC | final SRCC (mean of %d) | min | reused | linear UB | mean gap |\n", seeds
        print "|---|---|---|---|---|---|---|"
        for (i = 1; i <= nd; i++) {
            d = order[i]
            printf "| %s | %.4f | %.4f | %.4f | %d/%d | %.4f | %.4f |\n", d, raw[d], sum[d] / n[d], mn[d], reuse[d], n[d], ub[d], gap[d] / n[d]
        }
    }'
