#!/usr/bin/env bash
# hwnas run with an unknown option: usage error naming the option, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
expect_error 2 "unknown option.*--frobnicate" -- "$HWNAS" run "$TMP/c.cfg" --frobnicate
