/* The table of score proxies: the only place that lists them. */
#include <string.h>

#include "proxies.h"

/* All six zero-shot scores of arch a, computed once and kept for the next proxy. */
static int together(const hw_nb201_arch *a, const hw_proxy_env *e, hw_zc_scores *s, hw_err *err)
{
    uint32_t key = hw_nb201_key(a);
    if (!e->cache->valid || e->cache->key != key) {
        e->cache->valid = 0;
        int rc = hw_zc_all(a, &e->net, e->data, &e->zc, e->seed, &e->cache->s, err);
        if (rc)
            return rc;
        e->cache->valid = 1, e->cache->key = key;
    }
    *s = e->cache->s;
    return HW_OK;
}

/* The zero-shot proxies take (arch, skeleton, data, options, seed): one adapter each. */
#define ZC_ADAPTER(name)                                                                                 \
    static int name(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *e, double *score,       \
                    hw_err *err)                                                                         \
    {                                                                                                    \
        (void)arch_index;                                                                                \
        hw_zc_scores s;                                                                                  \
        if (!e->zc_together || !e->cache)                                                                \
            return hw_zc_##name(a, &e->net, e->data, &e->zc, e->seed, score, err);                       \
        int rc = together(a, e, &s, err);                                                                \
        *score = rc ? 0 : s.name;                                                                        \
        return rc;                                                                                       \
    }
ZC_ADAPTER(zico)
ZC_ADAPTER(zico_bc)
ZC_ADAPTER(naswot)
ZC_ADAPTER(synflow)
ZC_ADAPTER(grad_norm)
ZC_ADAPTER(snip)

static const hw_proxy_def PROXIES[] = {
    {"params", "M", "number of parameters incl. BN affine (NB201 API convention)", hw_proxy_params, 0},
    {"flops", "MFLOPs", "conv + linear multiply-accumulates per image (NB201 API convention)", hw_proxy_flops, 0},
    {"zico", "-", "ZiCo: sum over layers of ln sum mean|g|/std(g) over score.zico_batches batches", zico, 1},
    {"zico_bc", "-", "ZiCo-BC: ZiCo - beta sum ln(H W / sqrt C) (score.zico_bc_beta, score.zico_bc_map)", zico_bc, 1},
    {"naswot", "-", "NASWOT: ln|det K| of the ReLU binary codes of one batch", naswot, 1},
    {"synflow", "-", "SynFlow: sum |w dR/dw|, |w|, no BN, all-ones input, float64", synflow, 0},
    {"grad_norm", "-", "GradNorm: sum over layers of ||dL/dW||_2 on one batch", grad_norm, 1},
    {"snip", "-", "SNIP: sum |w * dL/dw| on one batch", snip, 1},
    {"noop", "-", "always 0: measures the farm's own overhead (coordinator throughput)", hw_proxy_noop, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const hw_proxy_def *hw_proxy_all(void) { return PROXIES; }

const hw_proxy_def *hw_proxy_find(const char *name)
{
    for (const hw_proxy_def *p = PROXIES; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}
