#!/usr/bin/env bash
# hwnas run: a proxy that is not a device column of the table is reported at latency.proxy's line, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/proxy = "pixel3"/proxy = "pixel9"/'
line=$(line_of "$TMP/c.cfg" 'pixel9')
expect_error 2 "/c\.cfg:$line: .*latency\.proxy.*'pixel9'" -- "$HWNAS" run "$TMP/c.cfg"
