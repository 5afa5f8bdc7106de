#!/usr/bin/env bash
# hwnas run: a latency table whose header does not start with arch_index,arch_str is reported as TABLE:1, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
small_table "$TMP/lat.csv"    # 40 real NB201 archs, columns devA devB
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" "s|latency/nb201.csv|$TMP/lat.csv|; s/\"pixel3\"/\"devA\"/; s/\\[\"eyeriss\", \"fpga\"\\]/[\"devB\"]/"
sed -i '1s/,arch_str,/,arch,/' "$TMP/lat.csv"
expect_error 2 "/lat\.csv:1: .*'arch'" -- "$HWNAS" run "$TMP/c.cfg"
