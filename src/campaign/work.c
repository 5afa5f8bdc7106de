/* The farm's work function: every configured score and the predicted latency
 * on every device, for candidates [first, first + count). */
#include <stdio.h>
#include <time.h>

#include "hwnas/campaign.h"

/* Test hooks (see campaign.h): a delay per chunk and a trace of computed chunks. */
static void test_hooks(const hw_campaign *c, size_t first, size_t count)
{
    if (c->test_delay_ms > 0) {
        struct timespec ts = {c->test_delay_ms / 1000, (c->test_delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    FILE *f = c->test_trace ? fopen(c->test_trace, "a") : NULL;
    if (f) {
        fprintf(f, "%zu %zu\n", first, count);
        fclose(f);
    }
}

int hw_campaign_work(size_t first, size_t count, double *out, void *ctx, hw_err *err)
{
    const hw_campaign *c = ctx;
    for (size_t i = 0; i < count; i++) {
        uint32_t key = c->cand[first + i];
        hw_nb201_arch a;
        double x[HW_NB201_ONEHOT], *row = out + i * c->width;
        hw_nb201_from_key(key, &a);
        hw_nb201_onehot(&a, x);
        long index = c->index_of[key];
        for (size_t s = 0; s < c->n_scores; s++) {
            int rc = c->score[s]->fn(&a, index, &c->env, &row[s], err);
            if (rc)
                return rc;
        }
        for (size_t d = 0; d < c->n_dev; d++)
            row[c->n_scores + d] = hw_campaign_pred(c, d, key, x);
    }
    test_hooks(c, first, count);
    return HW_OK;
}
