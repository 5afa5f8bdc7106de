#!/usr/bin/env bash
# hwnas run: a latency table that does not exist is reported at the config's latency.table line, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's|latency/nb201.csv|latency/no-such-table.csv|'
line=$(line_of "$TMP/c.cfg" 'no-such-table')
expect_error 2 "/c\.cfg:$line: .*latency\.table.*no-such-table\.csv" -- "$HWNAS" run "$TMP/c.cfg"
