/* Latency prediction accuracy (hwnas/stats.h): RMSE, RMSPE, ±5 %, ±10 %, SRCC. */
#include <math.h>

#include "hwnas/stats.h"

void hw_lat_metrics_of(const double *p, const double *y, size_t n, hw_lat_metrics *m)
{
    double se = 0, spe = 0;
    size_t k = 0, w5 = 0, w10 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i]) || !isfinite(y[i]) || !(y[i] > 0))
            continue;
        double d = p[i] - y[i], r = fabs(d) / y[i];
        se += d * d, spe += r * r, k++;
        w5 += r <= 0.05, w10 += r <= 0.10;
    }
    m->n_used = k;
    m->rmse = k ? sqrt(se / k) : NAN;
    m->rmspe = k ? 100 * sqrt(spe / k) : NAN;
    m->within5 = k ? 100.0 * w5 / k : NAN;
    m->within10 = k ? 100.0 * w10 / k : NAN;
    m->srcc = hw_spearman(p, y, n, NULL);
}
