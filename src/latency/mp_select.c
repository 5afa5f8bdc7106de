/* Which archs to measure on a new device: greedy farthest-point (k-center)
 * selection in the sources' standardised, winsorised latency space (contract:
 * include/hwnas/multiproxy.h). With no sources, the one-hot space is used. */
#include <math.h>
#include <stdlib.h>

#include "hwnas/multiproxy.h"

static double dist2(const hw_mp_bank *b, const size_t *src, size_t n_src, size_t r1, size_t r2)
{
    double d = 0;
    for (size_t s = 0; s < n_src; s++) {
        double t = b->Z[src[s] * b->n + r1] - b->Z[src[s] * b->n + r2];
        d += t * t;
    }
    for (size_t j = 0; n_src == 0 && j < b->k; j++) {
        double t = b->X[r1 * b->k + j] - b->X[r2 * b->k + j];
        d += t * t;
    }
    return d;
}

/* Pool position of the largest distance among the unchosen (d >= 0); first wins ties. */
static size_t farthest(const double *d, size_t n_pool)
{
    size_t arg = n_pool;
    for (size_t i = 0; i < n_pool; i++)
        if (d[i] >= 0 && (arg == n_pool || d[i] > d[arg]))
            arg = i;
    return arg;
}

int hw_mp_select(const hw_mp_bank *b, const size_t *src, size_t n_src, const size_t *pool, size_t n_pool,
                 size_t want, hw_rng *r, size_t *out, hw_err *err)
{
    if (want > n_pool)
        return hw_errf(err, HW_EINPUT, "selection: asked for %zu archs from a pool of %zu", want, n_pool);
    for (size_t i = 0; i < n_pool; i++)
        if (pool[i] >= b->n)
            return hw_errf(err, HW_EINPUT, "selection: pool row %zu is not in the bank (%zu rows)", pool[i], b->n);
    for (size_t s = 0; s < n_src; s++)
        if (src[s] >= b->n_col)
            return hw_errf(err, HW_EINPUT, "selection: source column %zu is not in the bank", src[s]);
    if (want == 0)
        return HW_OK;
    double *d = hw_calloc(n_pool, sizeof *d, err);
    if (!d)
        return HW_ENOMEM;
    for (size_t i = 0; i < n_pool; i++)
        d[i] = INFINITY;
    size_t next = (size_t)hw_rng_below(r, n_pool);
    for (size_t c = 0; c < want; c++) {
        out[c] = pool[next];
        d[next] = -1;
        for (size_t i = 0; i < n_pool; i++)
            if (d[i] >= 0) {
                double e = dist2(b, src, n_src, pool[i], pool[next]);
                d[i] = e < d[i] ? e : d[i];
            }
        next = farthest(d, n_pool);
    }
    free(d);
    return HW_OK;
}
