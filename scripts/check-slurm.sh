#!/usr/bin/env bash
# scripts/check-slurm.sh - `make check-slurm`: runs the Slurm job scripts of jobs/ for real on a
# throw-away single-node Slurm cluster on this machine and checks their exit codes and outputs.
#
# It starts the cluster with ../shared/tools/slurm-local.sh (beside the repository; it installs the
# munge + Slurm 22.05 Debian packages itself when they are missing), in a private directory, submits with
# `slurm-local.sh submit` (sbatch, waits, returns the job's exit code) and always stops and removes the
# cluster on exit. It needs root (the daemons run as root), or password-less sudo for starting/stopping
# the cluster; CI runs it as root (.ci/run). Build first (`make check-slurm` does).
#
# Jobs (each printed with its job id, exit code and the expected one, then its output):
#   campaign        jobs/campaign.sbatch (smoke.cfg, output dir TMP/campaign): exit 0, candidates.csv
#                   has n + 1 lines, summary.json present and says ranks = NTASKS
#   campaign-bad    jobs/campaign.sbatch on a config with an unknown key: exit 2 (hwnas's bad-input status
#                   comes back through srun and Slurm)
#   nightly         jobs/nightly-repro.sbatch (every configs/reference/*.cfg vs results/reference): exit 0,
#                   the report's last line says PASS
#   nightly-drift   smoke.cfg against a copy of the references with ONE number changed by 1e-6: exit 1,
#                   the report says FAIL and names the changed cell (proves the check can fail)
#   scaling         jobs/scaling.sbatch (subset.cfg at 1 .. NTASKS ranks): exit 0, one table row each
#   requeue         jobs/campaign.sbatch on a long-farm campaign, `scontrol requeue` while it runs: the first
#                   start exits 75 (journal saved), the job restarts by itself (Restarts=1), the second
#                   start resumes from the journal (--resume) and exits 0
# Ends with "N passed, N failed"; exit status 0 only when all passed.
#
# Environment (optional):
#   CHECK_SLURM_NTASKS   ranks per job (default 2: CI has 2 cores)
#   SLURM_LOCAL_DIR      the cluster's private directory (default: a new /tmp/hwnas-slurm.XXXXXX, removed at
#                        the end; a given one is only stopped, and left running if it was running before)
#   SLURM_LOCAL_TIMEOUT  seconds before a job is cancelled (default 300)
#   SLURM_LOCAL_CPUS     CPUs the node advertises (default: the real count, at least CHECK_SLURM_NTASKS)
#   SLURM_LOCAL_CTLD_PORT, SLURM_LOCAL_SLURMD_PORT   the daemons' ports (default: the first free pair of
#                        6817/6818, 16817/16818, 26817/26818, ... so that a cluster already running on this
#                        machine, e.g. another check-slurm, is not disturbed)
#   KEEP_TMP=1           keep the temporary directory (job logs, outputs) also on success
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
REPO=$PWD
T_START=$SECONDS
SLURM_LOCAL=$(cd "$REPO/.." && pwd)/shared/tools/slurm-local.sh
NTASKS=${CHECK_SLURM_NTASKS:-2}
export SLURM_LOCAL_TIMEOUT=${SLURM_LOCAL_TIMEOUT:-300}
ncpu=$(nproc 2>/dev/null || echo 1)
[ "$ncpu" -lt "$NTASKS" ] && export SLURM_LOCAL_CPUS=${SLURM_LOCAL_CPUS:-$NTASKS}

say() { printf 'check-slurm: %s\n' "$*"; }
[ -r "$SLURM_LOCAL" ] || { say "ERROR: $SLURM_LOCAL not found (../shared/tools beside the repository)"; exit 1; }
[ -x bin/hwnas ] || { say "ERROR: bin/hwnas not built; run make (or make check-slurm)"; exit 1; }
# the daemons must run as root: as root directly, else through password-less sudo
if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif sudo -n true 2>/dev/null; then
    as_root=(sudo -n env "SLURM_LOCAL_DIR=${SLURM_LOCAL_DIR:-}" "SLURM_LOCAL_CPUS=${SLURM_LOCAL_CPUS:-}")
else
    say "ERROR: needs root to start munged/slurmctld/slurmd (CI runs it as root): run it as root,"
    say "       or give this user password-less sudo. 'make check' needs no root."
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hwnas-check-slurm.XXXXXX") || exit 1
chmod 755 "$TMP"                       # jobs may run as another user than root
own_dir=0                              # a directory of our own is removed at the end ('clean')
[ -n "${SLURM_LOCAL_DIR:-}" ] || { SLURM_LOCAL_DIR=$(mktemp -d /tmp/hwnas-slurm.XXXXXX) && own_dir=1; }
export SLURM_LOCAL_DIR
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${SLURM_LOCAL_CTLD_PORT:-}" ]; then
    for p in 6817 16817 26817 36817 46817 56817; do
        port_busy "$p" || port_busy $((p + 1)) || break
    done
    export SLURM_LOCAL_CTLD_PORT=$p SLURM_LOCAL_SLURMD_PORT=$((p + 1))
fi
if [ ${#as_root[@]} -gt 0 ]; then
    as_root+=("SLURM_LOCAL_CTLD_PORT=$SLURM_LOCAL_CTLD_PORT" "SLURM_LOCAL_SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-6818}")
    as_root[3]="SLURM_LOCAL_DIR=$SLURM_LOCAL_DIR"
fi
pass=0 fail=0 jobs_summary=()
ok()  { pass=$((pass + 1)); printf 'PASS %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }

stopped=0 was_running=0
stop_cluster() {    # daemon logs when something failed, stop the daemons, remove their directory
    [ "$stopped" -eq 1 ] && return; stopped=1
    if [ "$fail" -gt 0 ] && [ -f "$SLURM_LOCAL_DIR/etc/slurm.conf" ]; then
        say "daemon logs (for the failure):"; "${as_root[@]}" bash "$SLURM_LOCAL" logs 2>&1 | tail -n 80
    fi
    if [ "$was_running" -eq 1 ]; then
        say "leaving the cluster of $SLURM_LOCAL_DIR running (it was running before)"
    else
        say "stopping the cluster"
        "${as_root[@]}" bash "$SLURM_LOCAL" "$([ "$own_dir" -eq 1 ] && echo clean || echo stop)" 2>&1 | sed 's/^/    /'
    fi
    if [ "$fail" -eq 0 ] && [ "${KEEP_TMP:-0}" != 1 ]; then rm -rf "$TMP"; else say "kept $TMP (job logs and outputs)"; fi
}
on_exit() { local rc=$?; stop_cluster; exit "$rc"; }
trap on_exit EXIT
trap 'exit 130' INT TERM

# ---- cluster ------------------------------------------------------------------------------------------------
say "starting a local Slurm cluster in $SLURM_LOCAL_DIR, ports $SLURM_LOCAL_CTLD_PORT/${SLURM_LOCAL_SLURMD_PORT:-6818} ($ncpu CPUs${SLURM_LOCAL_CPUS:+, advertised $SLURM_LOCAL_CPUS})"
t0=$SECONDS
if ! "${as_root[@]}" bash "$SLURM_LOCAL" start >"$TMP/start.log" 2>&1; then
    sed 's/^/    /' "$TMP/start.log"
    bad "cluster start (log above)"
    stop_cluster
    echo "$pass passed, $fail failed"
    exit 1
fi
sed 's/^/    /' "$TMP/start.log"
grep -q 'already running' "$TMP/start.log" && was_running=1
ok "cluster start ($((SECONDS - t0)) s)"
# shellcheck disable=SC1091
source "$SLURM_LOCAL_DIR/env"          # SLURM_CONF (+ OMPI_ALLOW_RUN_AS_ROOT* as root)
say "srun --mpi=list: $(srun --mpi=list 2>&1 | tr '\n' ' ')"

# submit NAME EXPECTED_EXIT JOB_SCRIPT: submits with slurm-local.sh, prints the job id, exit code and
# output; sets JOB_RC, JOB_ID, JOB_LOG. `slurm-local.sh submit` puts the script last on sbatch's command
# line, so a job script gets its arguments from environment variables (sbatch passes the environment on):
# CAMPAIGN_CONFIG, NIGHTLY_CONFIGS, ... (see each script's header).
submit() {
    local name=$1 expect=$2 script=$3 t=$SECONDS
    submit_run "$name" "$script"
    submit_report "$name" "$expect" "$script" $((SECONDS - t))
}
submit_run() {    # NAME JOB_SCRIPT: the submission itself (also run in the background: see requeue)
    bash "$SLURM_LOCAL" submit "$2" --chdir="$REPO" --ntasks="$NTASKS" \
        --output="$TMP/$1-%j.out" >"$TMP/$1.submit.log" 2>&1
    echo $? >"$TMP/$1.rc"
}
submit_report() { # NAME EXPECTED_EXIT JOB_SCRIPT SECONDS
    local name=$1 expect=$2 script=$3 secs=$4 state
    JOB_LOG=$TMP/$name.submit.log
    JOB_RC=$(cat "$TMP/$name.rc" 2>/dev/null || echo 1)
    JOB_ID=$(sed -n 's/.*submitted job \([0-9]*\).*/\1/p' "$JOB_LOG" | head -n1)
    state=$(sed -n 's/.*finished: state=\([A-Z_]*\).*/\1/p' "$JOB_LOG" | head -n1)
    echo "---- job $name: id=${JOB_ID:-none} state=${state:-?} exit=$JOB_RC (expected $expect), $secs s: $script"
    sed 's/^/    | /' "$JOB_LOG"
    jobs_summary+=("$(printf '%-14s id=%-4s exit=%-3s expected=%-3s %s' "$name" "${JOB_ID:-none}" "$JOB_RC" "$expect" "${state:-?}")")
}

# ---- 1. campaign ------------------------------------------------------------------------------------------------
cfg=configs/reference/smoke.cfg
n=$(sed -n 's/^[[:space:]]*candidates[[:space:]]*=.*n[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$cfg")
camp=$(sed -n 's/^[[:space:]]*campaign[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$cfg")
CAMPAIGN_CONFIG=$cfg CAMPAIGN_OUTPUT_DIR=$TMP/campaign submit campaign 0 jobs/campaign.sbatch
why=()
[ "$JOB_RC" -eq 0 ] || why+=("exit $JOB_RC, expected 0")
rows=0; [ -f "$TMP/campaign/$camp/candidates.csv" ] && rows=$(wc -l <"$TMP/campaign/$camp/candidates.csv")
[ "$rows" -eq $((n + 1)) ] || why+=("candidates.csv has $rows lines, expected $((n + 1)) (n = $n + header)")
[ -s "$TMP/campaign/$camp/summary.json" ] || why+=("no summary.json")
grep -q "\"ranks\": $NTASKS\b" "$TMP/campaign/$camp/summary.json" 2>/dev/null || why+=("summary.json does not say ranks = $NTASKS")
if [ ${#why[@]} -eq 0 ]; then ok "campaign: job $JOB_ID exit 0, candidates.csv $rows lines, summary.json ranks = $NTASKS"
else bad "campaign: job ${JOB_ID:-none}: $(IFS=';'; echo "${why[*]}")"; fi

# ---- 2. campaign with bad input: hwnas's exit 2 must come back through srun and Slurm ---------------------
sed 's/^seed = 1;/seed = 1; no_such_key = 1;/' "$cfg" >"$TMP/bad.cfg"
CAMPAIGN_CONFIG=$TMP/bad.cfg CAMPAIGN_OUTPUT_DIR=$TMP/campaign-bad submit campaign-bad 2 jobs/campaign.sbatch
if [ "$JOB_RC" -eq 2 ] && grep -q 'no_such_key' "$TMP"/campaign-bad-*.out 2>/dev/null; then
    ok "campaign-bad: job $JOB_ID exit 2 (bad input), error names no_such_key"
else bad "campaign-bad: job ${JOB_ID:-none} exit $JOB_RC, expected 2 and an error naming no_such_key"; fi

# ---- 3. nightly reproducibility check against the committed references ------------------------------------
NIGHTLY_OUT_DIR=$TMP/nightly submit nightly 0 jobs/nightly-repro.sbatch
last=$(tail -n 1 "$TMP/nightly/report.txt" 2>/dev/null)
if [ "$JOB_RC" -eq 0 ] && [[ $last == "nightly-repro: PASS"* ]]; then ok "nightly: job $JOB_ID exit 0, report: $last"
else bad "nightly: job ${JOB_ID:-none} exit $JOB_RC (expected 0), report's last line: ${last:-none}"; fi

# ---- 4. the same against references with one number changed: must fail ------------------------------------
cp -r results/reference "$TMP/ref-drift"
f=$TMP/ref-drift/$camp/candidates.csv
col=$(head -n1 "$f" | tr ',' '\n' | grep -n '^pred_' | head -n1 | cut -d: -f1)
colname=$(head -n1 "$f" | cut -d, -f"$col")
awk -F, -v OFS=, -v c="$col" 'NR == 101 { $c = sprintf("%.10g", $c + 1e-6) } { print }' "$f" >"$f.new" && mv "$f.new" "$f"
say "perturbed $camp/candidates.csv row 100, column $colname by 1e-6 in $TMP/ref-drift"
NIGHTLY_REF_DIR=$TMP/ref-drift NIGHTLY_OUT_DIR=$TMP/nightly-drift NIGHTLY_CONFIGS=$cfg \
    submit nightly-drift 1 jobs/nightly-repro.sbatch
last=$(tail -n 1 "$TMP/nightly-drift/report.txt" 2>/dev/null)
if [ "$JOB_RC" -eq 1 ] && [[ $last == "nightly-repro: FAIL"* ]] \
   && grep -q "candidates.csv: row 100, column $colname:" "$TMP/nightly-drift/report.txt"; then
    ok "nightly-drift: job $JOB_ID exit 1, the report names candidates.csv row 100, column $colname"
else bad "nightly-drift: job ${JOB_ID:-none} exit $JOB_RC (expected 1), report's last line: ${last:-none}"; fi

# ---- 5. strong scaling --------------------------------------------------------------------------------------
# the subset config: 5x faster than smoke (its all-device SRCC matrix is over 1,999 archs, not 15,625)
SCALING_CONFIG=configs/reference/subset.cfg SCALING_OUT_DIR=$TMP/scaling submit scaling 0 jobs/scaling.sbatch
nrows=$(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9.]+$/' "$TMP/scaling/scaling.txt" 2>/dev/null | wc -l)
expect_rows=0; for ((k = 1; k < NTASKS; k *= 2)); do expect_rows=$((expect_rows + 1)); done; expect_rows=$((expect_rows + 1))
if [ "$JOB_RC" -eq 0 ] && [ "$nrows" -eq "$expect_rows" ]; then ok "scaling: job $JOB_ID exit 0, $nrows table rows"
else bad "scaling: job ${JOB_ID:-none} exit $JOB_RC (expected 0), $nrows table rows (expected $expect_rows)"; fi

# ---- 6. requeue + resume: the campaign job is requeued while its farm runs (as on preemption or a node
# failure); Slurm sends SIGTERM, hwnas saves its journal and exits 75, the job restarts by itself and the
# second start continues from the journal (--resume) to exit 0. A campaign with a long farm (chunk 1, many
# candidates drawn with replacement) and small outputs (one target, one score), so that the requeue lands
# in the farm even on a fast machine.
sed -e 's/^campaign = "smoke";/campaign = "requeue";/' \
    -e 's/select = "sample"; n = 2000;/select = "repeat"; n = 80000;/' \
    -e 's/targets = \[.*\];/targets = ["eyeriss"];/' \
    -e 's/proxies = \["params", "flops"\];/proxies = ["params"];/' \
    -e 's/chunk = 256; progress_s = 10;/chunk = 1; progress_s = 2;/' "$cfg" >"$TMP/requeue.cfg"
t=$SECONDS
CAMPAIGN_CONFIG=$TMP/requeue.cfg CAMPAIGN_OUTPUT_DIR=$TMP/requeue submit_run requeue jobs/campaign.sbatch &
bg=$!
journal=$TMP/requeue/requeue/journal.bin rq_id="" rq_at=""
for ((i = 0; i < 1200; i++)); do        # up to 60 s for the farm to journal its first chunks
    if [ -s "$journal" ] && [ "$(stat -c %s "$journal")" -gt 4096 ]; then
        rq_id=$(sed -n 's/.*submitted job \([0-9]*\).*/\1/p' "$TMP/requeue.submit.log" | head -n1)
        rq_at="journal $(stat -c %s "$journal") bytes"
        scontrol requeue "$rq_id" || rq_at="$rq_at; scontrol requeue failed"
        break
    fi
    kill -0 "$bg" 2>/dev/null || break
    sleep 0.05
done
# Slurm holds a requeued batch job back (BeginTime about 2 minutes ahead); make it eligible in 3 s. Not "now":
# slurmctld revokes the first start's job credential, and a restart in the same second gets a credential no
# newer than the revocation ("Killing non-startable batch JobId=N: Job credential revoked", exit 1).
for ((i = 0; i < 1200 && ${#rq_id} > 0; i++)); do
    if scontrol show job "$rq_id" 2>/dev/null | grep -q 'JobState=PENDING'; then
        begin=$(scontrol show job "$rq_id" | tr ' ' '\n' | sed -n 's/^StartTime=//p')
        scontrol update JobId="$rq_id" StartTime=now+3 && rq_at="$rq_at; pending until $begin, moved to now + 3 s"
        break
    fi
    kill -0 "$bg" 2>/dev/null || break
    sleep 0.05
done
say "requeued job ${rq_id:-?} (${rq_at:-the farm was never seen running})"
wait "$bg"
submit_report requeue 0 jobs/campaign.sbatch $((SECONDS - t))
restarts=$(scontrol show job "${JOB_ID:-0}" 2>/dev/null | tr ' ' '\n' | sed -n 's/^Restarts=//p')
outs=("$TMP"/requeue-*.out); out=${outs[0]}
resumed=$(sed -n 's/.*\[hwnas\] resume: \([0-9]*\) of.*/\1/p' "$out" 2>/dev/null | head -n1)
why=()
[ "$JOB_RC" -eq 0 ] || why+=("exit $JOB_RC, expected 0")
[ "${restarts:-0}" -ge 1 ] || why+=("Restarts=${restarts:-?}, expected 1")
grep -q 'exit status 75' "$out" 2>/dev/null || why+=("the first start did not exit 75")
[ "${resumed:-0}" -gt 0 ] || why+=("the second start resumed nothing")
[ -s "$TMP/requeue/requeue/summary.json" ] || why+=("no summary.json")
if [ ${#why[@]} -eq 0 ]; then ok "requeue: job $JOB_ID requeued, first start exit 75, second resumed $resumed candidates, exit 0"
else bad "requeue: job ${JOB_ID:-none}: $(IFS=';'; echo "${why[*]}")"; fi

# ---- summary ------------------------------------------------------------------------------------------------
say "jobs (id, exit code, expected exit code, Slurm state):"
printf '    %s\n' "${jobs_summary[@]}"
stop_cluster
say "took $((SECONDS - T_START)) s (cluster start and stop included)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
