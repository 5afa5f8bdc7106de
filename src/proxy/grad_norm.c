/* GradNorm (Abdelfattah et al., ICLR 2021, zero-cost-nas measures/grad_norm.py):
 * Σ over conv/linear layers of the Frobenius norm of dL/dW on one batch. */
#include <math.h>

#include "zc.h"

int hw_zc_grad_norm(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                    uint64_t seed, double *score, hw_err *err)
{
    int rc = zc_check(net, d, o, 1, err);
    if (rc)
        return rc;
    *score = -INFINITY;
    if (hw_zc_degenerate(a))
        return HW_OK;
    hw_nn_cfg cfg = {d->batch, 1, o->prec};
    hw_nn *nn;
    if ((rc = zc_net(a, net, o, &cfg, seed, &nn, err)) != HW_OK)
        return rc;
    zc_step(nn, d, 0);
    rc = zc_layer_sum(nn, zc_frobenius, score, err);
    hw_nn_free(nn);
    return rc;
}
