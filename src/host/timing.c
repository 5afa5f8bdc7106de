/* Median and spread of timing samples, and the retry-until-quiet loop
 * (include/hwnas/host.h). No clocks here: samplers are passed in. */
#include <stdlib.h>
#include <string.h>

#include "hwnas/host.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile q of sorted s[0..n) with linear interpolation (numpy's default). */
static double quantile(const double *s, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    return i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[n - 1];
}

void hw_timing_stats(const double *t, int n, double *scratch, double *median, double *spread)
{
    memcpy(scratch, t, (size_t)n * sizeof *t);
    qsort(scratch, (size_t)n, sizeof *scratch, cmp_double);
    *median = quantile(scratch, n, 0.5);
    double iqr = quantile(scratch, n, 0.75) - quantile(scratch, n, 0.25);
    *spread = *median > 0 ? iqr / *median : 0;
}

int hw_host_measure(hw_sampler s, void *ctx, int repeats, int retries, double max_spread, hw_timing *t,
                    hw_err *err)
{
    if (repeats < 1 || retries < 0)
        return hw_errf(err, HW_EINPUT, "timing: %d repeats, %d retries; need repeats >= 1, retries >= 0",
                       repeats, retries);
    double *buf = malloc(2 * (size_t)repeats * sizeof *buf);
    if (!buf)
        return hw_errf(err, HW_ENOMEM, "timing: out of memory");
    int rc = HW_OK;
    memset(t, 0, sizeof *t);
    for (int k = 0; k <= retries; k++) {
        if ((rc = s(ctx, repeats, buf, err)) != HW_OK)
            break;
        hw_timing_stats(buf, repeats, buf + repeats, &t->median_ms, &t->spread);
        t->tries = k + 1;
        t->noisy = t->spread > max_spread;
        if (!t->noisy)
            break;
    }
    free(buf);
    return rc;
}
