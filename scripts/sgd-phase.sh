#!/usr/bin/env bash
# scripts/sgd-phase.sh TRACE.json - the relative phase of worker 1 against worker 2, step by step, in a
# two-worker trace (hwnas sgd-train --trace, or sgd-predict --trace-out): for each step of worker 1, its
# first pull's start t, worker 2's step that began last before t (start s, next start s'), and
#   offset = (t - s) / (s' - s)   (0 or 1: lockstep; 0.5: anti-phase)
# One line per step: "step t_s period_s offset"; then the mean worker-2 period in lockstep-ish steps
# (offset < 0.2 or > 0.8) and in anti-phase-ish ones (0.3..0.7). README.md ("Phases") uses it on the
# measured W = 2, 10 Mbit/s trace. Events are read one per line, as hwnas writes them.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 TRACE.json" >&2; exit 2; }
[ -r "$1" ] || { echo "$0: $1: cannot read the trace" >&2; exit 2; }
awk '
function num(key) { if (match($0, "\"" key "\":[-0-9.e+]+")) return substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0; return "" }
/"ph":"X"/ && /"cat":"pull"/ {
    pid = num("pid"); step = num("step"); ts = num("ts")
    if (pid != 1 && pid != 2) next
    k = pid SUBSEP step
    if (!(k in first) || ts < first[k]) first[k] = ts
    if (step > last[pid]) last[pid] = step
}
END {
    if (!(1 in last) || !(2 in last)) { print "sgd-phase: no pull events of workers 1 and 2" > "/dev/stderr"; exit 2 }
    for (s = 0; s <= last[1]; s++) {
        if (!((1 SUBSEP s) in first)) continue
        t = first[1, s]; j = -1
        for (q = 0; q < last[2]; q++) if (first[2, q] <= t && t < first[2, q + 1]) j = q
        if (j < 0) continue
        per = first[2, j + 1] - first[2, j]
        off = (t - first[2, j]) / per
        printf "%d %.2f %.2f %.2f\n", s, t / 1e6, per / 1e6, off
        if (off < 0.2 || off > 0.8) { nl++; pl += per } else if (off >= 0.3 && off <= 0.7) { na++; pa += per }
    }
    if (nl) printf "lockstep-ish (offset < 0.2 or > 0.8): %d steps, mean period %.2f s\n", nl, pl / nl / 1e6
    if (na) printf "anti-phase-ish (offset 0.3..0.7): %d steps, mean period %.2f s\n", na, pa / na / 1e6
}' "$1"
