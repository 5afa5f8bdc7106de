/* Rank 0's results store: the campaign fingerprint, the journal (new or
 * resumed) and access to the rows in candidate order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwnas/campaign.h"

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n--)
        h = (h ^ *p++) * 0x100000001b3ULL;
    return h;
}

/* Everything that determines the rows: config text, seed, candidates,
 * score proxies and the fitted predictors (which depend on the data). */
static int fingerprint(hw_campaign *c, hw_err *err)
{
    FILE *f = fopen(c->plan.config_path, "rb");
    if (!f)
        return hw_errf(err, HW_EIO, "%s: cannot reread the config (%s)", c->plan.config_path, strerror(errno));
    uint64_t h = 0xcbf29ce484222325ULL;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv(h, buf, n);
    fclose(f);
    h = fnv(h, &c->plan.seed, sizeof c->plan.seed);
    h = fnv(h, c->cand, c->n_cand * sizeof *c->cand);
    for (size_t s = 0; s < c->n_scores; s++)
        h = fnv(h, c->score[s]->name, strlen(c->score[s]->name) + 1);
    for (size_t d = 0; d < c->n_dev; d++)
        h = fnv(h, &c->dev[d].pred, sizeof c->dev[d].pred);
    if (c->pred_tab)
        h = fnv(h, c->pred_tab, c->n_dev * (size_t)HW_NB201_N_ARCHS * sizeof *c->pred_tab);
    c->fingerprint = h;
    return HW_OK;
}

int hw_campaign_open_journal(hw_campaign *c, const char *dir, int resume, hw_err *err)
{
    char path[HW_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/journal.bin", dir);
    int rc = fingerprint(c, err);
    if (!rc && !(c->done = hw_calloc(c->n_cand, 1, err)))
        rc = HW_ENOMEM;
    if (rc)
        return rc;
    int exists = access(path, F_OK) == 0;
    if (exists && !resume)
        return hw_errf(err, HW_EINPUT, "%s: an interrupted run left this journal; continue it with `hwnas run %s "
                       "--resume`, or delete it to start over", path, c->plan.config_path);
    if (!exists)
        return hw_journal_create(&c->journal, path, (uint32_t)c->width, c->n_cand, c->fingerprint, 1.0, err);
    rc = hw_journal_resume(&c->journal, path, (uint32_t)c->width, c->n_cand, c->fingerprint, 1.0, c->done, err);
    for (size_t i = 0; !rc && i < c->n_cand; i++)
        c->n_resumed += c->done[i];
    if (!rc)
        fprintf(stderr, "[hwnas] resume: %zu of %zu candidates are in the journal%s; computing the other %zu\n",
                c->n_resumed, c->n_cand, c->journal.dropped_bytes ? " (a torn last record was dropped)" : "",
                c->n_cand - c->n_resumed);
    return rc;
}

int hw_campaign_sink(size_t first, size_t count, const double *rows, void *ctx, hw_err *err)
{
    hw_campaign *c = ctx;
    return hw_journal_append(&c->journal, first, count, rows, err);
}

int hw_campaign_row(hw_campaign *c, size_t i, double *row, hw_err *err)
{
    return hw_journal_row(&c->journal, i, row, err);
}
