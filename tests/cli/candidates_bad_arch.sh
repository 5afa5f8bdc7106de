#!/usr/bin/env bash
# hwnas run: a candidates file with an invalid arch string is reported as CANDIDATES:LINE, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's|select = "sample"; n = 200;|select = "file"; path = "cand.txt";|'
{
    echo '# two good archs, then a bad op name'
    sed -n 2,3p "$NB201" | cut -d, -f2
    echo '|bad_op~0|+|none~0|none~1|+|none~0|none~1|none~2|'
    sed -n 4p "$NB201" | cut -d, -f2
} >"$TMP/cand.txt"
expect_error 2 "/cand\.txt:4: .*arch" -- "$HWNAS" run "$TMP/c.cfg"
