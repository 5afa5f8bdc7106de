/* `hwnas run CONFIG [--output-dir DIR]`: setup and latency fits on rank 0,
 * broadcast, MPI farm over the candidates, evaluation and reports on rank 0. */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/cli.h"
#include "hwnas/farm.h"
#include "hwnas/progress.h"
#include "hwnas/report.h"

typedef struct { const char *config; hw_overrides ov; } run_args;

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
        } else if (opt[0] == '-') {
            return hw_errf(err, HW_EINPUT, "hwnas run: unknown option '%s'; usage: hwnas run CONFIG "
                           "[--output-dir DIR] [--seed N]", opt);
        } else if (a->config) {
            return hw_errf(err, HW_EINPUT, "hwnas run: more than one config given ('%s'); give exactly one", opt);
        } else {
            a->config = opt;
        }
    }
    return a->config ? HW_OK : hw_errf(err, HW_EINPUT, "hwnas run: no config file; usage: hwnas run CONFIG");
}

/* Rank 0's status reaches every rank, so all stop together on an input error. */
static int agree(int rc, MPI_Comm comm)
{
    MPI_Bcast(&rc, 1, MPI_INT, 0, comm);
    return rc;
}

static int prepare(hw_campaign *c, const run_args *a, hw_err *err)
{
    char data[HW_PATH_MAX];
    hw_default_data_dir(data, sizeof data);
    double t0 = hw_now();
    int rc = hw_campaign_setup(c, a->config, data, &a->ov, err);
    if (!rc)
        fprintf(stderr, "[hwnas] %s: %zu candidates, proxy %s, %zu targets, scores:", c->plan.campaign, c->n_cand,
                c->dev[0].name, c->n_dev - 1);
    for (size_t s = 0; !rc && s < c->n_scores; s++)
        fprintf(stderr, " %s", c->score[s]->name);
    if (!rc) {
        fprintf(stderr, " (setup %.2f s)\n", hw_now() - t0);
        rc = hw_campaign_fit(c, err);
    }
    return rc;
}

static int finish(hw_campaign *c, double t0, hw_err *err)
{
    int rc = hw_campaign_evaluate(c, err);
    char dir[2 * HW_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/%s", c->plan.output_dir, c->plan.campaign);
    c->wall_s = hw_now() - t0;
    if (!rc)
        rc = hw_report_write_all(c, dir, err);
    if (!rc)
        fprintf(stderr, "[hwnas] done in %.2f s on %d ranks: %s/report.md\n", hw_now() - t0, c->ranks, dir);
    return rc;
}

static int run_campaign(const run_args *a, int rank, int size, hw_err *err)
{
    hw_campaign c = {0};
    double t0 = hw_now();
    int rc = rank == 0 ? prepare(&c, a, err) : HW_OK;
    if (!(rc = agree(rc, MPI_COMM_WORLD)))
        rc = hw_campaign_bcast(&c, MPI_COMM_WORLD, err);
    c.ranks = size;
    if (!rc && rank == 0 && !(c.result = hw_calloc(c.n_cand * c.width, sizeof *c.result, err)))
        rc = HW_ENOMEM;
    if (!(rc = agree(rc, MPI_COMM_WORLD))) {
        hw_farm_job job = {c.n_cand, (size_t)(rank == 0 ? c.plan.farm.chunk : 1), c.width, hw_campaign_work, &c,
                           c.result, rank == 0 ? c.plan.farm.progress_s : 0, "candidates"};
        MPI_Bcast(&job.chunk, sizeof job.chunk, MPI_BYTE, 0, MPI_COMM_WORLD);
        rc = hw_farm_run(MPI_COMM_WORLD, &job, err);
    }
    if (!rc && rank == 0)
        rc = finish(&c, t0, err);
    hw_campaign_free(&c);
    return rc;
}

int hw_cmd_run(int argc, char **argv)
{
    hw_err err = {0};
    run_args a;
    int rank = 0, size = 1;
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc = parse_args(argc, argv, &a, &err);
    if (!rc)
        rc = run_campaign(&a, rank, size, &err);
    if (rc && err.msg[0] && (rank == 0 || rc != HW_EINPUT))
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    else if (rc && rank == 0 && !err.msg[0])
        fprintf(stderr, "hwnas: error %d (no message)\n", rc);
    MPI_Finalize();
    return rc;
}
