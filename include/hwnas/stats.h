/* hwnas/stats.h - rank correlation with ties, Pareto fronts, 2-D hypervolume.
 * Pure functions over double arrays; no I/O, no allocation visible to callers
 * beyond what is stated. Conventions:
 *  - NaN marks a missing value: correlations use the pairwise-complete pairs
 *    (i with both x[i] and y[i] not NaN) and report how many in *n_used.
 *  - -INFINITY / +INFINITY are ordinary (extreme) values: they rank lowest /
 *    highest and tie with each other.
 *  - Ties get average ranks (Spearman) and the tau-b correction (Kendall). */
#ifndef HWNAS_STATS_H
#define HWNAS_STATS_H
#include <stddef.h>

/* Average (fractional, 1-based) ranks of x[0..n) into ranks[0..n). x must not
 * hold NaN (if it does anyway, NaNs rank above +inf and tie with each other).
 * Returns 0, or -1 on allocation failure. */
int hw_rank_average(const double *x, size_t n, double *ranks);

/* Spearman rank correlation = Pearson correlation of the average ranks, over
 * pairwise-complete pairs. Returns NaN when fewer than 2 pairs remain or when
 * either side is constant. n_used may be NULL. On allocation failure returns
 * NaN with *n_used = 0 (so NaN with *n_used >= 2 always means "constant"). */
double hw_spearman(const double *x, const double *y, size_t n, size_t *n_used);

/* Kendall tau-b over pairwise-complete pairs, O(n log n) (Knight 1966).
 * NaN when fewer than 2 pairs or a side is constant. n_used may be NULL.
 * On allocation failure returns NaN with *n_used = 0, as hw_spearman. */
double hw_kendall_tau_b(const double *x, const double *y, size_t n, size_t *n_used);

/* Pareto front of points (score[i], lat[i]) where a higher score and a lower
 * latency are better. Points with NaN in either coordinate are ignored.
 * A point is on the front if no other point is >= in score and <= in latency
 * with at least one strict. Exact duplicates of a front point are all kept.
 * Writes the indices of front points into out (capacity n), ordered by
 * increasing latency, ties by decreasing score then increasing index.
 * Returns the number of front points, or (size_t)-1 on allocation failure. */
size_t hw_pareto_front(const double *score, const double *lat, size_t n, size_t *out);

/* Hypervolume (area) dominated by points (acc[i], lat[i]) (higher acc, lower
 * lat better) with respect to the reference point (ref_acc, ref_lat): the
 * area of the union of rectangles [ref_acc, acc[i]] x [lat[i], ref_lat].
 * Points not strictly better than the reference in both coordinates, or with
 * NaN, contribute nothing (so a NaN reference gives 0). An unbounded extent
 * (acc = +inf, lat = -inf, ref_acc = -inf or ref_lat = +inf) with at least one
 * contributing point gives +inf, never NaN.
 * Returns the area (>= 0), or NaN on allocation failure. */
double hw_hypervolume_2d(const double *acc, const double *lat, size_t n,
                         double ref_acc, double ref_lat);

/* Accuracy of a latency prediction p against the truth y over the pairs with
 * both finite and y > 0: RMSE (units of y), RMSPE (%, root mean squared
 * relative error), the % of pairs within ±5 % and ±10 % of y, and Spearman.
 * n_used = pairs counted (0: everything NaN). */
typedef struct hw_lat_metrics {
    double rmse, rmspe, within5, within10, srcc;
    size_t n_used;
} hw_lat_metrics;
void hw_lat_metrics_of(const double *p, const double *y, size_t n, hw_lat_metrics *m);

#endif
