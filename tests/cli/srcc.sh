#!/usr/bin/env bash
# hwnas srcc against correlations computed independently by the data package
# (../shared/data/nb201/srcc_reference.csv: Spearman and Kendall of each
# NAS-Bench-Suite-Zero proxy vs 200-epoch CIFAR-10 test accuracy), and its
# bad-input errors.
set -u
source "$(dirname "$0")/../lib.sh"
D=$HWNAS_DATA_DIR/nb201
for proxy in nwot synflow params snip; do
    want=$(awk -F, -v p=$proxy '$1 == "cifar10" && $2 == p && $3 == "cifar10_test" { print $4 "," $5 "," $6 }' \
        "$D/srcc_reference.csv")
    got=$("$HWNAS" srcc "$D/accuracy.csv" cifar10_test "$D/zc_reference_cifar10.csv" $proxy | tail -1)
    awk -F, -v w="$want" -v g="$got" 'BEGIN { split(w, a, ","); split(g, b, ",");
        exit !(a[1] == b[1] && (a[2] - b[2])^2 < 1e-8 && (a[3] - b[3])^2 < 1e-8) }' ||
        fail "$proxy: reference n,srcc,kendall = $want, hwnas srcc = $got"
    echo "ok: $proxy n,srcc,kendall $got (reference $want)"
done
expect_error 2 "no column 'nope'" -- "$HWNAS" srcc "$D/accuracy.csv" nope "$D/accuracy.csv" cifar10_test
expect_error 2 "cannot open" -- "$HWNAS" srcc "$TMP/missing.csv" a "$D/accuracy.csv" cifar10_test
expect_error 2 "usage" -- "$HWNAS" srcc "$D/accuracy.csv"
