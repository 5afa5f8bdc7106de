/* Shared plumbing of the zero-shot proxies: defaults, degeneracy, checks,
 * network set-up, one step, per-layer sums. */
#include <math.h>
#include <stdlib.h>

#include "zc.h"

void hw_zc_opts_default(hw_zc_opts *o)
{
    hw_zc_opts d = {64, 2, HW_INIT_TORCH, HW_NN_F32, 1.0, HW_ZC_BC_OUTPUT, NULL};
    *o = d;
}

int hw_zc_degenerate(const hw_nb201_arch *a)
{
    int reach[4] = {1, 0, 0, 0}, e = 0;
    for (int j = 1; j <= 3; j++)
        for (int i = 0; i < j; i++, e++)
            reach[j] |= reach[i] && a->op[e] != HW_OP_NONE;
    return !reach[3];
}

int zc_check(const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o, int need, hw_err *err)
{
    if (!d || !d->x || !d->y)
        return hw_errf(err, HW_EINPUT, "zero-shot proxy: no data batches given");
    if (d->batch != o->batch_size || d->n_batches < need)
        return hw_errf(err, HW_EINPUT, "zero-shot proxy: data has %d batches of %d, need %d of batch_size %d",
                       d->n_batches, d->batch, need, o->batch_size);
    if (d->side != net->input_hw || d->classes > net->classes)
        return hw_errf(err, HW_EINPUT, "zero-shot proxy: %dx%d images with %d classes do not fit a %dx%d, "
                       "%d-class network", d->side, d->side, d->classes, net->input_hw, net->input_hw, net->classes);
    return HW_OK;
}

int zc_net(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_opts *o, const hw_nn_cfg *cfg,
           uint64_t seed, hw_nn **nn, hw_err *err)
{
    int rc = hw_nn_create(a, net, cfg, o->ws, nn, err);
    if (rc == HW_OK)
        hw_nn_init(*nn, o->init, seed, hw_nb201_key(a));
    return rc;
}

int zc_open(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
            int need, uint64_t seed, hw_nn **nn, double *score, hw_err *err)
{
    *nn = NULL;
    int rc = zc_check(net, d, o, need, err);
    if (rc)
        return rc;
    *score = -INFINITY;
    if (hw_zc_degenerate(a))
        return HW_OK;
    hw_nn_cfg cfg = {d->batch, 1, o->prec};
    return zc_net(a, net, o, &cfg, seed, nn, err);
}

int zc_one_batch(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                 uint64_t seed, zc_layer_fn f, double *score, hw_err *err)
{
    hw_nn *nn;
    int rc = zc_open(a, net, d, o, 1, seed, &nn, score, err);
    if (rc || !nn)
        return rc;
    zc_step(nn, d, 0);
    rc = zc_layer_sum(nn, f, score, err);
    hw_nn_free(nn);
    return rc;
}

double zc_step(hw_nn *nn, const hw_zc_data *d, int b)
{
    size_t per = (size_t)3 * d->side * d->side;
    hw_nn_set_input(nn, d->x + (size_t)b * d->batch * per);
    hw_nn_forward(nn);
    double loss = hw_nn_ce_grad(nn, d->y + (size_t)b * d->batch);
    hw_nn_backward(nn);
    return loss;
}

double zc_abs_wg(const double *w, const double *g, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fabs(w[i] * g[i]);
    return s;
}

double zc_frobenius(const double *w, const double *g, size_t n)
{
    (void)w;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += g[i] * g[i];
    return sqrt(s);
}

/* Elements of the largest conv/linear weight. */
static size_t max_layer(const hw_nn *nn)
{
    size_t m = 0;
    for (int l = 0; l < hw_nn_n_layers(nn); l++) {
        hw_nn_layer ly;
        hw_nn_param_info pi;
        hw_nn_layer_get(nn, l, &ly);
        hw_nn_param(nn, ly.param, &pi);
        m = pi.n > m ? pi.n : m;
    }
    return m;
}

int zc_layer_sum(const hw_nn *nn, zc_layer_fn f, double *out, hw_err *err)
{
    size_t m = max_layer(nn);
    double *w = hw_calloc(m, sizeof *w, err), *g = w ? hw_calloc(m, sizeof *g, err) : NULL;
    if (!g) {
        free(w);
        return HW_ENOMEM;
    }
    *out = 0;
    for (int l = 0; l < hw_nn_n_layers(nn); l++) {
        hw_nn_layer ly;
        hw_nn_param_info pi;
        hw_nn_layer_get(nn, l, &ly);
        hw_nn_param(nn, ly.param, &pi);
        hw_nn_param_get(nn, ly.param, 0, w);
        hw_nn_param_get(nn, ly.param, 1, g);
        *out += f(w, g, pi.n);
    }
    free(w), free(g);
    return HW_OK;
}
