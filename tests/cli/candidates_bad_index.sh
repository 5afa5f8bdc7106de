#!/usr/bin/env bash
# hwnas run: a candidates file with an arch index that is not in the table is reported as CANDIDATES:LINE, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's|select = "sample"; n = 200;|select = "file"; path = "cand.txt";|'
printf '0\n17\n\n15624\n20000\n3\n' >"$TMP/cand.txt"
expect_error 2 "/cand\.txt:5: .*index.*20000" -- "$HWNAS" run "$TMP/c.cfg"
