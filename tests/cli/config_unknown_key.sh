#!/usr/bin/env bash
# hwnas run: an unknown top-level key is reported with its line and name, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg" 'colour = "red";'
line=$(line_of "$TMP/c.cfg" '^colour')
expect_error 2 "/c\.cfg:$line: .*unknown key.*'colour'" -- "$HWNAS" run "$TMP/c.cfg"
