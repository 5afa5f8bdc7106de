/* `hwnas run CONFIG [--output-dir DIR] [--seed N] [--resume]`: setup and
 * latency fits on rank 0, broadcast, MPI farm over the candidates with every
 * finished chunk journaled, then evaluation and reports on rank 0.
 * SIGTERM/SIGINT (Slurm's pre-kill signal, preemption) make rank 0 stop
 * handing out work, journal what is in flight and exit with HW_ERESUME (75). */
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwnas/campaign.h"
#include "hwnas/cli.h"
#include "hwnas/farm.h"
#include "hwnas/progress.h"
#include "hwnas/report.h"

typedef struct { const char *config; int resume; hw_overrides ov; } run_args;

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) { g_stop = sig; }

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static int parse_seed(const char *s, uint64_t *seed, hw_err *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || !*s || s[0] == '-')
        return hw_errf(err, HW_EINPUT, "hwnas run: --seed '%s' is not a non-negative integer", s);
    *seed = v;
    return HW_OK;
}

static int parse_args(int argc, char **argv, run_args *a, hw_err *err)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        int takes_value = strcmp(opt, "--output-dir") == 0 || strcmp(opt, "--seed") == 0;
        if (takes_value && i + 1 >= argc)
            return hw_errf(err, HW_EINPUT, "hwnas run: option '%s' needs a value", opt);
        if (strcmp(opt, "--output-dir") == 0) {
            a->ov.output_dir = argv[++i];
        } else if (strcmp(opt, "--seed") == 0) {
            if (parse_seed(argv[++i], &a->ov.seed, err))
                return HW_EINPUT;
            a->ov.has_seed = 1;
        } else if (strcmp(opt, "--resume") == 0) {
            a->resume = 1;
        } else if (opt[0] == '-') {
            return hw_errf(err, HW_EINPUT, "hwnas run: unknown option '%s'; usage: hwnas run CONFIG "
                           "[--output-dir DIR] [--seed N] [--resume]", opt);
        } else if (a->config) {
            return hw_errf(err, HW_EINPUT, "hwnas run: more than one config given ('%s'); give exactly one", opt);
        } else {
            a->config = opt;
        }
    }
    return a->config ? HW_OK : hw_errf(err, HW_EINPUT, "hwnas run: no config file; usage: hwnas run CONFIG");
}

/* Rank 0's status reaches every rank, so all stop together on an input error. */
static int agree(int rc, MPI_Comm comm, hw_err *err)
{
    int mrc = hw_mpi_check(MPI_Bcast(&rc, 1, MPI_INT, 0, comm), "MPI_Bcast(status)", err);
    return mrc ? mrc : rc;
}

/* One run per campaign directory at a time: an fcntl lock on <dir>/.lock,
 * released by the kernel when the process ends, however it ends. */
static int lock_dir(const char *dir, int *fd, hw_err *err)
{
    char path[2 * HW_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/.lock", dir);
    *fd = open(path, O_RDWR | O_CREAT, 0644);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (*fd < 0)
        return hw_errf(err, HW_EIO, "%s: cannot create the lock file (%s)", path, strerror(errno));
    if (fcntl(*fd, F_SETLK, &fl) == 0)
        return HW_OK;
    fl.l_type = F_WRLCK;
    fcntl(*fd, F_GETLK, &fl);
    return hw_errf(err, HW_EBUSY, "%s: another hwnas run (pid %ld) is using this campaign directory; wait for it "
                   "to finish, or use another campaign name or --output-dir", dir, (long)fl.l_pid);
}

static int prepare(hw_campaign *c, const run_args *a, char *dir, size_t dir_len, int *lock_fd, hw_err *err)
{
    char data[HW_PATH_MAX];
    hw_default_data_dir(data, sizeof data);
    double t0 = hw_now();
    int rc = hw_campaign_setup(c, a->config, data, &a->ov, err);
    if (rc)
        return rc;
    snprintf(dir, dir_len, "%s/%s", c->plan.output_dir, c->plan.campaign);
    fprintf(stderr, "[hwnas] %s: %zu candidates, proxy %s, %zu targets, scores:", c->plan.campaign, c->n_cand,
            c->dev[0].name, c->n_dev - 1);
    for (size_t s = 0; s < c->n_scores; s++)
        fprintf(stderr, " %s", c->score[s]->name);
    fprintf(stderr, " (setup %.2f s)\n", hw_now() - t0);
    rc = hw_make_dirs(dir, err);
    if (!rc)
        rc = lock_dir(dir, lock_fd, err);
    if (!rc)
        rc = hw_campaign_fit(c, err);
    return rc ? rc : hw_campaign_open_journal(c, dir, a->resume, err);
}

static int finish(hw_campaign *c, const char *dir, double t0, hw_err *err)
{
    int rc = hw_journal_sync(&c->journal, err);
    if (!rc)
        rc = hw_journal_index(&c->journal, err);
    if (!rc)
        rc = hw_campaign_evaluate(c, err);
    c->wall_s = hw_now() - t0;
    if (!rc)
        rc = hw_report_write_all(c, dir, err);
    if (!rc) { /* every result is in the final files now */
        unlink(c->journal.path);
        fprintf(stderr, "[hwnas] done in %.2f s on %d ranks: %s/report.md\n", hw_now() - t0, c->ranks, dir);
    }
    return rc;
}

static int farm(hw_campaign *c, int rank, hw_err *err)
{
    uint64_t chunk = rank == 0 ? (uint64_t)c->plan.farm.chunk : 0;
    int rc = hw_mpi_check(MPI_Bcast(&chunk, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast(chunk)", err);
    hw_farm_job job = {c->n_cand, (size_t)chunk, c->width, hw_campaign_work, c, hw_campaign_sink, c,
                       c->done, &g_stop, rank == 0 ? c->plan.farm.progress_s : 0, "candidates"};
    return rc ? rc : hw_farm_run(MPI_COMM_WORLD, &job, err);
}

static int stopped(hw_campaign *c, hw_err *err)
{
    int rc = hw_journal_sync(&c->journal, err);
    if (!rc)
        fprintf(stderr, "[hwnas] stopped by signal %d: %llu of %zu candidates are safe in %s; continue with "
                "`hwnas run %s --resume` (exit status 75)\n", (int)g_stop, (unsigned long long)c->journal.n_done,
                c->n_cand, c->journal.path, c->plan.config_path);
    return rc ? rc : HW_ERESUME;
}

static int run_campaign(const run_args *a, int rank, int size, hw_err *err)
{
    hw_campaign c = {0};
    char dir[2 * HW_PATH_MAX];
    int lock_fd = -1;
    double t0 = hw_now();
    int rc = rank == 0 ? prepare(&c, a, dir, sizeof dir, &lock_fd, err) : HW_OK;
    if (!(rc = agree(rc, MPI_COMM_WORLD, err)))
        rc = agree(hw_campaign_bcast(&c, MPI_COMM_WORLD, err), MPI_COMM_WORLD, err);
    c.ranks = size;
    if (!rc)
        rc = farm(&c, rank, err);
    if (rc == HW_ERESUME && rank == 0)
        rc = stopped(&c, err);
    else if (!rc && rank == 0)
        rc = finish(&c, dir, t0, err);
    hw_campaign_free(&c);
    if (lock_fd >= 0)
        close(lock_fd);
    return rc;
}

int hw_cmd_run(int argc, char **argv)
{
    hw_err err = {0};
    run_args a;
    int rank = 0, size = 1;
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "hwnas: error: MPI_Init failed; check the MPI launch (mpirun/srun)\n");
        return HW_EIO;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    install_signals();
    int rc = parse_args(argc, argv, &a, &err);
    if (!rc)
        rc = run_campaign(&a, rank, size, &err);
    if (rc && rc != HW_ERESUME && err.msg[0] && (rank == 0 || rc != HW_EINPUT))
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    else if (rc && rc != HW_ERESUME && rank == 0 && !err.msg[0])
        fprintf(stderr, "hwnas: error %d (no message)\n", rc);
    MPI_Finalize();
    return rc;
}
