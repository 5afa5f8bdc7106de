/* Minimum-norm least squares (LAPACK dgelsd) and evaluation of device predictors. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/latency.h"

int hw_lsq_minnorm(const double *X, size_t n, size_t k, const double *y, double rcond,
                   double *w, hw_err *err)
{
    size_t ldb = n > k ? n : k;
    double *A = hw_calloc(n * k, sizeof *A, err);
    double *B = hw_calloc(ldb, sizeof *B, err);
    double *s = hw_calloc(k < n ? k : n, sizeof *s, err);
    int rc = HW_ENOMEM;
    if (A && B && s) {
        memcpy(A, X, n * k * sizeof *A);
        memcpy(B, y, n * sizeof *B);
        lapack_int rank;
        lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)k, 1, A,
                                         (lapack_int)k, B, 1, s, rcond, &rank);
        if (info != 0)
            rc = hw_errf(err, HW_ENUM, "least squares (dgelsd) failed with info %d on a %zu x %zu system",
                         (int)info, n, k);
        else {
            memcpy(w, B, k * sizeof *w);
            rc = HW_OK;
        }
    }
    free(A), free(B), free(s);
    return rc;
}

double hw_devpred_eval(const hw_devpred *p, const double *x, double proxy_lat)
{
    if (p->kind == HW_PRED_PROXY)
        return p->a * proxy_lat + p->c;
    if (p->kind == HW_PRED_TABLE)
        return NAN; /* the caller's per-arch table (hw_campaign_pred) */
    double s = p->c;
    for (int j = 0; j < p->k; j++)
        s += p->w[j] * x[j];
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double hw_median_finite(const double *v, size_t n)
{
    double *t = malloc((n ? n : 1) * sizeof *t);
    size_t m = 0;
    for (size_t i = 0; t && i < n; i++)
        if (!isnan(v[i]))
            t[m++] = v[i];
    double med = NAN;
    if (m) {
        qsort(t, m, sizeof *t, cmp_double);
        med = m % 2 ? t[m / 2] : 0.5 * (t[m / 2 - 1] + t[m / 2]);
    }
    free(t);
    return med;
}
