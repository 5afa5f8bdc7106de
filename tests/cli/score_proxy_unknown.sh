#!/usr/bin/env bash
# hwnas run: an unknown score proxy is reported at score.proxies' line, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/\["params", "flops"\]/["params", "no_such_proxy"]/'
line=$(line_of "$TMP/c.cfg" 'no_such_proxy')
expect_error 2 "/c\.cfg:$line: .*score\.proxies.*'no_such_proxy'" -- "$HWNAS" run "$TMP/c.cfg"
