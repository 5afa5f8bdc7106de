/* CSV reports: candidates, device monotonicity, AdaProxy decisions, proxy
 * correlations and the per-device Pareto fronts. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hwnas/progress.h"
#include "hwnas/report.h"

int hw_report_csvs(hw_campaign *c, const char *dir, hw_err *err);

#define G "%.10g"
#define R "%.6f"

void hw_report_arch_cells(FILE *f, const hw_campaign *c, uint32_t key, const char *sep, int md)
{
    hw_nb201_arch a;
    char s[HW_NB201_STR_MAX];
    hw_nb201_from_key(key, &a);
    hw_nb201_format(&a, s);
    if (c->index_of[key] >= 0)
        fprintf(f, "%ld", c->index_of[key]);
    fputs(sep, f);
    for (const char *p = s; *p; p++)
        fputs(md && *p == '|' ? "\\|" : (char[2]){*p, 0}, f);
}

static int write_candidates(hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    double *row = hw_calloc(c->width, sizeof *row, err);
    int rc = row ? hw_out_open(&o, dir, "candidates.csv", err) : HW_ENOMEM;
    if (rc) {
        free(row);
        return rc;
    }
    fputs("arch_index,arch_str", o.f);
    for (size_t s = 0; s < c->n_scores; s++)
        fprintf(o.f, ",%s", c->score[s]->name);
    for (size_t d = 0; d < c->n_dev; d++)
        fprintf(o.f, ",pred_%s", c->dev[d].name);
    for (size_t d = 0; d < c->n_dev; d++)
        fprintf(o.f, ",true_%s", c->dev[d].name);
    if (c->acc_col >= 0)
        fprintf(o.f, ",%s", c->plan.accuracy.column);
    fputc('\n', o.f);
    hw_progress pr;
    hw_progress_start(&pr, "writing candidates.csv", c->n_cand, c->plan.farm.progress_s);
    for (size_t i = 0; !rc && i < c->n_cand; i++) {
        if (i % 4096 == 0)
            hw_progress_update(&pr, i);
        if ((rc = hw_campaign_row(c, i, row, err)))
            break;
        hw_report_arch_cells(o.f, c, c->cand[i], ",", 0);
        for (size_t j = 0; j < c->width; j++)
            fputc(',', o.f), hw_out_num(o.f, G, row[j]);
        for (size_t d = 0; d < c->n_dev; d++)
            fputc(',', o.f), hw_out_num(o.f, G, hw_campaign_true_lat(c, d, c->cand[i]));
        if (c->acc_col >= 0)
            fputc(',', o.f), hw_out_num(o.f, G, hw_campaign_true_acc(c, c->cand[i]));
        fputc('\n', o.f);
    }
    free(row);
    if (rc) {
        hw_out_abort(&o);
        return rc;
    }
    return hw_out_commit(&o, err);
}

static int write_devices(const hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, "devices_srcc.csv", err);
    if (rc)
        return rc;
    fputs("device_a,device_b,n,srcc,kendall_tau\n", o.f);
    for (size_t i = 0; i < c->n_mat; i++)
        for (size_t j = 0; j < c->n_mat; j++) {
            size_t ij = i * c->n_mat + j;
            fprintf(o.f, "%s,%s,%zu,", c->mat_name[i], c->mat_name[j], c->mat_n[ij]);
            hw_out_num(o.f, R, c->mat_srcc[ij]);
            fputc(',', o.f);
            hw_out_num(o.f, R, c->mat_kendall[ij]);
            fputc('\n', o.f);
        }
    return hw_out_commit(&o, err);
}

static void adaproxy_row(FILE *f, const hw_campaign *c, const hw_device *d)
{
    const hw_target_fit *t = &d->fit;
    fprintf(f, "%s,%s,%zu,%zu,", d->name, d->table_col >= 0 ? "table" : "measured", d->n_samples, d->n_train);
    double v[] = {t->sample_srcc, d->raw_srcc, t->ada.est_srcc, d->final_srcc, d->final_kendall, d->ub_srcc,
                  d->ub_srcc - d->final_srcc};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        hw_out_num(f, R, v[i]), fputc(',', f);
    char decision[HW_NAME_MAX + 16];
    hw_campaign_decision(c, d, decision, sizeof decision);
    fprintf(f, "%s,", decision);
    int ada = d->method == HW_METHOD_ADAPROXY;
    double p[] = {t->ada.lambda, t->ada.mu, t->reuse ? t->reuse_pred.a : t->ada.a,
                  t->reuse ? t->reuse_pred.c : ada ? t->pred.c : NAN};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        hw_out_num(f, G, p[i]), fputc(',', f);
    fprintf(f, "%s,", hw_campaign_method_name(d));
    hw_out_num(f, G, d->fit_ms), fputc('\n', f);
}

static int write_adaproxy(const hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, "adaproxy.csv", err);
    if (rc)
        return rc;
    fputs("device,source,n_samples,n_train,sample_srcc,raw_srcc,est_srcc,final_srcc,final_kendall,"
          "linear_ub_srcc,gap_to_ub,decision,lambda,mu,a,c,method,fit_ms\n", o.f);
    for (size_t d = 1; d < c->n_dev; d++)
        adaproxy_row(o.f, c, &c->dev[d]);
    return hw_out_commit(&o, err);
}

static int write_proxies(const hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, "proxies_srcc.csv", err);
    if (rc)
        return rc;
    fputs("proxy,versus,n,srcc,kendall_tau\n", o.f);
    for (size_t s = 0; s < c->n_scores; s++) {
        if (c->acc_col >= 0) {
            fprintf(o.f, "%s,%s,%zu,", c->score[s]->name, c->plan.accuracy.column, c->score_acc_n[s]);
            hw_out_num(o.f, R, c->score_acc_srcc[s]), fputc(',', o.f);
            hw_out_num(o.f, R, c->score_acc_kendall[s]), fputc('\n', o.f);
        }
        for (size_t t = 0; t < c->n_scores; t++) {
            fprintf(o.f, "%s,%s,%zu,", c->score[s]->name, c->score[t]->name, c->n_cand);
            hw_out_num(o.f, R, c->score_srcc[s * c->n_scores + t]), fputs(",\n", o.f);
        }
    }
    return hw_out_commit(&o, err);
}

/* Rows of a front; the predicted front carries its scores and latencies, the
 * true front's come from the stored score vectors and the device predictor. */
static void front_rows(FILE *f, const hw_campaign *c, size_t d, const char *kind, const hw_front *fr)
{
    for (size_t k = 0; k < fr->n; k++) {
        size_t i = fr->idx[k];
        double x[HW_NB201_ONEHOT];
        hw_nb201_arch a;
        hw_nb201_from_key(c->cand[i], &a);
        hw_nb201_onehot(&a, x);
        fprintf(f, "%s,", kind);
        hw_report_arch_cells(f, c, c->cand[i], ",", 0);
        fputc(',', f), hw_out_num(f, G, c->scores[i * c->n_scores + (size_t)c->rank_by]);
        fputc(',', f), hw_out_num(f, G, hw_campaign_pred(c, d, c->cand[i], x));
        fputc(',', f), hw_out_num(f, G, hw_campaign_true_acc(c, c->cand[i]));
        fputc(',', f), hw_out_num(f, G, hw_campaign_true_lat(c, d, c->cand[i]));
        fputc('\n', f);
    }
}

static int write_pareto(const hw_campaign *c, size_t d, const char *dir, hw_err *err)
{
    hw_out o;
    char name[HW_NAME_MAX + 16];
    snprintf(name, sizeof name, "pareto_%s.csv", c->dev[d].name);
    int rc = hw_out_open(&o, dir, name, err);
    if (rc)
        return rc;
    fprintf(o.f, "front,arch_index,arch_str,%s,pred_latency_ms,true_accuracy,true_latency_ms\n",
            c->score[c->rank_by]->name);
    front_rows(o.f, c, d, "predicted", &c->dev[d].front);
    front_rows(o.f, c, d, "true", &c->dev[d].true_front);
    return hw_out_commit(&o, err);
}

static int write_sweep(const hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    int rc = c->n_sweep ? hw_out_open(&o, dir, "zico_bc_sweep.csv", err) : HW_OK;
    if (rc || !c->n_sweep)
        return rc;
    fprintf(o.f, "beta,srcc_vs_%s,kendall_vs_%s,top100_mean_depth,top100_mean_width\n", c->plan.accuracy.column,
            c->plan.accuracy.column);
    for (size_t b = 0; b < c->n_sweep; b++) {
        fprintf(o.f, "%g,", c->sweep_beta[b]);
        hw_out_num(o.f, R, c->sweep_srcc[b]), fputc(',', o.f);
        hw_out_num(o.f, R, c->sweep_kendall[b]), fputc(',', o.f);
        fprintf(o.f, "%.2f,%.2f\n", c->sweep_depth[b], c->sweep_width[b]);
    }
    return hw_out_commit(&o, err);
}

int hw_report_csvs(hw_campaign *c, const char *dir, hw_err *err)
{
    int rc = write_candidates(c, dir, err);
    if (!rc)
        rc = write_devices(c, dir, err);
    if (!rc)
        rc = write_adaproxy(c, dir, err);
    if (!rc)
        rc = write_proxies(c, dir, err);
    if (!rc)
        rc = write_sweep(c, dir, err);
    for (size_t d = 0; !rc && d < c->n_dev; d++)
        rc = write_pareto(c, d, dir, err);
    return rc;
}
