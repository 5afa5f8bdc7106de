# tests/lib.sh - sourced (not run) by tests/cli/*.sh and tests/mpi/*.sh; it lives
# outside tests/cli/ so that run-all.sh's tests/cli/*.sh does not run it.
# Run the tests from the repository root (tests/run-all.sh does). Provides:
#   $HWNAS           absolute path of the binary (default bin/hwnas)
#   $HWNAS_DATA_DIR  data directory (default ../shared/data beside the repository)
#   $REPO            the repository root
#   $TMP             a fresh temp directory, removed on exit
#   $NB201           path of latency/nb201.csv
#   write_cfg FILE [LINE...]   a small valid campaign config writing to $TMP/out
#   cfg_sub FILE SED-EXPR      edit it
#   line_of FILE REGEX         line number of the first match
#   small_table FILE           a 40-row latency table of real NB201 archs
#   expect_error EXIT REGEX -- CMD...   run CMD in an empty directory; check its
#       exit code, that stderr has exactly one line "hwnas: error: ..." and that
#       this line matches REGEX (grep -E), and that no results were written
#   fail MSG                   print MSG and exit 1
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HWNAS=${HWNAS:-bin/hwnas}
case $HWNAS in /*) ;; *) HWNAS=$PWD/$HWNAS ;; esac
export HWNAS
export HWNAS_DATA_DIR=${HWNAS_DATA_DIR:-$REPO/../shared/data}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
NB201=$HWNAS_DATA_DIR/latency/nb201.csv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hwnas-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
[ -x "$HWNAS" ] || { echo "no binary $HWNAS; run make all" >&2; exit 1; }
[ -r "$NB201" ] || { echo "no data $NB201; set HWNAS_DATA_DIR" >&2; exit 1; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# write_cfg FILE [EXTRA...]: a valid small campaign (sample of 200 archs, proxy
# pixel3, targets eyeriss + fpga, output into $TMP/out). Each EXTRA line is
# appended; to change a key that is already there, use cfg_sub.
write_cfg() {
    local f=$1; shift
    cat >"$f" <<CFG
campaign = "t";
space = "nb201";
output_dir = "$TMP/out";
seed = 1;
candidates = { select = "sample"; n = 200; };
latency = {
  table = "latency/nb201.csv";
  proxy = "pixel3";
  targets = ["eyeriss", "fpga"];
};
score = { proxies = ["params", "flops"]; rank_by = "params"; };
farm = { chunk = 64; progress_s = 60; };
CFG
    local l
    for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
}

# cfg_sub FILE SED-EXPR: edits a config written by write_cfg.
cfg_sub() { sed -i -e "$2" "$1"; }

# line_of FILE REGEX: the number of the first line of FILE matching REGEX.
line_of() { grep -n -E -m1 -e "$2" "$1" | cut -d: -f1; }

expect_error() {
    local want=$1 re=$2; shift 2
    [ "${1:-}" = -- ] && shift
    local cwd=$TMP/cwd.$RANDOM$RANDOM
    mkdir -p "$cwd"
    local got=0
    (cd "$cwd" && "$@") >"$TMP/stdout" 2>"$TMP/stderr" </dev/null || got=$?
    local errs ok=1
    errs=$(grep -c '^hwnas: error: ' "$TMP/stderr")
    if [ "$got" -ne "$want" ]; then
        echo "expected exit $want, got $got" >&2; ok=0
    fi
    if [ "$errs" -ne 1 ]; then
        echo "expected exactly one line '^hwnas: error: ' on stderr, got $errs" >&2; ok=0
    elif ! grep '^hwnas: error: ' "$TMP/stderr" | grep -q -E -e "$re"; then
        echo "the error line does not match /$re/" >&2; ok=0
    fi
    local made
    made=$( { [ -e "$TMP/out" ] && echo "$TMP/out"; ls -A "$cwd" | sed "s|^|$cwd/|"; } | tr '\n' ' ')
    if [ -n "$made" ]; then
        echo "results were written although the run failed: $made" >&2; ok=0
    fi
    rm -rf "$cwd"
    if [ $ok -eq 0 ]; then
        echo "command: $*" >&2
        echo "--- stderr:" >&2; cat "$TMP/stderr" >&2
        echo "--- stdout (first 20 lines):" >&2; head -n 20 "$TMP/stdout" >&2
        exit 1
    fi
    echo "ok: exit $got: $(grep '^hwnas: error: ' "$TMP/stderr")"
}

# small_table FILE: a 40-row latency table "arch_index,arch_str,devA,devB" built
# from real NB201 archs of nb201.csv (every 390th row; devA = eyeriss, devB = fpga).
small_table() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; print "arch_index,arch_str,devA,devB"; next }
             (NR - 2) % 390 == 0 && n < 40 { n++; print $1 "," $2 "," $col["eyeriss"] "," $col["fpga"] }' \
        "$NB201" >"$1"
}

# normalise_results SRC DST: a copy of the result files of SRC in DST without the
# fields that are measurements, not results (README.md, "Determinism"):
# adaproxy.csv's last column (fit_ms), summary.json's "wall_s" and "ranks" lines,
# report.md's first paragraph (rank count and wall time). The lock file is skipped.
normalise_results() {
    local d=$1 c=$2
    mkdir -p "$c"
    cp -p "$d"/* "$c"/
    [ -f "$c/adaproxy.csv" ] && awk -F, -v OFS=, '{ NF--; print }' "$d/adaproxy.csv" >"$c/adaproxy.csv"
    [ -f "$c/summary.json" ] && grep -v -E '^ *"(wall_s|ranks)":' "$d/summary.json" >"$c/summary.json"
    [ -f "$c/report.md" ] && awk 'state == 0 { print; if (/^# /) state = 1; next }
                                  state == 1 { if (NF) state = 2; else print; next }
                                  state == 2 { if (!NF) { state = 3; print }; next }
                                  { print }' "$d/report.md" >"$c/report.md"
    return 0
}

# same_results DIR_A DIR_B: every normalised file identical (prints differences)
same_results() {
    normalise_results "$1" "$1.cmp"; normalise_results "$2" "$2.cmp"
    local bad=0 f
    for f in $( (ls "$1.cmp"; ls "$2.cmp") | sort -u); do
        if ! cmp -s "$1.cmp/$f" "$2.cmp/$f"; then
            echo "DIFFERS: $f" >&2; diff "$1.cmp/$f" "$2.cmp/$f" 2>&1 | head -n 6 >&2; bad=$((bad + 1))
        fi
    done
    return $bad
}
