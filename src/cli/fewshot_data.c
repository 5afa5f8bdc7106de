/* bench-fewshot data: a latency table with its one-hot rows, multiproxy bank
 * and op-wise weights; HELP's query/sample split; leave-one-device-out sources. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fewshot.h"
#include "hwnas/latency.h"
#include "hwnas/progress.h"

#define K HW_NB201_ONEHOT

void fs_table_free(fs_table *ft)
{
    hw_table_free(&ft->t);
    hw_mp_bank_free(&ft->bank);
    free(ft->X), free(ft->w_norm), free(ft->med);
    memset(ft, 0, sizeof *ft);
}

static int opwise_weights(fs_table *ft, hw_err *err)
{
    size_t n = ft->t.n_rows, nc = ft->t.n_cols;
    double *Xs = hw_calloc(n * K, sizeof *Xs, err), *y = hw_calloc(n, sizeof *y, err);
    int rc = Xs && y ? HW_OK : HW_ENOMEM;
    for (size_t c = 0; !rc && c < nc; c++) {
        size_t m = 0;
        for (size_t r = 0; r < n; r++) {
            double v = ft->t.val[r * nc + c];
            if (!isnan(v))
                memcpy(Xs + m * K, ft->X + r * K, K * sizeof *Xs), y[m++] = v;
        }
        ft->med[c] = hw_median_finite(y, m);
        for (size_t i = 0; i < m; i++)
            y[i] /= ft->med[c];
        rc = hw_lsq_minnorm(Xs, m, K, y, 1e-10, ft->w_norm + c * K, err);
    }
    free(Xs), free(y);
    return rc;
}

int fs_table_load(fs_table *ft, const char *path, hw_err *err)
{
    memset(ft, 0, sizeof *ft);
    int rc = hw_table_load(path, hw_nb201_key_fn, &ft->t, err);
    size_t n = ft->t.n_rows, nc = ft->t.n_cols;
    if (!rc) {
        ft->X = hw_calloc(n * K, sizeof *ft->X, err);
        ft->w_norm = hw_calloc(nc * K, sizeof *ft->w_norm, err);
        ft->med = hw_calloc(nc, sizeof *ft->med, err);
        rc = ft->X && ft->w_norm && ft->med ? HW_OK : HW_ENOMEM;
    }
    double *F = rc ? NULL : hw_calloc(n * HW_NB201_MPFEAT, sizeof *F, err);
    double *G = rc ? NULL : hw_calloc(n * HW_NB201_MPTIED, sizeof *G, err);
    if (!rc && (!F || !G))
        rc = HW_ENOMEM;
    for (size_t r = 0; !rc && r < n; r++) {
        hw_nb201_arch a;
        hw_nb201_from_key(ft->t.key[r], &a);
        hw_nb201_onehot(&a, ft->X + r * K);
        hw_nb201_mp_features(&a, F + r * HW_NB201_MPFEAT);
        hw_nb201_op_counts(&a, G + r * HW_NB201_MPTIED);
    }
    double t0 = hw_now();
    if (!rc)
        rc = hw_mp_bank_build(ft->t.val, n, nc, F, HW_NB201_MPFEAT, G, HW_NB201_MPTIED, NULL, &ft->bank, err);
    free(F), free(G);
    ft->bank_ms = 1e3 * (hw_now() - t0);
    if (!rc)
        rc = opwise_weights(ft, err);
    if (rc)
        fs_table_free(ft);
    return rc;
}

typedef struct { double v; size_t row; } keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Rows at positions [lo, hi) with a known target; trimmed: without the
 * int(0.1 m) fastest and the m - int(0.9 m) slowest (HELP), sorted by row. */
static int range_rows(const fs_table *ft, int target, size_t lo, size_t hi, int trim, size_t **out, size_t *n_out,
                      hw_err *err)
{
    size_t nc = ft->t.n_cols, m = 0;
    hi = hi < ft->t.n_rows ? hi : ft->t.n_rows;
    keyed *k = hw_calloc(hi > lo ? hi - lo : 1, sizeof *k, err);
    *out = hw_calloc(hi > lo ? hi - lo : 1, sizeof **out, err);
    if (!k || !*out) {
        free(k);
        return HW_ENOMEM;
    }
    for (size_t r = lo; r < hi; r++) {
        double v = ft->t.val[r * nc + (size_t)target];
        if (!isnan(v))
            k[m].v = v, k[m++].row = r;
    }
    size_t a = 0, b = m;
    if (trim) {
        qsort(k, m, sizeof *k, cmp_keyed);
        a = (size_t)((double)m * 0.1), b = (size_t)((double)m * 0.9);
    }
    for (size_t i = a; i < b; i++)
        (*out)[i - a] = k[i].row;
    *n_out = b - a;
    qsort(*out, *n_out, sizeof **out, cmp_size);
    free(k);
    return HW_OK;
}

void fs_split_free(fs_split *s)
{
    free(s->query), free(s->pool), free(s->pool_all);
    memset(s, 0, sizeof *s);
}

int fs_split_make(const fs_table *ft, int target, fs_split *s, hw_err *err)
{
    memset(s, 0, sizeof *s);
    int rc = range_rows(ft, target, 900, 1900, 1, &s->query, &s->n_query, err);
    if (!rc)
        rc = range_rows(ft, target, 0, 900, 1, &s->pool, &s->n_pool, err);
    if (!rc)
        rc = range_rows(ft, target, 0, 900, 0, &s->pool_all, &s->n_pool_all, err);
    if (rc)
        fs_split_free(s);
    return rc;
}

/* Length of the GPU model stem: the name without a trailing _<digits>; 0 if none. */
static size_t batch_stem(const char *name)
{
    const char *u = strrchr(name, '_');
    if (!u || !u[1])
        return 0;
    for (const char *p = u + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return (size_t)(u - name);
}

size_t fs_lodo_sources(const fs_table *ft, int target, size_t *src)
{
    const char *tn = ft->t.col[target];
    size_t stem = batch_stem(tn), n = 0;
    for (size_t c = 0; c < ft->t.n_cols; c++) {
        const char *cn = ft->t.col[c];
        int same_model = stem && batch_stem(cn) == stem && strncmp(cn, tn, stem) == 0;
        if ((int)c != target && !same_model)
            src[n++] = c;
    }
    return n;
}
