#!/usr/bin/env bash
# hwnas run: a libconfig syntax error is reported as CONFIG:LINE, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg" 'broken = ;'
line=$(line_of "$TMP/c.cfg" '^broken')
expect_error 2 "/c\.cfg:$line: .*syntax" -- "$HWNAS" run "$TMP/c.cfg"
