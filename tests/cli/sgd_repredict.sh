#!/usr/bin/env bash
# scripts/sgd-repredict.sh on the recorded validation run f (results/reference/sgd/noisy-f: every training
# run's measured throughput and the trace taken right before it): the current simulator must reproduce the
# predicted column that the README's validation table and the issue's acceptance rest on
# (table-repredicted.md, written when the table was made). No root, no test bed. Also its bad-input errors.
set -u
source "$(dirname "$0")/../lib.sh"
D=$REPO/results/reference/sgd/noisy-f
[ -s "$D/table-repredicted.md" ] || fail "no $D/table-repredicted.md"
got=$(CORES=2 NET_CPU_NS="10mbit=5 100mbit=0.9 1gbit=0.55" HWNAS=$HWNAS "$REPO/scripts/sgd-repredict.sh" "$D") ||
    fail "sgd-repredict failed"
want=$(grep '^|' "$D/table-repredicted.md")
[ "$got" = "$want" ] || fail "re-predicted table differs from the reference:
$(diff <(echo "$want") <(echo "$got"))"
# mean absolute error over the W in {1, 2} rows <= 5 %, each <= 10 % (issue #8's acceptance)
echo "$got" | awk -F'|' '$2 + 0 >= 1 && $2 + 0 <= 2 { e = $6; gsub(/[ %+]/, "", e); e += 0; e = e < 0 ? -e : e; s += e; n++
                                                    if (e > 10) bad = 1 }
                         END { printf "ok: %d rows W <= 2, mean |error| %.2f %%\n", n, s / n; exit !(n == 6 && !bad && s / n <= 5) }' ||
    fail "the reference validation no longer meets the acceptance"
mkdir -p "$TMP/d"
printf 'W,rate,run,measured,predicted,error_pct\n2,10mbit,1,0.4,-,-\n' >"$TMP/d/runs.csv"
cp "$D/trace-w2-10mbit-r1.json" "$TMP/d/trace.json"
CORES=2 NET_CPU_NS=5 "$REPO/scripts/sgd-repredict.sh" "$TMP/d" >/dev/null 2>"$TMP/err" && fail "no sigma accepted"
grep -q "no share-sigma for 10mbit" "$TMP/err" || fail "missing-sigma message: $(cat "$TMP/err")"
"$REPO/scripts/sgd-repredict.sh" "$TMP/nothing" >/dev/null 2>"$TMP/err" && fail "a directory without runs.csv accepted"
grep -q "usage:" "$TMP/err" || fail "usage message: $(cat "$TMP/err")"
echo "ok: sgd-repredict reproduces run f's predictions; errors"
