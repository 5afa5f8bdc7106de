#!/usr/bin/env bash
# One campaign (2000 sampled archs, proxy pixel3, 4 targets, farm chunk 37 so that
# the chunks are uneven) at -np 1, 2, 3 and 4, and twice at -np 2: every output file
# must be byte-identical, whatever the number of ranks and the order in which
# the ranks return their chunks. Excluded, because they are measurements, not
# results (README.md, "Determinism"): adaproxy.csv's last column (fit_ms, the
# time of each fit), the "wall_s" and "ranks" lines of summary.json, and
# report.md's first paragraph (rank count and wall time); those files are
# compared without them.
set -u
source "$(dirname "$0")/../lib.sh"
cat >"$TMP/c.cfg" <<CFG
campaign = "det";
space = "nb201";
seed = 7;
candidates = { select = "sample"; n = 2000; };
latency = {
  table = "latency/nb201.csv";
  proxy = "pixel3";
  targets = ["eyeriss", "fpga", "raspi4", "titan_rtx_256"];
};
score = { proxies = ["params", "flops"]; rank_by = "params"; };
farm = { chunk = 37; progress_s = 60; };
CFG
MPIRUN=$REPO/scripts/mpirun.sh
run() { # NAME NP
    local t0=$SECONDS
    (cd "$TMP" && "$MPIRUN" "$2" "$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/$1") >"$TMP/$1.log" 2>&1 ||
        { cat "$TMP/$1.log"; fail "-np $2 ($1) exited non-zero"; }
    echo "ran -np $2 into $1 in $((SECONDS - t0)) s"
}
normalise() { normalise_results "$TMP/$1/det" "$TMP/$1.cmp"; }
run np1 1; run np2 2; run np3 3; run np4 4; run np2b 2
for r in np1 np2 np3 np4 np2b; do normalise $r; done
[ "$(ls "$TMP/np1.cmp" | wc -l)" -ge 8 ] || fail "np1 wrote only: $(ls "$TMP/np1.cmp")"
head -1 "$TMP/np1/det/adaproxy.csv" | grep -q ',fit_ms$' || fail "adaproxy.csv's last column is no longer fit_ms"
bad=0
for r in np2 np3 np4 np2b; do
    files=$( (ls "$TMP/np1.cmp"; ls "$TMP/$r.cmp") | sort -u)
    for f in $files; do
        if ! cmp -s "$TMP/np1.cmp/$f" "$TMP/$r.cmp/$f"; then
            echo "DIFFERS: $f between -np 1 and $r" >&2
            diff "$TMP/np1.cmp/$f" "$TMP/$r.cmp/$f" 2>&1 | head -n 6 >&2
            bad=$((bad + 1))
        fi
    done
done
[ $bad -eq 0 ] || fail "$bad file(s) differ"
echo "ok: $(ls "$TMP/np1.cmp" | wc -l) files identical at -np 1, 2, 3, 4 and 2 again:" $(ls "$TMP/np1.cmp")
