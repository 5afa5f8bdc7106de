#!/usr/bin/env bash
# hwnas with an unknown subcommand: error naming it, exit 2.
set -u
source "$(dirname "$0")/../lib.sh"
expect_error 2 "unknown subcommand.*frobnicate" -- "$HWNAS" frobnicate
