/* SynFlow (Tanaka et al., NeurIPS 2020; zero-cost-nas measures/synflow.py):
 * float64, BN removed, |w| everywhere, one all-ones image, R = Σ logits;
 * Σ over conv/linear weights of |w · dR/dw|. */
#include <math.h>
#include <stdlib.h>

#include "zc.h"

int hw_zc_synflow(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                  uint64_t seed, double *score, hw_err *err)
{
    (void)d;
    *score = -INFINITY;
    if (hw_zc_degenerate(a))
        return HW_OK;
    hw_nn_cfg cfg = {1, 0, HW_NN_F64};
    hw_nn *nn;
    int rc = zc_net(a, net, o, &cfg, seed, &nn, err);
    if (rc)
        return rc;
    size_t n = (size_t)3 * net->input_hw * net->input_hw;
    double *x = hw_calloc(n, sizeof *x, err);
    if (!x) {
        hw_nn_free(nn);
        return HW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = 1.0;
    hw_nn_abs_params(nn);
    hw_nn_set_input(nn, x);
    hw_nn_forward(nn);
    hw_nn_sum_grad(nn);
    hw_nn_backward(nn);
    rc = zc_layer_sum(nn, zc_abs_wg, score, err);
    free(x);
    hw_nn_free(nn);
    return rc;
}
