/* ZiCo-BC (Bhardwaj et al., arXiv 2309.14666, Eq. 2): ZiCo minus beta times the
 * summed ln(H W / √C) of the same layers, against ZiCo's bias to thin deep nets. */
#include "zc.h"

int hw_zc_zico_bc(const hw_nb201_arch *a, const hw_nb201_net *net, const hw_zc_data *d, const hw_zc_opts *o,
                  uint64_t seed, double *score, hw_err *err)
{
    double zico, bc;
    int rc = zc_zico_run(a, net, d, o, seed, &zico, &bc, err);
    if (rc == HW_OK)
        *score = zico - o->bc_beta * bc;
    return rc;
}
