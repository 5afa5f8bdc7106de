/* Strict parsing of network descriptions: bandwidths with units, worker
 * counts (hwnas/sgd_sim.h). */
#include "hwnas/sgd_sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hw_sgd_parse_bandwidth(const char *s, double *bytes_per_us)
{
    static const struct { const char *unit; double bytes_per_s; } units[] = {
        {"bit", 0.125}, {"kbit", 125}, {"Mbit", 125e3}, {"Gbit", 125e6},
        {"B", 1}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}};
    char *end;
    if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
        return -1;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || !(v > 0))
        return -1;
    size_t n = strlen(end);
    if (n >= 2 && !strcmp(end + n - 2, "/s"))
        n -= 2;
    for (size_t u = 0; u < sizeof units / sizeof *units; u++)
        if (strlen(units[u].unit) == n && !strncmp(end, units[u].unit, n)) {
            *bytes_per_us = v * units[u].bytes_per_s / 1e6;
            return 0;
        }
    return -1;
}

static int parse_count(const char **end, int max, int *v)
{
    long x = 0;
    if (**end < '0' || **end > '9')
        return -1;
    while (**end >= '0' && **end <= '9') {
        x = x * 10 + (**end - '0');
        if (x > max)
            return -1;
        (*end)++;
    }
    if (x < 1)
        return -1;
    *v = (int)x;
    return 0;
}

int hw_sgd_parse_workers(const char *s, int max, int *w, int cap, int *n)
{
    char *seen = calloc((size_t)max + 1, 1);
    const char *p = s;
    int rc = seen ? 0 : -1;
    while (!rc) {
        int a, b;
        if (parse_count(&p, max, &a)) {
            rc = -1;
            break;
        }
        b = a;
        if (p[0] == '.' && p[1] == '.') {
            p += 2;
            if (parse_count(&p, max, &b) || b < a) {
                rc = -1;
                break;
            }
        }
        for (int k = a; k <= b; k++)
            seen[k] = 1;
        if (*p == 0)
            break;
        if (*p++ != ',')
            rc = -1;
    }
    *n = 0;
    for (int k = 1; !rc && k <= max; k++)
        if (seen[k]) {
            if (*n == cap)
                rc = -1;
            else
                w[(*n)++] = k;
        }
    free(seen);
    return rc;
}
