/* Every zero-shot proxy of one arch from as few passes as possible: ZiCo's N
 * training steps on one network also give NASWOT (ReLU codes of batch 0's
 * forward), GradNorm and SNIP (batch 0's gradients); SynFlow runs its own
 * BN-free float64 network. Same bits as the single-proxy calls. */
#include <math.h>

#include "zc.h"

/* The N steps on nn, with the batch-0 proxies taken on the way. */
static int steps(hw_nn *nn, const hw_zc_data *d, const hw_zc_opts *o, zc_zico_acc *z, hw_zc_scores *s,
                 hw_err *err)
{
    size_t per = (size_t)3 * d->side * d->side;
    int rc = HW_OK;
    for (int b = 0; b < o->n_batches && rc == HW_OK; b++) {
        hw_nn_set_input(nn, d->x + (size_t)b * d->batch * per);
        hw_nn_forward(nn);
        if (b == 0 && (rc = zc_naswot_of(nn, &s->naswot, err)) != HW_OK)
            break;
        hw_nn_ce_grad(nn, d->y + (size_t)b * d->batch);
        hw_nn_backward(nn);
        zc_zico_acc_add(z, nn, b);
        if (b == 0 && (rc = zc_layer_sum(nn, zc_frobenius, &s->grad_norm, err)) == HW_OK)
            rc = zc_layer_sum(nn, zc_abs_wg, &s->snip, err);
    }
    return rc;
}

int hw_zc_all(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
              uint64_t seed, hw_zc_scores *s, hw_err *err)
{
    hw_zc_scores lowest = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    *s = lowest;
    int rc = zc_check(net, d, o, o->n_batches, err);
    if (rc || hw_zc_degenerate(a))
        return rc;
    hw_nn_cfg cfg = {d->batch, 1, o->prec};
    hw_nn *nn;
    zc_zico_acc z;
    if ((rc = zc_net(a, net, o, &cfg, seed, &nn, err)) != HW_OK)
        return rc;
    if ((rc = zc_zico_acc_init(&z, nn, o, err)) == HW_OK) {
        rc = steps(nn, d, o, &z, s, err);
        double bc = 0;
        s->zico = rc == HW_OK ? zc_zico_acc_finish(&z, &bc) : -INFINITY;
        s->zico_bc = s->zico - o->bc_beta * bc;
        zc_zico_acc_free(&z);
    }
    hw_nn_free(nn); /* before SynFlow: a workspace holds one network at a time */
    return rc == HW_OK ? hw_zc_synflow(a, net, d, o, seed, &s->synflow, err) : rc;
}
