/* Cost proxies: #params (M) and FLOPs (MFLOPs), analytic from the network definition. */
#include "proxies.h"

int hw_proxy_params(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                    hw_err *err)
{
    (void)arch_index, (void)err;
    *score = hw_nb201_params(a, &env->net) / 1e6;
    return HW_OK;
}

int hw_proxy_flops(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                   hw_err *err)
{
    (void)arch_index, (void)err;
    *score = hw_nb201_flops(a, &env->net) / 1e6;
    return HW_OK;
}
