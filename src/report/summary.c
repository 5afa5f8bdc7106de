/* summary.json and report.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hwnas/report.h"

int hw_report_summary(const hw_campaign *c, const char *dir, hw_err *err);
int hw_report_markdown(const hw_campaign *c, const char *dir, int with_plots, const hw_tput *tput, hw_err *err);

static void json_num(FILE *f, double v)
{
    if (!isfinite(v))
        fputs("null", f);
    else
        fprintf(f, "%.6f", v);
}

static void json_device(FILE *f, const hw_campaign *c, const hw_device *d)
{
    char decision[HW_NAME_MAX + 16];
    hw_campaign_decision(c, d, decision, sizeof decision);
    fprintf(f, "    \"%s\": {\"source\": \"%s\", \"raw_srcc\": ", d->name, d->table_col >= 0 ? "table" : "measured");
    json_num(f, d->raw_srcc);
    fputs(", \"final_srcc\": ", f), json_num(f, d->final_srcc);
    fputs(", \"linear_ub_srcc\": ", f), json_num(f, d->ub_srcc);
    fputs(", \"est_srcc\": ", f), json_num(f, d->is_proxy ? NAN : d->fit.ada.est_srcc);
    fputs(", \"sample_srcc\": ", f), json_num(f, d->is_proxy ? NAN : d->fit.sample_srcc);
    fprintf(f, ", \"n_samples\": %zu, \"decision\": \"%s\", \"hv_ratio\": ", d->n_samples, decision);
    json_num(f, d->hv_ratio);
    fprintf(f, ", \"front_size\": %zu}", d->front.n);
}

int hw_report_summary(const hw_campaign *c, const char *dir, hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, "summary.json", err);
    if (rc)
        return rc;
    fprintf(o.f, "{\n  \"campaign\": \"%s\",\n  \"space\": \"%s\",\n  \"seed\": %llu,\n  \"n_candidates\": %zu,\n"
            "  \"proxy\": \"%s\",\n  \"rank_by\": \"%s\",\n  \"devices\": {\n", c->plan.campaign, c->plan.space,
            (unsigned long long)c->plan.seed, c->n_cand, c->dev[0].name, c->score[c->rank_by]->name);
    for (size_t d = 0; d < c->n_dev; d++) {
        json_device(o.f, c, &c->dev[d]);
        fputs(d + 1 < c->n_dev ? ",\n" : "\n", o.f);
    }
    fprintf(o.f, "  },\n  \"wall_s\": %.3f,\n  \"ranks\": %d\n}\n", c->wall_s, c->ranks);
    return hw_out_commit(&o, err);
}

static void md_num(FILE *f, double v) { isfinite(v) ? fprintf(f, "%.4f", v) : fputs("n/a", f); }

/* OneProxy's 0.9 rule applied to the estimate from the samples alone: which
 * targets need more measurements (README, "Few-shot latency prediction"). */
static void md_measure_more(FILE *f, const hw_campaign *c)
{
    int any = 0;
    for (size_t d = 1; d < c->n_dev; d++) {
        const hw_device *v = &c->dev[d];
        double est = v->fit.reuse ? v->fit.sample_srcc : v->fit.ada.est_srcc; /* of the chosen predictor */
        if (!(est >= 0.9)) {
            fprintf(f, "%s`%s` (%zu samples, est. ", any ? ", " : "Estimated SRCC below 0.9, measure more archs: ",
                    v->name, v->n_samples);
            md_num(f, est), fputc(')', f);
            any = 1;
        }
    }
    fputs(any ? " (`hwnas suggest-measurements` picks which).\n\n" : "Every target's estimated SRCC is >= 0.9.\n\n", f);
}

static void md_devices(FILE *f, const hw_campaign *c)
{
    fprintf(f, "## Latency: proxy `%s` -> every target\n\n", c->dev[0].name);
    fputs("| device | samples | sample SRCC | raw SRCC | decision | est. SRCC | final SRCC | linear UB | gap | "
          "HV ratio |\n|---|---|---|---|---|---|---|---|---|---|\n", f);
    for (size_t d = 1; d < c->n_dev; d++) {
        const hw_device *v = &c->dev[d];
        fprintf(f, "| %s | %zu | ", v->name, v->n_samples);
        char decision[HW_NAME_MAX + 16];
        hw_campaign_decision(c, v, decision, sizeof decision);
        md_num(f, v->fit.sample_srcc), fputs(" | ", f), md_num(f, v->raw_srcc);
        fprintf(f, " | %s%s%s | ", v->method != HW_METHOD_ADAPROXY ? hw_campaign_method_name(v) : "",
                v->method != HW_METHOD_ADAPROXY ? " " : "", decision);
        md_num(f, v->fit.ada.est_srcc), fputs(" | ", f), md_num(f, v->final_srcc), fputs(" | ", f);
        md_num(f, v->ub_srcc), fputs(" | ", f), md_num(f, v->ub_srcc - v->final_srcc), fputs(" | ", f);
        md_num(f, v->hv_ratio);
        fputs(" |\n", f);
    }
    fputs("\nraw = SRCC(proxy latency, target) over all table archs; final = the chosen predictor; linear UB = "
          "least-squares operator-wise fit on all the target's archs; est. = cross-validated SRCC on the samples "
          "alone; HV ratio = hypervolume of the predicted front at true accuracy/latency over the true front's. "
          "Fit times: `adaproxy.csv`.\n\n",
          f);
    md_measure_more(f, c);
}

static void md_matrix(FILE *f, const hw_campaign *c)
{
    fputs("## Latency monotonicity between devices (SRCC, pairwise-complete)\n\n| |", f);
    for (size_t j = 0; j < c->n_mat; j++)
        fprintf(f, " %s |", c->mat_name[j]);
    fputs("\n|---|", f);
    for (size_t j = 0; j < c->n_mat; j++)
        fputs("---|", f);
    for (size_t i = 0; i < c->n_mat; i++) {
        fprintf(f, "\n| %s |", c->mat_name[i]);
        for (size_t j = 0; j < c->n_mat; j++) {
            double v = c->mat_srcc[i * c->n_mat + j];
            isfinite(v) ? fprintf(f, " %.2f |", v) : fputs(" n/a |", f);
        }
    }
    fputs("\n\nKendall tau and pair counts: `devices_srcc.csv`.\n\n", f);
}

static void md_scores(FILE *f, const hw_campaign *c)
{
    fputs("## Score proxies\n\n| proxy | unit |", f);
    if (c->acc_col >= 0)
        fprintf(f, " SRCC vs %s | Kendall vs %s | n |", c->plan.accuracy.column, c->plan.accuracy.column);
    fputs("\n|---|---|", f);
    if (c->acc_col >= 0)
        fputs("---|---|---|", f);
    for (size_t s = 0; s < c->n_scores; s++) {
        fprintf(f, "\n| %s | %s |", c->score[s]->name, c->score[s]->unit);
        if (c->acc_col >= 0) {
            fputc(' ', f), md_num(f, c->score_acc_srcc[s]), fputs(" | ", f);
            md_num(f, c->score_acc_kendall[s]);
            fprintf(f, " | %zu |", c->score_acc_n[s]);
        }
    }
    fputs("\n\n", f);
}

static void md_sweep(FILE *f, const hw_campaign *c)
{
    if (!c->n_sweep)
        return;
    fprintf(f, "## ZiCo-BC bias correction: beta sweep\n\nZiCo-BC(beta) = ZiCo - beta sum_l ln(H_l W_l / sqrt C_l); "
            "beta = 0 is ZiCo. Depth = conv edges per cell, width = non-none edges into the cell's output node, "
            "averaged over the 100 best-scored candidates.\n\n| beta | SRCC vs %s | Kendall | top-100 depth | "
            "top-100 width |\n|---|---|---|---|---|\n", c->plan.accuracy.column);
    for (size_t b = 0; b < c->n_sweep; b++) {
        fprintf(f, "| %g | ", c->sweep_beta[b]);
        md_num(f, c->sweep_srcc[b]), fputs(" | ", f), md_num(f, c->sweep_kendall[b]);
        fprintf(f, " | %.2f | %.2f |\n", c->sweep_depth[b], c->sweep_width[b]);
    }
    fputc('\n', f);
}

int hw_report_markdown(const hw_campaign *c, const char *dir, int with_plots, const hw_tput *tput, hw_err *err)
{
    hw_out o;
    int rc = hw_out_open(&o, dir, "report.md", err);
    if (rc)
        return rc;
    fprintf(o.f, "# hwnas campaign `%s`\n\n%zu candidates of space %s, seed %llu, proxy device `%s`, %zu target "
            "devices, Pareto fronts by `%s` (higher better) vs predicted latency. %d MPI ranks, %.2f s.\n\n",
            c->plan.campaign, c->n_cand, c->plan.space, (unsigned long long)c->plan.seed, c->dev[0].name,
            c->n_dev - 1, c->score[c->rank_by]->name, c->ranks, c->wall_s);
    fprintf(o.f, "Config: `%s`; latency table: `%s`.\n\n", c->plan.config_path, c->lat.path);
    md_devices(o.f, c);
    md_matrix(o.f, c);
    md_scores(o.f, c);
    md_sweep(o.f, c);
    hw_report_throughput_md(o.f, c, tput);
    if (with_plots)
        fputs("![device SRCC](devices_srcc.png)\n\n![Pareto fronts](pareto.png)\n", o.f);
    else
        fputs("(gnuplot was not found: no figures; the CSV files hold every number.)\n", o.f);
    return hw_out_commit(&o, err);
}
