/* Predicted training throughput of the Pareto-optimal archs: throughput.csv and
 * report.md's section (contract: include/hwnas/report.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwnas/report.h"
#include "hwnas/sgd_sim.h"
#include "hwnas/sgd_synth.h"

/* sgd-predict's defaults for what the config does not set (src/cli/sgd_predict.c). */
#define WARMUP 2
#define STEPS 20
#define SEED 1
#define APPLY_US_PER_BYTE 0.25e-3
#define MSG_OVERHEAD_US 10.0

typedef struct {
    uint32_t key;
    double *r;          /* n_workers x 3: steps_per_s, step_us, util */
} cached;

typedef struct {
    cached *v;
    size_t n, cap;
} cache;

/* Simulates arch key for every worker count into out (n_workers x 3). */
static int simulate(const hw_plan *p, uint32_t key, double *out, hw_err *err)
{
    hw_nb201_arch a;
    hw_sgd_trace t = {0};
    hw_sgd_synth_cfg sc = {p->throughput.batch, p->throughput.gflops, APPLY_US_PER_BYTE, MSG_OVERHEAD_US};
    hw_nb201_from_key(key, &a);
    int rc = hw_sgd_synth_nb201(&a, &sc, &t, err);
    double lat = p->throughput.latency_us / 2, step1 = 0;
    hw_sgd_sim_cfg c = {1, WARMUP, STEPS, (hw_sgd_policy)p->throughput.pull, (hw_sgd_policy)p->throughput.push, SEED,
                        {p->throughput.bw_server, p->throughput.bw_worker, lat, lat}, 0, 0, 0, 0, HW_SGD_SHARE_FAIR, NULL, {0, 0}, 0};
    if (!rc)
        rc = hw_sgd_single_step_us(&t, &c, &step1, err); /* the phases' period */
    for (int k = 0; !rc && k < p->throughput.n_workers; k++) {
        c.workers = p->throughput.workers[k];
        hw_sgd_sim_result r;
        if ((rc = hw_sgd_simulate_phases(&t, &c, HW_SGD_PHASES_DEFAULT, step1, &r, err)))
            break;
        out[3 * k] = r.steps_per_s;
        out[3 * k + 1] = r.step_us;
        out[3 * k + 2] = r.util_down > r.util_up ? r.util_down : r.util_up;
        hw_sgd_sim_result_free(&r);
    }
    hw_sgd_trace_free(&t);
    return rc;
}

/* The cached results of key, simulated on first use; NULL on error. */
static const double *lookup(const hw_plan *p, cache *ch, uint32_t key, hw_err *err)
{
    for (size_t i = 0; i < ch->n; i++)
        if (ch->v[i].key == key)
            return ch->v[i].r;
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? 2 * ch->cap : 64;
        cached *v = realloc(ch->v, cap * sizeof *v);
        if (!v) {
            hw_errf(err, HW_ENOMEM, "out of memory caching throughput predictions");
            return NULL;
        }
        ch->v = v, ch->cap = cap;
    }
    double *r = hw_calloc((size_t)p->throughput.n_workers * 3, sizeof *r, err);
    if (!r)
        return NULL;
    if (simulate(p, key, r, err)) {
        free(r);
        return NULL;
    }
    ch->v[ch->n++] = (cached){key, r};
    return r;
}

/* The positions (in fr) of at most top points, highest score first, ties in front order. */
static size_t pick(const hw_front *fr, int top, size_t *sel)
{
    size_t n = 0;
    for (size_t k = 0; k < fr->n; k++) {
        size_t j;  /* insertion into the best n so far */
        if (n < (size_t)top)
            j = n++;
        else if (fr->score[k] > fr->score[sel[n - 1]])
            j = n - 1;
        else
            continue;
        while (j > 0 && fr->score[k] > fr->score[sel[j - 1]]) {
            sel[j] = sel[j - 1];
            j--;
        }
        sel[j] = k;
    }
    return n;
}

static int fill(const hw_campaign *c, cache *ch, hw_tput *t, hw_err *err)
{
    const hw_plan *p = &c->plan;
    size_t nw = (size_t)p->throughput.n_workers, total = 0, top = (size_t)p->throughput.top;
    for (size_t d = 0; d < c->n_dev; d++)
        total += (c->dev[d].front.n < top ? c->dev[d].front.n : top) * nw;
    t->row = hw_calloc(total ? total : 1, sizeof *t->row, err);
    size_t *sel = hw_calloc(top, sizeof *sel, err);
    int rc = t->row && sel ? 0 : HW_ENOMEM;
    for (size_t d = 0; !rc && d < c->n_dev; d++) {
        const hw_front *fr = &c->dev[d].front;
        size_t n = pick(fr, p->throughput.top, sel);
        for (size_t k = 0; !rc && k < n; k++) {
            size_t i = fr->idx[sel[k]];
            const double *r = lookup(p, ch, c->cand[i], err);
            if (!r) {
                rc = err->code ? err->code : HW_ENOMEM;
                break;
            }
            for (size_t w = 0; w < nw; w++)
                t->row[t->n++] = (hw_tput_row){d, i, p->throughput.workers[w], r[3 * w], r[3 * w + 1], r[3 * w + 2]};
        }
    }
    free(sel);
    return rc;
}

int hw_report_throughput(const hw_campaign *c, hw_tput *t, hw_err *err)
{
    cache ch = {0};
    *t = (hw_tput){0};
    if (!c->plan.throughput.enabled)
        return 0;
    int rc = fill(c, &ch, t, err);
    for (size_t i = 0; i < ch.n; i++)
        free(ch.v[i].r);
    free(ch.v);
    if (rc)
        hw_tput_free(t);
    return rc;
}

void hw_tput_free(hw_tput *t)
{
    free(t->row);
    *t = (hw_tput){0};
}

int hw_report_throughput_csv(const hw_campaign *c, const hw_tput *t, const char *dir, hw_err *err)
{
    hw_out o;
    if (!c->plan.throughput.enabled)
        return 0;
    int rc = hw_out_open(&o, dir, "throughput.csv", err);
    if (rc)
        return rc;
    fputs("device,arch_index,arch_str,workers,steps_per_s,step_us,util\n", o.f);
    for (size_t k = 0; k < t->n; k++) {
        const hw_tput_row *r = &t->row[k];
        fprintf(o.f, "%s,", c->dev[r->dev].name);
        hw_report_arch_cells(o.f, c, c->cand[r->cand], ",", 0);
        fprintf(o.f, ",%d,", r->workers);
        hw_out_num(o.f, "%.10g", r->steps_per_s), fputc(',', o.f);
        hw_out_num(o.f, "%.10g", r->step_us), fputc(',', o.f);
        hw_out_num(o.f, "%.6f", r->util), fputc('\n', o.f);
    }
    return hw_out_commit(&o, err);
}

void hw_report_throughput_md(FILE *f, const hw_campaign *c, const hw_tput *t)
{
    const hw_plan *p = &c->plan;
    size_t nw = (size_t)p->throughput.n_workers;
    if (!p->throughput.enabled)
        return;
    fprintf(f, "## Predicted training throughput\n\nAsynchronous parameter-server SGD (`hwnas sgd-predict` on a "
            "synthetic trace), steps/s summed over W workers: batch %d, %g GFLOP/s per worker, server link %g "
            "Mbit/s, worker links %g Mbit/s, latency %g us, pull `%s`, push `%s`. Up to %d archs per predicted "
            "front, highest `%s` first (`throughput.csv`).\n\n", p->throughput.batch, p->throughput.gflops,
            p->throughput.bw_server * 8, p->throughput.bw_worker * 8, p->throughput.latency_us,
            hw_sgd_policy_name((hw_sgd_policy)p->throughput.pull), hw_sgd_policy_name((hw_sgd_policy)p->throughput.push),
            p->throughput.top, c->score[c->rank_by]->name);
    for (size_t k = 0; k < t->n; k += nw) {
        if (k == 0 || t->row[k].dev != t->row[k - nw].dev) {
            fprintf(f, "%s### `%s`\n\n| arch_index | arch |", k ? "\n" : "", c->dev[t->row[k].dev].name);
            for (size_t w = 0; w < nw; w++)
                fprintf(f, " W=%d |", p->throughput.workers[w]);
            fputs("\n|---|---|", f);
            for (size_t w = 0; w < nw; w++)
                fputs("---|", f);
            fputc('\n', f);
        }
        fputs("| ", f);
        hw_report_arch_cells(f, c, c->cand[t->row[k].cand], " | `", 1);
        fputs("` |", f);
        for (size_t w = 0; w < nw; w++)
            fprintf(f, " %.4g |", t->row[k + w].steps_per_s);
        fputc('\n', f);
    }
    fputc('\n', f);
}
