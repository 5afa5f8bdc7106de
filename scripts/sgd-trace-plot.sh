#!/usr/bin/env bash
# scripts/sgd-trace-plot.sh MEASURED.json SYNTHETIC.json OUT.png [SECONDS]
# Two timeline panels, one above the other, over the same window: a measured
# trace (hwnas sgd-train --trace) and a simulated one (hwnas sgd-predict
# --trace-out), one row per (pid, tid): server apply/pull/push, then per worker
# compute, pull, push. Each panel starts at its first event of step WARMUP
# (default 2: the warm-up steps are skipped) and shows SECONDS (default 3) from
# there. Events are read from hwnas's trace files, one event per line (as
# hw_sgd_trace_write writes them, and tests/data/sgd_tiny.json): complete
# events ("ph": "X") with ts, dur, pid, tid and args.step; a line that has
# "ph": "X" without them is an error. Needs gnuplot (no other dependency);
# OUT.gp and OUT.dat files are left beside OUT.png to re-render by hand.
set -euo pipefail
[ $# -ge 3 ] && [ $# -le 4 ] || { echo "usage: $0 MEASURED.json SYNTHETIC.json OUT.png [SECONDS]" >&2; exit 2; }
measured=$1 synthetic=$2 png=$3 secs=${4:-3} warmup=${WARMUP:-2}
for f in "$measured" "$synthetic"; do
    [ -r "$f" ] || { echo "$0: $f: cannot read the trace; give a file from sgd-train --trace or sgd-predict --trace-out" >&2; exit 2; }
done
[[ $secs =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "$secs" != 0 ] || { echo "$0: SECONDS: '$secs' is not a number > 0" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "$0: gnuplot not found; install gnuplot-nox (scripts/install-deps.sh)" >&2; exit 2; }
base=${png%.png}

# events FILE DAT: "x0 row dx label" of the events overlapping [t0, t0 + secs] (x in s from t0);
# row = 3 pid + tid, counted from the top. Prints the number of rows (3 (max pid + 1)).
events() {
    awk -v file="$1" -v warmup="$warmup" -v secs="$secs" '
        function num(key,   s) {
            if (!match($0, "\"" key "\": *-?[0-9.eE+-]+")) { bad = 1; return 0 }
            s = substr($0, RSTART, RLENGTH); sub(/^"[a-z]+": */, "", s); return s + 0
        }
        /"ph": *"X"/ {
            bad = 0
            ts = num("ts"); dur = num("dur"); pid = num("pid"); tid = num("tid"); step = num("step")
            if (bad) { printf "%s:%d: an event without ts, dur, pid, tid or step\n", file, NR >"/dev/stderr"; exit 2 }
            n++; T[n] = ts; D[n] = dur; P[n] = pid; R[n] = tid
            if (pid > maxpid) maxpid = pid
            if (step >= warmup && (!have || ts < t0)) { t0 = ts; have = 1 }
        }
        END {
            if (bad) exit 2
            if (!n) { printf "%s: no complete events (\"ph\": \"X\")\n", file >"/dev/stderr"; exit 2 }
            if (!have) t0 = T[1]
            for (i = 1; i <= n; i++) {
                a = (T[i] - t0) / 1e6; b = a + D[i] / 1e6
                if (b < 0 || a > secs) continue
                if (a < 0) a = 0
                if (b > secs) b = secs
                printf "%.6f %d %.6f %d\n", a, 3 * P[i] + R[i], b - a, R[i] >out
            }
            print 3 * (maxpid + 1)
        }' out="$2" "$1"
}
rows_m=$(events "$measured" "$base.measured.dat")
rows_s=$(events "$synthetic" "$base.synthetic.dat")
touch "$base.measured.dat" "$base.synthetic.dat"
rows=$(( rows_m > rows_s ? rows_m : rows_s ))
tics=$(awk -v n="$rows" 'BEGIN { split("compute pull push", k); for (r = 0; r < n; r++) {
           p = int(r / 3); t = r % 3
           printf "%s\"%s %s\" %d", r ? ", " : "", p ? "w" p : "server", p || t ? k[t + 1] : "apply", r } }')
height=$(( 200 + 2 * 24 * rows ))
cat >"$base.gp" <<GP
set terminal pngcairo noenhanced size 1200,$height font ',9'
set output '$png'
set multiplot layout 2,1
set xrange [0:$secs]
set yrange [$rows - 0.5:-0.5]
set ytics ($tics)
set xlabel 'seconds from the first event of step $warmup'
set grid xtics
unset key
set style arrow 1 nohead lw 8 lc rgb '#1f77b4'
set style arrow 2 nohead lw 8 lc rgb '#2ca02c'
set style arrow 3 nohead lw 8 lc rgb '#d62728'
set title 'measured: $(basename "$measured") (blue compute / apply, green pull, red push)'
plot '$base.measured.dat' using 1:2:3:(0):(\$4 + 1) with vectors arrowstyle variable
set title 'simulated: $(basename "$synthetic")'
plot '$base.synthetic.dat' using 1:2:3:(0):(\$4 + 1) with vectors arrowstyle variable
unset multiplot
GP
gnuplot "$base.gp"
echo "$png: $(wc -l <"$base.measured.dat") measured and $(wc -l <"$base.synthetic.dat") simulated events in the first $secs s"
