/* `hwnas sgd-trace`: one worker's profiling trace for the asynchronous-SGD
 * throughput model (methods.md §5): per-op forward and backward times (median
 * over the steps after warm-up) with their dependencies, every parameter
 * tensor's size, the server's measured apply cost; Chrome trace-event JSON
 * (hwnas/sgd_trace.h) with the last step's ops as events. No MPI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/cli.h"
#include "hwnas/latency.h"
#include "hwnas/sgd_profile.h"
#include "sgd_cli.h"

typedef struct prof {
    double *us;    /* steps × n_ops */
    hw_sgd_event *ev; /* the current step's ops */
    int n_ops, k;
} prof;

static void after(void *ctx, int op, double t0, double t1)
{
    prof *p = ctx;
    p->us[(size_t)p->k * p->n_ops + op] = t1 - t0;
    hw_sgd_event e = {1, 0, p->k, op, -1, t0, t1 - t0};
    p->ev[op] = e;
}

static int profile(const sgd_opts *o, hw_nn *nn, const hw_batches *b, hw_sgd_trace *t, hw_err *err)
{
    int n = t->n_ops, S = o->steps, m = S - o->warmup;
    prof p = {.n_ops = n};
    p.us = hw_calloc((size_t)S * n, sizeof *p.us, err);
    p.ev = p.us ? hw_calloc((size_t)n, sizeof *p.ev, err) : NULL;
    double *v = p.ev ? hw_calloc((size_t)S, sizeof *v, err) : NULL, *step = v ? hw_calloc((size_t)S, sizeof *step, err) : NULL;
    if (!step) {
        free(p.us), free(p.ev), free(v);
        return HW_ENOMEM;
    }
    hw_sgd_hooks h = {NULL, after, &p};
    size_t img = (size_t)3 * b->side * b->side;
    for (p.k = 0; p.k < S; p.k++) {
        int j = p.k % b->n_batches;
        double t0 = hw_sgd_now_us();
        hw_sgd_step_run(nn, b->x + (size_t)j * b->batch * img, b->y + (size_t)j * b->batch, &h);
        step[p.k] = hw_sgd_now_us() - t0;
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < m; k++)
            v[k] = p.us[(size_t)(o->warmup + k) * n + i];
        t->ops[i].dur_us = hw_median_finite(v, (size_t)(m));
    }
    t->meta.step_us = hw_median_finite(step + o->warmup, (size_t)(m));
    int rc = hw_sgd_measure_apply(t, o->apply_reps, err);
    double e0 = p.ev[0].ts_us;
    for (int i = 0; i < n; i++)
        p.ev[i].ts_us -= e0, p.ev[i].step = 0;
    if (rc == HW_OK)
        rc = hw_sgd_trace_write(o->trace, t, p.ev, (size_t)n, NULL, err);
    free(p.us), free(p.ev), free(v), free(step);
    return rc;
}

int hw_cmd_sgd_trace(int argc, char **argv)
{
    sgd_opts o;
    hw_err err = {0};
    hw_batches b = {0};
    hw_nn *nn = NULL;
    hw_sgd_trace t = {0};
    int rc = sgd_parse("sgd-trace", 0, argc, argv, &o, &err);
    if (rc == HW_OK)
        rc = sgd_prepare(&o, &b, &nn, &t, &err);
    if (rc == HW_OK) {
        sgd_meta(&o, &t.meta);
        rc = profile(&o, nn, &b, &t, &err);
    }
    if (rc == HW_OK && strcmp(o.trace, "-") != 0)
        fprintf(stderr, "hwnas sgd-trace: %s: %d ops, %d tensors, step %.3f ms (median of %d after %d warm-up), "
                "server apply %.3g us/byte + %.3g us/message\n", o.trace, t.n_ops, t.n_tensors, t.meta.step_us / 1000,
                o.steps - o.warmup, o.warmup, t.apply_us_per_byte, t.msg_overhead_us);
    if (rc != HW_OK)
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    hw_sgd_trace_free(&t);
    hw_nn_free(nn);
    hw_batches_free(&b);
    return rc;
}
