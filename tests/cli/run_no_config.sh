#!/usr/bin/env bash
# hwnas run without a config file: usage error, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
expect_error 2 "config" -- "$HWNAS" run
