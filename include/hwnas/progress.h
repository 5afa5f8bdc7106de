/* hwnas/progress.h - batch-log progress lines on stderr:
 * "[hwnas] <label>: done/total (pct), rate/s, ETA". Rate-limited to one line
 * per interval seconds, plus a final line. */
#ifndef HWNAS_PROGRESS_H
#define HWNAS_PROGRESS_H
#include <stddef.h>

typedef struct hw_progress {
    const char *label;
    size_t total;
    double interval, t0, last;
} hw_progress;

double hw_now(void); /* monotonic seconds */
void hw_progress_start(hw_progress *p, const char *label, size_t total, double interval);
void hw_progress_update(hw_progress *p, size_t done);
void hw_progress_finish(hw_progress *p, size_t done);

#endif
