#!/usr/bin/env bash
# hwnas run with a NEW device known only from `latency.measured`: 20 measured
# latencies of "newdev" (synthesised as 2 x eyeriss + a small deterministic
# perturbation) must give newdev predictions for every candidate and appear in
# every report file.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/n = 200;/n = 300;/; s/\["eyeriss", "fpga"\]/["eyeriss", "newdev"]/;
                      s|proxy = "pixel3";|& measured = "meas.csv";|'
{
    echo arch_str,device,latency_ms
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             (NR - 2) % 700 == 0 && n < 20 { n++; printf "%s,newdev,%.6f\n", $2, 2 * $col["eyeriss"] + 0.01 * (n % 7) }' "$NB201"
} >"$TMP/meas.csv"
[ "$(wc -l <"$TMP/meas.csv")" -eq 21 ] || fail "could not synthesise 20 measurements"

(cd "$TMP" && "$HWNAS" run "$TMP/c.cfg") >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
cat "$TMP/stderr"
[ $rc -eq 0 ] || fail "hwnas run exited $rc"
out=$TMP/out/t
errors=0
check() { # DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; errors=$((errors + 1)); fi
}
pred_on_every_row() { # a pred_newdev column with a number on each of the 300 rows
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "pred_newdev") c = i; if (!c) exit 1; next }
             $c !~ /^-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ { print "row " NR ": pred_newdev = \"" $c "\"" >"/dev/stderr"; bad++ }
             END { exit (c && !bad && NR == 301) ? 0 : 1 }' "$out/candidates.csv"
}
check "candidates.csv: 300 rows, pred_newdev on each" pred_on_every_row
check "adaproxy.csv has a row for newdev" grep -q '^newdev,' "$out/adaproxy.csv"
check 'summary.json mentions "newdev"' grep -q '"newdev"' "$out/summary.json"
check "pareto_newdev.csv exists and has rows" test "$(wc -l <"$out/pareto_newdev.csv")" -gt 1
check "report.md mentions newdev" grep -q newdev "$out/report.md"
check "devices_srcc.csv has rows for newdev" grep -q -E '^newdev,|,newdev,' "$out/devices_srcc.csv"
check "no warning on stderr (e.g. gnuplot failing on pareto.gp)" eval '! grep -i warning "$TMP/stderr"'
[ $errors -eq 0 ] || fail "$errors check(s) failed"
