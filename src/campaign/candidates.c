/* Candidate selection: every NB201 arch, a seeded sample, or a list file
 * (arch strings or benchmark indices, one per line, '#' comments). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/rng.h"

static const long *g_index; /* qsort has no context argument; set only inside sort_by_index */

static long order_key(uint32_t k) { return g_index[k] >= 0 ? g_index[k] : (long)HW_NB201_N_ARCHS + k; }

static int cmp_by_index(const void *a, const void *b)
{
    long x = order_key(*(const uint32_t *)a), y = order_key(*(const uint32_t *)b);
    return (x > y) - (x < y);
}

/* Benchmark index order; archs without a known index follow, by canonical key. */
static void sort_by_index(uint32_t *keys, size_t n, const long *index_of)
{
    g_index = index_of;
    qsort(keys, n, sizeof *keys, cmp_by_index);
    g_index = NULL;
}

static int select_all_or_sample(hw_campaign *c, size_t n, hw_err *err)
{
    size_t *idx = hw_calloc(HW_NB201_N_ARCHS, sizeof *idx, err);
    c->cand = hw_calloc(n, sizeof *c->cand, err);
    if (!idx || !c->cand) {
        free(idx);
        return HW_ENOMEM;
    }
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        idx[i] = i;
    if (n < HW_NB201_N_ARCHS) {
        hw_rng r;
        hw_rng_seed(&r, c->plan.seed, hw_hash_str("candidates"));
        hw_rng_partial_shuffle(&r, idx, HW_NB201_N_ARCHS, n);
    }
    for (size_t i = 0; i < n; i++)
        c->cand[i] = (uint32_t)idx[i];
    c->n_cand = n;
    free(idx);
    sort_by_index(c->cand, n, c->index_of);
    return HW_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* One line of a candidates file -> key. */
static int parse_candidate(const hw_campaign *c, const char *s, const char *path, int line, uint32_t *key,
                           hw_err *err)
{
    char why[256];
    if (s[0] == '|')
        return hw_nb201_key_fn(s, key, why, sizeof why)
                   ? hw_errf(err, HW_EINPUT, "%s:%d: invalid arch string: %s", path, line, why)
                   : HW_OK;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0)
        return hw_errf(err, HW_EINPUT, "%s:%d: '%s' is neither an arch string nor a non-negative arch index",
                       path, line, s);
    for (uint32_t k = 0; k < HW_NB201_N_ARCHS; k++)
        if (c->index_of[k] == v) {
            *key = k;
            return HW_OK;
        }
    return hw_errf(err, HW_EINPUT, "%s:%d: arch index %ld is not in the latency or accuracy table; give the arch "
                   "string instead", path, line, v);
}

static int add_unique(hw_campaign *c, uint8_t *seen, uint32_t key, const char *path, int line, hw_err *err)
{
    if (seen[key])
        return hw_errf(err, HW_EINPUT, "%s:%d: architecture listed twice; remove the duplicate", path, line);
    seen[key] = 1;
    if (c->n_cand % 1024 == 0) {
        uint32_t *n = realloc(c->cand, (c->n_cand + 1024) * sizeof *n);
        if (!n)
            return hw_errf(err, HW_ENOMEM, "out of memory reading %s", path);
        c->cand = n;
    }
    c->cand[c->n_cand++] = key;
    return HW_OK;
}

static int select_file(hw_campaign *c, hw_err *err)
{
    const char *path = c->plan.select_path;
    FILE *f = fopen(path, "r");
    if (!f)
        return hw_errf(err, HW_EINPUT, "%s:%d: candidates.path: cannot read '%s' (%s)", c->plan.config_path,
                       c->plan.select_line, path, strerror(errno));
    uint8_t *seen = hw_calloc(HW_NB201_N_ARCHS, 1, err);
    char buf[1024];
    int rc = seen ? HW_OK : HW_ENOMEM, line = 0;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        char *s = trim(buf);
        uint32_t key;
        if (*s && *s != '#' && !(rc = parse_candidate(c, s, path, line, &key, err)))
            rc = add_unique(c, seen, key, path, line, err);
    }
    if (!rc && c->n_cand == 0)
        rc = hw_errf(err, HW_EINPUT, "%s: no candidates in the file; list arch strings or indices, one per line",
                     path);
    fclose(f);
    free(seen);
    return rc;
}

/* n seeded draws with replacement, in draw order (scale tests). */
static int select_repeat(hw_campaign *c, size_t n, hw_err *err)
{
    if (!(c->cand = hw_calloc(n, sizeof *c->cand, err)))
        return HW_ENOMEM;
    hw_rng r;
    hw_rng_seed(&r, c->plan.seed, hw_hash_str("candidates-repeat"));
    for (size_t i = 0; i < n; i++)
        c->cand[i] = (uint32_t)hw_rng_below(&r, HW_NB201_N_ARCHS);
    c->n_cand = n;
    return HW_OK;
}

int hw_campaign_select(hw_campaign *c, hw_err *err)
{
    switch (c->plan.select) {
    case HW_SELECT_SAMPLE:
        if (c->plan.sample_n > HW_NB201_N_ARCHS)
            return hw_errf(err, HW_EINPUT, "%s:%d: candidates.n = %zu exceeds the %u archs of the space",
                           c->plan.config_path, c->plan.select_line, c->plan.sample_n, HW_NB201_N_ARCHS);
        return select_all_or_sample(c, c->plan.sample_n, err);
    case HW_SELECT_FILE:
        return select_file(c, err);
    case HW_SELECT_REPEAT:
        return select_repeat(c, c->plan.sample_n, err);
    default:
        return select_all_or_sample(c, HW_NB201_N_ARCHS, err);
    }
}
