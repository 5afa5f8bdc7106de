/* `hwnas profile --predictor FILE`: the op-wise predictor of this machine
 * (units in isolation + a few end-to-end archs), its characterisation table
 * and file; `hwnas profile --evaluate FILE`: its accuracy on held-out archs
 * against two independent measurement passes (the repeatability bound). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwnas/progress.h"
#include "hwnas/stats.h"
#include "profile.h"

typedef struct {
    hw_host *h;
    int threads, noisy;
    double max_spread;
} host_dev;

static void note_noisy(host_dev *d, const char *what, const hw_timing *t)
{
    if (!t->noisy)
        return;
    d->noisy++;
    fprintf(stderr, "[hwnas] warning: host_%dt: %s: spread %.1f %% > %.1f %% after %d tries; kept its median\n",
            d->threads, what, 100 * t->spread, 100 * d->max_spread, t->tries);
}

static int dev_unit(void *ctx, int u, double *ms, hw_err *err)
{
    host_dev *d = ctx;
    hw_timing t;
    int rc = hw_host_unit(d->h, u, &t, err);
    note_noisy(d, hw_opw_unit_name(u), &t);
    *ms = t.median_ms;
    return rc;
}

static int dev_arch(void *ctx, const hw_nb201_arch *a, double *ms, hw_err *err)
{
    host_dev *d = ctx;
    hw_timing t;
    char s[HW_NB201_STR_MAX];
    int rc = hw_host_arch(d->h, a, &t, err);
    hw_nb201_format(a, s);
    note_noisy(d, s, &t);
    *ms = t.median_ms;
    return rc;
}

/* The characterisation: per unit time, rates and arithmetic intensity; the
 * gap between the isolated ops' sum and the fused network. */
static void print_model(const hw_opw_model *m, const hw_nb201_net *net)
{
    printf("\n%s: %d measurements in %.1f s; one scale: end-to-end = %.4f x sum(ops) %+.4f ms\n", m->device,
           m->measurements, m->seconds, m->scale, m->overhead_ms);
    printf("per kind (the predictor): end-to-end = stem + resblocks + head");
    for (int k = 0; k < HW_OPW_KINDS; k++)
        printf(" + %.4f x %s", m->kind_scale[k], hw_opw_kind_name(k));
    printf(" %+.4f ms\n", m->kind_overhead_ms);
    printf("| unit | ms | MFLOP | MB | GFLOP/s | GB/s | FLOP/byte |\n|---|---|---|---|---|---|---|\n");
    for (int u = 0; u < HW_OPW_UNITS; u++) {
        double fl, by, t = m->unit_ms[u];
        hw_opw_unit_cost(u, net, &fl, &by);
        printf("| %s | %.4f | %.2f | %.3f | %.2f | %.2f | %.2f |\n", hw_opw_unit_name(u), t, fl * 1e-6, by * 1e-6,
               t > 0 ? fl / t * 1e-6 : 0, t > 0 ? by / t * 1e-6 : 0, fl / by);
    }
    printf("| fit arch | end-to-end ms | sum of ops ms | gap %% |\n|---|---|---|---|\n");
    for (int i = 0; i < m->n_fit; i++) {
        hw_nb201_arch a;
        char s[HW_NB201_STR_MAX];
        hw_nb201_from_key(m->fit_key[i], &a);
        hw_nb201_format(&a, s);
        double so = hw_opw_sum_ops(m, &a, net);
        printf("| %s | %.4f | %.4f | %+.1f |\n", s, m->fit_ms[i], so, 100 * (m->fit_ms[i] - so) / m->fit_ms[i]);
    }
}

/* The drift guard of the profiling (hwnas/host.h measures spread within one
 * measurement only; a shared machine can also run slower for minutes): the
 * canary arch is timed PROBES times over ~3 s to find the machine's fast state,
 * then before and after each profiling attempt; an attempt whose canaries are
 * more than max_drift slower than the fastest canary seen is repeated after a
 * pause, up to ATTEMPTS times (then kept, with a warning). */
#define PROBES 10
#define ATTEMPTS 30
static int profile_guarded(const prof_opts *o, host_dev *d, const hw_opw_dev *dev, const hw_nb201_net *net,
                           hw_opw_model *m, hw_err *err)
{
    hw_nb201_arch canary;
    hw_timing t;
    prof_canary_arch(&canary);
    double best = INFINITY;
    int rc = HW_OK;
    for (int k = 0; !rc && o->drift_block > 0 && k < PROBES; k++) {
        if ((rc = hw_host_arch(d->h, &canary, &t, err)) == HW_OK && t.median_ms < best)
            best = t.median_ms;
        prof_sleep_s(0.3);
    }
    for (int attempt = 1; !rc; attempt++) {
        double c0 = 0, c1 = 0;
        if (o->drift_block > 0 && (rc = hw_host_arch(d->h, &canary, &t, err)) == HW_OK)
            c0 = t.median_ms;
        if (!rc)
            rc = hw_opw_profile(dev, net, o->fit_archs, o->seed, m, err);
        if (!rc && o->drift_block > 0 && (rc = hw_host_arch(d->h, &canary, &t, err)) == HW_OK)
            c1 = t.median_ms;
        if (rc || o->drift_block <= 0)
            break;
        best = fmin(best, fmin(c0, c1));
        double lim = (1 + o->max_drift) * best;
        if (c0 <= lim && c1 <= lim)
            break;
        if (attempt == ATTEMPTS) {
            fprintf(stderr, "[hwnas] warning: host_%dt: machine speed drifted in every one of %d profiling attempts "
                    "(canary %.4f / %.4f ms, best %.4f ms): the predictor may be off; re-profile on a quiet "
                    "machine\n", d->threads, ATTEMPTS, c0, c1, best);
            break;
        }
        fprintf(stderr, "[hwnas] warning: host_%dt: drift during profiling (canary %.4f / %.4f ms, best %.4f ms); "
                "profiling again in 2 s\n", d->threads, c0, c1, best);
        d->noisy = 0;
        prof_sleep_s(2);
    }
    if (!rc && isfinite(best))
        m->canary_ms = best;
    return rc;
}

int prof_cmd_predictor(const prof_opts *o, hw_err *err)
{
    hw_opw_model m[PROF_MAX_THREADS];
    hw_nb201_net net = hw_nb201_default(10);
    int rc = HW_OK;
    memset(m, 0, sizeof m);
    for (int i = 0; !rc && i < o->n_threads; i++) {
        hw_host_opts ho = prof_host_opts(o, o->threads[i]);
        host_dev d = {NULL, o->threads[i], 0, o->max_spread};
        int pinned;
        if ((rc = hw_host_open(&ho, &d.h, &pinned, err)))
            break;
        if (!pinned)
            fprintf(stderr, "[hwnas] warning: host_%dt: not pinned (%d CPUs allowed)\n", o->threads[i],
                    hw_host_ncpu());
        hw_opw_dev dev = {&d, dev_unit, dev_arch};
        double t0 = hw_now();
        rc = profile_guarded(o, &d, &dev, &net, &m[i], err);
        m[i].seconds = hw_now() - t0;
        m[i].threads = o->threads[i];
        snprintf(m[i].device, sizeof m[i].device, "host_%dt", o->threads[i]);
        hw_host_cpu(m[i].cpu, sizeof m[i].cpu, m[i].blas_core, sizeof m[i].blas_core);
        hw_opw_today(m[i].date, sizeof m[i].date);
        hw_host_close(d.h);
        if (!rc)
            print_model(&m[i], &net);
        if (!rc && d.noisy)
            fprintf(stderr, "[hwnas] warning: host_%dt: %d of %d measurements were noisy: the predictor may be off; "
                    "re-profile on a quiet machine\n", o->threads[i], d.noisy, m[i].measurements);
    }
    if (!rc)
        rc = hw_opw_save(o->predictor, m, o->n_threads, err);
    if (!rc)
        fprintf(stderr, "[hwnas] predictor written to %s\n", o->predictor);
    return rc;
}

static void print_metrics(const char *what, const double *p, const double *y, size_t n)
{
    hw_lat_metrics mt;
    hw_lat_metrics_of(p, y, n, &mt);
    printf("| %s | %zu | %.4f | %.2f | %.1f | %.1f | %.4f |\n", what, mt.n_used, mt.rmse, mt.rmspe, mt.within5,
           mt.within10, mt.srcc);
}

/* Per-arch CSV of the evaluation: both passes and the prediction. */
static void write_eval(FILE *f, const prof_index *ix, const prof_archs *a, const char *dev, const double *pa,
                       const double *pb, const double *pr)
{
    for (size_t i = 0; i < a->n; i++)
        fprintf(f, "%s,%ld,%s,%.6g,%.6g,%.6g\n", dev, a->index[i], ix->t.arch_str[ix->index_to_row[a->index[i]]],
                pa[i], pb[i], pr[i]);
}

static int evaluate_one(const prof_opts *o, const prof_index *ix, const hw_opw_model *m, FILE *csv, hw_err *err)
{
    char cpu[128], core[64], today[32], msg[512];
    hw_host_cpu(cpu, sizeof cpu, core, sizeof core);
    hw_opw_today(today, sizeof today);
    if (hw_opw_check(m, cpu, core, today, o->max_age_days, msg, sizeof msg))
        fprintf(stderr, "[hwnas] warning: %s\n", msg);
    prof_archs a;
    int rc = prof_select(o, ix, m->fit_key, m->n_fit, &a, err);
    size_t n = a.n, noisy;
    double *buf = rc ? NULL : hw_calloc(4 * (n ? n : 1), sizeof *buf, err), gap = 0;
    size_t n_gap = 0;
    if (!rc && !buf)
        rc = HW_ENOMEM;
    double *pa = buf, *pb = buf + n, *pr = buf + 2 * n, *so = buf + 3 * n;
    hw_nb201_net net = hw_nb201_default(10);
    double t0 = hw_now();
    if (!rc)
        rc = prof_measure(o, m->threads, &a, m->canary_ms, pa, &noisy, err);
    double t1 = hw_now();
    if (!rc)
        rc = prof_measure(o, m->threads, &a, m->canary_ms, pb, &noisy, err);
    for (size_t i = 0; !rc && i < n; i++) {
        hw_nb201_arch arch;
        hw_nb201_from_key(a.key[i], &arch);
        pr[i] = hw_opw_predict(m, &arch, &net), so[i] = hw_opw_sum_ops(m, &arch, &net);
        if (isfinite(pa[i]))
            gap += (pa[i] - so[i]) / pa[i], n_gap++;
    }
    if (!rc) {
        printf("\n%s on %zu held-out archs (pass A: %.0f s); predictor file: %d measurements, %.1f s\n", m->device, n,
               t1 - t0, m->measurements, m->seconds);
        printf("| compared | n | RMSE ms | RMSPE %% | ±5 %% | ±10 %% | SRCC |\n|---|---|---|---|---|---|---|\n");
        print_metrics("op-wise predictor vs pass A", pr, pa, n);
        print_metrics("op-wise predictor vs pass B", pr, pb, n);
        print_metrics("repeatability: pass B vs pass A", pb, pa, n);
        print_metrics("sum of isolated ops vs pass A", so, pa, n);
        printf("mean (end-to-end - sum of isolated ops) / end-to-end: %+.1f %%\n", n_gap ? 100 * gap / (double)n_gap : NAN);
        if (csv)
            write_eval(csv, ix, &a, m->device, pa, pb, pr);
    }
    free(buf);
    prof_archs_free(&a);
    return rc;
}

int prof_cmd_evaluate(const prof_opts *o, const prof_index *ix, hw_err *err)
{
    hw_opw_model *m = hw_calloc(PROF_MAX_THREADS, sizeof *m, err);
    int n = 0, rc = m ? hw_opw_load(o->evaluate, m, PROF_MAX_THREADS, &n, err) : HW_ENOMEM;
    FILE *csv = NULL;
    if (!rc && o->out && !(csv = fopen(o->out, "w")))
        rc = hw_errf(err, HW_EIO, "%s: cannot write", o->out);
    if (csv)
        fprintf(csv, "device,arch_index,arch_str,pass_a_ms,pass_b_ms,predicted_ms\n");
    for (int t = 0; !rc && t < o->n_threads; t++) {
        char name[32];
        snprintf(name, sizeof name, "host_%dt", o->threads[t]);
        const hw_opw_model *d = hw_opw_find(m, n, name);
        if (!d)
            rc = hw_errf(err, HW_EINPUT, "%s: no device %s; profile it with `hwnas profile --predictor FILE "
                         "--threads %d`", o->evaluate, name, o->threads[t]);
        else
            rc = evaluate_one(o, ix, d, csv, err);
    }
    if (csv && fclose(csv) != 0 && !rc)
        rc = hw_errf(err, HW_EIO, "%s: write failed", o->out);
    free(m);
    return rc;
}
