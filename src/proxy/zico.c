/* ZiCo (Li et al., ICLR 2023; SLDGroup/ZiCo compute_zico.py): the summed log
 * inverse coefficient of variation of the weight gradients over N batches. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zc.h"

/* Σ_{k: sigma_k != 0} mu_k / sigma_k of one layer's n elements over nb batches. */
static double layer_s(const double *const *g, int nb, size_t off, size_t n)
{
    double s = 0;
    for (size_t k = off; k < off + n; k++) {
        double mean = 0, mu = 0, var = 0;
        for (int b = 0; b < nb; b++)
            mean += g[b][k], mu += fabs(g[b][k]);
        mean /= nb, mu /= nb;
        for (int b = 0; b < nb; b++)
            var += (g[b][k] - mean) * (g[b][k] - mean);
        double sd = sqrt(var / nb);
        if (sd != 0)
            s += mu / sd;
    }
    return s;
}

double hw_zc_zico_stat(const double *const *g, int n_batches, const size_t *n, int n_layers, const double *t,
                       double *bc_sum)
{
    double z = 0, bc = 0;
    int any = 0;
    size_t off = 0;
    for (int l = 0; l < n_layers; off += n[l], l++) {
        double s = layer_s(g, n_batches, off, n[l]);
        if (s == 0)
            continue;
        z += log(s);
        bc += t ? t[l] : 0;
        any = 1;
    }
    if (bc_sum)
        *bc_sum = bc;
    return any ? z : -INFINITY;
}

/* Layer sizes and ln(H W / √C) map terms of the network's conv/linear layers. */
static void layer_shapes(const hw_nn *nn, hw_zc_bc_map map, size_t *n, double *t, size_t *total)
{
    *total = 0;
    for (int l = 0; l < hw_nn_n_layers(nn); l++) {
        hw_nn_layer ly;
        hw_nn_param_info pi;
        hw_nn_layer_get(nn, l, &ly);
        hw_nn_param(nn, ly.param, &pi);
        n[l] = pi.n;
        *total += pi.n;
        if (map == HW_ZC_BC_INPUT)
            t[l] = log((double)ly.in_h * ly.in_w / sqrt((double)ly.in_c));
        else
            t[l] = log((double)ly.out_h * ly.out_w / sqrt((double)ly.out_c));
    }
}

int zc_zico_acc_init(zc_zico_acc *z, const hw_nn *nn, const hw_zc_opts *o, hw_err *err)
{
    memset(z, 0, sizeof *z);
    z->nl = hw_nn_n_layers(nn), z->nb = o->n_batches;
    z->n = hw_calloc((size_t)z->nl, sizeof *z->n, err);
    z->t = z->n ? hw_calloc((size_t)z->nl, sizeof *z->t, err) : NULL;
    z->g = z->t ? hw_calloc((size_t)z->nb, sizeof *z->g, err) : NULL;
    if (z->g) {
        layer_shapes(nn, o->bc_map, z->n, z->t, &z->total);
        z->buf = hw_calloc(z->total * (size_t)z->nb, sizeof *z->buf, err);
    }
    if (!z->buf) {
        zc_zico_acc_free(z);
        return HW_ENOMEM;
    }
    return HW_OK;
}

/* Copies every layer's weight gradient (layer order) as batch b. */
void zc_zico_acc_add(zc_zico_acc *z, const hw_nn *nn, int b)
{
    double *g = z->buf + (size_t)b * z->total;
    z->g[b] = g;
    for (int l = 0; l < z->nl; g += z->n[l], l++) {
        hw_nn_layer ly;
        hw_nn_layer_get(nn, l, &ly);
        hw_nn_param_get(nn, ly.param, 1, g);
    }
}

double zc_zico_acc_finish(const zc_zico_acc *z, double *bc_sum)
{
    return hw_zc_zico_stat(z->g, z->nb, z->n, z->nl, z->t, bc_sum);
}

void zc_zico_acc_free(zc_zico_acc *z)
{
    free(z->n), free(z->t), free(z->g), free(z->buf);
    memset(z, 0, sizeof *z);
}

/* Runs the N batches on nn and computes the statistic. */
static int zico_on(hw_nn *nn, const hw_zc_data *d, const hw_zc_opts *o, double *zico, double *bc_sum,
                   hw_err *err)
{
    zc_zico_acc z;
    int rc = zc_zico_acc_init(&z, nn, o, err);
    if (rc)
        return rc;
    for (int b = 0; b < o->n_batches; b++) {
        zc_step(nn, d, b);
        zc_zico_acc_add(&z, nn, b);
    }
    *zico = zc_zico_acc_finish(&z, bc_sum);
    zc_zico_acc_free(&z);
    return HW_OK;
}

int zc_zico_run(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                uint64_t seed, double *zico, double *bc_sum, hw_err *err)
{
    hw_nn *nn;
    *bc_sum = 0;
    int rc = zc_open(a, net, d, o, o->n_batches, seed, &nn, zico, err);
    if (rc || !nn)
        return rc;
    rc = zico_on(nn, d, o, zico, bc_sum, err);
    hw_nn_free(nn);
    return rc;
}

int hw_zc_zico(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
               uint64_t seed, double *score, hw_err *err)
{
    double bc;
    return zc_zico_run(a, net, d, o, seed, score, &bc, err);
}
