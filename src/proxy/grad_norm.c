/* GradNorm (Abdelfattah et al., ICLR 2021, zero-cost-nas measures/grad_norm.py):
 * Σ over conv/linear layers of the Frobenius norm of dL/dW on one batch. */
#include "zc.h"

int hw_zc_grad_norm(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                    uint64_t seed, double *score, hw_err *err)
{
    return zc_one_batch(a, net, d, o, seed, zc_frobenius, score, err);
}
