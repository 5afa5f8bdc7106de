/* hwnas/proxy.h - zero-shot score proxies behind one table. Higher = predicted
 * better for accuracy proxies; cost proxies (params, flops) are reported as
 * is. A proxy maps one architecture (plus a shared, read-only environment)
 * to one double; -INFINITY is the defined lowest score of degenerate archs,
 * never NaN. The farm calls them without knowing what they mean. */
#ifndef HWNAS_PROXY_H
#define HWNAS_PROXY_H
#include <stdint.h>

#include "hwnas/error.h"
#include "hwnas/nb201.h"
#include "hwnas/zeroshot.h"

/* The last candidate's six zero-shot scores, computed together by hw_zc_all
 * (one network, about a third of six separate runs, the same bits). */
typedef struct hw_zc_cache {
    int valid;
    uint32_t key;
    hw_zc_scores s;
} hw_zc_cache;

/* Shared, read-only inputs of the proxies plus per-rank scratch (ws, cache),
 * whose pointers each rank sets for itself after the broadcast. */
typedef struct hw_proxy_env {
    hw_nb201_net net;         /* macro skeleton (widths, cells, input, classes) */
    uint64_t seed;            /* campaign seed; per-candidate streams derive from (seed, arch key) */
    const hw_zc_data *data;   /* labelled CIFAR batches; NULL when no proxy needs data */
    hw_zc_opts zc;            /* batch size, ZiCo batches, init, precision, ZiCo-BC beta and map; zc.ws */
    int zc_together;          /* >= 2 zero-shot proxies configured: compute them together, once per arch */
    hw_zc_cache *cache;       /* per rank; used when zc_together */
} hw_proxy_env;

typedef int (*hw_proxy_fn)(const hw_nb201_arch *a, long arch_index, const hw_proxy_env *env,
                           double *score, hw_err *err);

typedef struct hw_proxy_def {
    const char *name;
    const char *unit;     /* e.g. "M" for params, "MFLOPs" */
    const char *summary;  /* one line for --help */
    hw_proxy_fn fn;
    int needs_data;       /* reads env->data (the campaign loads score.data) */
} hw_proxy_def;

/* NULL when unknown. */
const hw_proxy_def *hw_proxy_find(const char *name);
/* The registry, terminated by an entry with name == NULL. */
const hw_proxy_def *hw_proxy_all(void);

#endif
