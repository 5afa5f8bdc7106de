#!/usr/bin/env bash
# hwnas run: a measured device that is already a column of the latency table is reported as CSV:LINE, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/\["eyeriss", "fpga"\]/["eyeriss", "newdev"]/; s|proxy = "pixel3";|& measured = "meas.csv";|'
{
    echo arch_str,device,latency_ms
    awk -F, 'NR > 1 && NR <= 21 { printf "%s,newdev,%.3f\n", $2, 1 + NR / 7 }' "$NB201"
    awk -F, 'NR > 1 && NR <= 4 { printf "%s,fpga,%.3f\n", $2, 1 + NR / 7 }' "$NB201"
} >"$TMP/meas.csv"
expect_error 2 "/meas\.csv:22: .*'fpga'" -- "$HWNAS" run "$TMP/c.cfg"
