/* The multiproxy feature bank: per source column, its operator-wise
 * predictor (one-hot least squares) and the standardised features A, B, T, Z
 * of every bank row, and the caller's features X and tied features G
 * (contract: include/hwnas/multiproxy.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/latency.h"
#include "hwnas/multiproxy.h"

static int known(double v) { return isfinite(v) && v > 0; }

static int is_ref(const unsigned char *ref, size_t i) { return !ref || ref[i]; }

void hw_mp_bank_free(hw_mp_bank *b)
{
    if (!b)
        return;
    free(b->A), free(b->B), free(b->T), free(b->Z), free(b->X), free(b->G), free(b->mean), free(b->sd);
    memset(b, 0, sizeof *b);
}

/* op[i] = operator-wise prediction (ms) of column col for every row. */
static int fit_opwise(const double *lat, size_t n, size_t n_col, size_t col, const double *X, size_t k, double *op,
                      hw_err *err)
{
    double *Xs = hw_calloc(n * k, sizeof *Xs, err), *ys = hw_calloc(n, sizeof *ys, err), w[HW_LAT_KMAX];
    int rc = Xs && ys ? HW_OK : HW_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (known(lat[i * n_col + col])) {
            memcpy(Xs + m * k, X + i * k, k * sizeof *X);
            ys[m++] = lat[i * n_col + col];
        }
    if (!rc && m < 2)
        rc = hw_errf(err, HW_EINPUT, "multiproxy: source column %zu has %zu known latencies; it needs at least 2",
                     col, m);
    double med = rc ? 0 : hw_median_finite(ys, m);
    for (size_t i = 0; !rc && i < m; i++)
        ys[i] /= med;
    if (!rc)
        rc = hw_lsq_minnorm(Xs, m, k, ys, 1e-10, w, err);
    for (size_t i = 0; !rc && i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < k; j++)
            s += X[i * k + j] * w[j];
        op[i] = med * s;
    }
    free(Xs), free(ys);
    return rc;
}

/* Mean and standard deviation of v over the reference rows; sd 0 becomes 1. */
static void ref_stats(const double *v, size_t n, const unsigned char *ref, double *mean, double *sd)
{
    double s = 0, s2 = 0, m = 0;
    for (size_t i = 0; i < n; i++)
        if (is_ref(ref, i))
            s += v[i], m += 1;
    *mean = m > 0 ? s / m : 0;
    for (size_t i = 0; i < n; i++)
        if (is_ref(ref, i))
            s2 += (v[i] - *mean) * (v[i] - *mean);
    *sd = m > 1 ? sqrt(s2 / m) : 0;
    if (!(*sd > 0))
        *sd = 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile p of v over the reference rows (linear interpolation, as numpy's
 * default); tmp has n entries. */
static double ref_quantile(const double *v, size_t n, const unsigned char *ref, double p, double *tmp)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (is_ref(ref, i))
            tmp[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(tmp, m, sizeof *tmp, cmp_double);
    double pos = p * (double)(m - 1), f = floor(pos);
    size_t j = (size_t)f;
    return j + 1 < m ? tmp[j] + (pos - f) * (tmp[j + 1] - tmp[j]) : tmp[j];
}

/* Fills A, B, T, Z of column col from its latencies and its prediction op.
 * Z is L winsorised to its [2 %, 98 %] quantiles, then standardised: the
 * selection spreads over the bulk of the space instead of chasing the few
 * extreme archs (e.g. cells cut off by `none`, ~0 ms on some devices). */
static void fill_column(hw_mp_bank *b, const double *lat, size_t col, const unsigned char *ref, const double *op,
                        double *L, double *W)
{
    size_t n = b->n;
    double mL, sL, mZ, sZ;
    for (size_t i = 0; i < n; i++) {
        double v = lat[i * b->n_col + col];
        L[i] = known(v) ? v : op[i];
    }
    double lo = ref_quantile(L, n, ref, 0.02, W), hi = ref_quantile(L, n, ref, 0.98, W);
    for (size_t i = 0; i < n; i++)
        W[i] = L[i] < lo ? lo : L[i] > hi ? hi : L[i];
    ref_stats(op, n, ref, &b->mean[col], &b->sd[col]);
    ref_stats(L, n, ref, &mL, &sL);
    ref_stats(W, n, ref, &mZ, &sZ);
    for (size_t i = 0; i < n; i++) {
        b->A[col * n + i] = (op[i] - b->mean[col]) / b->sd[col];
        b->B[col * n + i] = (L[i] - op[i]) / b->sd[col];
        b->T[col * n + i] = (L[i] - mL) / sL;
        b->Z[col * n + i] = (W[i] - mZ) / sZ;
    }
}

static int bank_alloc(hw_mp_bank *b, size_t n, size_t n_col, size_t k, size_t g, hw_err *err)
{
    memset(b, 0, sizeof *b);
    b->n = n, b->n_col = n_col, b->k = k, b->g = g;
    b->A = hw_calloc(n * n_col, sizeof *b->A, err);
    b->B = hw_calloc(n * n_col, sizeof *b->B, err);
    b->T = hw_calloc(n * n_col, sizeof *b->T, err);
    b->Z = hw_calloc(n * n_col, sizeof *b->Z, err);
    b->X = hw_calloc(n * k, sizeof *b->X, err);
    b->G = g ? hw_calloc(n * g, sizeof *b->G, err) : NULL;
    b->mean = hw_calloc(n_col, sizeof *b->mean, err);
    b->sd = hw_calloc(n_col, sizeof *b->sd, err);
    if (b->A && b->B && b->T && b->Z && b->X && (b->G || !g) && b->mean && b->sd)
        return HW_OK;
    hw_mp_bank_free(b);
    return HW_ENOMEM;
}

int hw_mp_bank_build(const double *lat, size_t n, size_t n_col, const double *onehot, size_t k, const double *G,
                     size_t g, const unsigned char *ref, hw_mp_bank *b, hw_err *err)
{
    if (n < 2 || k < 1 || k > HW_LAT_KMAX || (g && !G))
        return hw_errf(err, HW_EINPUT, "multiproxy: a bank needs at least 2 rows, 1 <= k <= %d features and the "
                       "tied features when g > 0 (got %zu rows, k = %zu, g = %zu)", HW_LAT_KMAX, n, k, g);
    int rc = bank_alloc(b, n, n_col, k, g, err);
    if (rc)
        return rc;
    memcpy(b->X, onehot, n * k * sizeof *onehot);
    if (g)
        memcpy(b->G, G, n * g * sizeof *G);
    double *op = hw_calloc(n, sizeof *op, err), *L = hw_calloc(n, sizeof *L, err);
    double *W = hw_calloc(n, sizeof *W, err);
    rc = op && L && W ? HW_OK : HW_ENOMEM;
    for (size_t c = 0; !rc && c < n_col; c++) {
        rc = fit_opwise(lat, n, n_col, c, onehot, k, op, err);
        if (!rc)
            fill_column(b, lat, c, ref, op, L, W);
    }
    free(op), free(L), free(W);
    if (rc)
        hw_mp_bank_free(b);
    return rc;
}
