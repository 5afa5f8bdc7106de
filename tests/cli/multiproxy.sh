#!/usr/bin/env bash
# hwnas run with latency.method = "multiproxy" and sample_select = "diverse"
# (direct: tests/unit/test_multiproxy.c): (1) table targets from every other
# column and (2) a NEW device known only from 12 measured latencies
# (synthesised as 2 x eyeriss + noise), at -np 1 and 2; (3) a user's own
# 40-row CSV as the source table. Each run must predict every
# candidate, label the method in adaproxy.csv and give final SRCC > 0.9 where the
# truth is known.
set -u
source "$(dirname "$0")/../lib.sh"
errors=0
check() { # DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; errors=$((errors + 1)); fi
}
run_cfg() { # CFG -> runs it, results in $TMP/out/t
    rm -rf "$TMP/out"
    (cd "$TMP" && "$HWNAS" run "$1") >"$TMP/stdout" 2>"$TMP/stderr" || { cat "$TMP/stderr"; fail "run $1 exited $?"; }
}
col() { # FILE DEVICE COLUMN -> value of COLUMN in DEVICE's row of adaproxy.csv
    awk -F, -v d="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next } $1 == d { print $k[c] }' "$1"
}
pred_ok() { # every candidate has a numeric pred_DEVICE
    awk -F, -v c="pred_$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) j = i; if (!j) exit 1; next }
        $j !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ { bad++ } END { exit (j && !bad && NR > 1) ? 0 : 1 }' \
        "$TMP/out/t/candidates.csv"
}
above() { awk -v v="$1" -v t="$2" 'BEGIN { exit !(v + 0 > t + 0) }'; }

# (1) table targets from every other column and (2) a new device from 12
# measured latencies (sources: the table's columns), diverse samples
# a 3,000-arch, 8-device cut of nb201.csv keeps the run short
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
     NR <= 3001 { print $1, $2, $col["eyeriss"], $col["fpga"], $col["pixel3"], $col["raspi4"], $col["gold_6226"],
                  $col["titanx_256"], $col["samsung_a50"], $col["1080ti_1"] }' "$NB201" >"$TMP/mid.csv"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|table = \"latency/nb201.csv\";|table = \"$TMP/mid.csv\";|"
cfg_sub "$TMP/c.cfg" 's/\["eyeriss", "fpga"\]/["eyeriss", "fpga", "newdev"]/;
    s|proxy = "pixel3";|& measured = "meas.csv"; method = "multiproxy"; sample_select = "diverse";|;
    s|proxy = "pixel3";|& train_samples = 9; val_samples = 1;|'
{
    echo arch_str,device,latency_ms
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             (NR - 2) % 997 == 0 && n < 12 { n++; printf "%s,newdev,%.6f\n", $2, 2 * $col["eyeriss"] + 0.01 * (n % 5) }' "$NB201"
} >"$TMP/meas.csv"
run_cfg "$TMP/c.cfg"
a=$TMP/out/t/adaproxy.csv
check "adaproxy.csv ends with method,fit_ms" grep -q ',method,fit_ms$' "$a"
check "eyeriss: method multiproxy" test "$(col "$a" eyeriss method)" = multiproxy
check "eyeriss: 10 samples" test "$(col "$a" eyeriss n_samples)" = 10
check "eyeriss: final SRCC > 0.9 ($(col "$a" eyeriss final_srcc))" above "$(col "$a" eyeriss final_srcc)" 0.9
check "fpga: final SRCC > 0.9 ($(col "$a" fpga final_srcc))" above "$(col "$a" fpga final_srcc)" 0.9
check "fpga: an est. SRCC" above "$(col "$a" fpga est_srcc)" -1
check "pred_eyeriss on every candidate" pred_ok eyeriss
check "report.md says whether to measure more" grep -q -E 'measure more|estimated SRCC is >= 0.9' "$TMP/out/t/report.md"
check "newdev: measured, multiproxy" test "$(col "$a" newdev source),$(col "$a" newdev method)" = measured,multiproxy
check "newdev: 10 of its 12 rows" test "$(col "$a" newdev n_samples)" = 10
check "pred_newdev on every candidate" pred_ok newdev
# its predictions rank the candidates like eyeriss (the truth it was made from)
rho=$(awk -F, 'NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) k[$i] = i; next } e[$2] = $k["eyeriss"]; next }
     FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "pred_newdev") j = i; next }
     { n++; x[n] = $j; y[n] = e[$2] }
     END { for (i = 1; i <= n; i++) for (l = 1; l < i; l++) { s = (x[i] - x[l]) * (y[i] - y[l]); c += s > 0; d += s < 0 }
           printf "%.4f", (c - d) / (c + d) }' "$NB201" "$TMP/out/t/candidates.csv")
check "newdev predictions vs eyeriss: Kendall tau $rho > 0.7" above "$rho" 0.7
# the workers get the per-arch predictions: -np 2 writes the same candidates.csv
cp "$TMP/out/t/candidates.csv" "$TMP/np1.csv"
(cd "$TMP" && "$REPO/scripts/mpirun.sh" 2 "$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/np2") >"$TMP/np2.log" 2>&1 ||
    { cat "$TMP/np2.log"; fail "-np 2 exited non-zero"; }
check "-np 2 candidates.csv identical to -np 1" cmp -s "$TMP/np1.csv" "$TMP/np2/t/candidates.csv"

# (3) a user's CSV (40 archs, devA = eyeriss, devB = fpga) as the source table
small_table "$TMP/small.csv"
write_cfg "$TMP/s.cfg"
cfg_sub "$TMP/s.cfg" "s|table = \"latency/nb201.csv\";|table = \"$TMP/small.csv\";|; s/\"pixel3\"/\"devA\"/;
    s/\[\"eyeriss\", \"fpga\"\]/[\"devB\"]/; s|n = 200;|n = 40;|;
    s|proxy = \"devA\";|& method = \"multiproxy\"; sources = [\"devA\"]; sample_select = \"diverse\"; train_samples = 9; val_samples = 1;|"
sed -i '/^accuracy/d' "$TMP/s.cfg"; echo 'accuracy = { table = ""; };' >>"$TMP/s.cfg"
run_cfg "$TMP/s.cfg"
check "user CSV: devB multiproxy from devA" test "$(col "$a" devB method)" = multiproxy
check "user CSV: devB final SRCC > 0.8 ($(col "$a" devB final_srcc))" above "$(col "$a" devB final_srcc)" 0.8
[ $errors -eq 0 ] || fail "$errors check(s) failed"
