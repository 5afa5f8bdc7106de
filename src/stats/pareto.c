/* pareto.c - 2-D Pareto front (max score, min latency) and dominated hypervolume. */
#include "hwnas/stats.h"

#include <math.h>
#include <stdlib.h>

typedef struct { double lat, score; size_t i; } pt;

/* Increasing latency, then decreasing score, then increasing index. */
static int cmp_pt(const void *pa, const void *pb)
{
    const pt *a = pa, *b = pb;
    if (a->lat != b->lat)
        return a->lat < b->lat ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Copies the points with no NaN coordinate (and, if strict, strictly better
 * than (ref_score, ref_lat)) into p; returns their count. */
static size_t collect(const double *score, const double *lat, size_t n, pt *p,
                      int strict, double ref_score, double ref_lat)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(score[i]) || isnan(lat[i]))
            continue;
        if (strict && !(score[i] > ref_score && lat[i] < ref_lat))
            continue;
        p[m++] = (pt){lat[i], score[i], i};
    }
    return m;
}

/* Sweep over points sorted by cmp_pt. Within one latency group only the points
 * with the group's top score can be on the front, and they are iff that score
 * beats every score seen at a strictly lower latency. */
static size_t sweep_front(const pt *p, size_t m, size_t *out)
{
    size_t k = 0;
    int have_best = 0;
    double best = 0.0;
    for (size_t lo = 0, hi; lo < m; lo = hi) {
        for (hi = lo + 1; hi < m && p[hi].lat == p[lo].lat; hi++)
            ;
        double top = p[lo].score;
        if (have_best && !(top > best))
            continue;
        for (size_t j = lo; j < hi && p[j].score == top; j++)
            out[k++] = p[j].i;
        best = top;
        have_best = 1;
    }
    return k;
}

size_t hw_pareto_front(const double *score, const double *lat, size_t n, size_t *out)
{
    if (n == 0)
        return 0;
    pt *p = malloc(n * sizeof *p);
    if (!p)
        return (size_t)-1;
    size_t m = collect(score, lat, n, p, 0, 0.0, 0.0);
    qsort(p, m, sizeof *p, cmp_pt);
    size_t k = sweep_front(p, m, out);
    free(p);
    return k;
}

/* Staircase sum over points sorted by increasing latency: each point that
 * raises the best accuracy so far adds the slab (best, acc] x [lat, ref_lat].
 * Both factors are > 0, so no inf*0 NaN can arise; infinite inputs give inf. */
double hw_hypervolume_2d(const double *acc, const double *lat, size_t n,
                         double ref_acc, double ref_lat)
{
    if (n == 0)
        return 0.0;
    pt *p = malloc(n * sizeof *p);
    if (!p)
        return NAN;
    size_t m = collect(acc, lat, n, p, 1, ref_acc, ref_lat);
    qsort(p, m, sizeof *p, cmp_pt);
    double area = 0.0, best = ref_acc;
    for (size_t j = 0; j < m; j++) {
        if (p[j].score > best) {
            area += (ref_lat - p[j].lat) * (p[j].score - best);
            best = p[j].score;
        }
    }
    free(p);
    return area;
}
