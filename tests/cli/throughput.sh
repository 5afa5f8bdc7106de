#!/usr/bin/env bash
# hwnas run with a `throughput` section: throughput.csv has one row per
# (device, predicted-front arch, W), the archs being exactly those of each
# pareto_<device>.csv predicted front (top = 1000 > any front), and its steps/s
# equal what `hwnas sgd-predict --arch` prints for the same arch and options
# (an independent path: the CLI's own option parsing and defaults). With
# top = 2, each device keeps its 2 highest-scored front archs.
set -u
source "$(dirname "$0")/../lib.sh"
opts='workers = [1, 3, 8]; bw_server = "100Mbit"; bw_worker = "1Gbit"; latency_us = 100.0; gflops = 50.0;
  batch = 16; policy = "reverse";'
write_cfg "$TMP/c.cfg" "throughput = { $opts top = 1000; };"
(cd "$TMP" && "$HWNAS" run "$TMP/c.cfg") >"$TMP/stdout" 2>"$TMP/stderr" || { cat "$TMP/stderr"; fail "hwnas run failed"; }
out=$TMP/out/t
[ -f "$out/throughput.csv" ] || fail "no throughput.csv"
[ "$(head -1 "$out/throughput.csv")" = device,arch_index,arch_str,workers,steps_per_s,step_us,util ] ||
    fail "throughput.csv header: $(head -1 "$out/throughput.csv")"
grep -q '^## Predicted training throughput' "$out/report.md" || fail "report.md has no throughput section"
for dev in pixel3 eyeriss fpga; do
    awk -F, '$1 == "predicted" { print $3 }' "$out/pareto_$dev.csv" | sort >"$TMP/front"
    [ -s "$TMP/front" ] || fail "$dev: empty front"
    for w in 1 3 8; do
        awk -F, -v d=$dev -v w=$w '$1 == d && $4 == w { print $3 }' "$out/throughput.csv" | sort >"$TMP/tp"
        cmp -s "$TMP/front" "$TMP/tp" || { diff "$TMP/front" "$TMP/tp"; fail "$dev W=$w: archs differ from the front"; }
    done
    echo "ok: $dev: $(wc -l <"$TMP/front") front archs x 3 worker counts"
done
# one arch (the last row's) through the sgd-predict CLI
arch=$(tail -1 "$out/throughput.csv" | cut -d, -f3)
"$HWNAS" sgd-predict --arch "$arch" --workers 1,3,8 --bw-server 100Mbit --bw-worker 1Gbit --latency-us 100 \
    --gflops 50 --batch 16 --policy reverse >"$TMP/cli.csv" || fail "sgd-predict failed"
n=$(awk -F, -v a="$arch" 'NR == FNR { if (FNR > 1) want[$1] = $2; next }
        $3 == a && $1 == "fpga" { r = ($5 - want[$4]) / want[$4]; if (r < 0) r = -r
                                  if (!($4 in want) || r > 1e-5) { print "W=" $4 ": " $5 " vs " want[$4] >"/dev/stderr"; bad++ }
                                  n++ }
        END { print bad ? -1 : n }' "$TMP/cli.csv" "$out/throughput.csv")
[ "$n" = 3 ] || fail "throughput.csv vs sgd-predict for $arch (matched: $n)"
# communication-bound at 100 Mbit/s: 8 workers are not 8x one
awk -F, '$4 == 1 { one[$3] = $5 } $4 == 8 && $5 >= 7.9 * one[$3] { bad++ } END { exit bad > 0 }' "$out/throughput.csv" ||
    fail "W=8 scales linearly although the server link is 100 Mbit/s"
echo "ok: throughput.csv = sgd-predict for $arch"

# top = 2: the two highest-scored archs of each front (score = 4th column of pareto_*.csv)
rm -rf "$out"
cfg_sub "$TMP/c.cfg" 's/top = 1000;/top = 2;/'
(cd "$TMP" && "$HWNAS" run "$TMP/c.cfg") >"$TMP/stdout" 2>"$TMP/stderr" || { cat "$TMP/stderr"; fail "hwnas run (top = 2) failed"; }
for dev in pixel3 eyeriss fpga; do
    awk -F, '$1 == "predicted" { print $4, $3 }' "$out/pareto_$dev.csv" | sort -g -r -s -k1,1 | head -2 | cut -d' ' -f2 | sort >"$TMP/front"
    awk -F, -v d=$dev '$1 == d && $4 == 1 { print $3 }' "$out/throughput.csv" | sort >"$TMP/tp"
    cmp -s "$TMP/front" "$TMP/tp" || { diff "$TMP/front" "$TMP/tp"; fail "$dev (top = 2): not the 2 best-scored archs"; }
done
echo "ok: top = 2 keeps each front's 2 best-scored archs"
