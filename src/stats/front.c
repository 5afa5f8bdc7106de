/* Incremental 2-D Pareto front (max score, min latency) kept sorted by latency. */
#include "hwnas/front.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow(hw_front *f)
{
    size_t cap = f->cap ? 2 * f->cap : 16;
    size_t *i = realloc(f->idx, cap * sizeof *i);
    if (i)
        f->idx = i;
    double *s = i ? realloc(f->score, cap * sizeof *s) : NULL;
    if (s)
        f->score = s;
    double *l = s ? realloc(f->lat, cap * sizeof *l) : NULL;
    if (!l)
        return -1;
    f->lat = l, f->cap = cap;
    return 0;
}

/* Number of front points with latency <= lat (the front is sorted by latency). */
static size_t prefix_len(const hw_front *f, double lat)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->lat[mid] <= lat)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void remove_range(hw_front *f, size_t from, size_t to)
{
    if (from == to)
        return; /* also keeps memmove away from the NULL arrays of an empty front */
    size_t tail = f->n - to;
    memmove(f->idx + from, f->idx + to, tail * sizeof *f->idx);
    memmove(f->score + from, f->score + to, tail * sizeof *f->score);
    memmove(f->lat + from, f->lat + to, tail * sizeof *f->lat);
    f->n -= to - from;
}

int hw_front_add(hw_front *f, size_t idx, double score, double lat)
{
    if (isnan(score) || isnan(lat))
        return 0;
    size_t p = prefix_len(f, lat);
    if (p > 0) { /* the best score among points with latency <= lat is the last of them */
        double qs = f->score[p - 1], ql = f->lat[p - 1];
        if (qs > score || (qs == score && ql < lat))
            return 0; /* dominated */
    }
    size_t lo = p; /* points at the same latency with a lower score are dominated by the new one */
    while (lo > 0 && f->lat[lo - 1] == lat && f->score[lo - 1] < score)
        lo--;
    size_t hi = p; /* points of higher latency and score <= the new one are dominated */
    while (hi < f->n && f->score[hi] <= score)
        hi++;
    remove_range(f, p, hi);
    remove_range(f, lo, p);
    if (f->n == f->cap && grow(f) != 0)
        return -1;
    size_t at = lo, tail = f->n - at;
    memmove(f->idx + at + 1, f->idx + at, tail * sizeof *f->idx);
    memmove(f->score + at + 1, f->score + at, tail * sizeof *f->score);
    memmove(f->lat + at + 1, f->lat + at, tail * sizeof *f->lat);
    f->idx[at] = idx, f->score[at] = score, f->lat[at] = lat;
    f->n++;
    return 0;
}

void hw_front_free(hw_front *f)
{
    free(f->idx), free(f->score), free(f->lat);
    memset(f, 0, sizeof *f);
}
