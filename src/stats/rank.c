/* rank.c - average ranks, Spearman rho and Kendall tau-b (Knight 1966), NaN = missing. */
#include "hwnas/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct { double v; size_t i; } val_idx;
typedef struct { double x, y; } xy_pair;

/* Total order on doubles: -inf .. +inf, then NaN (NaN never reaches here via
 * the public contract, but a consistent comparator keeps qsort well defined). */
static int cmp_double(double a, double b)
{
    int na = isnan(a), nb = isnan(b);
    if (na || nb)
        return na - nb;
    return (a > b) - (a < b);
}

static int cmp_val_idx(const void *pa, const void *pb)
{
    const val_idx *a = pa, *b = pb;
    int c = cmp_double(a->v, b->v);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

static int cmp_xy(const void *pa, const void *pb)
{
    const xy_pair *a = pa, *b = pb;
    int c = cmp_double(a->x, b->x);
    return c ? c : cmp_double(a->y, b->y);
}

int hw_rank_average(const double *x, size_t n, double *ranks)
{
    if (n == 0)
        return 0;
    val_idx *s = malloc(n * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = (val_idx){x[i], i};
    qsort(s, n, sizeof *s, cmp_val_idx);
    for (size_t lo = 0, hi; lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && cmp_double(s[hi].v, s[lo].v) == 0; hi++)
            ;
        double r = 0.5 * ((double)lo + (double)hi + 1.0); /* mean of lo+1 .. hi */
        for (size_t k = lo; k < hi; k++)
            ranks[s[k].i] = r;
    }
    free(s);
    return 0;
}

/* Copies the pairwise-complete pairs of (x, y) into (xo, yo); returns their count. */
static size_t complete_pairs(const double *x, const double *y, size_t n, double *xo, double *yo)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        xo[m] = x[i];
        yo[m] = y[i];
        m++;
    }
    return m;
}

static size_t count_complete(const double *x, const double *y, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += !isnan(x[i]) && !isnan(y[i]);
    return m;
}

static double clamp_unit(double r)
{
    return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

/* Pearson correlation of two rank vectors of length m (both have mean (m+1)/2;
 * deviations are half-integers, so the sums are exact for any practical m). */
static double pearson_ranks(const double *rx, const double *ry, size_t m)
{
    double mean = 0.5 * ((double)m + 1.0), sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < m; i++) {
        double dx = rx[i] - mean, dy = ry[i] - mean;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (sxx == 0.0 || syy == 0.0)
        return NAN;
    return clamp_unit(sxy / sqrt(sxx * syy));
}

double hw_spearman(const double *x, const double *y, size_t n, size_t *n_used)
{
    size_t m = count_complete(x, y, n);
    if (n_used)
        *n_used = m;
    if (m < 2)
        return NAN;
    double *buf = malloc(4 * m * sizeof *buf);
    if (!buf) {
        if (n_used)
            *n_used = 0;
        return NAN;
    }
    double *xs = buf, *ys = buf + m, *rx = buf + 2 * m, *ry = buf + 3 * m;
    complete_pairs(x, y, n, xs, ys);
    double rho = NAN;
    if (hw_rank_average(xs, m, rx) == 0 && hw_rank_average(ys, m, ry) == 0)
        rho = pearson_ranks(rx, ry, m);
    else if (n_used)
        *n_used = 0;
    free(buf);
    return rho;
}

/* Sum over runs of equal values in a sorted array of t*(t-1)/2. */
static int64_t tied_pairs_sorted(const double *v, size_t m)
{
    int64_t ties = 0;
    for (size_t lo = 0, hi; lo < m; lo = hi) {
        for (hi = lo + 1; hi < m && cmp_double(v[hi], v[lo]) == 0; hi++)
            ;
        int64_t t = (int64_t)(hi - lo);
        ties += t * (t - 1) / 2;
    }
    return ties;
}

/* Ties in x (n1) and joint ties in (x, y) (n3) of pairs sorted by x then y. */
static void xy_ties(const xy_pair *p, size_t m, int64_t *n1, int64_t *n3)
{
    *n1 = *n3 = 0;
    int64_t tx = 1, txy = 1;
    for (size_t i = 1; i <= m; i++) {
        int same_x = i < m && cmp_double(p[i].x, p[i - 1].x) == 0;
        int same_xy = same_x && cmp_double(p[i].y, p[i - 1].y) == 0;
        if (!same_xy) {
            *n3 += txy * (txy - 1) / 2;
            txy = 0;
        }
        if (!same_x) {
            *n1 += tx * (tx - 1) / 2;
            tx = 0;
        }
        tx++;
        txy++;
    }
}

/* Merges sorted src[lo..mid) and src[mid..hi) into dst; returns the number of
 * pairs (left, right) with left > right strictly (equal values are not swaps). */
static int64_t merge_count(const double *src, double *dst, size_t lo, size_t mid, size_t hi)
{
    int64_t swaps = 0;
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (cmp_double(src[j], src[i]) < 0) {
            swaps += (int64_t)(mid - i);
            dst[k++] = src[j++];
        } else {
            dst[k++] = src[i++];
        }
    }
    while (i < mid)
        dst[k++] = src[i++];
    while (j < hi)
        dst[k++] = src[j++];
    return swaps;
}

/* Bottom-up stable merge sort of v[0..m) using tmp[0..m); returns the number
 * of strict inversions. The sorted result is left in v. */
static int64_t sort_count_swaps(double *v, double *tmp, size_t m)
{
    int64_t swaps = 0;
    double *src = v, *dst = tmp;
    for (size_t w = 1; w < m; w *= 2) {
        for (size_t lo = 0; lo < m; lo += 2 * w) {
            size_t mid = lo + w < m ? lo + w : m;
            size_t hi = mid + w < m ? mid + w : m;
            swaps += merge_count(src, dst, lo, mid, hi);
        }
        double *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; src != v && i < m; i++)
        v[i] = src[i];
    return swaps;
}

/* Knight's algorithm on m >= 2 pairs; buf holds 2*m doubles of scratch. */
static double tau_b_sorted(xy_pair *p, size_t m, double *buf)
{
    qsort(p, m, sizeof *p, cmp_xy);
    int64_t n0 = (int64_t)m * ((int64_t)m - 1) / 2, n1, n3;
    xy_ties(p, m, &n1, &n3);
    double *ys = buf, *tmp = buf + m;
    for (size_t i = 0; i < m; i++)
        ys[i] = p[i].y;
    int64_t swaps = sort_count_swaps(ys, tmp, m); /* = discordant pairs */
    int64_t n2 = tied_pairs_sorted(ys, m);
    if (n0 == n1 || n0 == n2)
        return NAN;
    double num = (double)(n0 - n1 - n2 + n3) - 2.0 * (double)swaps; /* C - D */
    return clamp_unit(num / sqrt((double)(n0 - n1) * (double)(n0 - n2)));
}

double hw_kendall_tau_b(const double *x, const double *y, size_t n, size_t *n_used)
{
    size_t m = count_complete(x, y, n);
    if (n_used)
        *n_used = m;
    if (m < 2)
        return NAN;
    xy_pair *p = malloc(m * sizeof *p);
    double *buf = malloc(2 * m * sizeof *buf);
    double tau = NAN;
    if (p && buf) {
        for (size_t i = 0, k = 0; i < n; i++)
            if (!isnan(x[i]) && !isnan(y[i]))
                p[k++] = (xy_pair){x[i], y[i]};
        tau = tau_b_sorted(p, m, buf);
    } else if (n_used) {
        *n_used = 0;
    }
    free(p);
    free(buf);
    return tau;
}
