/* bench-fewshot: one trial (target, sources, N, seed) of every compared method
 * on the same split: multiproxy with diverse and with random samples, AdaProxy
 * from the best single source and direct ridge, both on the random samples. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fewshot.h"
#include "hwnas/latency.h"
#include "hwnas/progress.h"
#include "hwnas/stats.h"

#define K HW_NB201_ONEHOT

const char *const FS_METHOD_NAME[FS_N_METHODS] = {
    "multiproxy, diverse samples", "multiproxy, random samples", "AdaProxy from the best single source",
    "direct ridge (arch features only)"};

typedef struct {
    const fs_table *ft;
    int target;
    const fs_split *sp;
    double *pred, *truth; /* n_query scratch */
} trial_ctx;

/* Source latency of a row: the table value, else its op-wise prediction. */
static double lat_fill(const fs_table *ft, size_t col, size_t row)
{
    double v = ft->t.val[row * ft->t.n_cols + col];
    if (!isnan(v))
        return v;
    double s = 0;
    for (int j = 0; j < K; j++)
        s += ft->w_norm[col * K + (size_t)j] * ft->X[row * K + (size_t)j];
    return ft->med[col] * s;
}

static double truth_of(const trial_ctx *t, size_t row) { return t->ft->t.val[row * t->ft->t.n_cols + (size_t)t->target]; }

static double query_srcc(trial_ctx *t) { return hw_spearman(t->pred, t->truth, t->sp->n_query, NULL); }

static int run_mp(trial_ctx *t, const size_t *src, size_t n_src, const size_t *rows, const double *y, size_t N,
                  hw_mp_kind kind, double *srcc, double *est, hw_err *err)
{
    hw_mp_opts o = hw_mp_default_opts(kind);
    hw_mp_model m;
    int rc = hw_mp_fit(&t->ft->bank, src, n_src, rows, y, N, &o, &m, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < t->sp->n_query; i++)
        t->pred[i] = hw_mp_predict(&t->ft->bank, &m, t->sp->query[i]);
    *srcc = query_srcc(t), *est = m.est_srcc;
    hw_mp_model_free(&m);
    return HW_OK;
}

/* OneProxy/AdaProxy with the source that ranks the samples best as the proxy. */
static int run_ada(trial_ctx *t, const size_t *src, size_t n_src, const size_t *rows, const double *y, size_t N,
                   double *srcc, double *est, hw_err *err)
{
    const fs_table *ft = t->ft;
    double *pl = hw_calloc(N, sizeof *pl, err), *Xs = hw_calloc(N * K, sizeof *Xs, err), best = -INFINITY;
    size_t arg = src[0];
    int rc = pl && Xs ? HW_OK : HW_ENOMEM;
    for (size_t s = 0; !rc && s < n_src; s++) {
        for (size_t i = 0; i < N; i++)
            pl[i] = lat_fill(ft, src[s], rows[i]);
        double r = hw_spearman(pl, y, N, NULL);
        if (r > best)
            best = r, arg = src[s];
    }
    hw_ada_opts o = {HW_ADA_LAMBDA_CV, 7, 1e-6, 1e6, 49};
    hw_target_fit fit;
    for (size_t i = 0; !rc && i < N; i++)
        pl[i] = lat_fill(ft, arg, rows[i]), memcpy(Xs + i * K, ft->X + rows[i] * K, K * sizeof *Xs);
    if (!rc)
        rc = hw_target_fit_one(ft->w_norm + arg * K, K, Xs, pl, y, N, N, 0.9, HW_DECIDE_BY_CV, &o, &fit, err);
    for (size_t i = 0; !rc && i < t->sp->n_query; i++) {
        size_t row = t->sp->query[i];
        t->pred[i] = hw_devpred_eval(&fit.pred, ft->X + row * K, lat_fill(ft, arg, row));
    }
    if (!rc)
        *srcc = query_srcc(t), *est = fit.reuse ? fit.sample_srcc : fit.ada.est_srcc;
    free(pl), free(Xs);
    return rc;
}

static int draw(const fs_split *sp, size_t N, hw_rng *r, size_t *rows, hw_err *err)
{
    if (N > sp->n_pool)
        return hw_errf(err, HW_EINPUT, "bench-fewshot: N = %zu exceeds the sample pool (%zu)", N, sp->n_pool);
    size_t *idx = hw_calloc(sp->n_pool, sizeof *idx, err);
    if (!idx)
        return HW_ENOMEM;
    for (size_t i = 0; i < sp->n_pool; i++)
        idx[i] = i;
    hw_rng_partial_shuffle(r, idx, sp->n_pool, N);
    for (size_t i = 0; i < N; i++)
        rows[i] = sp->pool[idx[i]];
    free(idx);
    return HW_OK;
}

static int diverse(trial_ctx *t, const size_t *src, size_t n_src, size_t N, hw_rng *r, fs_result *res, size_t *rows,
                   double *y, hw_err *err)
{
    double t0 = hw_now();
    int rc = hw_mp_select(&t->ft->bank, src, n_src, t->sp->pool_all, t->sp->n_pool_all, N, r, rows, err);
    for (size_t i = 0; !rc && i < N; i++)
        y[i] = truth_of(t, rows[i]);
    if (!rc)
        rc = run_mp(t, src, n_src, rows, y, N, HW_MP_MULTI, &res->srcc[FS_MP_DIVERSE], &res->est[FS_MP_DIVERSE], err);
    res->ms[FS_MP_DIVERSE] = 1e3 * (hw_now() - t0);
    return rc;
}

static int randoms(trial_ctx *t, const size_t *src, size_t n_src, size_t N, hw_rng *r, fs_result *res, size_t *rows,
                   double *y, hw_err *err)
{
    int rc = draw(t->sp, N, r, rows, err);
    for (size_t i = 0; !rc && i < N; i++)
        y[i] = truth_of(t, rows[i]);
    static const hw_mp_kind kinds[] = {HW_MP_MULTI, HW_MP_DIRECT};
    static const fs_method which[] = {FS_MP_RANDOM, FS_DIRECT};
    for (int k = 0; !rc && k < 2; k++) {
        double t0 = hw_now();
        rc = run_mp(t, src, n_src, rows, y, N, kinds[k], &res->srcc[which[k]], &res->est[which[k]], err);
        res->ms[which[k]] = 1e3 * (hw_now() - t0);
    }
    double t0 = hw_now();
    if (!rc)
        rc = run_ada(t, src, n_src, rows, y, N, &res->srcc[FS_ADA_BEST], &res->est[FS_ADA_BEST], err);
    res->ms[FS_ADA_BEST] = 1e3 * (hw_now() - t0);
    return rc;
}

int fs_trial(const fs_table *ft, int target, const size_t *src, size_t n_src, const fs_split *sp, size_t N,
             uint64_t seed, fs_result *res, hw_err *err)
{
    trial_ctx t = {ft, target, sp, hw_calloc(sp->n_query, sizeof(double), err),
                   hw_calloc(sp->n_query, sizeof(double), err)};
    size_t *rows = hw_calloc(N, sizeof *rows, err);
    double *y = hw_calloc(N, sizeof *y, err);
    int rc = t.pred && t.truth && rows && y ? HW_OK : HW_ENOMEM;
    for (size_t i = 0; !rc && i < sp->n_query; i++)
        t.truth[i] = truth_of(&t, sp->query[i]);
    uint64_t stream = hw_hash_str(ft->t.col[target]) ^ (0x9E3779B97F4A7C15ULL * (uint64_t)N);
    hw_rng r;
    hw_rng_seed(&r, seed, stream);
    if (!rc)
        rc = diverse(&t, src, n_src, N, &r, res, rows, y, err);
    hw_rng_seed(&r, seed, stream);
    if (!rc)
        rc = randoms(&t, src, n_src, N, &r, res, rows, y, err);
    free(t.pred), free(t.truth), free(rows), free(y);
    return rc;
}
