/* GradNorm (Abdelfattah et al., ICLR 2021, zero-cost-nas measures/grad_norm.py):
 * Σ over conv/linear layers of the Frobenius norm of dL/dW on one batch. */
#include <math.h>

#include "zc.h"

int hw_zc_grad_norm(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                    uint64_t seed, double *score, hw_err *err)
{
    hw_nn *nn;
    int rc = zc_open(a, net, d, o, 1, seed, &nn, score, err);
    if (rc || !nn)
        return rc;
    zc_step(nn, d, 0);
    rc = zc_layer_sum(nn, zc_frobenius, score, err);
    hw_nn_free(nn);
    return rc;
}
