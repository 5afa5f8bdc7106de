#!/usr/bin/env bash
# hwnas run: errors in the `throughput` section name the file, the line and the
# key, exit 2, and write no results: an unknown key (with a suggestion), a
# bandwidth without a unit, a worker count listed twice, an unknown policy.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg" 'throughput = {' '  workers = [1, 2];' '  bw_servr = "1Gbit";' '};'
line=$(line_of "$TMP/c.cfg" 'bw_servr')
expect_error 2 "/c\.cfg:$line: unknown key 'throughput\.bw_servr'; did you mean 'bw_server'\?" -- "$HWNAS" run "$TMP/c.cfg"

cfg_sub "$TMP/c.cfg" 's/bw_servr = "1Gbit"/bw_server = "1000"/'
expect_error 2 "/c\.cfg:$line: throughput\.bw_server = \"1000\" is not a bandwidth; .*Mbit" -- "$HWNAS" run "$TMP/c.cfg"

cfg_sub "$TMP/c.cfg" 's/bw_server = "1000"/bw_server = "1Gbit"/; s/workers = \[1, 2\]/workers = [1, 2, 1]/'
line=$(line_of "$TMP/c.cfg" 'workers')
expect_error 2 "/c\.cfg:$line: throughput\.workers\[2\] = 1 is listed twice" -- "$HWNAS" run "$TMP/c.cfg"

cfg_sub "$TMP/c.cfg" 's/workers = \[1, 2, 1\]/workers = [1, 0]/'
expect_error 2 "/c\.cfg:$line: throughput\.workers\[1\] must be an integer from 1 to 4096" -- "$HWNAS" run "$TMP/c.cfg"

cfg_sub "$TMP/c.cfg" 's/workers = \[1, 0\]/workers = [1, 2]; policy = "fifo"/'
expect_error 2 "/c\.cfg:$line: throughput\.policy = \"fifo\" is not valid; use one of: \"layer\", \"reverse\"" \
    -- "$HWNAS" run "$TMP/c.cfg"
