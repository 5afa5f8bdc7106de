#!/usr/bin/env bash
# hwnas run: an unknown key inside the latency group (a typo) is reported with its line and name, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/^  proxy = "pixel3";/&\n  tran_samples = 50;/'
line=$(line_of "$TMP/c.cfg" 'tran_samples')
expect_error 2 "/c\.cfg:$line: .*unknown key.*tran_samples" -- "$HWNAS" run "$TMP/c.cfg"
