#!/usr/bin/env bash
# hwnas --help: exit 0, lists the run subcommand and every score proxy of the
# registry (src/proxy/registry.c, the one table of proxies).
set -u
source "$(dirname "$0")/../lib.sh"
"$HWNAS" --help >"$TMP/help" 2>"$TMP/err" || fail "hwnas --help exited $?: $(cat "$TMP/err")"
grep -q -E '^ *hwnas run CONFIG' "$TMP/help" || fail "--help does not show 'hwnas run CONFIG'"
names=$(sed -n '/PROXIES\[\] *= *{/,/^};/p' "$REPO/src/proxy/registry.c" | grep -o -E '^ *\{"[A-Za-z0-9_.-]+"' |
        tr -d ' {"')
[ -n "$names" ] || fail "found no proxy names in src/proxy/registry.c"
for p in params flops $names; do
    grep -q -E "^ +$p +" "$TMP/help" || { cat "$TMP/help"; fail "--help does not list the score proxy '$p'"; }
done
echo "ok: --help lists run and the proxies:" $names
