#!/usr/bin/env bash
# Kill-and-resume: a campaign (3,000 sampled archs, chunk 50, -np 3 = 2 workers)
# is interrupted at 6 seeded random moments in different ways — SIGKILL of a
# worker, SIGKILL of rank 0, SIGKILL of the whole job (mpirun and every rank),
# SIGTERM to every rank (Slurm's pre-kill signal: exit status 75), and a torn
# journal tail (garbage appended after a kill) — then `--resume` finishes it.
# Checks: final outputs byte-identical to an uninterrupted run (measurement
# fields excluded, see lib.sh), and candidates recomputed after the resume
# (computed before the kill, per HWNAS_TEST_TRACE, minus those the journal
# kept) <= one chunk per worker. Also: a second run on a locked campaign
# directory is refused (exit 6).
set -u
source "$(dirname "$0")/../lib.sh"
MPIRUN=$REPO/scripts/mpirun.sh
CHUNK=50 WORKERS=2
cat >"$TMP/c.cfg" <<CFG
campaign = "res";
space = "nb201";
seed = 3;
candidates = { select = "sample"; n = 3000; };
latency = { table = "latency/nb201.csv"; proxy = "pixel3"; targets = ["eyeriss", "fpga", "raspi4", "gold_6226"]; };
farm = { chunk = $CHUNK; progress_s = 60; };
CFG
"$MPIRUN" 3 "$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/ref" >"$TMP/ref.log" 2>&1 || { cat "$TMP/ref.log"; fail "reference run"; }

ranks() { pgrep -f "^$HWNAS run $TMP/c.cfg --output-dir $1" || true; }
rank_of() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p'; }

# start NAME: the campaign, slowed down, in the background; sets PID (mpirun)
start() {
    rm -f "$TMP/$1.trace"
    HWNAS_TEST_DELAY_MS=40 HWNAS_TEST_TRACE="$TMP/$1.trace" \
        "$MPIRUN" 3 "$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/$1" >"$TMP/$1.kill.log" 2>&1 &
    PID=$!
}

# interrupt NAME MODE: MODE = worker | rank0 | job | term | torn
interrupt() {
    local name=$1 mode=$2 p r victim=""
    for p in $(ranks "$TMP/$name"); do
        r=$(rank_of "$p")
        case $mode in
        worker) [ "$r" = 1 ] && victim=$p ;;
        rank0) [ "$r" = 0 ] && victim=$p ;;
        esac
    done
    case $mode in
    worker | rank0) [ -n "$victim" ] && kill -KILL "$victim" ;;
    job | torn) kill -KILL $PID $(ranks "$TMP/$name") ;;
    term) kill -TERM $(ranks "$TMP/$name") ;;
    esac
    wait $PID 2>/dev/null; echo $? >"$TMP/$name.status"
    pkill -KILL -f "^$HWNAS run $TMP/c.cfg --output-dir $TMP/$name" 2>/dev/null
    if [ "$mode" = torn ]; then head -c 777 /dev/urandom >>"$TMP/$name/res/journal.bin"; fi
}

RANDOM=20261122
modes=(worker job term rank0 torn worker)
for k in 0 1 2 3 4 5; do
    name=k$k mode=${modes[$k]}
    delay_ms=$((50 + RANDOM % 900)) # after the first computed chunk: the farm runs ~1.5 s
    start $name
    for _ in $(seq 100); do [ -s "$TMP/$name.trace" ] && break; sleep 0.1; done
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    interrupt $name "$mode"
    st=$(cat "$TMP/$name.status")
    [ "$mode" = term ] && [ "$st" != 75 ] && { cat "$TMP/$name.kill.log"; fail "SIGTERM: exit status $st, expected 75"; }
    [ -f "$TMP/$name/res/journal.bin" ] || { cat "$TMP/$name.kill.log"; fail "$mode at ${delay_ms} ms: no journal (killed too early or too late?)"; }
    "$MPIRUN" 3 "$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/$name" --resume >"$TMP/$name.resume.log" 2>&1 ||
        { cat "$TMP/$name.resume.log"; fail "$mode: resume failed"; }
    kept=$(sed -n 's/.*resume: \([0-9]*\) of.*/\1/p' "$TMP/$name.resume.log")
    computed=$(awk '{ s += $2 } END { print s + 0 }' "$TMP/$name.trace")
    lost=$((computed - kept))
    echo "kill point $k: $mode ${delay_ms} ms into the farm (exit $st): computed $computed, journaled $kept, recomputed $lost" \
        "(bound $((CHUNK * WORKERS)))$(grep -q 'torn' "$TMP/$name.resume.log" && echo ', torn tail dropped')"
    [ "$lost" -ge 0 ] && [ "$lost" -le $((CHUNK * WORKERS)) ] || fail "$mode: recomputed $lost > one chunk per worker"
    [ "$mode" != torn ] || grep -q 'torn' "$TMP/$name.resume.log" || fail "torn tail not reported"
    same_results "$TMP/ref/res" "$TMP/$name/res" || fail "$mode: outputs after resume differ from the uninterrupted run"
    [ ! -e "$TMP/$name/res/journal.bin" ] || fail "$mode: journal left after a completed run"
done

# the lock: a second run on a campaign directory in use is refused
start lock
sleep 0.5
"$HWNAS" run "$TMP/c.cfg" --output-dir "$TMP/lock" >"$TMP/lock2.log" 2>&1
st=$?
kill -KILL $PID $(ranks "$TMP/lock") 2>/dev/null; wait $PID 2>/dev/null
[ $st = 6 ] && grep -q "another hwnas run" "$TMP/lock2.log" || { cat "$TMP/lock2.log"; fail "lock: exit $st, expected 6"; }
echo "ok: 6 kill points resumed to identical outputs; a concurrent run on the same directory was refused (exit 6)"
