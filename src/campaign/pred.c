/* A device's predicted latency for an arch, whatever its predictor kind, and
 * the method/decision labels that the reports print. */
#include <stdio.h>

#include "hwnas/campaign.h"

double hw_campaign_pred(const hw_campaign *c, size_t d, uint32_t key, const double *x)
{
    const hw_devpred *p = &c->dev[d].pred;
    if (p->kind == HW_PRED_TABLE)
        return c->pred_tab[d * (size_t)HW_NB201_N_ARCHS + key];
    return hw_devpred_eval(p, x, c->proxy_lat[key]);
}

const char *hw_campaign_method_name(const hw_device *d)
{
    switch (d->method) {
    case HW_METHOD_MULTIPROXY: return "multiproxy";
    case HW_METHOD_DIRECT: return "direct";
    default: return "adaproxy";
    }
}

void hw_campaign_decision(const hw_campaign *c, const hw_device *d, char *buf, size_t len)
{
    if (d->is_proxy)
        snprintf(buf, len, "proxy");
    else if (d->method == HW_METHOD_ADAPROXY)
        snprintf(buf, len, "%s", d->fit.reuse ? "reuse" : "adapted");
    else if (d->exact_match >= 0 && (size_t)d->exact_match < c->n_bank && c->bank_name)
        snprintf(buf, len, "exact:%s", c->bank_name[d->exact_match]);
    else if (d->exact_match == -2)
        snprintf(buf, len, "sources-linear");
    else
        snprintf(buf, len, "%s", d->method == HW_METHOD_DIRECT ? "ridge" : "ensemble");
}
