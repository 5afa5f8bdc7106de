/* SNIP (Lee et al., ICLR 2019; zero-cost-nas measures/snip.py): Σ |w ⊙ dL/dw|
 * over conv/linear weights on one batch (|dL/dmask| at mask = 1). */
#include "zc.h"

int hw_zc_snip(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
               uint64_t seed, double *score, hw_err *err)
{
    return zc_one_batch(a, net, d, o, seed, zc_abs_wg, score, err);
}
