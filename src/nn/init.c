/* Parameter initialisation from hwnas's seeded RNG: PyTorch's defaults or
 * Kaiming-normal (see hwnas/nn.h for the exact draws). */
#include <math.h>

#include "hwnas/rng.h"
#include "net.h"

/* One draw for an element of a parameter of this kind. */
static double draw(hw_rng *r, const hw_nn_param_info *pi, hw_nn_init_scheme s)
{
    double bound = 1.0 / sqrt((double)pi->fan_in);
    switch (pi->kind) {
    case HW_NN_CONV_W:
    case HW_NN_LINEAR_W:
        if (s == HW_INIT_KAIMING_NORMAL)
            return sqrt(2.0 / pi->fan_in) * hw_rng_normal(r);
        return bound * (2.0 * hw_rng_uniform(r) - 1.0);
    case HW_NN_LINEAR_B: return bound * (2.0 * hw_rng_uniform(r) - 1.0);
    case HW_NN_BN_GAMMA: return 1.0;
    default: return 0.0;
    }
}

void hw_nn_init(hw_nn *nn, hw_nn_init_scheme scheme, uint64_t seed, uint64_t stream)
{
    hw_rng r;
    hw_rng_seed(&r, seed, stream);
    for (int p = 0; p < nn->np; p++) {
        const hw_nn_param_info *pi = &nn->p[p].info;
        for (size_t i = 0; i < pi->n; i++) {
            double v = draw(&r, pi, scheme);
            if (nn->cfg.prec == HW_NN_F64)
                ((double *)nn->p[p].w)[i] = v;
            else
                ((float *)nn->p[p].w)[i] = (float)v;
        }
    }
    if (nn->cfg.prec == HW_NN_F64)
        nn_bn_reset_f64(nn);
    else
        nn_bn_reset_f32(nn);
}
