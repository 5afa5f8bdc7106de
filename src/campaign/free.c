/* Releases everything a campaign owns (safe on a zeroed or partly set-up one). */
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"

void hw_campaign_free(hw_campaign *c)
{
    hw_plan_free(&c->plan);
    hw_table_free(&c->lat);
    hw_table_free(&c->acc);
    hw_measured_free(&c->meas);
    for (size_t d = 0; c->dev && d < c->n_dev; d++)
        hw_front_free(&c->dev[d].front), hw_front_free(&c->dev[d].true_front);
    free(c->lat_row), free(c->acc_row), free(c->index_of), free(c->cand), free(c->dev);
    hw_journal_close(&c->journal);
    hw_batches_free(&c->batches);
    hw_nn_ws_free(&c->ws);
    free(c->proxy_lat), free(c->score), free(c->done), free(c->scores);
    free(c->pred_tab), free(c->bank_name);
    free(c->mat_name), free(c->mat_srcc), free(c->mat_kendall), free(c->mat_n);
    free(c->score_acc_srcc), free(c->score_acc_kendall), free(c->score_acc_n), free(c->score_srcc);
    memset(c, 0, sizeof *c);
}
