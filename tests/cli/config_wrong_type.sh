#!/usr/bin/env bash
# hwnas run: a value of the wrong type (seed = "x") is reported with its line and key, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/^seed = 1;/seed = "x";/'
line=$(line_of "$TMP/c.cfg" '^seed')
expect_error 2 "/c\.cfg:$line: .*seed.*integer" -- "$HWNAS" run "$TMP/c.cfg"
