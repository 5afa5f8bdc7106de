/* Multiproxy inputs on rank 0: the source bank over every NB201 key, the
 * source columns of a target (latency.sources) and the diverse sample choice. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/multiproxy.h"
#include "hwnas/rng.h"

#define K HW_NB201_MPFEAT
#define G HW_NB201_MPTIED

/* Distinct measured devices with >= 2 rows, appended to c->bank_name after the table columns. */
static int bank_names(hw_campaign *c, hw_err *err)
{
    c->bank_name = hw_calloc(c->lat.n_cols + c->meas.n + 1, sizeof *c->bank_name, err);
    if (!c->bank_name)
        return HW_ENOMEM;
    c->n_bank = 0;
    for (size_t j = 0; j < c->lat.n_cols; j++)
        c->bank_name[c->n_bank++] = c->lat.col[j];
    for (size_t i = 0; i < c->meas.n; i++) {
        size_t rows = 0, seen = 0;
        for (size_t j = 0; j < c->meas.n; j++)
            if (strcmp(c->meas.device[j], c->meas.device[i]) == 0)
                rows++, seen += j < i;
        if (!seen && rows >= 2)
            c->bank_name[c->n_bank++] = c->meas.device[i];
    }
    return HW_OK;
}

static long bank_col(const hw_campaign *c, const char *name)
{
    for (size_t j = 0; j < c->n_bank; j++)
        if (strcmp(c->bank_name[j], name) == 0)
            return (long)j;
    return -1;
}

/* lat (keys x n_bank, NaN unknown), feature rows (one-hot + live one-hot, op
 * counts) and the table-row flags. */
static void bank_inputs(const hw_campaign *c, double *lat, double *X, double *cnt, unsigned char *ref)
{
    size_t nb = c->n_bank;
    for (size_t i = 0; i < (size_t)HW_NB201_N_ARCHS * nb; i++)
        lat[i] = NAN;
    for (size_t r = 0; r < c->lat.n_rows; r++)
        for (size_t j = 0; j < c->lat.n_cols; j++)
            lat[(size_t)c->lat.key[r] * nb + j] = c->lat.val[r * c->lat.n_cols + j];
    for (size_t i = 0; i < c->meas.n; i++) {
        long j = bank_col(c, c->meas.device[i]);
        if (j >= 0)
            lat[(size_t)c->meas.key[i] * nb + (size_t)j] = c->meas.latency_ms[i];
    }
    for (uint32_t k = 0; k < HW_NB201_N_ARCHS; k++) {
        hw_nb201_arch a;
        hw_nb201_from_key(k, &a);
        hw_nb201_mp_features(&a, X + (size_t)k * K);
        hw_nb201_op_counts(&a, cnt + (size_t)k * G);
        ref[k] = c->lat_row[k] >= 0;
    }
}

int hw_campaign_bank(hw_campaign *c, hw_mp_bank *b, hw_err *err)
{
    int rc = bank_names(c, err);
    if (rc)
        return rc;
    double *lat = hw_calloc((size_t)HW_NB201_N_ARCHS * c->n_bank, sizeof *lat, err);
    double *X = hw_calloc((size_t)HW_NB201_N_ARCHS * K, sizeof *X, err);
    double *cnt = hw_calloc((size_t)HW_NB201_N_ARCHS * G, sizeof *cnt, err);
    unsigned char *ref = hw_calloc(HW_NB201_N_ARCHS, 1, err);
    rc = lat && X && cnt && ref ? HW_OK : HW_ENOMEM;
    if (!rc) {
        bank_inputs(c, lat, X, cnt, ref);
        rc = hw_mp_bank_build(lat, HW_NB201_N_ARCHS, c->n_bank, X, K, cnt, G, c->lat.n_rows >= 2 ? ref : NULL, b,
                              err);
    }
    free(lat), free(X), free(cnt), free(ref);
    return rc;
}

int hw_campaign_sources(const hw_campaign *c, const char *target, size_t *src, size_t *n_src, hw_err *err)
{
    const hw_plan *p = &c->plan;
    int all = p->latency.n_sources == 1 && strcmp(p->latency.sources[0], "*") == 0;
    *n_src = 0;
    for (size_t j = 0; all && j < c->n_bank; j++)
        if (strcmp(c->bank_name[j], target) != 0)
            src[(*n_src)++] = j;
    for (size_t s = 0; !all && s < p->latency.n_sources; s++) {
        const char *name = p->latency.sources[s];
        long j = bank_col(c, name);
        if (j < 0)
            return hw_errf(err, HW_EINPUT, "%s:%d: latency.sources: device '%s' has fewer than 2 latencies; a source "
                           "needs at least 2: measure more or drop it", p->config_path, p->latency.sources_line, name);
        if (strcmp(name, target) != 0)
            src[(*n_src)++] = (size_t)j;
    }
    if (*n_src == 0 && p->latency.method == HW_METHOD_MULTIPROXY)
        return hw_errf(err, HW_EINPUT, "%s:%d: latency.sources leaves no source device for target '%s'; list other "
                       "devices or use [\"*\"]", p->config_path, p->latency.sources_line, target);
    return HW_OK;
}

int hw_campaign_draw_diverse(const hw_campaign *c, const hw_mp_bank *b, const char *name, const uint32_t *pk,
                             const double *py, size_t n_pool, size_t want, uint32_t *key, double *y, size_t *n,
                             hw_err *err)
{
    size_t *src = hw_calloc(c->n_bank + 1, sizeof *src, err), n_src = 0;
    size_t *pool = hw_calloc(n_pool + 1, sizeof *pool, err), *out = hw_calloc(n_pool + 1, sizeof *out, err);
    int32_t *at = hw_calloc(HW_NB201_N_ARCHS, sizeof *at, err);
    int rc = src && pool && out && at ? HW_OK : HW_ENOMEM;
    if (!rc)
        rc = hw_campaign_sources(c, name, src, &n_src, err);
    for (size_t i = 0; !rc && i < n_pool; i++)
        pool[i] = pk[i], at[pk[i]] = (int32_t)i;
    hw_rng r;
    hw_rng_seed(&r, c->plan.seed, hw_hash_str(name));
    *n = want < n_pool ? want : n_pool;
    if (!rc)
        rc = hw_mp_select(b, src, n_src, pool, n_pool, *n, &r, out, err);
    for (size_t i = 0; !rc && i < *n; i++)
        key[i] = (uint32_t)out[i], y[i] = py[at[out[i]]];
    free(src), free(pool), free(out), free(at);
    return rc;
}
