#!/usr/bin/env bash
# hwnas run: a latency table with a non-numeric cell is reported as TABLE:LINE with the column name, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
small_table "$TMP/lat.csv"    # 40 real NB201 archs, columns devA devB
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|latency/nb201.csv|$TMP/lat.csv|; s/\"pixel3\"/\"devA\"/; s/\\[\"eyeriss\", \"fpga\"\\]/[\"devB\"]/"
sed -i '17s/,[^,]*$/,fast/' "$TMP/lat.csv"
expect_error 2 "/lat\.csv:17: .*'devB'.*fast" -- "$HWNAS" run "$TMP/c.cfg"
