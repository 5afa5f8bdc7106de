/* OneProxy decision for one target: reuse the proxy (affine map of its
 * latencies) when latency monotonicity holds, else the AdaProxy predictor. */
#include <math.h>
#include <string.h>

#include "hwnas/latency.h"
#include "hwnas/stats.h"

/* Least squares y = a p + c. */
static void affine_fit(const double *p, const double *y, size_t n, double *a, double *c)
{
    double pm = 0, ym = 0, spp = 0, spy = 0;
    for (size_t i = 0; i < n; i++)
        pm += p[i], ym += y[i];
    pm /= (double)n, ym /= (double)n;
    for (size_t i = 0; i < n; i++)
        spp += (p[i] - pm) * (p[i] - pm), spy += (p[i] - pm) * (y[i] - ym);
    *a = spp > 0 ? spy / spp : 0;
    *c = ym - *a * pm;
}

int hw_target_fit_one(const double *w_proxy, size_t k, const double *X, const double *proxy_lat,
                      const double *y, size_t n, size_t n_train, double threshold,
                      hw_decide_rule rule, const hw_ada_opts *o, hw_target_fit *out, hw_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = hw_adaproxy_fit(w_proxy, k, X, y, n, n_train, o, &out->ada, err);
    if (rc)
        return rc;
    out->adapted_pred = out->ada.pred;
    out->reuse_pred.kind = HW_PRED_PROXY;
    out->reuse_pred.k = (int)k;
    affine_fit(proxy_lat, y, n, &out->reuse_pred.a, &out->reuse_pred.c);
    out->sample_srcc = hw_spearman(proxy_lat, y, n, NULL);
    int monotone = out->sample_srcc >= threshold;
    if (rule == HW_DECIDE_BY_CV)
        monotone = monotone && !(out->ada.est_srcc > out->sample_srcc);
    out->reuse = monotone;
    out->pred = monotone ? out->reuse_pred : out->adapted_pred;
    return HW_OK;
}
