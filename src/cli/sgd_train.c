/* `hwnas sgd-train`: real asynchronous parameter-server SGD over MPI (rank 0 =
 * server, ranks 1..W = workers; hwnas/sgd_ps.h) on an NB201 arch and CIFAR-10;
 * logs the loss, reports the measured throughput and per-worker step times,
 * and optionally writes the measured W-worker timeline as a Chrome trace. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/cli.h"
#include "hwnas/latency.h"
#include "hwnas/sgd_profile.h"
#include "hwnas/sgd_ps.h"
#include "sgd_cli.h"

/* Worker w's median step time (µs) over the steps after warm-up. */
static double median_step(const hw_ps_result *r, int w, int warmup)
{
    int n = r->steps - warmup;
    double *v = malloc((size_t)n * sizeof *v);
    if (!v)
        return 0;
    for (int k = 0; k < n; k++)
        v[k] = r->t_end[(size_t)w * r->steps + warmup + k] - r->t_start[(size_t)w * r->steps + warmup + k];
    double m = hw_median_finite(v, (size_t)(n));
    free(v);
    return m;
}

/* The measured timeline: the model with worker 1's median op times after warm-up, every event. */
static int write_trace(const sgd_opts *o, const hw_sgd_trace *model, hw_ps_result *r, hw_err *err)
{
    hw_sgd_trace t = *model;
    int n = r->steps - o->warmup;
    hw_sgd_op *ops = hw_calloc((size_t)model->n_ops, sizeof *ops, err);
    double *v = ops ? hw_calloc((size_t)n, sizeof *v, err) : NULL;
    if (!v) {
        free(ops);
        return HW_ENOMEM;
    }
    for (int i = 0; i < model->n_ops; i++) {
        ops[i] = model->ops[i];
        for (int k = 0; k < n; k++)
            v[k] = r->op_us[(size_t)(o->warmup + k) * model->n_ops + i];
        ops[i].dur_us = hw_median_finite(v, (size_t)(n));
    }
    t.ops = ops;
    sgd_meta(o, &t.meta);
    t.meta.step_us = median_step(r, 0, o->warmup);
    double t0 = r->t_start[0];
    for (size_t i = 0; i < (size_t)r->workers * r->steps; i++)
        t0 = r->t_start[i] < t0 ? r->t_start[i] : t0;
    for (size_t i = 0; i < r->n_ev; i++)
        t0 = r->ev[i].ts_us < t0 ? r->ev[i].ts_us : t0;
    for (size_t i = 0; i < r->n_ev; i++)
        r->ev[i].ts_us -= t0;
    int rc = hw_sgd_trace_write(o->trace, &t, r->ev, r->n_ev, NULL, err);
    free(ops), free(v);
    return rc;
}

static void report(const sgd_opts *o, const hw_sgd_trace *model, const hw_ps_result *r)
{
    int W = r->workers;
    int64_t bytes = 0;
    for (int t = 0; t < model->n_tensors; t++)
        bytes += model->tensors[t].bytes;
    printf("# sgd-train: arch %s, %d worker(s) + 1 server, batch %d, lr %g, pull order %s, push order %s, %d steps per worker "
           "(%d warm-up), %d tensors, %lld bytes of parameters\n",
           o->arch_str, W, o->batch, o->lr, hw_sgd_policy_name(o->policy), hw_sgd_policy_name(o->push_policy), o->steps, o->warmup, model->n_tensors,
           (long long)bytes);
    printf("worker,step,loss,step_ms\n");
    for (int w = 0; w < W; w++)
        for (int k = 0; k < r->steps; k++)
            if (k % o->log_every == 0 || k == r->steps - 1) {
                size_t i = (size_t)w * r->steps + k;
                printf("%d,%d,%.6f,%.3f\n", w + 1, k, r->loss[i], (r->t_end[i] - r->t_start[i]) / 1000);
            }
    double thr = hw_ps_throughput(r, o->warmup);
    printf("# throughput: %.4f steps/s over all workers (sum of the workers' rates after %d warm-up steps:",
           thr, o->warmup);
    for (int w = 0; w < W; w++)
        printf(" %.4f", hw_ps_worker_rate(r, w, o->warmup));
    printf(")\n");
    printf("result workers=%d policy=%s push_policy=%s throughput=%.6f step_ms=", W, hw_sgd_policy_name(o->policy),
           hw_sgd_policy_name(o->push_policy), thr);
    for (int w = 0; w < W; w++)
        printf("%s%.3f", w ? "," : "", median_step(r, w, o->warmup) / 1000);
    printf(" cpu=");
    for (int i = 0; i <= W; i++)
        printf("%s%.3f", i ? "," : "", r->cpu_frac[i]);
    printf("\n");
    if (thr == 0)
        fprintf(stderr, "hwnas: warning: no throughput measured; raise --steps above --warmup\n");
}

int hw_cmd_sgd_train(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "hwnas: error: sgd-train: MPI_Init failed; run under mpirun\n");
        return 3;
    }
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    sgd_opts o;
    hw_err err = {0};
    hw_batches b = {0};
    hw_nn *nn = NULL;
    hw_sgd_trace model = {0};
    hw_ps_result res = {0};
    int rc = sgd_parse("sgd-train", 1, argc, argv, &o, &err);
    if (rc == HW_OK && size < 2)
        rc = hw_errf(&err, HW_EINPUT, "hwnas sgd-train: %d MPI rank(s); it needs 1 server + at least 1 worker: "
                     "run it as mpirun -np W+1 (e.g. scripts/mpirun.sh 3 bin/hwnas sgd-train ...)", size);
    if (rc == HW_OK)
        rc = sgd_prepare(&o, &b, &nn, &model, &err);
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == HW_OK) {
        hw_ps_cfg cfg = {o.steps, (float)o.lr, o.policy, o.push_policy, o.seed, o.poll_us, o.poll_max_us, o.trace[0] != 0};
        hw_ps_data d = {b.x, b.y, b.n_batches, (size_t)3 * b.side * b.side};
        rc = hw_ps_run(nn, &model, &cfg, &d, &res, &err);
        if (rc != HW_OK) {
            fprintf(stderr, "hwnas: error: %s\n", err.msg);
            fflush(stderr);
            MPI_Abort(MPI_COMM_WORLD, rc);
        }
        if (rank == 0) {
            report(&o, &model, &res);
            if (o.trace[0])
                rc = write_trace(&o, &model, &res, &err);
        }
    } else if (rank == 0 && rc == HW_OK) {
        rc = worst;
        snprintf(err.msg, sizeof err.msg, "sgd-train: setup failed on another rank");
    }
    if (rank == 0 && rc != HW_OK)
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    hw_ps_result_free(&res);
    hw_sgd_trace_free(&model);
    hw_nn_free(nn);
    hw_batches_free(&b);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return rc;
}
