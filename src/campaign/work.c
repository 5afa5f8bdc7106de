/* The farm's work function: every configured score and the predicted latency
 * on every device, for candidates [first, first + count). */
#include "hwnas/campaign.h"

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
            row[c->n_scores + d] = hw_devpred_eval(&c->dev[d].pred, x, c->proxy_lat[key]);
    }
    return HW_OK;
}
