/* Private: the proxy implementations that registry.c lists. */
#ifndef HWNAS_PROXIES_H
#define HWNAS_PROXIES_H
#include "hwnas/proxy.h"

int hw_proxy_params(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                    hw_err *err);
int hw_proxy_noop(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                  hw_err *err);
int hw_proxy_flops(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env, double *score,
                   hw_err *err);

#endif
