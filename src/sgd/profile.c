/* The worker's training step as a hw_sgd_trace model, run op by op with a
 * clock; the server's SGD update and its measured cost (hwnas/sgd_profile.h). */
#include "hwnas/sgd_profile.h"
#include "hwnas/latency.h"
#include "hwnas/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double hw_sgd_now_us(void) { return 1e6 * hw_now(); }

int hw_sgd_op_layout(const hw_nn *nn, int *op_of_bwd)
{
    int n = hw_nn_n_steps(nn), k = n + 1;
    for (int s = n - 1; s >= 0; s--) {
        hw_nn_step st;
        hw_nn_step_get(nn, s, &st);
        op_of_bwd[s] = st.bwd ? k++ : -1;
    }
    return k;
}

static const char *param_kind_name(hw_nn_param_kind k)
{
    static const char *names[] = {"conv_w", "linear_w", "linear_b", "bn_gamma", "bn_beta"};
    return names[k];
}

/* Adds d to the list dep[0..*n) unless it is there already. */
static void add_dep(int *dep, int *n, int d)
{
    for (int i = 0; i < *n; i++)
        if (dep[i] == d)
            return;
    dep[(*n)++] = d;
}

static int fwd_deps(const hw_nn *nn, hw_sgd_trace *t, int s, int *dep, hw_err *err)
{
    hw_nn_step me, o;
    int n = 0;
    hw_nn_step_get(nn, s, &me);
    for (int e = 0; e < s; e++) {
        hw_nn_step_get(nn, e, &o);
        if (o.out == me.in || (me.acc && o.out == me.out))
            add_dep(dep, &n, e);
    }
    return hw_sgd_op_set_deps(t, s, dep, n, err);
}

static int bwd_deps(const hw_nn *nn, hw_sgd_trace *t, const int *op_of_bwd, int s, int *dep, hw_err *err)
{
    int ns = hw_nn_n_steps(nn), n = 0;
    hw_nn_step me, o;
    hw_nn_step_get(nn, s, &me);
    for (int e = s + 1; e < ns; e++) {
        hw_nn_step_get(nn, e, &o);
        if (o.in == me.out && op_of_bwd[e] >= 0)
            add_dep(dep, &n, op_of_bwd[e]);
    }
    if (n == 0)
        dep[n++] = ns;
    return hw_sgd_op_set_deps(t, op_of_bwd[s], dep, n, err);
}

int hw_sgd_model(const hw_nn *nn, hw_sgd_trace *t, hw_err *err)
{
    int ns = hw_nn_n_steps(nn), np = hw_nn_n_params(nn);
    int *bwd = hw_calloc((size_t)ns, sizeof *bwd, err);
    int *dep = bwd ? hw_calloc((size_t)ns + 1, sizeof *dep, err) : NULL;
    int rc = dep ? HW_OK : HW_ENOMEM;
    if (rc == HW_OK)
        rc = hw_sgd_trace_alloc(t, hw_sgd_op_layout(nn, bwd), np, err);
    if (rc == HW_OK) {
        t->meta.batch = hw_nn_batch(nn);
        snprintf(t->ops[ns].name, HW_SGD_NAME_MAX, "loss");
        t->ops[ns].phase = HW_SGD_BWD;
        int last = ns - 1;
        rc = hw_sgd_op_set_deps(t, ns, &last, 1, err);
    }
    for (int s = 0; rc == HW_OK && s < ns; s++) {
        hw_nn_step st;
        hw_nn_step_get(nn, s, &st);
        const char *kind = hw_nn_step_kind_name(st.kind);
        snprintf(t->ops[s].name, HW_SGD_NAME_MAX, "fwd %d %s", s, kind);
        t->ops[s].phase = HW_SGD_FWD;
        rc = fwd_deps(nn, t, s, dep, err);
        if (rc == HW_OK && bwd[s] >= 0) {
            snprintf(t->ops[bwd[s]].name, HW_SGD_NAME_MAX, "bwd %d %s", s, kind);
            t->ops[bwd[s]].phase = HW_SGD_BWD;
            rc = bwd_deps(nn, t, bwd, s, dep, err);
        }
        for (int p = st.p0; p < st.p0 + st.np; p++) {
            hw_nn_param_info info;
            hw_nn_param(nn, p, &info);
            hw_sgd_tensor *x = &t->tensors[p];
            snprintf(x->name, HW_SGD_NAME_MAX, "p%d %s", p, param_kind_name(info.kind));
            x->bytes = (int64_t)info.n * 4;
            x->fwd_op = s;
            x->grad_op = bwd[s] >= 0 ? bwd[s] : ns;
        }
    }
    free(bwd);
    free(dep);
    if (rc != HW_OK)
        hw_sgd_trace_free(t);
    return rc;
}

/* Runs op k of the layout (the step s of a FWD or BWD op; s = -1: "loss"). */
static double run_op(hw_nn *nn, const hw_sgd_hooks *h, int k, int fwd, int s, const int *y)
{
    double loss = 0;
    if (h && h->before)
        h->before(h->ctx, k);
    double t0 = hw_sgd_now_us();
    if (fwd)
        hw_nn_forward_step(nn, s);
    else if (s < 0) {
        loss = hw_nn_ce_grad(nn, y);
        hw_nn_backward_begin(nn);
    } else
        hw_nn_backward_step(nn, s);
    if (h && h->after)
        h->after(h->ctx, k, t0, hw_sgd_now_us());
    return loss;
}

double hw_sgd_step_run(hw_nn *nn, const double *x, const int *y, const hw_sgd_hooks *h)
{
    int ns = hw_nn_n_steps(nn), k = ns + 1;
    hw_nn_set_input(nn, x);
    hw_nn_forward_begin(nn);
    for (int s = 0; s < ns; s++)
        run_op(nn, h, s, 1, s, y);
    double loss = run_op(nn, h, ns, 0, -1, y);
    for (int s = ns - 1; s >= 0; s--) {
        hw_nn_step st;
        hw_nn_step_get(nn, s, &st);
        if (st.bwd)
            run_op(nn, h, k++, 0, s, y);
    }
    return loss;
}

void hw_sgd_apply(float *w, const float *g, size_t n, float lr)
{
    for (size_t i = 0; i < n; i++)
        w[i] -= lr * g[i];
}

int hw_sgd_measure_apply(hw_sgd_trace *t, int reps, hw_err *err)
{
    size_t maxn = 1;
    for (int i = 0; i < t->n_tensors; i++)
        if ((size_t)t->tensors[i].bytes / 4 > maxn)
            maxn = (size_t)t->tensors[i].bytes / 4;
    float *w = hw_calloc(maxn, sizeof *w, err), *g = w ? hw_calloc(maxn, sizeof *g, err) : NULL;
    double *v = g ? hw_calloc((size_t)reps, sizeof *v, err) : NULL;
    if (!v) {
        free(w), free(g);
        return HW_ENOMEM;
    }
    for (size_t i = 0; i < maxn; i++)
        g[i] = 1e-3f * (float)(i % 7);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int m = t->n_tensors + 1;
    for (int i = 0; i < m; i++) {
        size_t n = i < t->n_tensors ? (size_t)t->tensors[i].bytes / 4 : 1;
        for (int r = 0; r < reps; r++) {
            double t0 = hw_sgd_now_us();
            hw_sgd_apply(w, g, n, 0.01f);
            v[r] = hw_sgd_now_us() - t0;
        }
        double x = 4.0 * (double)n, y = hw_median_finite(v, (size_t)reps);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    double den = m * sxx - sx * sx;
    double b = den > 0 ? (m * sxy - sx * sy) / den : 0, a = (sy - b * sx) / m;
    t->apply_us_per_byte = b > 0 ? b : 0;
    t->msg_overhead_us = a > 0 ? a : 0;
    free(w), free(g), free(v);
    return HW_OK;
}
