/* Statistics over the gathered results (rank 0): each device's SRCC over all
 * table archs (raw proxy, final predictor, linear upper bound), the device x
 * device monotonicity matrix, and, in one pass over the journal, the Pareto
 * fronts with their hypervolume ratio and the proxy correlations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/campaign.h"
#include "hwnas/progress.h"
#include "hwnas/stats.h"

#define K HW_NB201_ONEHOT

double hw_campaign_true_lat(const hw_campaign *c, size_t d, uint32_t key)
{
    int col = c->dev[d].table_col;
    if (col >= 0)
        return c->lat_row[key] >= 0 ? c->lat.val[(size_t)c->lat_row[key] * c->lat.n_cols + (size_t)col] : NAN;
    for (size_t i = 0; i < c->meas.n; i++)
        if (c->meas.key[i] == key && strcmp(c->meas.device[i], c->dev[d].name) == 0)
            return c->meas.latency_ms[i];
    return NAN;
}

double hw_campaign_true_acc(const hw_campaign *c, uint32_t key)
{
    if (c->acc_col < 0 || c->acc_row[key] < 0)
        return NAN;
    return c->acc.val[(size_t)c->acc_row[key] * c->acc.n_cols + (size_t)c->acc_col];
}

/* SRCC of the least-squares operator-wise fit of column col over all its
 * rows: what no linear one-hot predictor can beat. */
static double upper_bound(const hw_campaign *c, int col, const double *X, double *tmp, hw_err *err)
{
    size_t n = c->lat.n_rows, m = 0;
    double *Xs = hw_calloc(n * K, sizeof *Xs, err), w[K];
    double *ys = tmp, *pred = tmp + n;
    if (!Xs)
        return NAN;
    for (size_t r = 0; r < n; r++) {
        double v = c->lat.val[r * c->lat.n_cols + (size_t)col];
        if (!isnan(v))
            memcpy(Xs + m * K, X + r * K, K * sizeof *X), ys[m++] = v;
    }
    double s = NAN;
    if (m > K && hw_lsq_minnorm(Xs, m, K, ys, 1e-10, w, err) == HW_OK) {
        for (size_t i = 0; i < m; i++) {
            pred[i] = 0;
            for (int j = 0; j < K; j++)
                pred[i] += Xs[i * K + j] * w[j];
        }
        s = hw_spearman(pred, ys, m, NULL);
    }
    free(Xs);
    return s;
}

static int device_stats(hw_campaign *c, hw_err *err)
{
    size_t n = c->lat.n_rows;
    double *X = hw_calloc(n * K, sizeof *X, err), *tmp = hw_calloc(2 * n, sizeof *tmp, err);
    double *truth = hw_calloc(n, sizeof *truth, err), *pred = hw_calloc(n, sizeof *pred, err);
    double *proxy = hw_calloc(n, sizeof *proxy, err);
    int rc = X && tmp && truth && pred && proxy ? HW_OK : HW_ENOMEM;
    for (size_t r = 0; !rc && r < n; r++) {
        hw_nb201_arch a;
        hw_nb201_from_key(c->lat.key[r], &a);
        hw_nb201_onehot(&a, X + r * K);
        proxy[r] = c->proxy_lat[c->lat.key[r]];
    }
    for (size_t d = 0; !rc && d < c->n_dev; d++) {
        hw_device *dv = &c->dev[d];
        dv->raw_srcc = dv->final_srcc = dv->ub_srcc = dv->final_kendall = NAN;
        if (dv->table_col < 0)
            continue;
        for (size_t r = 0; r < n; r++) {
            truth[r] = c->lat.val[r * c->lat.n_cols + (size_t)dv->table_col];
            pred[r] = hw_campaign_pred(c, d, c->lat.key[r], X + r * K);
        }
        dv->raw_srcc = hw_spearman(proxy, truth, n, &dv->n_truth);
        dv->final_srcc = hw_spearman(pred, truth, n, NULL);
        dv->final_kendall = hw_kendall_tau_b(pred, truth, n, NULL);
        dv->ub_srcc = upper_bound(c, dv->table_col, X, tmp, err);
    }
    free(X), free(tmp), free(truth), free(pred), free(proxy);
    return rc;
}

/* Column m of the monotonicity matrix over the table rows: a table column,
 * or a measured device's values on the rows it shares with the table. */
static void matrix_column(const hw_campaign *c, size_t m, double *v)
{
    size_t n = c->lat.n_rows;
    if (m < c->lat.n_cols) {
        for (size_t r = 0; r < n; r++)
            v[r] = c->lat.val[r * c->lat.n_cols + m];
        return;
    }
    for (size_t r = 0; r < n; r++)
        v[r] = NAN;
    for (size_t i = 0; i < c->meas.n; i++)
        if (strcmp(c->meas.device[i], c->mat_name[m]) == 0 && c->lat_row[c->meas.key[i]] >= 0)
            v[c->lat_row[c->meas.key[i]]] = c->meas.latency_ms[i];
}

static int device_matrix(hw_campaign *c, hw_err *err)
{
    size_t nm = c->lat.n_cols, n = c->lat.n_rows;
    c->mat_name = hw_calloc(nm + c->n_dev, sizeof *c->mat_name, err);
    if (!c->mat_name)
        return HW_ENOMEM;
    for (size_t j = 0; j < c->lat.n_cols; j++)
        c->mat_name[j] = c->lat.col[j];
    for (size_t d = 0; d < c->n_dev; d++)
        if (c->dev[d].table_col < 0)
            c->mat_name[nm++] = c->dev[d].name;
    c->n_mat = nm;
    c->mat_srcc = hw_calloc(nm * nm, sizeof *c->mat_srcc, err);
    c->mat_kendall = hw_calloc(nm * nm, sizeof *c->mat_kendall, err);
    c->mat_n = hw_calloc(nm * nm, sizeof *c->mat_n, err);
    double *cols = hw_calloc(nm * n, sizeof *cols, err);
    int rc = c->mat_srcc && c->mat_kendall && c->mat_n && cols ? HW_OK : HW_ENOMEM;
    for (size_t i = 0; !rc && i < nm; i++)
        matrix_column(c, i, cols + i * n);
    for (size_t i = 0; !rc && i < nm; i++)
        for (size_t j = i; j < nm; j++) {
            size_t ij = i * nm + j, ji = j * nm + i;
            c->mat_srcc[ij] = c->mat_srcc[ji] = hw_spearman(cols + i * n, cols + j * n, n, &c->mat_n[ij]);
            c->mat_kendall[ij] = c->mat_kendall[ji] = hw_kendall_tau_b(cols + i * n, cols + j * n, n, NULL);
            c->mat_n[ji] = c->mat_n[ij];
        }
    free(cols);
    return rc;
}

/* Correlations of the score vectors (gathered by collect()) with accuracy and each other. */
static int score_stats(hw_campaign *c, const double *acc, hw_err *err)
{
    size_t S = c->n_scores, n = c->n_cand;
    double *v = hw_calloc(S * n, sizeof *v, err);
    c->score_acc_srcc = hw_calloc(S, sizeof *c->score_acc_srcc, err);
    c->score_acc_kendall = hw_calloc(S, sizeof *c->score_acc_kendall, err);
    c->score_acc_n = hw_calloc(S, sizeof *c->score_acc_n, err);
    c->score_srcc = hw_calloc(S * S, sizeof *c->score_srcc, err);
    if (!v || !c->score_acc_srcc || !c->score_acc_kendall || !c->score_acc_n || !c->score_srcc) {
        free(v);
        return HW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) /* transpose to one vector per score */
        for (size_t s = 0; s < S; s++)
            v[s * n + i] = c->scores[i * S + s];
    for (size_t s = 0; s < S; s++) {
        c->score_acc_srcc[s] = hw_spearman(v + s * n, acc, n, &c->score_acc_n[s]);
        c->score_acc_kendall[s] = hw_kendall_tau_b(v + s * n, acc, n, NULL);
        for (size_t t = 0; t < S; t++)
            c->score_srcc[s * S + t] = hw_spearman(v + s * n, v + t * n, n, NULL);
    }
    free(v);
    return HW_OK;
}

/* Worst accuracy and worst true latency of device d among candidates with both. */
typedef struct { double acc, lat; } hv_ref;

/* One pass over the rows in candidate order: score vectors, accuracy, and
 * every device's predicted and true Pareto fronts (built incrementally). */
static int collect(hw_campaign *c, double *acc, hv_ref *ref, hw_err *err)
{
    double *row = hw_calloc(c->width, sizeof *row, err);
    int rc = row ? HW_OK : HW_ENOMEM;
    hw_progress pr;
    hw_progress_start(&pr, "evaluating (fronts, scores)", c->n_cand, c->plan.farm.progress_s);
    for (size_t d = 0; d < c->n_dev; d++)
        ref[d] = (hv_ref){INFINITY, -INFINITY};
    for (size_t i = 0; !rc && i < c->n_cand; i++) {
        if (i % 4096 == 0)
            hw_progress_update(&pr, i);
        rc = hw_campaign_row(c, i, row, err);
        acc[i] = hw_campaign_true_acc(c, c->cand[i]);
        memcpy(c->scores + i * c->n_scores, row, c->n_scores * sizeof *row);
        for (size_t d = 0; !rc && d < c->n_dev; d++) {
            double tl = hw_campaign_true_lat(c, d, c->cand[i]);
            if (hw_front_add(&c->dev[d].front, i, row[c->rank_by], row[c->n_scores + d]) ||
                hw_front_add(&c->dev[d].true_front, i, acc[i], tl))
                rc = hw_errf(err, HW_ENOMEM, "out of memory building Pareto fronts");
            if (!isnan(acc[i]) && !isnan(tl))
                ref[d].acc = fmin(ref[d].acc, acc[i]), ref[d].lat = fmax(ref[d].lat, tl);
        }
    }
    free(row);
    return rc;
}

/* HV(predicted front at true values) / HV(true front), reference = worst values. */
static double hv_ratio(const hw_campaign *c, size_t d, const double *acc, hv_ref ref)
{
    const hw_device *dv = &c->dev[d];
    size_t n = dv->front.n;
    if (isinf(ref.acc) || n == 0)
        return NAN;
    double *fa = malloc(n * sizeof *fa), *fl = malloc(n * sizeof *fl), r = NAN;
    for (size_t k = 0; fa && fl && k < n; k++) {
        size_t i = dv->front.idx[k];
        fa[k] = acc[i], fl[k] = hw_campaign_true_lat(c, d, c->cand[i]);
    }
    double hv_true = hw_hypervolume_2d(dv->true_front.score, dv->true_front.lat, dv->true_front.n, ref.acc, ref.lat);
    if (fa && fl && hv_true > 0)
        r = hw_hypervolume_2d(fa, fl, n, ref.acc, ref.lat) / hv_true;
    free(fa), free(fl);
    return r;
}

static int zico_bc_sweep(hw_campaign *c, const double *acc, hw_err *err);

static int candidate_stats(hw_campaign *c, hw_err *err)
{
    double *acc = hw_calloc(c->n_cand, sizeof *acc, err);
    hv_ref *ref = hw_calloc(c->n_dev, sizeof *ref, err);
    c->scores = hw_calloc(c->n_cand * c->n_scores, sizeof *c->scores, err);
    int rc = acc && ref && c->scores ? collect(c, acc, ref, err) : HW_ENOMEM;
    for (size_t d = 0; !rc && d < c->n_dev; d++)
        c->dev[d].hv_ratio = hv_ratio(c, d, acc, ref[d]);
    if (!rc)
        rc = score_stats(c, acc, err);
    if (!rc)
        rc = zico_bc_sweep(c, acc, err);
    free(acc), free(ref);
    return rc;
}

static int score_index(const hw_campaign *c, const char *name)
{
    for (size_t s = 0; s < c->n_scores; s++)
        if (strcmp(c->score[s]->name, name) == 0)
            return (int)s;
    return -1;
}

/* Cell depth = conv edges; width = non-`none` edges into the output node (parallel branches). */
static void cell_shape(uint32_t key, double *depth, double *width)
{
    hw_nb201_arch a;
    hw_nb201_from_key(key, &a);
    *depth = hw_nb201_conv_edges(&a);
    *width = (a.op[3] != HW_OP_NONE) + (a.op[4] != HW_OP_NONE) + (a.op[5] != HW_OP_NONE);
}

/* (score, position) pairs: score descending, then position ascending. */
static int cmp_desc(const void *x, const void *y)
{
    const double *a = x, *b = y;
    if (a[0] != b[0])
        return (a[0] < b[0]) - (a[0] > b[0]);
    return (a[1] > b[1]) - (a[1] < b[1]);
}

/* Mean depth and width of the 100 best-scored candidates (ties: lower position first). */
static void top_shape(const hw_campaign *c, const double *score, double *pair, double *depth, double *width)
{
    size_t n = c->n_cand, k = n < 100 ? n : 100;
    for (size_t i = 0; i < n; i++)
        pair[2 * i] = isnan(score[i]) ? -INFINITY : score[i], pair[2 * i + 1] = (double)i;
    qsort(pair, n, 2 * sizeof *pair, cmp_desc);
    double sd = 0, sw = 0;
    for (size_t j = 0; j < k; j++) {
        double d, w;
        cell_shape(c->cand[(size_t)pair[2 * j + 1]], &d, &w);
        sd += d, sw += w;
    }
    *depth = sd / (double)k, *width = sw / (double)k;
}

static int zico_bc_sweep(hw_campaign *c, const double *acc, hw_err *err)
{
    static const double betas[] = {0.0, 0.5, 1.0, 2.0};
    int z = score_index(c, "zico"), zb = score_index(c, "zico_bc");
    double b0 = c->env.zc.bc_beta;
    if (z < 0 || zb < 0 || c->acc_col < 0 || b0 == 0)
        return HW_OK;
    size_t n = c->n_cand, S = c->n_scores;
    double *v = hw_calloc(n, sizeof *v, err), *pair = hw_calloc(2 * n, sizeof *pair, err);
    int rc = v && pair ? HW_OK : HW_ENOMEM;
    for (size_t b = 0; !rc && b < sizeof betas / sizeof *betas; b++) {
        for (size_t i = 0; i < n; i++) {
            double zi = c->scores[i * S + (size_t)z], t = (zi - c->scores[i * S + (size_t)zb]) / b0;
            v[i] = isinf(zi) ? zi : zi - betas[b] * t; /* degenerate archs keep -inf */
        }
        c->sweep_beta[b] = betas[b];
        c->sweep_srcc[b] = hw_spearman(v, acc, n, NULL);
        c->sweep_kendall[b] = hw_kendall_tau_b(v, acc, n, NULL);
        top_shape(c, v, pair, &c->sweep_depth[b], &c->sweep_width[b]);
        c->n_sweep = b + 1;
    }
    free(v), free(pair);
    return rc;
}

int hw_campaign_evaluate(hw_campaign *c, hw_err *err)
{
    int rc = device_stats(c, err);
    if (!rc)
        rc = device_matrix(c, err);
    if (!rc)
        rc = candidate_stats(c, err);
    return rc;
}
