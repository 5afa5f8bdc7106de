/* The single-worker SGD trace model: allocation, rule checks, transmission
 * orders (hwnas/sgd_trace.h). No I/O. */
#include "hwnas/sgd_trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/rng.h"

int hw_sgd_trace_alloc(hw_sgd_trace *t, int n_ops, int n_tensors, hw_err *err)
{
    memset(t, 0, sizeof *t);
    t->meta.threads = t->meta.batch = 1;
    if (n_ops < 0 || n_tensors < 0)
        return hw_errf(err, HW_EINPUT, "hw_sgd_trace_alloc: negative size");
    if (!(t->ops = hw_calloc((size_t)n_ops, sizeof *t->ops, err)) ||
        !(t->tensors = hw_calloc((size_t)n_tensors, sizeof *t->tensors, err))) {
        hw_sgd_trace_free(t);
        return HW_ENOMEM;
    }
    t->n_ops = n_ops;
    t->n_tensors = n_tensors;
    return HW_OK;
}

int hw_sgd_op_set_deps(hw_sgd_trace *t, int i, const int *deps, int n, hw_err *err)
{
    int *d = hw_calloc((size_t)(n > 0 ? n : 0), sizeof *d, err);
    if (!d)
        return HW_ENOMEM;
    if (n > 0)
        memcpy(d, deps, (size_t)n * sizeof *d);
    free(t->ops[i].deps);
    t->ops[i].deps = d;
    t->ops[i].n_deps = n > 0 ? n : 0;
    return HW_OK;
}

void hw_sgd_trace_free(hw_sgd_trace *t)
{
    if (!t)
        return;
    for (int i = 0; t->ops && i < t->n_ops; i++)
        free(t->ops[i].deps);
    free(t->ops);
    free(t->tensors);
    memset(t, 0, sizeof *t);
}

static int bad(hw_sgd_where *where, int kind, int index)
{
    if (where) {
        where->kind = kind;
        where->index = index;
    }
    return HW_EINPUT;
}

static int nonneg(double x) { return isfinite(x) && x >= 0; }

static int check_op(const hw_sgd_trace *t, int i, hw_err *err)
{
    const hw_sgd_op *o = &t->ops[i];
    if (o->phase != HW_SGD_FWD && o->phase != HW_SGD_BWD)
        return hw_errf(err, HW_EINPUT, "ops[%d].phase: not FWD or BWD; fix the trace", i);
    if (!nonneg(o->dur_us))
        return hw_errf(err, HW_EINPUT, "ops[%d].dur_us: %g is not a finite duration >= 0; fix the trace", i, o->dur_us);
    for (int k = 0; k < o->n_deps; k++) {
        int d = o->deps[k];
        if (d < 0 || d >= i)
            return hw_errf(err, HW_EINPUT, "ops[%d].deps[%d]: %d is not an earlier op (deps must be in [0, %d)); "
                           "fix the trace", i, k, d, i);
        for (int m = 0; m < k; m++)
            if (o->deps[m] == d)
                return hw_errf(err, HW_EINPUT, "ops[%d].deps[%d]: %d is listed twice; remove the repeat", i, k, d);
    }
    return HW_OK;
}

static int check_tensor(const hw_sgd_trace *t, int i, hw_err *err)
{
    const hw_sgd_tensor *x = &t->tensors[i];
    if (x->bytes < 0)
        return hw_errf(err, HW_EINPUT, "tensors[%d].bytes: %lld is negative; fix the trace", i, (long long)x->bytes);
    if (x->fwd_op < 0 || x->fwd_op >= t->n_ops)
        return hw_errf(err, HW_EINPUT, "tensors[%d].fwd_op: %d is not an op index in [0, %d); fix the trace",
                       i, x->fwd_op, t->n_ops);
    if (t->ops[x->fwd_op].phase != HW_SGD_FWD)
        return hw_errf(err, HW_EINPUT, "tensors[%d].fwd_op: op %d is not a FWD op; point it at the first FWD op "
                       "reading the tensor", i, x->fwd_op);
    if (x->grad_op < 0 || x->grad_op >= t->n_ops)
        return hw_errf(err, HW_EINPUT, "tensors[%d].grad_op: %d is not an op index in [0, %d); fix the trace",
                       i, x->grad_op, t->n_ops);
    if (t->ops[x->grad_op].phase != HW_SGD_BWD)
        return hw_errf(err, HW_EINPUT, "tensors[%d].grad_op: op %d is not a BWD op; point it at the BWD op "
                       "completing the gradient", i, x->grad_op);
    return HW_OK;
}

int hw_sgd_trace_check(const hw_sgd_trace *t, hw_sgd_where *where, hw_err *err)
{
    if (t->meta.threads < 1)
        return hw_errf(err, bad(where, 0, 0), "meta.threads: %d is not >= 1; fix the trace", t->meta.threads);
    if (t->meta.batch < 1)
        return hw_errf(err, bad(where, 0, 0), "meta.batch: %d is not >= 1; fix the trace", t->meta.batch);
    if (!nonneg(t->meta.step_us))
        return hw_errf(err, bad(where, 0, 0), "meta.step_us: %g is not a finite time >= 0; fix the trace",
                       t->meta.step_us);
    if (!nonneg(t->apply_us_per_byte))
        return hw_errf(err, bad(where, 0, 0), "server.apply_us_per_byte: %g is not finite and >= 0; fix the trace",
                       t->apply_us_per_byte);
    if (!nonneg(t->msg_overhead_us))
        return hw_errf(err, bad(where, 0, 0), "server.msg_overhead_us: %g is not finite and >= 0; fix the trace",
                       t->msg_overhead_us);
    if (t->n_ops < 1)
        return hw_errf(err, bad(where, 0, 0), "ops: empty; a trace needs at least one op");
    for (int i = 0; i < t->n_ops; i++)
        if (check_op(t, i, err))
            return bad(where, 1, i);
    for (int i = 0; i < t->n_tensors; i++)
        if (check_tensor(t, i, err))
            return bad(where, 2, i);
    return HW_OK;
}

static const char *const policy_names[] = {"layer", "reverse", "largest", "random"};

int hw_sgd_policy_parse(const char *name)
{
    for (int p = 0; p < 4; p++)
        if (!strcmp(name, policy_names[p]))
            return p;
    return -1;
}

const char *hw_sgd_policy_name(hw_sgd_policy p)
{
    return (unsigned)p < 4 ? policy_names[p] : "?";
}

void hw_sgd_order(const hw_sgd_trace *t, hw_sgd_policy p, uint64_t seed, int *order)
{
    int n = t->n_tensors;
    for (int i = 0; i < n; i++)
        order[i] = p == HW_SGD_REVERSE ? n - 1 - i : i;
    if (p == HW_SGD_LARGEST) {
        /* insertion sort: stable, so ties keep index order */
        for (int i = 1; i < n; i++) {
            int v = order[i], j = i;
            for (; j > 0 && t->tensors[order[j - 1]].bytes < t->tensors[v].bytes; j--)
                order[j] = order[j - 1];
            order[j] = v;
        }
    } else if (p == HW_SGD_RANDOM) {
        hw_rng r;
        hw_rng_seed(&r, seed, 0x5344);
        for (int i = n - 1; i > 0; i--) {
            int j = (int)hw_rng_below(&r, (uint64_t)i + 1), v = order[i];
            order[i] = order[j];
            order[j] = v;
        }
    }
}
