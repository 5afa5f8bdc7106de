/* Latency fitting on rank 0: the proxy's operator-wise predictor, then for
 * every target its seeded samples (random, or diverse in the sources' latency
 * space) and the OneProxy / AdaProxy decision, or the multiproxy / direct fit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/multiproxy.h"
#include "hwnas/progress.h"
#include "hwnas/rng.h"
#include "hwnas/stats.h"

#define K HW_NB201_ONEHOT

static void onehot_key(uint32_t key, double *x)
{
    hw_nb201_arch a;
    hw_nb201_from_key(key, &a);
    hw_nb201_onehot(&a, x);
}

/* Least-squares operator-wise fit of table column col over its known rows.
 * Weights are for latencies divided by their median (returned in *scale). */
static int fit_column(const hw_table *t, int col, double *w, double *scale, hw_err *err)
{
    double *X = hw_calloc(t->n_rows * K, sizeof *X, err), *y = hw_calloc(t->n_rows, sizeof *y, err);
    size_t m = 0;
    int rc = X && y ? HW_OK : HW_ENOMEM;
    for (size_t r = 0; !rc && r < t->n_rows; r++) {
        double v = t->val[r * t->n_cols + (size_t)col];
        if (!isnan(v)) {
            onehot_key(t->key[r], X + m * K);
            y[m++] = v;
        }
    }
    *scale = hw_median_finite(y, m);
    for (size_t i = 0; !rc && i < m; i++)
        y[i] /= *scale;
    if (!rc && m < K)
        rc = hw_errf(err, HW_EINPUT, "%s: column '%s' has %zu values; an operator-wise fit needs at least %d",
                     t->path, t->col[col], m, K);
    if (!rc)
        rc = hw_lsq_minnorm(X, m, K, y, 1e-10, w, err);
    free(X), free(y);
    return rc;
}

/* Linear predictor in ms from normalised weights. */
static hw_devpred linear_pred(const double *w, double scale)
{
    hw_devpred p = {.kind = HW_PRED_LINEAR, .k = K, .a = 1.0, .c = 0.0};
    for (int j = 0; j < K; j++)
        p.w[j] = w[j] * scale;
    return p;
}

static int fit_proxy(hw_campaign *c, hw_err *err)
{
    double scale;
    int rc = fit_column(&c->lat, c->dev[0].table_col, c->w_proxy, &scale, err);
    if (rc)
        return rc;
    c->proxy_model = linear_pred(c->w_proxy, scale);
    c->proxy_lat = hw_calloc(HW_NB201_N_ARCHS, sizeof *c->proxy_lat, err);
    if (!c->proxy_lat)
        return HW_ENOMEM;
    for (uint32_t k = 0; k < HW_NB201_N_ARCHS; k++) {
        double x[K], v = NAN;
        if (c->lat_row[k] >= 0)
            v = c->lat.val[(size_t)c->lat_row[k] * c->lat.n_cols + (size_t)c->dev[0].table_col];
        onehot_key(k, x);
        c->proxy_lat[k] = isnan(v) ? hw_devpred_eval(&c->proxy_model, x, NAN) : v;
    }
    c->dev[0].pred = (hw_devpred){.kind = HW_PRED_PROXY, .k = K, .a = 1.0, .c = 0.0};
    return HW_OK;
}

/* The sample of target d: (key, latency) pairs, drawn with the seed and the
 * device name (independent of device order and rank count). */
typedef struct { uint32_t *key; double *y; size_t n; } sample_set;

static int draw_pool(hw_rng *r, size_t want, uint32_t *pk, double *py, size_t m, sample_set *s, hw_err *err)
{
    size_t *idx = hw_calloc(m, sizeof *idx, err);
    if (!idx)
        return HW_ENOMEM;
    for (size_t i = 0; i < m; i++)
        idx[i] = i;
    s->n = want < m ? want : m;
    hw_rng_partial_shuffle(r, idx, m, s->n);
    for (size_t i = 0; i < s->n; i++)
        s->key[i] = pk[idx[i]], s->y[i] = py[idx[i]];
    free(idx);
    return HW_OK;
}

static int draw_samples(const hw_campaign *c, const hw_mp_bank *bank, const hw_device *d, sample_set *s,
                        hw_err *err)
{
    size_t cap = c->lat.n_rows + c->meas.n;
    uint32_t *pk = hw_calloc(cap, sizeof *pk, err);
    double *py = hw_calloc(cap, sizeof *py, err);
    s->key = hw_calloc(cap, sizeof *s->key, err);
    s->y = hw_calloc(cap, sizeof *s->y, err);
    int rc = pk && py && s->key && s->y ? HW_OK : HW_ENOMEM;
    size_t m = 0;
    for (size_t r = 0; !rc && d->table_col >= 0 && r < c->lat.n_rows; r++) {
        double v = c->lat.val[r * c->lat.n_cols + (size_t)d->table_col];
        if (!isnan(v))
            pk[m] = c->lat.key[r], py[m++] = v;
    }
    for (size_t i = 0; !rc && i < c->meas.n; i++)
        if (strcmp(c->meas.device[i], d->name) == 0)
            pk[m] = c->meas.key[i], py[m++] = c->meas.latency_ms[i];
    hw_rng r;
    hw_rng_seed(&r, c->plan.seed, hw_hash_str(d->name));
    size_t want = (size_t)(c->plan.latency.train_samples + c->plan.latency.val_samples);
    if (!rc && bank && c->plan.latency.sample_select == HW_SAMPLES_DIVERSE)
        rc = hw_campaign_draw_diverse(c, bank, d->name, pk, py, m, want, s->key, s->y, &s->n, err);
    else if (!rc)
        rc = draw_pool(&r, want, pk, py, m, s, err);
    free(pk), free(py);
    return rc;
}

static hw_ada_opts ada_opts(const hw_plan *p)
{
    hw_ada_opts o = {p->latency.lambda_select == HW_LAMBDA_HOLDOUT ? HW_ADA_LAMBDA_HOLDOUT : HW_ADA_LAMBDA_CV,
                     p->latency.cv_folds, p->latency.mu_min, p->latency.mu_max, p->latency.mu_steps};
    return o;
}

/* Too few samples is an input error naming its source; a table column with fewer
 * values than asked for is a warning. */
static int check_sample_count(const hw_campaign *c, const hw_device *d, size_t n, hw_err *err)
{
    size_t want = (size_t)(c->plan.latency.train_samples + c->plan.latency.val_samples);
    if (n < 4 && d->table_col >= 0)
        return hw_errf(err, HW_EINPUT, "%s: device '%s' has a latency for only %zu archs; AdaProxy needs at least 4: "
                       "fill the column or drop the device from latency.targets", c->lat.path, d->name, n);
    if (n < 4)
        return hw_errf(err, HW_EINPUT, "%s: device '%s' has only %zu measured latencies; AdaProxy needs at least 4: "
                       "measure more archs (`hwnas --help`)", c->meas.path, d->name, n);
    if (n < want && d->table_col >= 0) /* a measured device uses all its rows, as documented */
        fprintf(stderr, "[hwnas] warning: device '%s' has %zu latencies, fewer than train_samples + val_samples = %zu: "
                "using all %zu\n", d->name, n, want, n);
    return HW_OK;
}

static int fit_target(hw_campaign *c, const hw_mp_bank *bank, hw_device *d, hw_err *err)
{
    const hw_plan *p = &c->plan;
    sample_set s = {0};
    int rc = draw_samples(c, bank, d, &s, err);
    double *X = rc ? NULL : hw_calloc(s.n * K, sizeof *X, err);
    double *pl = rc ? NULL : hw_calloc(s.n, sizeof *pl, err);
    if (!rc && (!X || !pl))
        rc = HW_ENOMEM;
    if (!rc)
        rc = check_sample_count(c, d, s.n, err);
    for (size_t i = 0; !rc && i < s.n; i++) {
        onehot_key(s.key[i], X + i * K);
        pl[i] = c->proxy_lat[s.key[i]];
    }
    if (!rc) {
        size_t tr = (size_t)p->latency.train_samples, all = tr + (size_t)p->latency.val_samples;
        d->n_samples = s.n;
        d->n_train = s.n * tr / all;
        hw_ada_opts o = ada_opts(p);
        double t0 = hw_now();
        if (p->latency.method != HW_METHOD_ADAPROXY)
            rc = hw_campaign_fit_multi(c, bank, d, s.key, s.y, s.n, err);
        else
            rc = hw_target_fit_one(c->w_proxy, K, X, pl, s.y, s.n, d->n_train, p->latency.srcc_threshold,
                                   p->latency.decision == HW_DECIDE_THRESHOLD ? HW_DECIDE_BY_THRESHOLD
                                                                              : HW_DECIDE_BY_CV,
                                   &o, &d->fit, err);
        d->fit_ms = 1e3 * (hw_now() - t0);
        d->pred = d->fit.pred;
    }
    if (rc && err && !strstr(err->msg, d->name)) {
        char m[sizeof err->msg];
        snprintf(m, sizeof m, "%s", err->msg);
        hw_errf(err, rc, "device '%s': %.900s", d->name, m);
    }
    free(s.key), free(s.y), free(X), free(pl);
    return rc;
}

int hw_campaign_fit(hw_campaign *c, hw_err *err)
{
    int rc = fit_proxy(c, err);
    hw_mp_bank bank = {0};
    int need_bank = c->plan.latency.method != HW_METHOD_ADAPROXY ||
                    c->plan.latency.sample_select == HW_SAMPLES_DIVERSE;
    if (!rc && need_bank)
        rc = hw_campaign_bank(c, &bank, err);
    hw_progress pr;
    hw_progress_start(&pr, "latency fits", c->n_dev - 1, c->plan.farm.progress_s);
    for (size_t d = 1; !rc && d < c->n_dev; d++) {
        rc = fit_target(c, need_bank ? &bank : NULL, &c->dev[d], err);
        hw_progress_update(&pr, d);
    }
    hw_mp_bank_free(&bank);
    return rc;
}
