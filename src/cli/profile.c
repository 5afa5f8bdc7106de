/* `hwnas profile`: this machine as a latency device (README "The host as a
 * latency device"). Options, arch selection and end-to-end measurement into a
 * latency CSV in the tables' format (arch_index,arch_str,host_1t,...). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hwnas/cli.h"
#include "hwnas/config.h"
#include "hwnas/csv.h"
#include "hwnas/progress.h"
#include "hwnas/rng.h"
#include "profile.h"

#define USAGE                                                                                                    \
    "usage: hwnas profile (--range A:B | --archs FILE | --sample N [--seed S]) [--threads 1,2] [--warmup W] "   \
    "[--repeats R] [--retries K] [--max-spread X] [--max-drift D] [--drift-block B] [--drift-wait S] [--max-noisy F] [--keep-noisy] [--out CSV] | --predictor FILE [--fit-archs N] " \
    "| --evaluate FILE (selection); see `hwnas --help`"

static int bad_opt(hw_err *err, const char *opt, const char *val, const char *what)
{
    return hw_errf(err, HW_EINPUT, "hwnas profile: %s '%s' %s; " USAGE, opt, val, what);
}

static int num_opt(const char *opt, const char *v, double lo, double hi, double *out, hw_err *err)
{
    char *end;
    errno = 0;
    *out = strtod(v, &end);
    if (end == v || *end || errno || !(*out >= lo && *out <= hi)) {
        char what[96];
        snprintf(what, sizeof what, "is not a number from %g to %g", lo, hi);
        return bad_opt(err, opt, v, what);
    }
    return HW_OK;
}

static int parse_threads(const char *v, prof_opts *o, hw_err *err)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", v);
    o->n_threads = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        double x;
        if (o->n_threads >= PROF_MAX_THREADS || num_opt("--threads", t, 1, 1024, &x, err) || x != (int)x)
            return bad_opt(err, "--threads", v, "is not a list of at most 8 thread counts, e.g. 1,2");
        o->threads[o->n_threads++] = (int)x;
    }
    return o->n_threads ? HW_OK : bad_opt(err, "--threads", v, "is empty");
}

static void defaults(prof_opts *o, char *table, size_t len)
{
    memset(o, 0, sizeof *o);
    const char *d = getenv("HWNAS_DATA_DIR");
    char data[HW_PATH_MAX - 32];
    if (d && *d)
        snprintf(data, sizeof data, "%s", d);
    else
        hw_default_data_dir(data, sizeof data);
    snprintf(table, len, "%s/latency/nb201.csv", data);
    o->table = table;
    o->seed = 1, o->threads[0] = 1, o->n_threads = 1;
    o->warmup = 3, o->repeats = 7, o->retries = 2, o->fit_archs = 30, o->max_age_days = HW_OPW_MAX_AGE_DAYS;
    o->max_spread = 0.05, o->max_noisy = 0.01, o->min_sample_ms = 2;
    o->max_drift = 0.10, o->drift_block = 50, o->drift_wait = 120;
}

static int parse_args(int argc, char **argv, prof_opts *o, char *table, size_t len, hw_err *err)
{
    defaults(o, table, len);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        int rc = HW_OK;
        if (!strcmp(a, "--keep-noisy")) {
            o->keep_noisy = 1;
            continue;
        }
        if (!v)
            return hw_errf(err, HW_EINPUT, "hwnas profile: '%s' needs a value or is unknown; " USAGE, a);
        i++;
        if (!strcmp(a, "--range")) o->range = v;
        else if (!strcmp(a, "--archs")) o->archs = v;
        else if (!strcmp(a, "--out")) o->out = v;
        else if (!strcmp(a, "--predictor")) o->predictor = v;
        else if (!strcmp(a, "--evaluate")) o->evaluate = v;
        else if (!strcmp(a, "--table")) o->table = v;
        else if (!strcmp(a, "--threads")) rc = parse_threads(v, o, err);
        else if (!strcmp(a, "--sample")) { rc = num_opt(a, v, 1, HW_NB201_N_ARCHS, &x, err); o->sample = (long)x; }
        else if (!strcmp(a, "--seed")) { rc = num_opt(a, v, 0, 1e18, &x, err); o->seed = (uint64_t)x; }
        else if (!strcmp(a, "--warmup")) { rc = num_opt(a, v, 0, 1e6, &x, err); o->warmup = (int)x; }
        else if (!strcmp(a, "--repeats")) { rc = num_opt(a, v, 3, 1e6, &x, err); o->repeats = (int)x; }
        else if (!strcmp(a, "--retries")) { rc = num_opt(a, v, 0, 100, &x, err); o->retries = (int)x; }
        else if (!strcmp(a, "--fit-archs")) { rc = num_opt(a, v, 2, HW_OPW_MAX_FIT, &x, err); o->fit_archs = (int)x; }
        else if (!strcmp(a, "--max-spread")) rc = num_opt(a, v, 0, 1e9, &o->max_spread, err);
        else if (!strcmp(a, "--max-drift")) rc = num_opt(a, v, 0, 1e9, &o->max_drift, err);
        else if (!strcmp(a, "--drift-block")) { rc = num_opt(a, v, 0, 1e6, &x, err); o->drift_block = (int)x; }
        else if (!strcmp(a, "--drift-wait")) rc = num_opt(a, v, 0, 86400, &o->drift_wait, err);
        else if (!strcmp(a, "--max-noisy")) rc = num_opt(a, v, 0, 1, &o->max_noisy, err);
        else if (!strcmp(a, "--max-age-days")) { rc = num_opt(a, v, 0, 1e6, &x, err); o->max_age_days = (int)x; }
        else return hw_errf(err, HW_EINPUT, "hwnas profile: unknown option '%s'; " USAGE, a);
        if (rc)
            return rc;
    }
    int sel = !!o->range + !!o->archs + !!o->sample;
    if (o->predictor && (sel || o->evaluate))
        return hw_errf(err, HW_EINPUT, "hwnas profile: --predictor profiles fixed ops and archs: give no selection "
                       "and no --evaluate; " USAGE);
    if (!o->predictor && sel != 1)
        return hw_errf(err, HW_EINPUT, "hwnas profile: give exactly one of --range, --archs, --sample; " USAGE);
    return HW_OK;
}

int prof_index_load(const char *path, prof_index *ix, hw_err *err)
{
    int rc = hw_table_load(path, hw_nb201_key_fn, &ix->t, err);
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        ix->key_to_index[i] = ix->index_to_row[i] = -1;
    for (size_t r = 0; !rc && r < ix->t.n_rows; r++) {
        long idx = ix->t.arch_index[r];
        if (idx < 0 || idx >= (long)HW_NB201_N_ARCHS)
            return hw_errf(err, HW_EINPUT, "%s:%d: arch_index %ld is not an NB201 index 0..15624", path,
                           ix->t.line[r], idx);
        ix->key_to_index[ix->t.key[r]] = idx, ix->index_to_row[idx] = (long)r;
    }
    return rc;
}

void prof_archs_free(prof_archs *a)
{
    free(a->key), free(a->index);
    a->key = NULL, a->index = NULL, a->n = 0;
}

static int excluded(uint32_t key, const uint32_t *excl, int n)
{
    for (int i = 0; i < n; i++)
        if (excl[i] == key)
            return 1;
    return 0;
}

static int add_index(const prof_index *ix, long idx, const uint32_t *excl, int n_excl, prof_archs *a)
{
    long r = idx >= 0 && idx < (long)HW_NB201_N_ARCHS ? ix->index_to_row[idx] : -1;
    if (r < 0)
        return -1;
    if (!excluded(ix->t.key[r], excl, n_excl))
        a->key[a->n] = ix->t.key[r], a->index[a->n++] = idx;
    return 0;
}

/* One arch a line: an arch_index or an arch string; '#' comments. */
static int read_arch_file(const prof_opts *o, const prof_index *ix, const uint32_t *excl, int n_excl,
                          prof_archs *a, hw_err *err)
{
    FILE *f = fopen(o->archs, "r");
    if (!f)
        return hw_errf(err, HW_EINPUT, "%s: cannot read (%s); --archs takes a file of arch indices or strings",
                       o->archs, strerror(errno));
    char buf[512];
    int line = 0, rc = HW_OK;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        buf[strcspn(buf, "\r\n#")] = 0;
        if (!buf[0] || a->n >= HW_NB201_N_ARCHS)
            continue;
        long idx;
        hw_nb201_arch arch;
        char why[128];
        if (hw_csv_index(buf, &idx)) {
            if (add_index(ix, idx, excl, n_excl, a))
                rc = hw_errf(err, HW_EINPUT, "%s:%d: arch_index %ld is not in %s; use 0..15624", o->archs, line, idx,
                             o->table);
        } else if (hw_nb201_parse(buf, &arch, why, sizeof why) == 0) {
            add_index(ix, ix->key_to_index[hw_nb201_key(&arch)], excl, n_excl, a);
        } else {
            rc = hw_errf(err, HW_EINPUT, "%s:%d: '%s' is neither an arch_index nor an NB201 arch string (%s)",
                         o->archs, line, buf, why);
        }
    }
    fclose(f);
    return rc;
}

int prof_select(const prof_opts *o, const prof_index *ix, const uint32_t *excl, int n_excl, prof_archs *a,
                hw_err *err)
{
    memset(a, 0, sizeof *a);
    a->key = hw_calloc(HW_NB201_N_ARCHS, sizeof *a->key, err);
    a->index = a->key ? hw_calloc(HW_NB201_N_ARCHS, sizeof *a->index, err) : NULL;
    if (!a->index)
        return HW_ENOMEM;
    if (o->archs)
        return read_arch_file(o, ix, excl, n_excl, a, err);
    if (o->range) {
        long lo, hi;
        char extra;
        if (sscanf(o->range, "%ld:%ld%c", &lo, &hi, &extra) != 2 || lo < 0 || hi <= lo || hi > (long)HW_NB201_N_ARCHS)
            return bad_opt(err, "--range", o->range, "is not A:B with 0 <= A < B <= 15625 (indices A..B-1)");
        for (long i = lo; i < hi; i++)
            add_index(ix, i, excl, n_excl, a);
        return HW_OK;
    }
    size_t all[HW_NB201_N_ARCHS], n = 0;
    for (size_t i = 0; i < HW_NB201_N_ARCHS; i++)
        if (ix->index_to_row[i] >= 0 && !excluded(ix->t.key[ix->index_to_row[i]], excl, n_excl))
            all[n++] = i;
    size_t k = (size_t)o->sample < n ? (size_t)o->sample : n;
    hw_rng r;
    hw_rng_seed(&r, o->seed, 0x70726f66ULL);
    hw_rng_partial_shuffle(&r, all, n, k);
    for (size_t i = 0; i < k; i++)
        add_index(ix, (long)all[i], NULL, 0, a);
    return HW_OK;
}

hw_host_opts prof_host_opts(const prof_opts *o, int threads)
{
    hw_host_opts h = {threads, o->warmup, o->repeats, o->retries, o->max_spread, o->min_sample_ms,
                      hw_nb201_default(10)};
    return h;
}

void prof_sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* The drift guard's canary: a mid-cost arch (all four op kinds, ~1.5 ms at 1 thread here). */
void prof_canary_arch(hw_nb201_arch *a)
{
    static const uint8_t ops[HW_NB201_EDGES] = {HW_OP_CONV3, HW_OP_CONV1, HW_OP_POOL3, HW_OP_SKIP, HW_OP_CONV3,
                                                HW_OP_CONV1};
    for (int e = 0; e < HW_NB201_EDGES; e++)
        a->op[e] = ops[e];
}

/* Times archs [b0, b1) into ms; flags noisy ones in bad. */
static int time_block(hw_host *h, const prof_archs *a, size_t b0, size_t b1, double *ms,
                      unsigned char *bad, double *sum_spread, hw_err *err)
{
    for (size_t i = b0; i < b1; i++) {
        hw_nb201_arch arch;
        hw_timing t;
        hw_nb201_from_key(a->key[i], &arch);
        int rc = hw_host_arch(h, &arch, &t, err);
        if (rc)
            return rc;
        ms[i] = t.median_ms, bad[i] = (unsigned char)t.noisy;
        *sum_spread += t.spread;
    }
    return HW_OK;
}

/* Re-times the canary every 2 s until it is within lim or wait_s seconds have
 * passed; *c gets the last canary time. */
static int wait_for_canary(hw_host *h, const hw_nb201_arch *canary, double lim, double wait_s, int threads, double *c,
                           hw_err *err)
{
    double t0 = hw_now();
    hw_timing ct;
    int rc = HW_OK;
    if (wait_s <= 0)
        return HW_OK;
    fprintf(stderr, "[hwnas] host_%dt: waiting up to %.0f s for the canary to come back under %.4f ms\n", threads,
            wait_s, lim);
    while (!rc && *c > lim && hw_now() - t0 < wait_s) {
        prof_sleep_s(2);
        if ((rc = hw_host_arch(h, canary, &ct, err)) == HW_OK)
            *c = ct.median_ms;
    }
    if (!rc)
        fprintf(stderr, "[hwnas] host_%dt: canary %.4f ms after %.0f s of waiting%s\n", threads, *c, hw_now() - t0,
                *c > lim ? " (still slow)" : "");
    return rc;
}

int prof_measure(const prof_opts *o, int threads, const prof_archs *a, double ref_ms, double *ms, size_t *n_noisy,
                 hw_err *err)
{
    hw_host_opts ho = prof_host_opts(o, threads);
    hw_host *h;
    int pinned, rc = hw_host_open(&ho, &h, &pinned, err);
    if (rc)
        return rc;
    if (!pinned)
        fprintf(stderr, "[hwnas] warning: host_%dt: could not pin to %d CPUs (%d allowed); timings unpinned\n",
                threads, threads, hw_host_ncpu());
    unsigned char *bad = calloc(a->n ? a->n : 1, 1);
    if (!bad) {
        hw_host_close(h);
        return hw_errf(err, HW_ENOMEM, "profile: out of memory for %zu archs", a->n);
    }
    double t0 = hw_now(), last = t0, sum_spread = 0, best = INFINITY;
    size_t block = o->drift_block > 0 ? (size_t)o->drift_block : (a->n ? a->n : 1), retimed = 0;
    hw_nb201_arch canary;
    hw_timing ct;
    prof_canary_arch(&canary);
    if (o->drift_block > 0 && (rc = hw_host_arch(h, &canary, &ct, err)) == HW_OK)
        best = ref_ms > 0 ? fmin(ref_ms, ct.median_ms) : ct.median_ms;
    if (!rc && o->drift_block > 0 && ref_ms > 0)
        fprintf(stderr, "[hwnas] host_%dt: drift guard: canary %.4f ms now, %.4f ms in the predictor file\n", threads,
                ct.median_ms, ref_ms);
    *n_noisy = 0;
    for (size_t b0 = 0; !rc && b0 < a->n; b0 += block) {
        size_t b1 = b0 + block < a->n ? b0 + block : a->n;
        int drifted = 0;
        for (int attempt = 0; !rc; attempt++) {
            double spread = 0;
            if ((rc = time_block(h, a, b0, b1, ms, bad, &spread, err)))
                break;
            if (o->drift_block <= 0) {
                sum_spread += spread;
                break;
            }
            if ((rc = hw_host_arch(h, &canary, &ct, err)))
                break;
            drifted = ct.median_ms > (1 + o->max_drift) * best;
            if (ct.median_ms < best)
                best = ct.median_ms;
            if (!drifted || attempt >= o->retries) {
                sum_spread += spread;
                break;
            }
            retimed += b1 - b0;
            fprintf(stderr, "[hwnas] warning: host_%dt: drift: canary %.4f ms > %.0f %% above its best %.4f ms; "
                    "timing archs %zu..%zu again\n", threads, ct.median_ms, 100 * o->max_drift, best, b0, b1 - 1);
            double c = ct.median_ms;
            if ((rc = wait_for_canary(h, &canary, (1 + o->max_drift) * best, o->drift_wait, threads, &c, err)))
                break;
        }
        for (size_t i = b0; !rc && i < b1; i++) {
            int noisy = bad[i] || drifted;
            if (noisy && ++*n_noisy <= 10)
                fprintf(stderr, "[hwnas] warning: host_%dt: arch_index %ld: %s; %s\n", threads, a->index[i],
                        drifted ? "machine speed drifted during its block after every retry"
                                : "spread above --max-spread after every retry",
                        o->keep_noisy ? "kept its median (--keep-noisy)" : "left empty");
            if (noisy && !o->keep_noisy)
                ms[i] = NAN;
        }
        if (!rc && (hw_now() - last >= 10 || b1 == a->n)) {
            last = hw_now();
            fprintf(stderr, "[hwnas] host_%dt: %zu/%zu archs, %.0f s, mean spread %.1f %%, %zu noisy, %zu re-timed "
                    "(drift)\n", threads, b1, a->n, last - t0, 100 * sum_spread / (double)b1, *n_noisy, retimed);
        }
    }
    free(bad);
    hw_host_close(h);
    return rc;
}

static int write_csv(const prof_opts *o, const prof_index *ix, const prof_archs *a, const double *ms, hw_err *err)
{
    FILE *f = o->out ? fopen(o->out, "w") : stdout;
    if (!f)
        return hw_errf(err, HW_EIO, "%s: cannot write (%s)", o->out, strerror(errno));
    fprintf(f, "arch_index,arch_str");
    for (int t = 0; t < o->n_threads; t++)
        fprintf(f, ",host_%dt", o->threads[t]);
    fprintf(f, "\n");
    for (size_t i = 0; i < a->n; i++) {
        fprintf(f, "%ld,%s", a->index[i], ix->t.arch_str[ix->index_to_row[a->index[i]]]);
        for (int t = 0; t < o->n_threads; t++)
            if (isnan(ms[t * a->n + i]))
                fprintf(f, ",");
            else
                fprintf(f, ",%.6g", ms[t * a->n + i]);
        fprintf(f, "\n");
    }
    if (o->out ? fclose(f) != 0 : fflush(f) != 0)
        return hw_errf(err, HW_EIO, "%s: write failed (%s)", o->out ? o->out : "stdout", strerror(errno));
    return HW_OK;
}

static int cmd_measure(const prof_opts *o, const prof_index *ix, hw_err *err)
{
    prof_archs a;
    int rc = prof_select(o, ix, NULL, 0, &a, err);
    double *ms = rc ? NULL : hw_calloc((size_t)o->n_threads * (a.n ? a.n : 1), sizeof *ms, err);
    size_t worst = 0;
    int worst_t = 0;
    if (!rc && !ms)
        rc = HW_ENOMEM;
    for (int t = 0; !rc && t < o->n_threads; t++) {
        size_t noisy;
        rc = prof_measure(o, o->threads[t], &a, 0, ms + (size_t)t * a.n, &noisy, err);
        if (noisy > worst)
            worst = noisy, worst_t = o->threads[t];
    }
    if (!rc)
        rc = write_csv(o, ix, &a, ms, err);
    if (!rc && a.n && (double)worst > o->max_noisy * (double)a.n)
        rc = hw_errf(err, HW_ENUM, "host_%dt: %zu of %zu archs kept a spread above --max-spread %g after %d "
                     "retries (more than --max-noisy %g): the machine is too noisy to trust; run rejected (the CSV "
                     "is written, noisy cells empty unless --keep-noisy); rerun on a quiet machine", worst_t, worst, a.n, o->max_spread, o->retries,
                     o->max_noisy);
    free(ms);
    prof_archs_free(&a);
    return rc;
}

int hw_cmd_profile(int argc, char **argv)
{
    hw_err err = {0};
    prof_opts o;
    char table[HW_PATH_MAX];
    int rc = parse_args(argc, argv, &o, table, sizeof table, &err);
    prof_index *ix = NULL;
    if (!rc && o.predictor)
        rc = prof_cmd_predictor(&o, &err);
    else if (!rc) {
        ix = hw_calloc(1, sizeof *ix, &err);
        rc = ix ? prof_index_load(o.table, ix, &err) : HW_ENOMEM;
        if (!rc)
            rc = o.evaluate ? prof_cmd_evaluate(&o, ix, &err) : cmd_measure(&o, ix, &err);
    }
    if (ix)
        hw_table_free(&ix->t);
    free(ix);
    if (rc)
        fprintf(stderr, "hwnas: error: %s\n", err.msg);
    return rc;
}
