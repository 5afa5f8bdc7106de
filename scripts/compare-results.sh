#!/usr/bin/env bash
# scripts/compare-results.sh REF_DIR NEW_DIR [ABS_TOL] - compares a campaign's outputs with reference outputs.
#
#   scripts/compare-results.sh results/reference/smoke /tmp/out/smoke
#   scripts/compare-results.sh results/reference /tmp/out 1e-6     # every campaign below results/reference
#
# Every *.csv file under REF_DIR (and every summary.json) must exist at the same relative path under
# NEW_DIR, and:
#   CSV           same header line, same number of rows, and cell by cell: non-numeric cells (names,
#                 arch strings, decisions, empty = missing) identical, numeric cells equal within ABS_TOL.
#                 Ignored: the fit_ms column of adaproxy.csv (a timing). hwnas never quotes CSV fields
#                 (no name it writes contains a comma), so fields are split at every comma.
#   summary.json  line by line, except the lines of "wall_s" and "ranks" (measurements): same text once
#                 the numbers are taken out, and the numbers equal within ABS_TOL.
# Files only in NEW_DIR (figures, report.md, a CSV the reference does not have) are not compared.
#
# Tolerance: ABS_TOL defaults to 1e-9, an absolute difference. hwnas's outputs are deterministic (the same
# config and seed give byte-identical files for any number of ranks and across runs), so on the machine
# that wrote the references the difference is exactly 0; the tolerance only absorbs libm / BLAS / LAPACK
# differences across machines (another CPU kernel, another OpenBLAS build). Numbers are printed with %.10g
# (latencies, scores) and %.6f (correlations), so a change in the last printed digit of a value >= 0.1
# exceeds 1e-9 and is reported: pass a larger ABS_TOL (e.g. 1e-6) to compare across different machines,
# or set COMPARE_REL_TOL (default 0) to also accept |ref - new| <= COMPARE_REL_TOL * max(|ref|, |new|).
#
# Output: one line per difference, "FILE: row R, column C: ref=X new=Y" (row 1 = first data row; in
# summary.json "FILE: line L (\"device\" \"key\"): ref=X new=Y"), or "FILE: missing in NEW_DIR",
# at most COMPARE_MAX_DIFFS (default 50) lines in all, then per file a summary and a final verdict line
#   compare-results: PASS: N files identical within ABS_TOL=...
#   compare-results: DRIFT: N difference(s) in M of N files (...)
# Exit status: 0 no drift, 1 drift (or a file missing / unreadable in NEW_DIR), 2 usage error (REF_DIR
# missing or without any CSV / summary.json file).
set -u
export LC_ALL=C
usage() { echo "usage: scripts/compare-results.sh REF_DIR NEW_DIR [ABS_TOL]" >&2; exit 2; }
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
ref=$1 new=$2 tol=${3:-1e-9}
rel=${COMPARE_REL_TOL:-0}
maxd=${COMPARE_MAX_DIFFS:-50}
num_re='^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'
[[ $tol =~ $num_re ]] || { echo "compare-results: ABS_TOL '$tol' is not a number" >&2; exit 2; }
[[ $rel =~ $num_re ]] || { echo "compare-results: COMPARE_REL_TOL '$rel' is not a number" >&2; exit 2; }
[[ $maxd =~ ^[0-9]+$ ]] || { echo "compare-results: COMPARE_MAX_DIFFS '$maxd' is not a count" >&2; exit 2; }
[ -d "$ref" ] || { echo "compare-results: reference directory $ref not found" >&2; exit 2; }

mapfile -t files < <(cd "$ref" && find . -type f \( -name '*.csv' -o -name summary.json \) | sed 's|^\./||' | sort)
[ ${#files[@]} -gt 0 ] || { echo "compare-results: no *.csv or summary.json under $ref: nothing to compare" >&2; exit 2; }

# cmp.awk: compares one reference file (first operand) with a new one (second); prints difference lines
# (while the global budget `left` lasts) and, last, "COUNT n" with this file's number of differences.
cmp_awk='
function isnum(s) { return s ~ NUMRE }
function absv(x) { return x < 0 ? -x : x }
function near(a, b,   d, m) {
    d = absv(a - b); if (d <= tol) return 1
    m = absv(a) > absv(b) ? absv(a) : absv(b)
    return rel > 0 && d <= rel * m
}
function report(loc, a, b) {
    n++
    if (left > 0) { printf "%s: %s: ref=%s new=%s\n", name, loc, (a == "" ? "(empty)" : a), (b == "" ? "(empty)" : b); left-- }
}
# numbers of a summary.json line -> nums[1..k]; returns the line with each number replaced by "#"
function skeleton(line, nums, keys,   k, out, t, st, ln, pre, key) {
    k = 0; out = ""; key = "?"
    while (match(line, /[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?/)) {
        st = RSTART; ln = RLENGTH; t = substr(line, st, ln)
        pre = substr(line, 1, st - 1)     # the last "key": before the number names it
        while (match(pre, /"[^"]*"[ \t]*:/)) { key = substr(pre, RSTART, RLENGTH - 1); pre = substr(pre, RSTART + RLENGTH) }
        RSTART = st; RLENGTH = ln
        # a digit run glued to a letter or "_" belongs to a name (e.g. "titan_rtx_256", "1080ti_1")
        if ((RSTART > 1 && substr(line, RSTART - 1, 1) ~ /[A-Za-z_]/) || substr(line, RSTART + RLENGTH, 1) ~ /[A-Za-z_]/) {
            out = out substr(line, 1, RSTART + RLENGTH - 1)
        } else {
            out = out substr(line, 1, RSTART - 1) "#"; nums[++k] = t; keys[k] = key
        }
        line = substr(line, RSTART + RLENGTH)
    }
    nums[0] = k
    return out line
}
BEGIN {
    n = 0; nr = 0; while ((rc = (getline line < ENVIRON["CMP_REF"])) > 0) r[++nr] = line
    if (rc < 0) { print "COUNT -1"; exit }
    ns = 0; while ((rc = (getline line < ENVIRON["CMP_NEW"])) > 0) s[++ns] = line
    if (rc < 0) { print "COUNT -1"; exit }
    if (json) { compare_json() } else { compare_csv() }
    print "COUNT " n
}
function compare_csv(   hr, nh, i, j, row, a, b, na, nb, ign) {
    if (r[1] != s[1]) { report("header", r[1], s[1]); return }
    nh = split(r[1], hr, ",")
    for (j = 1; j <= nh; j++) ign[j] = (base == "adaproxy.csv" && hr[j] == "fit_ms")
    if (nr != ns) report("number of data rows", nr - 1, ns - 1)
    for (i = 2; i <= (nr < ns ? nr : ns); i++) {
        if (r[i] == s[i]) continue
        row = i - 1
        na = split(r[i], a, ","); nb = split(s[i], b, ",")
        if (na != nh || nb != nh) { report("row " row " (" na " and " nb " fields, header " nh ")", r[i], s[i]); continue }
        for (j = 1; j <= nh; j++) {
            if (ign[j] || a[j] == b[j]) continue
            if (isnum(a[j]) && isnum(b[j]) && near(a[j] + 0, b[j] + 0)) continue
            report("row " row ", column " hr[j], a[j], b[j])
        }
    }
}
function compare_json(   i, j, a, b, ka, kb, ta, tb, lr, ls) {
    # drop the measurement lines, then compare the remaining lines in order
    lr = 0; for (i = 1; i <= nr; i++) if (r[i] !~ /"(wall_s|ranks)"[ \t]*:/) ta[++lr] = r[i]
    ls = 0; for (i = 1; i <= ns; i++) if (s[i] !~ /"(wall_s|ranks)"[ \t]*:/) tb[++ls] = s[i]
    if (lr != ls) report("number of lines (without wall_s, ranks)", lr, ls)
    for (i = 1; i <= (lr < ls ? lr : ls); i++) {
        if (ta[i] == tb[i]) continue
        if (skeleton(ta[i], a, ka) != skeleton(tb[i], b, kb) || a[0] != b[0]) { report("line " i " (text)", ta[i], tb[i]); continue }
        for (j = 1; j <= a[0]; j++)
            if (a[j] != b[j] && !near(a[j] + 0, b[j] + 0)) report("line " i " (" key_of(ta[i]) (ka[j] == key_of(ta[i]) ? "" : " " ka[j]) ")", a[j], b[j])
    }
}
function key_of(line) { return match(line, /"[^"]*"[ \t]*:/) ? substr(line, RSTART, RLENGTH - 1) : "?" }
'

total=0 bad=0 left=$maxd
for f in "${files[@]}"; do
    if [ ! -r "$new/$f" ]; then
        [ "$left" -gt 0 ] && { echo "$f: missing in $new"; left=$((left - 1)); }
        total=$((total + 1)); bad=$((bad + 1)); continue
    fi
    json=0; [ "$(basename "$f")" = summary.json ] && json=1
    out=$(CMP_REF="$ref/$f" CMP_NEW="$new/$f" awk -v tol="$tol" -v rel="$rel" -v left="$left" -v name="$f" -v base="$(basename "$f")" \
              -v json="$json" -v NUMRE="$num_re" "$cmp_awk") \
        || { echo "$f: awk failed"; total=$((total + 1)); bad=$((bad + 1)); continue; }
    n=${out##*COUNT }
    if ! [[ $n =~ ^[0-9]+$ ]]; then echo "$f: cannot read $ref/$f or $new/$f"; total=$((total + 1)); bad=$((bad + 1)); continue; fi
    body=${out%COUNT *}
    [ -n "$body" ] && printf '%s' "$body"
    if [ "$n" -gt 0 ]; then
        bad=$((bad + 1)); total=$((total + n))
        left=$((left > n ? left - n : 0))
        echo "$f: $n difference(s)"
    fi
done
if [ "$total" -gt "$maxd" ]; then echo "(only the first $maxd differences are listed; COMPARE_MAX_DIFFS=N for more)"; fi
if [ "$bad" -eq 0 ]; then
    echo "compare-results: PASS: ${#files[@]} files identical within ABS_TOL=$tol (REL_TOL=$rel): $ref vs $new"
    exit 0
fi
echo "compare-results: DRIFT: $total difference(s) in $bad of ${#files[@]} files (ABS_TOL=$tol, REL_TOL=$rel): $ref vs $new"
exit 1
