/* hwnas/front.h - a Pareto front built incrementally, one point at a time
 * (higher score, lower latency better), so a campaign never holds every
 * candidate's latency per device. Same semantics and output order as
 * hw_pareto_front() (stats.h): NaN points are ignored, exact duplicates of a
 * front point are all kept, order = latency ascending, then score descending,
 * then insertion order (points must be added in increasing index order). */
#ifndef HWNAS_FRONT_H
#define HWNAS_FRONT_H
#include <stddef.h>

typedef struct hw_front {
    size_t n, cap;
    size_t *idx;
    double *score, *lat;
} hw_front;

/* Adds point idx; returns 0, or -1 on allocation failure. O(log n + n moved). */
int  hw_front_add(hw_front *f, size_t idx, double score, double lat);
void hw_front_free(hw_front *f);

#endif
