/* Rate-limited progress lines (done/total, rate, ETA) on stderr. */
#include "hwnas/progress.h"

#include <stdio.h>
#include <time.h>

double hw_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void hw_progress_start(hw_progress *p, const char *label, size_t total, double interval)
{
    p->label = label, p->total = total, p->interval = interval;
    p->t0 = p->last = hw_now();
}

static void print_line(const hw_progress *p, size_t done, double now)
{
    double el = now - p->t0, rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 ? (double)(p->total - done) / rate : 0;
    fprintf(stderr, "[hwnas] %s: %zu/%zu (%.1f%%), %.1f/s, elapsed %.1f s, ETA %.1f s\n", p->label,
            done, p->total, p->total ? 100.0 * (double)done / (double)p->total : 100.0, rate, el, eta);
}

void hw_progress_update(hw_progress *p, size_t done)
{
    double now = hw_now();
    if (p->interval > 0 && now - p->last >= p->interval) {
        print_line(p, done, now);
        p->last = now;
    }
}

void hw_progress_finish(hw_progress *p, size_t done)
{
    if (p->interval > 0)
        print_line(p, done, hw_now());
}
