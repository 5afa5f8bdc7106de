#!/usr/bin/env bash
# hwnas run: a latency table listing the same arch twice (under another index) is reported as TABLE:LINE, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
small_table "$TMP/lat.csv"    # 40 real NB201 archs, columns devA devB
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|latency/nb201.csv|$TMP/lat.csv|; s/\"pixel3\"/\"devA\"/; s/\\[\"eyeriss\", \"fpga\"\\]/[\"devB\"]/"
sed -n 5p "$TMP/lat.csv" | sed 's/^[0-9]*,/7,/' >>"$TMP/lat.csv"   # index 7 is not in the table
expect_error 2 "/lat\.csv:42: .*arch_str.*line 5" -- "$HWNAS" run "$TMP/c.cfg"
