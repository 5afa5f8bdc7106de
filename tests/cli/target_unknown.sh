#!/usr/bin/env bash
# hwnas run: an unknown target device is reported at latency.targets' line, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
write_cfg "$TMP/c.cfg"
cfg_sub "$TMP/c.cfg" 's/\["eyeriss", "fpga"\]/["eyeriss", "tpu_v9"]/'
line=$(line_of "$TMP/c.cfg" 'tpu_v9')
expect_error 2 "/c\.cfg:$line: .*latency\.targets.*'tpu_v9'" -- "$HWNAS" run "$TMP/c.cfg"
