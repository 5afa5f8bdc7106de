/* Element-wise helpers over `real`, written in fixed blocks of VB so that
 * GCC's -O2 vectoriser takes them (it skips loops that need a scalar tail);
 * sums keep VB partial double sums combined in a fixed order (deterministic). */
#ifndef HWNAS_NN_VEC_IMPL_H
#define HWNAS_NN_VEC_IMPL_H
#define VB 16

#include <stddef.h>

/* y = max(x, 0) */
static inline void FN(vec_relu)(size_t n, const real *restrict x, real *restrict y)
{
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++) {
            real v = x[i + j];
            y[i + j] = v > 0 ? v : (real)0;
        }
    for (; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : (real)0;
}

/* dx += (x > 0) ? g : 0 */
static inline void FN(vec_mask_acc)(size_t n, const real *restrict x, const real *restrict g, real *restrict dx)
{
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++) {
            real gv = g[i + j], xv = x[i + j];
            dx[i + j] += xv > 0 ? gv : (real)0;
        }
    for (; i < n; i++)
        dx[i] += x[i] > 0 ? g[i] : (real)0;
}

/* y = x*a + b, or y += x*a + b when acc */
static inline void FN(vec_affine)(size_t n, const real *restrict x, real a, real b, real *restrict y, int acc)
{
    size_t i = 0;
    if (acc) {
        for (; i + VB <= n; i += VB)
            for (int j = 0; j < VB; j++)
                y[i + j] += x[i + j] * a + b;
        for (; i < n; i++)
            y[i] += x[i] * a + b;
        return;
    }
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            y[i + j] = x[i + j] * a + b;
    for (; i < n; i++)
        y[i] = x[i] * a + b;
}

/* y = a + b */
static inline void FN(vec_sum2)(size_t n, const real *restrict a, const real *restrict b, real *restrict y)
{
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            y[i + j] = a[i + j] + b[i + j];
    for (; i < n; i++)
        y[i] = a[i] + b[i];
}

/* y = a + b + c */
static inline void FN(vec_sum3)(size_t n, const real *restrict a, const real *restrict b, const real *restrict c,
                                real *restrict y)
{
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            y[i + j] = a[i + j] + b[i + j] + c[i + j];
    for (; i < n; i++)
        y[i] = a[i] + b[i] + c[i];
}

/* y (+)= (a + b + c) / d; a, b, c may overlap each other (read only). */
static inline void FN(vec_sum3_div)(size_t n, const real *a, const real *b, const real *c, real d, real *restrict y,
                                    int acc)
{
    size_t i = 0;
    if (acc) {
        for (; i + VB <= n; i += VB)
            for (int j = 0; j < VB; j++)
                y[i + j] += (a[i + j] + b[i + j] + c[i + j]) / d;
        for (; i < n; i++)
            y[i] += (a[i] + b[i] + c[i]) / d;
        return;
    }
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            y[i + j] = (a[i + j] + b[i + j] + c[i + j]) / d;
    for (; i < n; i++)
        y[i] = (a[i] + b[i] + c[i]) / d;
}

static inline double FN(vec_fold)(const double *s)
{
    double t[VB / 2];
    for (int j = 0; j < VB / 2; j++)
        t[j] = s[j] + s[j + VB / 2];
    return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}

/* Σ (x - k) and Σ (x - k)^2 in double, one pass */
static inline void FN(vec_moments)(size_t n, const real *restrict x, double k, double *s1, double *s2)
{
    double a[VB] = {0}, q[VB] = {0}, ra = 0, rq = 0;
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++) {
            double d = x[i + j] - k;
            a[j] += d, q[j] += d * d;
        }
    for (; i < n; i++)
        ra += x[i] - k, rq += (x[i] - k) * (x[i] - k);
    *s1 += FN(vec_fold)(a) + ra, *s2 += FN(vec_fold)(q) + rq;
}

/* Σ g and Σ g (x - m) in double, one pass */
static inline void FN(vec_sum_dot)(size_t n, const real *restrict g, const real *restrict x, double m, double *sg,
                                   double *sgx)
{
    double a[VB] = {0}, q[VB] = {0}, ra = 0, rq = 0;
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            a[j] += g[i + j], q[j] += g[i + j] * (x[i + j] - m);
    for (; i < n; i++)
        ra += g[i], rq += g[i] * (x[i] - m);
    *sg += FN(vec_fold)(a) + ra, *sgx += FN(vec_fold)(q) + rq;
}

/* dx += k * (g - a - (x - m) * q) */
static inline void FN(vec_bn_dx)(size_t n, const real *restrict g, const real *restrict x, real k, real a, real m,
                                 real q, real *restrict dx)
{
    size_t i = 0;
    for (; i + VB <= n; i += VB)
        for (int j = 0; j < VB; j++)
            dx[i + j] += k * (g[i + j] - a - (x[i + j] - m) * q);
    for (; i < n; i++)
        dx[i] += k * (g[i] - a - (x[i] - m) * q);
}

#endif
