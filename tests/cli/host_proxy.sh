#!/usr/bin/env bash
# hwnas run with the host as the one proxy: latency.host (a CSV written by
# hwnas profile for every arch of the table) and latency.host_predictor (an
# op-wise predictor file) each give host_1t for every table row, so the
# campaign runs with host_1t as proxy; bad host inputs are one-line errors.
set -u
source "$(dirname "$0")/../lib.sh"
small_table "$TMP/t.csv"
tail -n +2 "$TMP/t.csv" | cut -d, -f1 >"$TMP/idx.txt"
"$HWNAS" profile --archs "$TMP/idx.txt" --repeats 3 --warmup 0 --max-spread 1e9 --out "$TMP/host.csv" 2>/dev/null ||
    fail "profile of the 40 table archs failed"
"$HWNAS" profile --predictor "$TMP/pred.txt" --repeats 3 --warmup 0 --fit-archs 3 --max-spread 1e9 >/dev/null 2>&1 ||
    fail "profile --predictor failed"
for how in "host = \"$TMP/host.csv\";" "host_predictor = \"$TMP/pred.txt\";"; do
    write_cfg "$TMP/c.cfg"
    cfg_sub "$TMP/c.cfg" "s|table = \"latency/nb201.csv\";|table = \"$TMP/t.csv\";|; s|proxy = \"pixel3\";|proxy = \"host_1t\"; $how|;
                          s|\[\"eyeriss\", \"fpga\"\]|[\"devA\", \"devB\"]; train_samples = 15; val_samples = 5; cv_folds = 4|;
                          s|select = \"sample\"; n = 200;|select = \"all\";|"
    rm -rf "$TMP/out"
    (cd "$TMP" && "$HWNAS" run "$TMP/c.cfg") >"$TMP/o.txt" 2>"$TMP/e.txt" || { cat "$TMP/e.txt"; fail "run ($how) failed"; }
    grep -q "proxy host_1t, 2 targets" "$TMP/e.txt" || fail "($how) not host_1t as proxy: $(head -2 "$TMP/e.txt")"
    grep -q '^devA,' "$TMP/out/t/adaproxy.csv" && grep -q '^devB,' "$TMP/out/t/adaproxy.csv" || fail "($how) adaproxy rows"
    grep -q -E '(^|,)host_1t,' "$TMP/out/t/devices_srcc.csv" || fail "($how) host_1t not in devices_srcc.csv"
    echo "ok: campaign with $how"
done
rm -rf "$TMP/out"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|proxy = \"pixel3\";|proxy = \"host_2t\"; host = \"$TMP/host.csv\";|"
expect_error 2 "latency.proxy 'host_2t' is not a column of latency.host" -- "$HWNAS" run "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|host_2t|host_1t|"
expect_error 2 "has no host_1t latency in latency.host" -- "$HWNAS" run "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|host = |host_predictor = \"$TMP/pred.txt\"; host = |"
expect_error 2 "latency.host and latency.host_predictor both set" -- "$HWNAS" run "$TMP/c.cfg"
