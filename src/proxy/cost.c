/* Cost proxies: #params (M) and FLOPs (MFLOPs), analytic from the network definition;
 * and noop (always 0), for measuring the farm's own overhead. */
#include "proxies.h"

int hw_proxy_params(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                    hw_err *err)
{
    (void)arch_index, (void)err;
    *score = hw_nb201_params(a, &env->net) / 1e6;
    return HW_OK;
}

int hw_proxy_noop(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                  hw_err *err)
{
    (void)a, (void)arch_index, (void)env, (void)err;
    *score = 0.0;
    return HW_OK;
}

int hw_proxy_flops(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                   hw_err *err)
{
    (void)arch_index, (void)err;
    *score = hw_nb201_flops(a, &env->net) / 1e6;
    return HW_OK;
}
