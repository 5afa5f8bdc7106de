/* A synthetic single-worker SGD trace of an NB201 network from its layer
 * shapes (hwnas/sgd_synth.h). */
#include "hwnas/sgd_synth.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hwnas/nn.h"

static const char *kind_name(hw_nn_param_kind k)
{
    switch (k) {
    case HW_NN_CONV_W: return "conv.weight";
    case HW_NN_LINEAR_W: return "linear.weight";
    case HW_NN_LINEAR_B: return "linear.bias";
    case HW_NN_BN_GAMMA: return "bn.weight";
    default: return "bn.bias";
    }
}

static void fill(const hw_nn *nn, const hw_sgd_synth_cfg *c, hw_sgd_trace *t)
{
    int L = hw_nn_n_layers(nn), P = hw_nn_n_params(nn), layer = -1;
    double flops_per_us = c->gflops * 1e3;
    for (int l = 0; l < L; l++) {
        hw_nn_layer y;
        hw_nn_param_info pi;
        hw_nn_layer_get(nn, l, &y);
        hw_nn_param(nn, y.param, &pi);
        double fwd = 2.0 * (double)pi.n * y.out_h * y.out_w * c->batch / flops_per_us;
        hw_sgd_op *f = &t->ops[l], *b = &t->ops[2 * L - 1 - l];
        snprintf(f->name, sizeof f->name, "fwd layer %d (%dx%d->%dx%dx%d)", l, y.in_c, y.in_h, y.out_c, y.out_h, y.out_w);
        snprintf(b->name, sizeof b->name, "bwd layer %d", l);
        f->phase = HW_SGD_FWD;
        b->phase = HW_SGD_BWD;
        f->dur_us = fwd;
        b->dur_us = 2 * fwd;
    }
    for (int p = 0; p < P; p++) {
        hw_nn_param_info pi;
        hw_nn_param(nn, p, &pi);
        while (layer + 1 < L) {
            hw_nn_layer y;
            hw_nn_layer_get(nn, layer + 1, &y);
            if (y.param > p)
                break;
            layer++;
        }
        int l = layer < 0 ? 0 : layer;
        hw_sgd_tensor *x = &t->tensors[p];
        snprintf(x->name, sizeof x->name, "p%d.layer%d.%s", p, l, kind_name(pi.kind));
        x->bytes = 4 * (int64_t)pi.n;
        x->fwd_op = l;
        x->grad_op = 2 * L - 1 - l;
    }
}

int hw_sgd_synth_nb201(const hw_nb201_arch *a, const hw_sgd_synth_cfg *c, hw_sgd_trace *t, hw_err *err)
{
    memset(t, 0, sizeof *t);
    if (c->batch < 1 || !(isfinite(c->gflops) && c->gflops > 0))
        return hw_errf(err, HW_EINPUT, "synthetic trace: batch %d, %g GFLOP/s; need batch >= 1 and GFLOP/s > 0",
                       c->batch, c->gflops);
    hw_nb201_net net = hw_nb201_default(10);
    hw_nn_cfg nc = {1, 1, HW_NN_F32};   /* batch 1: only the shapes are needed */
    hw_nn *nn = NULL;
    int rc = hw_nn_create(a, &net, &nc, NULL, &nn, err);
    if (rc)
        return rc;
    int L = hw_nn_n_layers(nn);
    rc = hw_sgd_trace_alloc(t, 2 * L, hw_nn_n_params(nn), err);
    for (int i = 1; !rc && i < 2 * L; i++)
        rc = hw_sgd_op_set_deps(t, i, (int[]){i - 1}, 1, err);
    if (!rc) {
        fill(nn, c, t);
        char arch[HW_NB201_STR_MAX];
        hw_nb201_format(a, arch);
        snprintf(t->meta.arch, sizeof t->meta.arch, "%.127s", arch);
        strcpy(t->meta.host, "synthetic");
        snprintf(t->meta.cpu, sizeof t->meta.cpu, "%g GFLOP/s", c->gflops);
        t->meta.batch = c->batch;
        t->meta.threads = 1;
        for (int i = 0; i < t->n_ops; i++)
            t->meta.step_us += t->ops[i].dur_us;
        t->apply_us_per_byte = c->apply_us_per_byte;
        t->msg_overhead_us = c->msg_overhead_us;
        rc = hw_sgd_trace_check(t, NULL, err);
    }
    hw_nn_free(nn);
    if (rc)
        hw_sgd_trace_free(t);
    return rc;
}
