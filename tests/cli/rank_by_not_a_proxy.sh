#!/usr/bin/env bash
# hwnas run: score.rank_by that is not among score.proxies is reported at its line, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/\["params", "flops"\]; rank_by = "params"/["params"]; rank_by = "flops"/'
line=$(line_of "$TMP/c.cfg" 'rank_by')
expect_error 2 "/c\.cfg:$line: .*rank_by.*flops" -- "$HWNAS" run "$TMP/c.cfg"
