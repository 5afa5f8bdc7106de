/* Multiproxy / direct fit of one target on rank 0. The model is collapsed to
 * its per-arch predictions over every NB201 key (c->pred_tab, broadcast to the
 * workers): exact, and cheaper for workers than shipping every source's
 * latencies (the multiproxy model needs each source's table value per arch,
 * so no linear one-hot predictor reproduces it except when B is unused). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/multiproxy.h"
#include "hwnas/stats.h"

static int ensure_table(hw_campaign *c, hw_err *err)
{
    if (!c->pred_tab)
        c->pred_tab = hw_calloc(c->n_dev * (size_t)HW_NB201_N_ARCHS, sizeof *c->pred_tab, err);
    return c->pred_tab ? HW_OK : HW_ENOMEM;
}

/* d's report fields: no AdaProxy parameters; est = the LOO SRCC estimate. */
static void fill_report(hw_campaign *c, hw_device *d, const hw_mp_model *m, const size_t *src, const uint32_t *key,
                        const double *y, size_t n, double *tmp)
{
    memset(&d->fit, 0, sizeof d->fit);
    for (size_t i = 0; i < n; i++)
        tmp[i] = c->proxy_lat[key[i]];
    d->fit.sample_srcc = hw_spearman(tmp, y, n, NULL);
    d->fit.ada.est_srcc = m->est_srcc;
    d->fit.ada.lambda = d->fit.ada.a = d->fit.ada.val_srcc = d->fit.ada.b_norm = NAN;
    d->fit.ada.mu = m->lambda_gm; /* the members' ridge parameter (geometric mean) */
    d->pred = (hw_devpred){.kind = HW_PRED_TABLE, .k = HW_NB201_ONEHOT, .a = 1.0, .c = 0.0};
    d->fit.pred = d->fit.adapted_pred = d->pred;
    d->method = c->plan.latency.method;
    d->exact_match = m->reuse >= 0 ? (int)src[m->reuse] : m->sources_linear ? -2 : -1;
}

int hw_campaign_fit_multi(hw_campaign *c, const hw_mp_bank *b, hw_device *d, const uint32_t *key, const double *y,
                          size_t n, hw_err *err)
{
    size_t *src = hw_calloc(c->n_bank + 1, sizeof *src, err), n_src = 0;
    size_t *rows = hw_calloc(n, sizeof *rows, err);
    double *tmp = hw_calloc(n, sizeof *tmp, err);
    int rc = src && rows && tmp ? ensure_table(c, err) : HW_ENOMEM;
    if (!rc)
        rc = hw_campaign_sources(c, d->name, src, &n_src, err);
    hw_mp_opts o = hw_mp_default_opts(c->plan.latency.method == HW_METHOD_DIRECT ? HW_MP_DIRECT : HW_MP_MULTI);
    hw_mp_model m;
    for (size_t i = 0; !rc && i < n; i++)
        rows[i] = key[i];
    if (!rc)
        rc = hw_mp_fit(b, src, n_src, rows, y, n, &o, &m, err);
    if (!rc) {
        double *row = c->pred_tab + (size_t)(d - c->dev) * HW_NB201_N_ARCHS;
        for (uint32_t k = 0; k < HW_NB201_N_ARCHS; k++)
            row[k] = hw_mp_predict(b, &m, k);
        fill_report(c, d, &m, src, key, y, n, tmp);
        hw_mp_model_free(&m);
    }
    free(src), free(rows), free(tmp);
    return rc;
}
